//! What the tests of every crate need from an emulator (the `testkit`
//! feature; the shipped programs are built without it): one on a free loopback
//! port with its data in a temporary folder of its own, started again on the
//! same address and data, what it stored and counted (through its inspection
//! endpoints, over HTTP), and deterministic bytes to upload.

use crate::{Config, RunningEmulator};

/// What tests name when they look inside a running emulator (`RunningEmulator::app`).
pub use crate::dropbox::REQUIRED_SCOPES as DROPBOX_REQUIRED_SCOPES;
pub use crate::tokens::TokenCheck;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub struct TestEmulator {
    pub emu: RunningEmulator,
    /// Its data folder (removed when this is dropped).
    pub dir: tempfile::TempDir,
}

/// One stored file, as `GET /_emulator/files` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub path: String,
    pub size: u64,
    pub quickxor: String,
    pub content_hash: String,
}

impl TestEmulator {
    /// Starts an emulator with its data in a new temporary folder; `tweak` may change the rest.
    pub async fn start(tweak: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().expect("a temporary data folder");
        let mut config = Config { data: Some(data.path().to_owned()), ..Config::default() };
        tweak(&mut config);
        let emu = crate::start(config).await.expect("the emulator starts");
        Self { emu, dir: data }
    }

    /// Stops it and starts a new one on the same address and data folder.
    pub async fn restart(self, tweak: impl FnOnce(&mut Config)) -> Self {
        let Self { emu, dir: data } = self;
        let listen = emu.addr();
        emu.shutdown().await;
        let mut config = Config { listen, data: Some(data.path().to_owned()), ..Config::default() };
        tweak(&mut config);
        let emu = crate::start(config).await.expect("the emulator starts again");
        Self { emu, dir: data }
    }

    pub fn base_url(&self) -> String {
        self.emu.base_url()
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Where a stored file's bytes are (`service`: `onedrive` or `dropbox`).
    pub fn stored_path(&self, service: &str, remote: &str) -> PathBuf {
        stored_path(&self.emu, service, remote)
    }

    pub async fn stats(&self) -> Value {
        stats(&self.emu).await
    }

    pub async fn count(&self, kind: &str) -> u64 {
        count(&self.emu, kind).await
    }

    pub async fn files(&self, service: &str) -> Vec<StoredFile> {
        files(&self.emu, service).await
    }
}

/// Where `emu` keeps a stored file's bytes (`service`: `onedrive` or `dropbox`).
pub fn stored_path(emu: &RunningEmulator, service: &str, remote: &str) -> PathBuf {
    emu.data_dir().join(service).join(remote.trim_start_matches('/'))
}

/// `GET /_emulator/stats`.
pub async fn stats(emu: &RunningEmulator) -> Value {
    get_json(&format!("{}/_emulator/stats", emu.base_url())).await
}

/// How many requests of one kind it answered (`graph.upload_fragment`, `dropbox.finish_batch_v2`, ...).
pub async fn count(emu: &RunningEmulator, kind: &str) -> u64 {
    stats(emu).await["requests"][kind].as_u64().unwrap_or(0)
}

/// Every file one service (`onedrive` or `dropbox`) stores, by path.
pub async fn files(emu: &RunningEmulator, service: &str) -> Vec<StoredFile> {
    let listed = get_json(&format!("{}/_emulator/files?service={service}", emu.base_url())).await;
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    let mut files: Vec<StoredFile> = listed["files"]
        .as_array()
        .expect("a file list")
        .iter()
        .map(|f| StoredFile {
            path: text(f, "path"),
            size: f["size"].as_u64().expect("a size"),
            quickxor: text(f, "quickXorHash"),
            content_hash: text(f, "contentHash"),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// A JSON answer from the emulator (plain HTTP, or HTTPS it serves with the platform's roots).
pub async fn get_json(url: &str) -> Value {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::get(url).await.expect("the emulator answers").json().await.expect("JSON")
}

/// `len` deterministic bytes for `seed` (xorshift): different seeds, different bytes.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
