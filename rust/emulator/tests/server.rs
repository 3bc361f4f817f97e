//! The binary's command line, TLS, and restart behaviour.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn binary_prints_its_address_as_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dkcloud-emulator"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on http://127.0.0.1:").expect(&line);
    let port: u16 = addr.parse().expect("a real port");
    assert_ne!(port, 0);
    let status = std::net::TcpStream::connect(("127.0.0.1", port));
    child.kill().unwrap();
    let _ = child.wait();
    assert!(status.is_ok(), "the printed port accepts connections");
    assert!(dir.path().join("onedrive").is_dir() && dir.path().join("dropbox").is_dir());
}

#[test]
fn binary_writes_its_address_to_the_address_file_and_removes_it_on_exit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run/address");
    std::fs::create_dir(dir.path().join("run")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_dkcloud-emulator"))
        .args(["--listen", "127.0.0.1:0", "--address-file"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !file.exists() {
        assert!(std::time::Instant::now() < deadline, "no address file");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let written = std::fs::read_to_string(&file).unwrap();
    let port: u16 = written.strip_suffix('\n').and_then(|a| a.strip_prefix("http://127.0.0.1:")).expect(&written).parse().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(), "the written address accepts connections");
    let terminated = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(terminated.success());
    let status = child.wait_with_output().unwrap().status;
    assert!(status.success(), "{status:?}");
    assert!(!file.exists(), "the address file outlived the emulator");
    assert_eq!(std::fs::read_dir(dir.path().join("run")).unwrap().count(), 0, "nothing else is left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_folder_is_private_made_new_or_found_loose() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let fresh = dir.path().join("new/data");
    let emu = dkcloud_emulator::start(dkcloud_emulator::Config { data: Some(fresh.clone()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(mode(&fresh), 0o700, "tokens, the signing key and files are the user's alone");
    emu.shutdown().await;
    let loose = dir.path().join("loose");
    std::fs::create_dir(&loose).unwrap();
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o755)).unwrap();
    let emu = dkcloud_emulator::start(dkcloud_emulator::Config { data: Some(loose.clone()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(mode(&loose), 0o700);
    emu.shutdown().await;
}

#[test]
fn binary_refuses_bad_options_with_a_clear_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_dkcloud-emulator"))
        .args(["--consent", "maybe"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("allow") && err.contains("deny"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_the_given_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let h = common::start_with(|c| {
        c.tls_cert = Some(cert_path.clone());
        c.tls_key = Some(key_path.clone());
    })
    .await;
    assert!(h.base.starts_with("https://127.0.0.1:"), "{}", h.base);
    common::install_crypto();
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap()])
        .build()
        .unwrap();
    let body = client.get(h.url("/_emulator/health")).send().await.unwrap().text().await.unwrap();
    assert_eq!(body, "ok");
    // A client that does not trust the certificate is refused.
    let strict = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(
            rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap().cert.pem().as_bytes(),
        )
        .unwrap()])
        .build()
        .unwrap();
    assert!(strict.get(h.url("/_emulator/health")).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issued_tokens_survive_a_restart_with_the_same_data() {
    let h = common::start().await;
    let (token, _) = h.emu.app().tokens.issue_access(dkcloud_emulator::Service::Dropbox, "c", "");
    let addr = h.emu.addr();
    let data = h.dir.path().to_owned();
    h.emu.shutdown().await;
    let emu = dkcloud_emulator::start(dkcloud_emulator::Config {
        listen: addr,
        data: Some(data),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    assert!(matches!(
        emu.app().tokens.check(dkcloud_emulator::Service::Dropbox, &headers),
        dkcloud_emulator::testkit::TokenCheck::Valid { issued: true, .. }
    ));
    emu.shutdown().await;
    drop(h.dir);
}

/// `/_emulator/stats` keeps a timeline: each request's kind, and the clock
/// when it arrived and when its answer was ready, so a test can tell which
/// requests a client let overlap (the emulator's own interface, no service's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stats_timeline_orders_requests_by_arrival_and_answer() {
    let h = common::start().await;
    let client = common::client();
    for path in ["/v1.0/me", "/v1.0/me/drive"] {
        let r = client.get(h.url(path)).bearer_auth(common::TOKEN).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    let stats = h.stats().await;
    let timeline = stats["timeline"].as_array().unwrap();
    let kinds: Vec<&str> = timeline.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["graph.me", "graph.drive"], "{stats}");
    let at = |i: usize, key: &str| timeline[i][key].as_u64().unwrap();
    assert!(at(0, "arrived") < at(0, "answered"));
    assert!(at(0, "answered") < at(1, "arrived"), "the second request came after the first was answered");
    assert!(at(1, "arrived") < at(1, "answered"));
}
