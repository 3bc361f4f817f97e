//! The `dkcloud` binary end to end, against an in-process emulator over real
//! HTTP: logins, uploads under chaos, resume, exit codes, output formats, and
//! what must never be printed.

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use support::{pattern, text, Env};

/// Hashes of local files, keyed by their path relative to `root`'s parent (as uploaded).
fn local_hashes(root: &Path, service: &str, remote_base: &str) -> BTreeMap<String, (u64, String)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    let parent = root.parent().unwrap();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let h = dkcloud_hash::hash_reader(std::fs::File::open(&p).unwrap()).unwrap();
            let rel = p.strip_prefix(parent).unwrap().to_str().unwrap();
            let hash = if service == "onedrive" { h.quickxor } else { h.content_hash };
            out.insert(format!("{remote_base}/{rel}"), (h.size, hash));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_then_folder_upload_keeps_structure_and_bytes() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Trip");
    std::fs::create_dir_all(src.join("day 1/raw")).unwrap();
    std::fs::write(src.join("cover.jpg"), pattern(300_000, 1)).unwrap();
    std::fs::write(src.join("day 1/a.jpg"), pattern(5 * 1024 * 1024 + 7, 2)).unwrap();
    std::fs::write(src.join("day 1/raw/b.nef"), pattern(1, 3)).unwrap();
    std::fs::write(src.join("day 1/empty.txt"), b"").unwrap();
    for (service, remote) in [("onedrive", "/Backup"), ("dropbox", "/Backup")] {
        let out = env.run(&["upload", src.to_str().unwrap(), &format!("{service}:{remote}")]).await;
        assert!(out.status.success(), "{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("Done: 4 uploaded") && stdout.contains("0 failed"), "{}", text(&out));
        assert_eq!(env.stored(service).await, local_hashes(&src, service, remote), "{service}");
    }
    // The bytes themselves, not only hashes.
    let stored = std::fs::read(env.emu.data_dir().join("dropbox/Backup/Trip/day 1/a.jpg")).unwrap();
    assert_eq!(stored, pattern(5 * 1024 * 1024 + 7, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_of_100_mixed_files_under_chaos_arrives_exactly_once() {
    let env = Env::start(|c| {
        c.chaos_rate = 0.1;
        c.chaos_seed = 2026;
        c.stall_ms = 1500;
    })
    .await;
    // Log in without chaos getting in the way of the assertion on the login itself:
    // the engine retries the token endpoint, so this passes with chaos too.
    env.login_both().await;
    let src = env.path("Library");
    for i in 0..100u64 {
        // Mostly photos of a few MiB, some tiny files, a few large videos: 0 B to 40 MiB.
        let size = match i % 10 {
            0 => 0,
            1 | 2 => (i * 997) as usize % 20_000,
            9 if i % 30 == 9 => 40 * 1024 * 1024,
            9 => 12 * 1024 * 1024 + (i as usize * 4099),
            _ => 600_000 + (i as usize * 31_337) % 2_500_000,
        };
        let sub = src.join(format!("album {}", i % 4));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("img_{i:03}.jpg")), pattern(size, i)).unwrap();
    }
    for service in ["onedrive", "dropbox"] {
        let out = env
            .run_with(&["upload", "--jobs", "6", src.to_str().unwrap(), &format!("{service}:/Archive")], &[])
            .await;
        assert!(out.status.success(), "{service}: {}", text(&out));
        let stored = env.stored(service).await;
        assert_eq!(stored.len(), 100, "{service}: exactly one copy of each file");
        assert_eq!(stored, local_hashes(&src, service, "/Archive"), "{service}: byte-identical");
    }
    let stats = env.stats().await;
    let faults: u64 = stats["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("chaos."))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum();
    assert!(faults >= 10, "chaos should really have struck: {stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_of_a_finished_job_sends_nothing_again() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Set");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..5 {
        std::fs::write(src.join(format!("{i}.jpg")), pattern(200_000, i)).unwrap();
    }
    let dest = "onedrive:/Set";
    let first = env.run(&["upload", src.to_str().unwrap(), dest]).await;
    assert!(first.status.success(), "{}", text(&first));
    let sent_before = env.stats().await["request_body_bytes"].as_u64().unwrap();
    let second = env.run(&["upload", src.to_str().unwrap(), dest]).await;
    assert!(second.status.success(), "{}", text(&second));
    let sent_after = env.stats().await["request_body_bytes"].as_u64().unwrap();
    assert_eq!(sent_before, sent_after, "no file bytes are sent again");
    let second_out = String::from_utf8_lossy(&second.stdout);
    assert!(second_out.contains("Done: 0 uploaded, 5 already uploaded"), "{}", text(&second));
    // The folder existed: the rerun created none.
    assert!(second_out.contains("folders created: 0"), "{}", text(&second));
    assert!(String::from_utf8_lossy(&first.stdout).contains("folders created: 2"), "{}", text(&first));
    assert_eq!(env.stored("onedrive").await.len(), 5);

    // Another job (another journal) of the same files: they are there already,
    // stored by someone else, so this run uploads none of them.
    let other_state = env.path("other-state");
    let third = env
        .run_with(&["upload", src.to_str().unwrap(), dest], &[("XDG_STATE_HOME", other_state.to_str().unwrap())])
        .await;
    let third_out = String::from_utf8_lossy(&third.stdout);
    assert!(third_out.contains("Done: 0 uploaded, 5 already there (identical)"), "{}", text(&third));
    assert!(third_out.contains("0 B sent"), "{}", text(&third));

    // An edited file: the default (rename) keeps both copies and says where the new one went.
    std::fs::write(src.join("0.jpg"), pattern(210_000, 77)).unwrap();
    let state = [("XDG_STATE_HOME", other_state.to_str().unwrap())];
    let edited = env.run_with(&["upload", src.to_str().unwrap(), dest], &state).await;
    let edited_out = String::from_utf8_lossy(&edited.stdout);
    assert!(edited_out.contains("Done: 0 uploaded, 1 kept both (stored under a new name), 4 already there"), "{}", text(&edited));
    assert!(String::from_utf8_lossy(&edited.stderr).contains("-> /Set/Set/0 1.jpg"), "{}", text(&edited));
    // Skip leaves the stored one and says so plainly.
    let skipped = env.run_with(&["upload", "--on-conflict", "skip", src.to_str().unwrap(), dest], &state).await;
    assert!(String::from_utf8_lossy(&skipped.stdout).contains("1 skipped (a different file has that name"), "{}", text(&skipped));
    assert!(String::from_utf8_lossy(&skipped.stderr).contains("skipped (differs)"), "{}", text(&skipped));
    let replaced = env.run_with(&["upload", "--on-conflict", "replace", src.to_str().unwrap(), dest], &state).await;
    assert!(String::from_utf8_lossy(&replaced.stdout).contains("Done: 0 uploaded, 1 replaced, 4 already"), "{}", text(&replaced));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_tell_usage_auth_and_partial_failure_apart() {
    let env = Env::start(|_| {}).await;
    let src = env.path("one.jpg");
    std::fs::write(&src, pattern(1000, 9)).unwrap();

    let usage = env.run(&["upload", src.to_str().unwrap(), "gdrive:/x"]).await;
    assert_eq!(usage.status.code(), Some(2), "{}", text(&usage));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("onedrive or dropbox"), "{}", text(&usage));

    let not_logged_in = env.run(&["upload", src.to_str().unwrap(), "dropbox:/x"]).await;
    assert_eq!(not_logged_in.status.code(), Some(3), "{}", text(&not_logged_in));
    assert!(String::from_utf8_lossy(&not_logged_in.stderr).contains("dkcloud login dropbox"), "{}", text(&not_logged_in));

    env.login_both().await;
    let missing = env.path("missing.jpg");
    let partial = env.run(&["upload", src.to_str().unwrap(), missing.to_str().unwrap(), "dropbox:/x"]).await;
    assert_eq!(partial.status.code(), Some(1), "{}", text(&partial));
    assert!(String::from_utf8_lossy(&partial.stderr).contains("missing.jpg"), "{}", text(&partial));
    assert_eq!(env.stored("dropbox").await.len(), 1, "the good file still uploads");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_mode_prints_one_object_per_line_with_a_summary() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("j.jpg");
    std::fs::write(&src, pattern(10_000, 4)).unwrap();
    let out = env.run(&["upload", "--json", src.to_str().unwrap(), "dropbox:/J"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let file = events.iter().find(|e| e["event"] == "file").expect("a file event");
    assert_eq!(file["file"]["outcome"]["outcome"], "uploaded");
    assert_eq!(file["file"]["remote"], "/J/j.jpg");
    let summary = events.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["summary"]["uploaded"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_stay_out_of_output_and_their_file_is_private() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("t.jpg");
    std::fs::write(&src, pattern(5_000, 5)).unwrap();
    let out = env.run_with(&["upload", src.to_str().unwrap(), "onedrive:/T"], &[("DKCLOUD_LOG", "trace")]).await;
    assert!(out.status.success(), "{}", text(&out));
    let tokens_file = env.path("config/tokens.json");
    let mode = std::fs::metadata(&tokens_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let tokens: serde_json::Value = serde_json::from_slice(&std::fs::read(&tokens_file).unwrap()).unwrap();
    let mut secrets = Vec::new();
    collect_strings(&tokens, &mut secrets);
    let secrets: Vec<_> = secrets.into_iter().filter(|s| s.len() > 30).collect();
    assert!(!secrets.is_empty(), "tokens.json should hold tokens: {tokens}");
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for s in &secrets {
        assert!(!all.contains(s.as_str()), "a token leaked into the output");
    }
    let accounts = std::fs::read_to_string(env.path("config/accounts.json")).unwrap();
    for s in &secrets {
        assert!(!accounts.contains(s.as_str()), "a token leaked into accounts.json");
    }
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_login_works_without_a_browser() {
    let env = Env::start(|_| {}).await;
    let out = env.run_with(&["login", "onedrive", "--device-code"], &[("BROWSER", "false")]).await;
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/devicelogin"), "the user is told where to go: {}", text(&out));
    let accounts = env.run(&["accounts"]).await;
    assert!(String::from_utf8_lossy(&accounts.stdout).contains("OneDrive"), "{}", text(&accounts));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_file_refresh_token_becomes_a_saved_login() {
    let env = Env::start(|_| {}).await;
    let refresh = env.emu.app().tokens.issue_refresh(
        dkcloud_emulator::Service::OneDrive,
        "dkcloud-emulator-client",
        "Files.ReadWrite offline_access User.Read",
    );
    let dotenv = env.path(".env");
    std::fs::write(&dotenv, format!("CLIENTID=dkcloud-emulator-client\nBLOCKSIZE=655360\nREFRESHTOKEN=\"{refresh}\"\n")).unwrap();
    let out = env.run(&["--env-file", dotenv.to_str().unwrap(), "login", "onedrive"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(&refresh), "the refresh token is never echoed");
    let mk = env.run(&["mkdir", "onedrive:/From script/2026"]).await;
    assert!(mk.status.success(), "{}", text(&mk));
    let ls = env.run(&["ls", "onedrive:/From script"]).await;
    assert!(String::from_utf8_lossy(&ls.stdout).contains("2026/"), "{}", text(&ls));
    assert!(env.emu.data_dir().join("onedrive/From script/2026").is_dir());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_uploads_the_samples_to_both_services() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_dkcloud"))
        .args(["demo", "--data"])
        .arg(dir.path())
        .env("DKCLOUD_CONFIG_DIR", dir.path().join("must-not-be-used"))
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let samples = dir.path().join("photos/Holiday 2026");
    let names: Vec<_> = std::fs::read_dir(&samples).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 6);
    for name in names {
        let local = std::fs::read(samples.join(&name)).unwrap();
        for stored in [
            dir.path().join("emulator/onedrive/Pictures/dkcloud demo/Holiday 2026").join(&name),
            dir.path().join("emulator/dropbox/Photos/dkcloud demo/Holiday 2026").join(&name),
        ] {
            assert_eq!(std::fs::read(&stored).unwrap(), local, "{}", stored.display());
        }
    }
    assert!(!dir.path().join("must-not-be-used").exists(), "the demo never touches the user's logins");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Signed in to OneDrive") && stdout.contains("Signed in to Dropbox"), "{}", text(&out));
}

fn write_photo(path: &Path, w: u32, h: u32) {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x ^ y) % 239) as u8]));
    img.save_with_format(path, image::ImageFormat::Jpeg).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_with_resize_stores_smaller_photos_and_untouched_videos() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Shoot");
    std::fs::create_dir_all(&src).unwrap();
    write_photo(&src.join("wide.jpg"), 3000, 2000);
    write_photo(&src.join("tall.JPG"), 1000, 1500);
    std::fs::write(src.join("clip.mp4"), pattern(700_000, 8)).unwrap();
    let out = env
        .run(&["upload", "--resize", "800", "--quality", "80", src.to_str().unwrap(), "onedrive:/Shared"])
        .await;
    assert!(out.status.success(), "{}", text(&out));
    let stored = |name: &str| std::fs::read(env.emu.data_dir().join(format!("onedrive/Shared/Shoot/{name}"))).unwrap();
    let wide = image::load_from_memory(&stored("wide.jpg")).unwrap();
    assert_eq!((wide.width(), wide.height()), (800, 533));
    let tall = image::load_from_memory(&stored("tall.JPG")).unwrap();
    assert_eq!((tall.width(), tall.height()), (533, 800));
    assert_eq!(stored("clip.mp4"), pattern(700_000, 8), "videos are uploaded untouched");
    // Run again: nothing is prepared or sent twice.
    let before = env.stats().await["request_body_bytes"].as_u64().unwrap();
    let again = env
        .run(&["upload", "--resize", "800", "--quality", "80", src.to_str().unwrap(), "onedrive:/Shared"])
        .await;
    assert!(String::from_utf8_lossy(&again.stdout).contains("3 already uploaded"), "{}", text(&again));
    assert_eq!(env.stats().await["request_body_bytes"].as_u64().unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepare_command_writes_resized_copies_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("big.jpg");
    write_photo(&photo, 2400, 1600);
    let broken = dir.path().join("broken.jpg");
    std::fs::write(&broken, &std::fs::read(&photo).unwrap()[..5000]).unwrap();
    let out_dir = dir.path().join("out");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_dkcloud"))
        .args(["prepare", "--resize", "1200", "--quality", "85", "--out"])
        .arg(&out_dir)
        .arg(&photo)
        .arg(&broken)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "one file failed: {}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.jpg"), "{}", text(&out));
    let resized = image::open(out_dir.join("big.jpg")).unwrap();
    assert_eq!((resized.width(), resized.height()), (1200, 800));
}

/// Unfinished jobs: listed, resumed and discarded after a `kill -9`.
#[path = "cli/jobs.rs"]
mod jobs;
#[path = "cli/data_safety.rs"]
mod data_safety;
/// Backing a digiKam collection up: filters, dry runs, resume.
#[path = "cli/backups.rs"]
mod backups;
/// `check`, `--json` listings, `-q`, `-v`, `--log-file`.
#[path = "cli/checks.rs"]
mod checks;
