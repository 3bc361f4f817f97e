//! Shared setup for the transfer and upload tests: an in-process emulator,
//! service objects with a static token, file makers, and inspection calls.
#![allow(dead_code)] // each test crate uses a different part of this module

use dkcloud_emulator::testkit::{self, pattern, TestEmulator};
use dkcloud_emulator::{Config, RunningEmulator};
use dkcloud_engine::testing::token::StaticToken;
use dkcloud_engine::testing::dropbox::Dropbox;
use dkcloud_engine::testing::http::{Http, HttpOptions, PacerConfig, Resolver};
use dkcloud_engine::testing::onedrive::OneDrive;
use dkcloud_engine::testing::remote::Remote;
use dkcloud_engine::{Endpoints, ServiceKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub const TOKEN: &str = "transfer-test-token";
pub const MIB: u64 = 1024 * 1024;

pub struct Env {
    pub emu: RunningEmulator,
    /// Local files to upload live here.
    pub local: tempfile::TempDir,
    _data: tempfile::TempDir,
    pub http: Http,
}

fn service_folder(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::OneDrive => "onedrive",
        ServiceKind::Dropbox => "dropbox",
    }
}

pub async fn start() -> Env {
    start_with(|_| {}).await
}

pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Env {
    let mut stall = Duration::ZERO;
    let TestEmulator { emu, dir: data } = TestEmulator::start(|c| {
        c.static_token = Some(TOKEN.into());
        tweak(c);
        stall = Duration::from_millis(c.stall_ms);
    })
    .await;
    // The watchdog must give up on a stalled answer well before the emulator does.
    let inactivity = (stall / 2).clamp(Duration::from_millis(300), Duration::from_secs(5));
    let opts = HttpOptions {
        // `*.localhost` is loopback (RFC 6761), as for the emulator's `--upload-host upload.localhost`.
        resolver: Some(Resolver(Arc::new(dkcloud_emulator::stand_in_browser::LikeABrowser))),
        inactivity_timeout: inactivity,
        extra_ca_pem: None,
        pacer: PacerConfig { base: Duration::from_millis(50), cap: Duration::from_secs(2), max_attempts: 12, ..Default::default() },
        ..Default::default()
    };
    Env { emu, local: tempfile::tempdir().unwrap(), _data: data, http: Http::new(&opts).unwrap() }
}

impl Env {
    pub fn endpoints(&self) -> Endpoints {
        Endpoints::emulator(&self.emu.base_url())
    }

    pub fn onedrive(&self) -> OneDrive {
        OneDrive::new(self.http.clone(), &self.endpoints().graph, Arc::new(StaticToken::new(ServiceKind::OneDrive, TOKEN)))
    }

    pub fn dropbox(&self) -> Dropbox {
        let e = self.endpoints();
        Dropbox::new(
            self.http.clone(),
            &e.dropbox_api,
            &e.dropbox_content,
            Arc::new(StaticToken::new(ServiceKind::Dropbox, TOKEN)),
        )
    }

    pub fn remote(&self, kind: ServiceKind) -> Arc<dyn Remote> {
        match kind {
            ServiceKind::OneDrive => Arc::new(self.onedrive()),
            ServiceKind::Dropbox => Arc::new(self.dropbox()),
        }
    }

    /// Where the emulator keeps a stored file.
    pub fn stored(&self, kind: ServiceKind, remote: &str) -> PathBuf {
        testkit::stored_path(&self.emu, service_folder(kind), remote)
    }

    pub async fn stats(&self) -> serde_json::Value {
        testkit::stats(&self.emu).await
    }

    /// Count of one request kind (`graph.upload_fragment`, `dropbox.finish_batch_v2`, ...).
    pub async fn count(&self, kind: &str) -> u64 {
        testkit::count(&self.emu, kind).await
    }

    /// Every stored file of a service: (path, size).
    pub async fn files(&self, kind: ServiceKind) -> Vec<(String, u64)> {
        testkit::files(&self.emu, service_folder(kind)).await.into_iter().map(|f| (f.path, f.size)).collect()
    }

    /// Writes a local file of `size` pseudo-random bytes and returns them.
    pub fn make_file(&self, rel: &str, size: u64, seed: u64) -> Vec<u8> {
        make_file(&self.local.path().join(rel), size, seed)
    }
}

pub fn make_file(path: &Path, size: u64, seed: u64) -> Vec<u8> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let data = pattern(size as usize, seed);
    std::fs::write(path, &data).unwrap();
    data
}
