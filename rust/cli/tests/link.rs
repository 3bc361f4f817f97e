//! `dkcloud link` and `dkcloud upload --link` end to end, against an
//! in-process emulator over real HTTP after a real browser login: the printed
//! address serves the uploaded bytes without a token, JSON output, a reused
//! link said to differ, usage errors (exit 2) for bad expiries and a password
//! without a terminal, a free plan's refusal (exit 4), and a premium link with
//! a password that is never printed or logged.

mod confined;

use confined::text;
use dkcloud_emulator::Plan;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;

struct Env {
    emu: dkcloud_emulator::RunningEmulator,
    dir: tempfile::TempDir,
}

impl Env {
    async fn start(plan: Plan) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dkcloud_emulator::Config { data: Some(dir.path().join("emulator")), plan, ..Default::default() };
        let emu = dkcloud_emulator::start(config).await.unwrap();
        // Parallel tests would collide on Dropbox's fixed loopback port.
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/config.toml"), "[dropbox]\nredirect_port = 0\n").unwrap();
        let browser = dir.path().join("browser.sh");
        std::fs::write(&browser, "#!/bin/sh\nexec curl -s -L -o /dev/null \"$1\"\n").unwrap();
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
        let env = Self { emu, dir };
        for service in ["onedrive", "dropbox"] {
            let out = env.run(&["login", service], &[]).await;
            assert!(out.status.success(), "login {service}: {}", text(&out));
        }
        env
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `dkcloud` with its config, state and browser confined to the test, no terminal.
    async fn run(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        let browser = self.path("browser.sh");
        let mut cmd = confined::dkcloud(self.dir.path(), &self.emu.base_url(), &browser.display().to_string());
        cmd.args(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd.output().await.unwrap()
    }

    /// Uploads one file to `{service}:/Shared/Trip/` and returns its bytes.
    async fn upload_photo(&self, service: &str) -> Vec<u8> {
        let src = self.path("Trip");
        std::fs::create_dir_all(&src).unwrap();
        let bytes: Vec<u8> = (0..40_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        std::fs::write(src.join("IMG 1.jpg"), &bytes).unwrap();
        let out = self.run(&["upload", src.to_str().unwrap(), &format!("{service}:/Shared")], &[]).await;
        assert!(out.status.success(), "{}", text(&out));
        bytes
    }
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// GET without a token: status and body.
async fn open(url: &str) -> (u16, Vec<u8>) {
    let resp = client().get(url).send().await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

fn json_line(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_prints_an_address_that_serves_the_uploaded_bytes_without_a_token() {
    let env = Env::start(Plan::Free).await;
    for service in ["onedrive", "dropbox"] {
        let bytes = env.upload_photo(service).await;
        let file = format!("{service}:/Shared/Trip/IMG 1.jpg");
        let out = env.run(&["link", &file], &[]).await;
        assert!(out.status.success(), "{}", text(&out));
        let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(url.starts_with(&env.emu.base_url()), "{}", text(&out));
        assert_eq!(open(&url).await, (200, bytes.clone()), "{service}");

        let out = env.run(&["link", "--json", &file], &[]).await;
        assert!(out.status.success(), "{}", text(&out));
        let link = json_line(&out);
        assert_eq!(link["url"], url.as_str());
        assert_eq!(link["access"], "view");
        assert_eq!(link["expires"], serde_json::Value::Null);
        assert_eq!(link["password"], false);
        assert_eq!(link["reused"], true, "the second time the service returns the same link");
        assert!(link.get("differs").is_none(), "{link}");

        // Asking for editing: OneDrive makes an edit link; Dropbox returns its
        // view link and dkcloud says so.
        let out = env.run(&["link", "--edit", "--json", &file], &[]).await;
        assert!(out.status.success(), "{}", text(&out));
        let edit = json_line(&out);
        if service == "onedrive" {
            assert_eq!((edit["access"].as_str(), edit["reused"].as_bool()), (Some("edit"), Some(false)), "{edit}");
            assert_ne!(edit["url"], url.as_str());
        } else {
            assert_eq!(edit["url"], url.as_str());
            assert_eq!(edit["differs"], serde_json::json!(["it lets people view only, not edit"]));
            let out = env.run(&["link", "--edit", &file], &[]).await;
            assert!(String::from_utf8_lossy(&out.stderr).contains("view only, not edit"), "{}", text(&out));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_with_link_prints_the_folder_link_after_the_summary_and_in_json() {
    let env = Env::start(Plan::Free).await;
    let src = env.path("Album");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.jpg"), b"first photo").unwrap();
    let out = env.run(&["upload", "--link", src.to_str().unwrap(), "onedrive:/Web"], &[]).await;
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let done = stdout.find("Done: 1 uploaded").expect("a summary");
    let link_at = stdout.find("Link: ").expect("a link line");
    assert!(link_at > done, "{stdout}");
    let url = stdout[link_at + 6..].lines().next().unwrap().trim();
    let (status, page) = open(url).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("Album"), "the destination folder's page lists the upload");

    let out = env.run(&["upload", "--link", "--json", src.to_str().unwrap(), "dropbox:/Web"], &[]).await;
    assert!(out.status.success(), "{}", text(&out));
    let summary = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["event"] == "summary")
        .expect("a summary event");
    assert_eq!(summary["link"]["access"], "view", "{summary}");
    let (status, page) = open(summary["link"]["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("Album"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_expiries_and_a_password_without_a_terminal_are_usage_errors() {
    let env = Env::start(Plan::Free).await;
    for expires in ["2020-01-01", "2020-01-01T00:00:00Z", "soon", "0d"] {
        let out = env.run(&["link", "--expires", expires, "onedrive:/x"], &[]).await;
        assert_eq!(out.status.code(), Some(2), "{expires}: {}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains(expires), "{}", text(&out));
    }
    let out = env.run(&["link", "--password", "dropbox:/x"], &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DKCLOUD_LINK_PASSWORD"), "{}", text(&out));
    let out = env.run(&["link", "onedrive:/not/there.jpg"], &[]).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/not/there.jpg"), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_is_refused_on_free_and_kept_secret_on_premium() {
    const SECRET: &str = "correct-horse-battery";
    let free = Env::start(Plan::Free).await;
    free.upload_photo("dropbox").await;
    let pw = [("DKCLOUD_LINK_PASSWORD", SECRET), ("DKCLOUD_LOG", "trace")];
    let out = free.run(&["link", "--password", "dropbox:/Shared/Trip"], &pw).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("leave out --password"), "{}", text(&out));
    assert!(!text(&out).contains(SECRET), "{}", text(&out));

    let premium = Env::start(Plan::Premium).await;
    for service in ["onedrive", "dropbox"] {
        let bytes = premium.upload_photo(service).await;
        let file = format!("{service}:/Shared/Trip/IMG 1.jpg");
        let out = premium.run(&["link", "--password", "--expires", "7d", "--json", &file], &pw).await;
        assert!(out.status.success(), "{}", text(&out));
        assert!(!text(&out).contains(SECRET), "{}", text(&out));
        let link = json_line(&out);
        assert_eq!(link["password"], true);
        assert!(link["expires"].as_str().is_some_and(|e| e.starts_with("20")), "{link}");
        let url = link["url"].as_str().unwrap();
        assert_eq!(open(url).await.0, 401);
        let resp = client().post(url).form(&[("password", SECRET)]).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);
    }
}
