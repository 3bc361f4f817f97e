//! `dkcloud login` with a real browser: Debian's Chromium, headless, opens
//! the emulator's sign-in page and follows its redirect to dkcloud's loopback
//! listener, as a person's browser would. The other suites use a curl
//! stand-in; this one proves the pages and the redirect work in a browser.
//! Chromium comes from `scripts/install-deps` (package `chromium`).

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::{text, Env};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A `BROWSER` that runs headless Chromium on the URL with a fresh profile
/// and writes the page it ends on (its DOM) to `page-N.html`.
fn chromium_browser(dir: &Path) -> PathBuf {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: scripts/install-deps installs Debian's chromium package for this test"
    );
    let script = dir.join("chromium.sh");
    let body = format!(
        "#!/bin/sh\n\
         n=$(ls {dir}/page-*.html 2>/dev/null | wc -l)\n\
         profile=$(mktemp -d)\n\
         {CHROMIUM} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \\\n\
           --disable-background-networking --disable-component-update --disable-sync \\\n\
           --user-data-dir=\"$profile\" --dump-dom \"$1\" \\\n\
           >{dir}/page-$n.html.part 2>{dir}/chromium-$n.log && mv {dir}/page-$n.html.part {dir}/page-$n.html\n",
        dir = dir.display()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The page Chromium ended on for its `n`th visit, once it has written it.
async fn page(dir: &Path, n: usize) -> String {
    let path = dir.join(format!("page-{n}.html"));
    for _ in 0..300 {
        if let Ok(text) = std::fs::read_to_string(&path) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = std::fs::read_to_string(dir.join(format!("chromium-{n}.log"))).unwrap_or_default();
    panic!("Chromium wrote no page {n} within 30 s; its log:\n{log}");
}

#[tokio::test]
async fn chromium_signs_in_to_both_services_through_the_loopback_redirect() {
    let env = Env::start(|_| {}).await;
    let browser = chromium_browser(env.dir.path());
    let browser = browser.display().to_string();
    for (n, service) in ["onedrive", "dropbox"].into_iter().enumerate() {
        let out = tokio::time::timeout(Duration::from_secs(90), env.run_with(&["login", service], &[("BROWSER", &browser)]))
            .await
            .expect("the login ends");
        assert!(out.status.success(), "login {service}: {}", text(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Logged in to"), "{}", text(&out));
        // What the person sees at the end: dkcloud's own page, served by its listener.
        let shown = page(env.dir.path(), n).await;
        assert!(shown.contains("signed in to") && shown.contains("Emulator User"), "{service}: {shown}");
    }
    let out = env.run(&["accounts"]).await;
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(listed.contains("OneDrive") && listed.contains("Dropbox"), "{}", text(&out));
}
