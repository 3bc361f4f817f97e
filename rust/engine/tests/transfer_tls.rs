//! HTTPS to an emulator with its own certificate: trusted only through the
//! extra CA (`DKCLOUD_CA_CERT` / `HttpOptions::extra_ca_pem`).

mod transfer_support;

use dkcloud_engine::testing::token::StaticToken;
use dkcloud_engine::testing::http::{Http, HttpOptions};
use dkcloud_engine::testing::onedrive::OneDrive;
use dkcloud_engine::testing::remote::Remote;
use dkcloud_engine::{Endpoints, Error, ServiceKind};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use transfer_support::TOKEN;

#[tokio::test]
async fn an_emulator_certificate_is_trusted_only_as_an_extra_ca() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let emu = dkcloud_emulator::start(dkcloud_emulator::Config {
        tls_cert: Some(cert_path.clone()),
        tls_key: Some(key_path),
        static_token: Some(TOKEN.into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let graph = Endpoints::emulator(&emu.base_url()).graph;
    assert!(graph.starts_with("https://"));
    let cancel = CancellationToken::new();
    let tokens = Arc::new(StaticToken::new(ServiceKind::OneDrive, TOKEN));

    let trusting = Http::new(&HttpOptions { extra_ca_pem: Some(cert_path), ..Default::default() }).unwrap();
    let account = OneDrive::new(trusting, &graph, tokens.clone()).account(&cancel).await.unwrap();
    assert_eq!(account.name, dkcloud_emulator::USER_NAME);

    let mut strict_opts = HttpOptions { extra_ca_pem: None, ..Default::default() };
    strict_opts.pacer.max_attempts = 1;
    let strict = Http::new(&strict_opts).unwrap();
    let refused = OneDrive::new(strict, &graph, tokens).account(&cancel).await;
    assert!(matches!(&refused, Err(Error::Network { message, .. }) if message.contains("certificate")), "{refused:?}");
    emu.shutdown().await;
}

#[test]
fn a_missing_ca_file_is_a_clear_configuration_error() {
    let r = Http::new(&HttpOptions { extra_ca_pem: Some("/nonexistent/ca.pem".into()), ..Default::default() });
    assert!(matches!(&r, Err(Error::Config(m)) if m.contains("/nonexistent/ca.pem")), "{r:?}");
}
