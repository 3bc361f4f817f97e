//! Shared by the emulator's contract tests: an emulator on a free loopback port
//! with its own data folder, and an HTTP client for it.
#![allow(dead_code)]

use dkcloud_emulator::{Config, RunningEmulator};

pub const TOKEN: &str = "test-static-token";

pub struct Harness {
    pub emu: RunningEmulator,
    pub client: reqwest::Client,
    pub base: String,
    /// Keeps the data folder alive for the test's duration.
    pub dir: tempfile::TempDir,
}

pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn client() -> reqwest::Client {
    install_crypto();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http client")
}

/// Starts an emulator with `--static-token test-static-token`; `tweak` may change the config.
pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config =
        Config { data: Some(dir.path().to_owned()), static_token: Some(TOKEN.into()), ..Config::default() };
    tweak(&mut config);
    let emu = dkcloud_emulator::start(config).await.expect("emulator starts");
    let base = emu.base_url();
    Harness { emu, client: client(), base, dir }
}

pub async fn start() -> Harness {
    start_with(|_| {}).await
}

/// Stops the emulator and starts a new one on the same address and data folder.
pub async fn restart(h: Harness) -> Harness {
    restart_with(h, |_| {}).await
}

/// `restart`, with `tweak` changing the new emulator's config.
pub async fn restart_with(h: Harness, tweak: impl FnOnce(&mut Config)) -> Harness {
    let addr = h.emu.addr();
    let Harness { emu, dir, .. } = h;
    emu.shutdown().await;
    let mut config = Config {
        listen: addr,
        data: Some(dir.path().to_owned()),
        static_token: Some(TOKEN.into()),
        ..Config::default()
    };
    tweak(&mut config);
    let emu = dkcloud_emulator::start(config).await.expect("emulator restarts");
    let base = emu.base_url();
    // A new client: the old one's pooled keep-alive connections belong to the
    // stopped server, and one taken from the pool before its close is seen
    // fails the next request (hyper's IncompleteMessage, seen once in CI).
    Harness { emu, client: client(), base, dir }
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stored bytes of a file, read straight from the data folder.
    pub fn stored(&self, service: &str, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir.path().join(service).join(path.trim_start_matches('/'))).ok()
    }

    pub async fn stats(&self) -> serde_json::Value {
        self.client.get(self.url("/_emulator/stats")).send().await.unwrap().json().await.unwrap()
    }
}

/// Deterministic test bytes.
pub fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 24) as u8 ^ seed).collect()
}
