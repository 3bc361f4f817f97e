//! Shared by the emulator's contract tests: an emulator on a free loopback port
//! with its own data folder, and an HTTP client for it.
#![allow(dead_code)]

use dkcloud_emulator::testkit::{pattern, TestEmulator};
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

/// A harness over the kit's emulator, with a new client: after a restart the
/// old one's pooled keep-alive connections belong to the stopped server, and
/// one taken from the pool before its close is seen fails the next request
/// (hyper's IncompleteMessage, seen once in CI).
fn harness(kit: TestEmulator) -> Harness {
    let TestEmulator { emu, dir } = kit;
    Harness { base: emu.base_url(), emu, client: client(), dir }
}

/// Starts an emulator with `--static-token test-static-token`; `tweak` may change the config.
pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Harness {
    harness(
        TestEmulator::start(|c| {
            c.static_token = Some(TOKEN.into());
            tweak(c);
        })
        .await,
    )
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
    let Harness { emu, dir, .. } = h;
    let kit = TestEmulator { emu, dir }
        .restart(|c| {
            c.static_token = Some(TOKEN.into());
            tweak(c);
        })
        .await;
    harness(kit)
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

/// Deterministic test bytes (the kit's).
pub fn bytes(len: usize, seed: u8) -> Vec<u8> {
    pattern(len, seed.into())
}
