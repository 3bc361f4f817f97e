//! `dkcloud jobs` and `dkcloud resume` after an upload killed with SIGKILL
//! half-way, against a bandwidth-capped emulator: what is listed, what the
//! resumed run sends, what ends up stored; and `jobs --discard`.

use super::*;
use std::time::Duration;

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;
/// Slow enough that a kill lands in the middle of the big file.
const BANDWIDTH: u64 = 4 * MIB as u64;

/// A folder of three small photos and one file of several requests.
fn trip(env: &Env, name: &str, big: usize) -> (PathBuf, u64) {
    let src = env.path(name);
    std::fs::create_dir_all(&src).unwrap();
    let files = [("a.jpg", 200 * KIB), ("b.jpg", 300 * KIB), ("c.jpg", 150 * KIB), ("z.mov", big)];
    for (i, (file, size)) in files.iter().enumerate() {
        std::fs::write(src.join(file), pattern(*size, 40 + i as u64)).unwrap();
    }
    (src, files.iter().map(|(_, s)| *s as u64).sum())
}

async fn body_bytes(env: &Env) -> u64 {
    env.stats().await["request_body_bytes"].as_u64().unwrap()
}

/// Starts `dkcloud upload ARGS`, waits until the emulator stores `stored`
/// files and has received `received` bytes, then kills it with SIGKILL.
async fn upload_then_kill(env: &Env, args: &[&str], service: &str, stored: usize, received: u64) {
    let mut child =
        env.command(args, &[]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    // While it runs, it is listed as running now and cannot be resumed.
    let pid = child.id().unwrap();
    let running = loop {
        let running: Vec<_> = jobs_json(env).await.into_iter().filter(|j| j["running_now"] == true).collect();
        if !running.is_empty() {
            break running;
        }
        assert!(tokio::time::Instant::now() < deadline, "the job was never listed as running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(running.len(), 1, "{running:?}");
    let busy = env.run(&["resume", running[0]["id"].as_str().unwrap()]).await;
    assert_eq!(busy.status.code(), Some(2), "{}", text(&busy));
    let why = String::from_utf8_lossy(&busy.stderr);
    assert!(why.contains(&format!("is running now (process {pid})")), "{}", text(&busy));
    loop {
        if env.stored(service).await.len() >= stored && body_bytes(env).await >= received {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the upload ended before it could be killed");
        assert!(tokio::time::Instant::now() < deadline, "the upload never got that far");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

async fn jobs_json(env: &Env) -> Vec<serde_json::Value> {
    let out = env.run(&["jobs", "--json"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    v["jobs"].as_array().unwrap().clone()
}

/// Kill half-way, list, resume: every file stored once, byte-identical, and
/// nothing sent twice but the request the kill cut short.
async fn killed_upload_is_listed_and_resumed(service: &str, big: usize, chunk: &str, chunk_bytes: u64) {
    let env = Env::start(|c| c.bandwidth = Some(BANDWIDTH)).await;
    env.login_both().await;
    let (src, total) = trip(&env, "Trip", big);
    let small = total - big as u64;
    let before = body_bytes(&env).await;
    let dest = format!("{service}:/Backup");
    let upload = ["upload", "--jobs", "1", "--chunk-size", chunk, src.to_str().unwrap(), &dest];
    // Two whole requests of the big file received: at least one is stored in its session.
    upload_then_kill(&env, &upload, service, 3, before + small + 2 * chunk_bytes).await;
    assert!(env.stored(service).await.len() == 3, "the big file was not finished when killed");

    let listed = env.run(&["jobs"]).await;
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.status.success(), "{}", text(&listed));
    let left = format!("3 of 4 files done, {:.1} MiB left", big as f64 / MIB as f64);
    assert!(listing.contains(&left), "{}", text(&listed));
    assert!(listing.contains(&format!("4 files from {} -> {dest}", src.display())), "{}", text(&listed));
    assert!(listing.contains("by cli; stopped (killed or crashed)"), "{}", text(&listed));
    // The account as `dkcloud accounts` names it: its e-mail, else its name.
    assert!(listing.contains("; account user@emulator.invalid;"), "{}", text(&listed));
    let jobs = jobs_json(&env).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let job = &jobs[0];
    assert_eq!((job["files_done"].as_u64(), job["files_total"].as_u64()), (Some(3), Some(4)), "{job}");
    assert_eq!((job["bytes_left"].as_u64(), job["bytes_total"].as_u64()), (Some(big as u64), Some(total)), "{job}");
    assert_eq!(
        (job["service"].as_str(), job["started_by"].as_str(), job["state"].as_str()),
        (Some(service), Some("cli"), Some("running"))
    );
    assert_eq!(job["running_now"], false);
    assert_eq!(job["destination"], "/Backup");
    assert_eq!(
        (job["account"]["name"].as_str(), job["account"]["email"].as_str()),
        (Some("Emulator User"), Some("user@emulator.invalid"))
    );
    assert_eq!(job["options"]["chunk_size"].as_u64(), Some(chunk_bytes), "{job}");
    assert!(listing.starts_with(job["short_id"].as_str().unwrap()), "{}", text(&listed));
    assert_private_and_tokenless(&env, job["id"].as_str().unwrap());

    let resumed = env.run(&["resume"]).await;
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    assert!(stdout.contains("Done: 1 uploaded, 3 already uploaded"), "{}", text(&resumed));
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(stderr.contains("z.mov -> /Backup/Trip/z.mov"), "{}", text(&resumed));
    assert!(stderr.contains("already uploaded") && stderr.contains("a.jpg"), "{}", text(&resumed));

    // Exactly the four files, each byte-identical (hash and size).
    assert_eq!(env.stored(service).await, local_hashes(&src, service, "/Backup"), "{service}");
    // Everything sent over both runs: the files once, plus at most the one
    // request the kill cut short (and a few KiB of JSON bodies: folders, commits).
    let sent = body_bytes(&env).await - before;
    assert!(sent >= total, "{sent} < {total}");
    assert!(
        sent <= total + chunk_bytes + 16 * KIB as u64,
        "{service}: {sent} bytes sent for {total} (one request is {chunk_bytes})"
    );

    let after = env.run(&["jobs"]).await;
    assert!(String::from_utf8_lossy(&after.stdout).contains("No unfinished upload jobs."), "{}", text(&after));
    assert!(jobs_json(&env).await.is_empty());
    // A finished job is not offered, but its journal still knows its files.
    let again = env.run(&["upload", "--jobs", "1", "--chunk-size", chunk, src.to_str().unwrap(), &dest]).await;
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Done: 0 uploaded, 4 already uploaded"),
        "{}",
        text(&again)
    );
}

/// The record is private to the user and holds no token.
fn assert_private_and_tokenless(env: &Env, id: &str) {
    let record = env.path(&format!("state/dkcloud/jobs/{id}.job.json"));
    let mode = std::fs::metadata(&record).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", record.display());
    let text = std::fs::read_to_string(&record).unwrap();
    let tokens: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("config/tokens.json")).unwrap()).unwrap();
    let mut secrets = Vec::new();
    collect_strings(&tokens, &mut secrets);
    let secrets: Vec<_> = secrets.into_iter().filter(|s| s.len() > 30).collect();
    assert!(!secrets.is_empty());
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "a token leaked into the job record");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_upload_killed_half_way_is_listed_and_resumed_without_resending() {
    // 1.25 MiB fragments (4 units of 320 KiB).
    killed_upload_is_listed_and_resumed("onedrive", 12 * MIB + 5, "1280K", 1280 * 1024).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_upload_killed_half_way_is_listed_and_resumed_without_resending() {
    // An explicit size: the one-after-another session, one chunk in flight.
    killed_upload_is_listed_and_resumed("dropbox", 20 * MIB + 5, "4M", 4 * MIB as u64).await;
}

/// The OneDrive upload URL the killed job's journal left open.
fn open_upload_url(env: &Env, id: &str) -> String {
    let journal = std::fs::read_to_string(env.path(&format!("state/dkcloud/jobs/{id}.jsonl"))).unwrap();
    journal
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["open"]["session"]["upload_url"].as_str().map(str::to_owned))
        .next_back()
        .expect("an open upload session in the journal")
}

async fn status_of(url: &str) -> u16 {
    reqwest::get(url).await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discarding_a_killed_onedrive_job_deletes_its_upload_session_and_journal() {
    let env = Env::start(|c| c.bandwidth = Some(BANDWIDTH)).await;
    env.login_both().await;
    let nothing = env.run(&["resume"]).await;
    assert_eq!(nothing.status.code(), Some(2), "{}", text(&nothing));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("no unfinished upload job"), "{}", text(&nothing));

    let big = env.path("big.mov");
    std::fs::write(&big, pattern(12 * MIB, 7)).unwrap();
    let before = body_bytes(&env).await;
    let upload = ["upload", "--chunk-size", "1280K", big.to_str().unwrap(), "onedrive:/Big"];
    upload_then_kill(&env, &upload, "onedrive", 0, before + 2 * 1280 * 1024).await;
    // A second unfinished job (Dropbox), so `resume` alone cannot choose.
    let other = env.path("other.mov");
    std::fs::write(&other, pattern(12 * MIB, 8)).unwrap();
    let before = body_bytes(&env).await;
    let upload = ["upload", "--chunk-size", "4M", other.to_str().unwrap(), "dropbox:/Other"];
    upload_then_kill(&env, &upload, "dropbox", 0, before + 5 * MIB as u64).await;

    let jobs = jobs_json(&env).await;
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    let onedrive = jobs.iter().find(|j| j["service"] == "onedrive").unwrap();
    let (id, short) = (onedrive["id"].as_str().unwrap(), onedrive["short_id"].as_str().unwrap());
    let which = env.run(&["resume"]).await;
    assert_eq!(which.status.code(), Some(2), "{}", text(&which));
    let why = String::from_utf8_lossy(&which.stderr);
    assert!(why.contains("2 unfinished jobs") && why.contains(short), "{}", text(&which));

    let url = open_upload_url(&env, id);
    assert_eq!(status_of(&url).await, 200, "the session is open before the discard");
    let discarded = env.run(&["jobs", "--discard", short]).await;
    assert!(discarded.status.success(), "{}", text(&discarded));
    assert!(
        String::from_utf8_lossy(&discarded.stdout).contains("Upload sessions cancelled on OneDrive: 1."),
        "{}",
        text(&discarded)
    );
    assert_eq!(status_of(&url).await, 404, "the upload session is gone on the service");
    assert!(!env.path(&format!("state/dkcloud/jobs/{id}.jsonl")).exists());
    assert!(!env.path(&format!("state/dkcloud/jobs/{id}.job.json")).exists());
    let left = jobs_json(&env).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["service"], "dropbox");

    // Dropbox cannot end a session: the discard says it is left to expire.
    let dropbox_id = left[0]["id"].as_str().unwrap().to_owned();
    let discarded = env.run(&["jobs", "--discard", &dropbox_id]).await;
    assert!(discarded.status.success(), "{}", text(&discarded));
    assert!(String::from_utf8_lossy(&discarded.stdout).contains("left to expire on Dropbox"), "{}", text(&discarded));
    assert!(String::from_utf8_lossy(&env.run(&["jobs"]).await.stdout).contains("No unfinished upload jobs."));
    let unknown = env.run(&["jobs", "--discard", short]).await;
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no unfinished job"), "{}", text(&unknown));
}

/// A photo of noise: JPEG compresses it poorly, so even resized it needs an upload session.
fn noise_photo(path: &Path, w: u32, h: u32) {
    let img = image::RgbImage::from_raw(w, h, pattern((w * h * 3) as usize, 99)).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95).encode_image(&img).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resized_upload_killed_half_way_resumes_its_prepared_photo() {
    let env = Env::start(|c| c.bandwidth = Some(2 * MIB as u64)).await;
    env.login_both().await;
    let src = env.path("Shoot");
    std::fs::create_dir_all(&src).unwrap();
    super::write_photo(&src.join("a.jpg"), 1200, 800);
    noise_photo(&src.join("z.jpg"), 3000, 2000);
    let originals =
        std::fs::metadata(src.join("a.jpg")).unwrap().len() + std::fs::metadata(src.join("z.jpg")).unwrap().len();
    let z_original = std::fs::metadata(src.join("z.jpg")).unwrap().len();
    let chunk = 1280 * 1024u64;
    let photo = ["--resize", "2800", "--quality", "98"];
    let mut upload = vec!["upload", "--jobs", "1", "--chunk-size", "1280K"];
    upload.extend(photo);
    upload.extend([src.to_str().unwrap(), "onedrive:/Web"]);
    let before = body_bytes(&env).await;
    upload_then_kill(&env, &upload, "onedrive", 1, before + 2 * chunk).await;
    assert_eq!(env.stored("onedrive").await.len(), 1, "the big photo was not finished when killed");

    let jobs = jobs_json(&env).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    // Counted as the source files: the prepared copies are not known before they are made.
    assert_eq!((jobs[0]["files_done"].as_u64(), jobs[0]["files_total"].as_u64()), (Some(1), Some(2)));
    assert_eq!((jobs[0]["bytes_left"].as_u64(), jobs[0]["bytes_total"].as_u64()), (Some(z_original), Some(originals)));
    assert_eq!(jobs[0]["options"]["prepare"]["resize"].as_u64(), Some(2800), "{}", jobs[0]);

    let resumed = env.run(&["resume", jobs[0]["short_id"].as_str().unwrap()]).await;
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    assert!(
        String::from_utf8_lossy(&resumed.stdout).contains("Done: 1 uploaded, 1 already uploaded"),
        "{}",
        text(&resumed)
    );
    let stored = env.stored("onedrive").await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    // The stored photo is exactly what `dkcloud prepare` makes of it (the preparer is
    // deterministic), though its upload was split over two processes.
    let out = env.path("prepared");
    let mut prepare = vec!["prepare", "--out", out.to_str().unwrap()];
    prepare.extend(photo);
    let z = src.join("z.jpg");
    prepare.push(z.to_str().unwrap());
    let prepared = env.run(&prepare).await;
    assert!(prepared.status.success(), "{}", text(&prepared));
    let expected = std::fs::read(out.join("z.jpg")).unwrap();
    assert!(
        expected.len() as u64 > 4 * MIB as u64 + 2 * chunk,
        "the prepared photo needs an upload session: {}",
        expected.len()
    );
    assert_eq!(std::fs::read(env.emu.data_dir().join("onedrive/Web/Shoot/z.jpg")).unwrap(), expected);
    let stored_total: u64 = stored.values().map(|(size, _)| size).sum();
    let sent = body_bytes(&env).await - before;
    assert!(sent <= stored_total + chunk + 16 * KIB as u64, "{sent} bytes sent for {stored_total} stored");
    assert!(jobs_json(&env).await.is_empty());
}
