//! What the `dkcloud` end-to-end suites share: an in-process emulator over
//! real HTTP, and `dkcloud` run with its config, state and browser confined to
//! the test.
// Each suite is its own crate and uses a part of this.
#![allow(dead_code)]

#[path = "../confined/mod.rs"]
mod confined;

pub use confined::text;
use dkcloud_emulator::testkit::{self, TestEmulator};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

pub struct Env {
    pub emu: dkcloud_emulator::RunningEmulator,
    /// The test's own folder: config, state, local files.
    pub dir: tempfile::TempDir,
    /// The emulator's data folder.
    _data: tempfile::TempDir,
}

impl Env {
    pub async fn start(tweak: impl FnOnce(&mut dkcloud_emulator::Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let TestEmulator { emu, dir: data } = TestEmulator::start(tweak).await;
        // Tests run in parallel: Dropbox's fixed loopback port would make two
        // logins collide (the emulator, unlike Dropbox, takes any port).
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/config.toml"), "[dropbox]\nredirect_port = 0\n").unwrap();
        Self { emu, dir, _data: data }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs `dkcloud` with its config, state and browser confined to the test.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[]).await
    }

    pub async fn run_with(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        self.command(args, extra_env).output().await.unwrap()
    }

    /// The `dkcloud` command `run_with` runs, for a test that starts it itself.
    pub fn command(&self, args: &[&str], extra_env: &[(&str, &str)]) -> tokio::process::Command {
        let mut cmd = confined::dkcloud(self.dir.path(), &self.emu.base_url(), &browser_script(self.dir.path()));
        cmd.args(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    pub async fn login_both(&self) {
        for service in ["onedrive", "dropbox"] {
            let out = self.run(&["login", service]).await;
            assert!(out.status.success(), "login {service}: {}", text(&out));
            assert!(String::from_utf8_lossy(&out.stdout).contains("Emulator User"), "{}", text(&out));
        }
    }

    /// Every stored file of `service`: path -> (size, the service's hash).
    pub async fn stored(&self, service: &str) -> BTreeMap<String, (u64, String)> {
        testkit::files(&self.emu, service)
            .await
            .into_iter()
            .map(|f| {
                let hash = if service == "onedrive" { f.quickxor } else { f.content_hash };
                (f.path, (f.size, hash))
            })
            .collect()
    }

    pub async fn stats(&self) -> serde_json::Value {
        testkit::stats(&self.emu).await
    }
}

pub async fn reqwest_get(url: &str) -> serde_json::Value {
    testkit::get_json(url).await
}

/// A `BROWSER` that does what a person's browser would: open the sign-in page
/// (the emulator consents at once) and follow its redirect to our listener.
pub fn browser_script(dir: &Path) -> String {
    let path = dir.join("browser.sh");
    if !path.exists() {
        std::fs::write(&path, "#!/bin/sh\nexec curl -s -L -o /dev/null \"$1\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

/// The kit's deterministic bytes.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    testkit::pattern(len, seed)
}
