//! Nothing lost, nothing claimed: journals a crash or a full disk left
//! damaged, Ctrl+C and SIGTERM that keep what was sent, one remote name per
//! file, one run of a job at a time, and output that stays plain — on both
//! services, against the emulator over real HTTP.

use super::*;
use std::time::Duration;

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;
const SERVICES: [&str; 2] = ["onedrive", "dropbox"];

async fn body_bytes(env: &Env) -> u64 {
    env.stats().await["request_body_bytes"].as_u64().unwrap()
}

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn jobs_dir(env: &Env) -> PathBuf {
    env.path("state/dkcloud/jobs")
}

/// The one journal in the jobs folder whose record names `destination` on `service`.
fn job_id_of(env: &Env, service: &str, destination: &str) -> String {
    for entry in std::fs::read_dir(jobs_dir(env)).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".job.json") {
            continue;
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap()) else { continue };
        if v["service"] == service && v["destination"] == destination {
            return v["id"].as_str().unwrap().to_owned();
        }
    }
    panic!("no job to {service}:{destination}");
}

async fn jobs_json(env: &Env) -> Vec<serde_json::Value> {
    let listed = env.run(&["jobs", "--json"]).await;
    assert!(listed.status.success(), "{}", text(&listed));
    let v: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&listed)));
    v["jobs"].as_array().unwrap().clone()
}

/// Waits until `dkcloud jobs` lists a job as running now.
async fn wait_running(env: &Env, child: &mut tokio::process::Child) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !jobs_json(env).await.iter().any(|j| j["running_now"] == true) {
        assert!(child.try_wait().unwrap().is_none(), "the upload ended before it was seen running");
        assert!(tokio::time::Instant::now() < deadline, "the job was never listed as running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------- journals

/// A job that ends with one failed file (a FIFO is no regular file): it stays on offer.
async fn unfinished_job(env: &Env, service: &str) -> (PathBuf, String) {
    let src = env.path(&format!("Pending-{service}"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.jpg"), pattern(20 * KIB, 3)).unwrap();
    let fifo = src.join("pipe.jpg");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let dest = format!("{service}:/Pending");
    let run = env.run(&["upload", src.to_str().unwrap(), &dest]).await;
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    (src, job_id_of(env, service, "/Pending"))
}

/// Cuts the journal's last record inside the first multi-byte character
/// that the line holds (a crash or a full disk mid-write), dropping what follows.
fn tear_last_line(journal: &Path) {
    let bytes = std::fs::read(journal).unwrap();
    let body = &bytes[..bytes.len() - 1];
    let start = body.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let multi = body[start..].iter().position(|b| *b >= 0xC0).expect("a multi-byte character in the last line");
    std::fs::write(journal, &bytes[..start + multi + 1]).unwrap();
}

async fn a_torn_journal_is_read_past_and_its_files_found_again(service: &str) {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Été 2024");
    std::fs::create_dir_all(&src).unwrap();
    for (i, name) in ["a.jpg", "b.jpg", "c.jpg"].iter().enumerate() {
        std::fs::write(src.join(name), pattern(100 * KIB + i, 60 + i as u64)).unwrap();
    }
    let dest = format!("{service}:/Album");
    let first = env.run(&["upload", "--jobs", "1", src.to_str().unwrap(), &dest]).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let (_, pending) = unfinished_job(&env, service).await;
    // Both journals cut inside the "É" of their last line; one record is not JSON at all.
    let album = job_id_of(&env, service, "/Album");
    tear_last_line(&jobs_dir(&env).join(format!("{album}.jsonl")));
    let pending_journal = jobs_dir(&env).join(format!("{pending}.jsonl"));
    std::fs::write(&pending_journal, [std::fs::read(&pending_journal).unwrap(), b"{\"done\":{\"local\":\"/x/\xC3".to_vec()].concat())
        .unwrap();
    std::fs::write(jobs_dir(&env).join("0000garbage.job.json"), b"{\"version\": 1, \"id\": \"\xC3").unwrap();

    // Every other job is listed; the damage is a note, plain text (no colour in a pipe).
    let listed = env.run(&["jobs"]).await;
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed));
    assert!(out(&listed).contains(&pending[..8]), "{}", text(&listed));
    assert!(out(&listed).contains("1 of 2 files done"), "{}", text(&listed));
    assert!(err(&listed).contains("unreadable line(s)"), "{}", text(&listed));
    assert!(!err(&listed).contains('\u{1b}') && !out(&listed).contains('\u{1b}'), "colour in a pipe: {}", text(&listed));
    assert_eq!(jobs_json(&env).await.len(), 1);

    // The album again: the file the journal lost is found on the service, nothing is sent twice.
    let before = body_bytes(&env).await;
    let again = env.run(&["upload", "--jobs", "1", src.to_str().unwrap(), &dest]).await;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        out(&again).contains("Done: 0 uploaded, 2 already uploaded by an earlier run, 1 already there (identical)"),
        "{}",
        text(&again)
    );
    let resent = body_bytes(&env).await - before;
    assert!(resent < 16 * KIB as u64, "{resent} bytes sent again");
    let stored = env.stored(service).await;
    assert_eq!(stored.keys().filter(|k| k.starts_with("/Album/")).count(), 3, "{stored:?}");

    // The damaged pending job can be resumed (its lost line was the FIFO's: it fails again) and discarded.
    let resumed = env.run(&["resume", &pending[..8]]).await;
    assert_eq!(resumed.status.code(), Some(1), "{}", text(&resumed));
    assert!(out(&resumed).contains("1 already uploaded"), "{}", text(&resumed));
    let lock = jobs_dir(&env).join(format!("{pending}.lock"));
    assert!(lock.exists(), "each run locked the job");
    let discarded = env.run(&["jobs", "--discard", &pending[..8]]).await;
    assert_eq!(discarded.status.code(), Some(0), "{}", text(&discarded));
    assert!(!lock.exists(), "a discarded job leaves no lock file behind");
    assert!(jobs_json(&env).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_a_torn_journal_is_read_past_and_its_files_found_again() {
    a_torn_journal_is_read_past_and_its_files_found_again("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_a_torn_journal_is_read_past_and_its_files_found_again() {
    a_torn_journal_is_read_past_and_its_files_found_again("dropbox").await;
}

/// A small tmpfs mounted over `dir` for the test's life.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(dir.to_owned()))
    }

    /// Fills what is left of the disk; the filler's path.
    fn fill(&self) -> PathBuf {
        use std::io::Write as _;
        let path = self.0.join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.flush();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

async fn a_full_disk_is_one_warning_and_the_record_is_right_after(service: &str) {
    let env = Env::start(|c| c.bandwidth = Some(2 * MIB as u64)).await;
    env.login_both().await;
    let Some(disk) = SmallDisk::mount(&env.path("state"), "1m") else {
        eprintln!("\n!!!!!!!! SKIPPED: cannot mount a tmpfs here (not root?); the full-disk test did not run !!!!!!!!\n");
        return;
    };
    let src = env.path("Été 2024");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..60 {
        std::fs::write(src.join(format!("photo {i:02} été.jpg")), pattern(30 * KIB + i, 100 + i as u64)).unwrap();
    }
    std::fs::write(src.join("zz.mov"), pattern(3 * MIB, 99)).unwrap();
    let dest = format!("{service}:/Full");
    let args = ["upload", "--jobs", "2", src.to_str().unwrap(), dest.as_str()];
    let mut child = env.command(&args, &[]).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    wait_running(&env, &mut child).await;
    let filler = disk.fill();
    let run = child.wait_with_output().await.unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let warnings: Vec<&str> = std::str::from_utf8(&run.stderr).unwrap().lines().filter(|l| l.contains("WARN")).collect();
    eprintln!("{service} full disk: {warnings:?}");
    assert_eq!(warnings.len(), 1, "one warning for a full disk: {warnings:#?}");
    assert!(warnings[0].contains("No space left on device"), "{warnings:?}");
    assert!(!std::str::from_utf8(&run.stderr).unwrap().contains('\u{1b}'), "no colour in a pipe");
    assert!(out(&run).contains("Done: 61 uploaded"), "{}", text(&run));
    assert_eq!(env.stored(service).await, super::local_hashes(&src, service, "/Full"));

    // The record says finished even though the disk was full when the run ended.
    let id = job_id_of(&env, service, "/Full");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(jobs_dir(&env).join(format!("{id}.job.json"))).unwrap()).unwrap();
    assert_eq!(record["state"], "finished", "{record}");
    std::fs::remove_file(filler).unwrap();
    assert!(jobs_json(&env).await.is_empty(), "a finished job is not offered");

    // Space is back: a rerun finds what the journal could not say on the service, and sends nothing.
    let before = body_bytes(&env).await;
    let again = env.run(&args).await;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(out(&again).contains("Done: 0 uploaded"), "{}", text(&again));
    let resent = body_bytes(&env).await - before;
    assert!(resent < 64 * KIB as u64, "{resent} bytes sent again");
    drop(disk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_a_full_disk_is_one_warning_and_the_record_is_right_after() {
    a_full_disk_is_one_warning_and_the_record_is_right_after("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_a_full_disk_is_one_warning_and_the_record_is_right_after() {
    a_full_disk_is_one_warning_and_the_record_is_right_after("dropbox").await;
}

// ---------------------------------------------------------------- stopping

/// What the service confirmed of the job's open session (from the journal's last open record).
async fn confirmed_offset(env: &Env, id: &str) -> u64 {
    let journal = std::fs::read_to_string(jobs_dir(env).join(format!("{id}.jsonl"))).unwrap();
    let open = journal
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("open").cloned())
        .next_back()
        .expect("an open session kept in the journal");
    let session = &open["session"];
    if let Some(url) = session["upload_url"].as_str() {
        // OneDrive: ask the session where it stands.
        let status = support::reqwest_get(url).await;
        let next = status["nextExpectedRanges"][0].as_str().expect("the session is still there");
        return next.trim_end_matches('-').split('-').next().unwrap().parse().unwrap();
    }
    session["offset"].as_u64().expect("a Dropbox session offset")
}

/// An emulator behind a 4 MiB/s link, both accounts logged in, a file of `size`
/// bytes, and the chunk size (argument and bytes) that confirms it a little at a time.
async fn big_file_on_a_slow_link(service: &str, size: usize, seed: u64) -> (Env, PathBuf, &'static str, usize) {
    let env = Env::start(|c| c.bandwidth = Some(4 * MIB as u64)).await;
    env.login_both().await;
    let big = env.path("big.mov");
    std::fs::write(&big, pattern(size, seed)).unwrap();
    let (chunk, chunk_bytes) = if service == "onedrive" { ("1280K", 1280 * KIB) } else { ("4M", 4 * MIB) };
    (env, big, chunk, chunk_bytes)
}

async fn a_stopped_upload_keeps_what_was_sent(service: &str, signal: i32) {
    let size = 24 * MIB + 5;
    let (env, big, chunk, chunk_bytes) = big_file_on_a_slow_link(service, size, 11).await;
    let dest = format!("{service}:/Stop");
    let args = ["upload", "--jobs", "1", "--chunk-size", chunk, big.to_str().unwrap(), dest.as_str()];
    let before = body_bytes(&env).await;
    let child = env.command(&args, &[]).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while body_bytes(&env).await < before + 8 * MIB as u64 {
        assert!(tokio::time::Instant::now() < deadline, "the upload never got that far");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // SAFETY: a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(child.id().unwrap() as i32, signal) }, 0);
    let stopped = child.wait_with_output().await.unwrap();
    assert_eq!(stopped.status.code(), Some(4), "{}", text(&stopped));
    assert!(err(&stopped).contains("what was sent is kept"), "{}", text(&stopped));
    assert!(out(&stopped).contains("Stopped (`dkcloud resume` continues)"), "{}", text(&stopped));
    assert!(!out(&stopped).contains("; 0 B sent"), "the summary counts what was sent: {}", text(&stopped));
    let id = job_id_of(&env, service, "/Stop");
    let jobs = jobs_json(&env).await;
    assert_eq!((jobs.len(), jobs[0]["state"].as_str()), (1, Some("interrupted")), "{jobs:?}");
    let confirmed = confirmed_offset(&env, &id).await;
    assert!(confirmed >= 4 * MIB as u64, "only {confirmed} bytes kept");

    let resent = resume_sends_the_rest(&env, service, &big, "/Stop/big.mov", confirmed, chunk_bytes).await;
    eprintln!("{service} signal {signal}: {confirmed} of {size} bytes confirmed before it, {resent} sent by the resume");
}

/// `dkcloud resume` sends what the service had not confirmed (and one chunk, a few KiB of JSON at
/// most) and the file is stored byte-identical, the only one; the bytes it sent.
async fn resume_sends_the_rest(env: &Env, service: &str, big: &Path, stored_as: &str, confirmed: u64, chunk: usize) -> u64 {
    let size = std::fs::metadata(big).unwrap().len();
    let before_resume = body_bytes(env).await;
    let resumed = env.run(&["resume"]).await;
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    let resent = body_bytes(env).await - before_resume;
    assert!(
        resent < size - confirmed + chunk as u64 + 16 * KIB as u64,
        "{service}: {resent} bytes sent on resume; {confirmed} of {size} were confirmed before the stop"
    );
    let stored = env.stored(service).await;
    let local = dkcloud_hash::hash_reader(std::fs::File::open(big).unwrap()).unwrap();
    let hash = if service == "onedrive" { local.quickxor } else { local.content_hash };
    assert_eq!(stored.get(stored_as), Some(&(size, hash)), "{stored:?}");
    assert_eq!(stored.len(), 1);
    resent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_ctrl_c_keeps_what_was_sent_and_resume_goes_on() {
    a_stopped_upload_keeps_what_was_sent("onedrive", libc::SIGINT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_ctrl_c_keeps_what_was_sent_and_resume_goes_on() {
    a_stopped_upload_keeps_what_was_sent("dropbox", libc::SIGINT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_sigterm_keeps_what_was_sent_and_resume_goes_on() {
    a_stopped_upload_keeps_what_was_sent("onedrive", libc::SIGTERM).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_sigterm_keeps_what_was_sent_and_resume_goes_on() {
    a_stopped_upload_keeps_what_was_sent("dropbox", libc::SIGTERM).await;
}

/// A pipe whose buffer holds one page; the test keeps the read end and never reads it.
fn one_page_pipe() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills both descriptors, which are then owned once each.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fcntl on the descriptor just made.
    assert_eq!(unsafe { libc::fcntl(fds[1], libc::F_SETPIPE_SZ, 4096) }, 4096);
    // SAFETY: each descriptor is fresh and taken once.
    unsafe { (std::os::fd::OwnedFd::from_raw_fd(fds[0]), std::os::fd::OwnedFd::from_raw_fd(fds[1])) }
}

fn unread_bytes(fd: &std::os::fd::OwnedFd) -> i32 {
    use std::os::fd::AsRawFd;
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    assert_eq!(unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONREAD, &mut n) }, 0);
    n
}

/// Output nobody reads (a paused pager, a stuck log pipe) holds up the run,
/// its suspension included; the second Ctrl+C ends it at once (130), and the
/// resume still continues from what the service confirmed.
async fn a_second_ctrl_c_ends_a_stuck_run_at_once(service: &str) {
    let size = 40 * MIB + 3;
    let (env, big, chunk, chunk_bytes) = big_file_on_a_slow_link(service, size, 12).await;
    let dest = format!("{service}:/Stuck");
    let (unread, stdout) = one_page_pipe();
    let args = ["upload", "--json", "--jobs", "1", "--chunk-size", chunk, big.to_str().unwrap(), dest.as_str()];
    let mut child = env.command(&args, &[]).stdout(std::process::Stdio::from(stdout)).spawn().unwrap();
    // JSON progress lines come every fraction of a second: the page fills, and the run blocks on it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut last = -1;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = unread_bytes(&unread);
        if now > 3000 && now == last {
            break;
        }
        last = now;
        assert!(child.try_wait().unwrap().is_none(), "the upload ended before its output filled the pipe");
        assert!(tokio::time::Instant::now() < deadline, "the output never filled the pipe ({now} bytes)");
    }
    let pid = child.id().unwrap() as i32;
    // SAFETY: a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(child.try_wait().unwrap().is_none(), "a run whose output is blocked cannot finish stopping");
    let second = tokio::time::Instant::now();
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("the second Ctrl+C did not end the run within 5 s")
        .unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    eprintln!("{service}: ended {:?} after the second Ctrl+C", second.elapsed());
    drop(unread);

    let id = job_id_of(&env, service, "/Stuck");
    let confirmed = confirmed_offset(&env, &id).await;
    resume_sends_the_rest(&env, service, &big, "/Stuck/big.mov", confirmed, chunk_bytes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_a_second_ctrl_c_ends_a_stuck_run_at_once() {
    a_second_ctrl_c_ends_a_stuck_run_at_once("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_a_second_ctrl_c_ends_a_stuck_run_at_once() {
    a_second_ctrl_c_ends_a_stuck_run_at_once("dropbox").await;
}

// ---------------------------------------------------------------- names

fn write_png(path: &Path, seed: u8) {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 ^ seed, y as u8, seed]));
    img.save_with_format(path, image::ImageFormat::Png).unwrap();
}

fn write_jpeg(path: &Path, seed: u8) {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([seed, x as u8, y as u8 ^ seed]));
    img.save_with_format(path, image::ImageFormat::Jpeg).unwrap();
}

/// Four files that two services see under two names.
fn colliding(env: &Env, name: &str) -> PathBuf {
    let src = env.path(name);
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("IMG_1.JPG"), pattern(40 * KIB, 1)).unwrap();
    std::fs::write(src.join("img_1.jpg"), pattern(41 * KIB, 2)).unwrap();
    std::fs::write(src.join("Caf\u{e9}.jpg"), pattern(42 * KIB, 3)).unwrap();
    std::fs::write(src.join("Cafe\u{301}.jpg"), pattern(43 * KIB, 4)).unwrap();
    src
}

/// The remote names the rule gives them: walk order is by bytes, so
/// `IMG_1.JPG` before `img_1.jpg`, and NFD `Cafe\u{301}` before NFC `Caf\u{e9}`.
fn expected_names(service: &str, folder: &str, src: &Path) -> BTreeMap<String, (u64, String)> {
    let pairs = [
        ("IMG_1.JPG", "IMG_1.JPG"),
        ("img_1.jpg", "img_1 (2).jpg"),
        ("Cafe\u{301}.jpg", "Caf\u{e9}.jpg"),
        ("Caf\u{e9}.jpg", "Caf\u{e9} (2).jpg"),
    ];
    pairs
        .iter()
        .map(|(local, remote)| {
            let h = dkcloud_hash::hash_reader(std::fs::File::open(src.join(local)).unwrap()).unwrap();
            let hash = if service == "onedrive" { h.quickxor } else { h.content_hash };
            (format!("{folder}/{remote}"), (h.size, hash))
        })
        .collect()
}

async fn each_file_gets_its_own_name_under_every_policy(service: &str) {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    for policy in ["replace", "skip", "rename", "fail"] {
        let src = colliding(&env, &format!("Names-{policy}"));
        let dest = format!("{service}:/N");
        let folder = format!("/N/Names-{policy}");
        let args = ["upload", "--jobs", "3", "--on-conflict", policy, src.to_str().unwrap(), dest.as_str()];
        let first = env.run(&args).await;
        assert_eq!(first.status.code(), Some(0), "{policy}: {}", text(&first));
        assert!(out(&first).contains("Done: 4 uploaded"), "{policy}: {}", text(&first));
        assert!(err(&first).contains("stored as img_1 (2).jpg"), "{policy}: {}", text(&first));
        let stored: BTreeMap<_, _> =
            env.stored(service).await.into_iter().filter(|(k, _)| k.starts_with(&format!("{folder}/"))).collect();
        assert_eq!(stored, expected_names(service, &folder, &src), "{service} {policy}");
        // Stable: the same file gets the same name, so a rerun has nothing to do.
        let before = body_bytes(&env).await;
        let again = env.run(&args).await;
        assert_eq!(again.status.code(), Some(0), "{policy}: {}", text(&again));
        assert!(out(&again).contains("Done: 0 uploaded, 4 already uploaded"), "{policy}: {}", text(&again));
        assert!(body_bytes(&env).await - before < 8 * KIB as u64);
    }
    // The state is in each file's event, for front ends.
    let src = colliding(&env, "Names-json");
    let dest = format!("{service}:/N");
    let json = env.run(&["upload", "--json", "--jobs", "1", src.to_str().unwrap(), dest.as_str()]).await;
    let clashes: Vec<serde_json::Value> = out(&json)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["event"] == "file" && v["file"].get("name_clash").is_some())
        .collect();
    assert_eq!(clashes.len(), 2, "{}", text(&json));
    assert!(clashes.iter().any(|c| c["file"]["name_clash"] == "/N/Names-json/img_1.jpg"
        && c["file"]["remote"] == "/N/Names-json/img_1 (2).jpg"), "{clashes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_each_file_gets_its_own_name_under_every_policy() {
    each_file_gets_its_own_name_under_every_policy("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_each_file_gets_its_own_name_under_every_policy() {
    each_file_gets_its_own_name_under_every_policy("dropbox").await;
}

async fn a_conversion_that_makes_one_name_keeps_both(service: &str) {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Convert");
    std::fs::create_dir_all(&src).unwrap();
    write_jpeg(&src.join("IMG.jpg"), 1);
    write_png(&src.join("IMG.png"), 2);
    let dest = format!("{service}:/C");
    let args = ["upload", "--resize", "32", "--on-conflict", "replace", src.to_str().unwrap(), dest.as_str()];
    let first = env.run(&args).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(out(&first).contains("Done: 2 uploaded"), "{}", text(&first));
    let stored = env.stored(service).await;
    let names: Vec<&str> = stored.keys().map(String::as_str).collect();
    assert_eq!(names, vec!["/C/Convert/IMG (2).jpg", "/C/Convert/IMG.jpg"], "{service}");
    let again = env.run(&args).await;
    assert!(out(&again).contains("Done: 0 uploaded, 2 already uploaded"), "{}", text(&again));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_a_conversion_that_makes_one_name_keeps_both() {
    a_conversion_that_makes_one_name_keeps_both("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_a_conversion_that_makes_one_name_keeps_both() {
    a_conversion_that_makes_one_name_keeps_both("dropbox").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepare_writes_one_output_per_input() {
    let env = Env::start(|_| {}).await;
    let src = env.path("In");
    std::fs::create_dir_all(&src).unwrap();
    write_jpeg(&src.join("IMG.jpg"), 1);
    write_png(&src.join("IMG.png"), 2);
    write_jpeg(&src.join("Caf\u{e9}.jpg"), 3);
    write_jpeg(&src.join("Cafe\u{301}.jpg"), 4);
    let out_dir = env.path("Out");
    let inputs = ["IMG.jpg", "IMG.png", "Caf\u{e9}.jpg", "Cafe\u{301}.jpg"].map(|n| src.join(n).display().to_string());
    let mut args = vec!["prepare", "--resize", "32", "--out", out_dir.to_str().unwrap()];
    args.extend(inputs.iter().map(String::as_str));
    let run = env.run(&args).await;
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let mut written: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    assert_eq!(written.len(), 4, "4 inputs, 4 outputs: {written:?}");
    // The later of two inputs that come to one name (by case, normalisation or conversion) gets " (2)".
    assert!(written.contains(&"IMG (2).jpg".to_owned()) && written.contains(&"Cafe\u{301} (2).jpg".to_owned()), "{written:?}");
    for name in &written {
        image::open(out_dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

// ---------------------------------------------------------------- the rest

async fn a_second_run_of_a_job_says_who_holds_it(service: &str) {
    let env = Env::start(|c| c.bandwidth = Some(2 * MIB as u64)).await;
    env.login_both().await;
    let src = env.path("Busy");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("big.mov"), pattern(8 * MIB, 5)).unwrap();
    let dest = format!("{service}:/Busy");
    let args = ["upload", src.to_str().unwrap(), dest.as_str()];
    let before = body_bytes(&env).await;
    let mut child = env.command(&args, &[]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    wait_running(&env, &mut child).await;
    let second = env.run(&args).await;
    assert_eq!(second.status.code(), Some(5), "{}", text(&second));
    assert!(err(&second).contains(&format!("pid {}, started ", child.id().unwrap())), "{}", text(&second));
    let first = child.wait().await.unwrap();
    assert_eq!(first.code(), Some(0));
    assert_eq!(env.stored(service).await.len(), 1);
    let sent = body_bytes(&env).await - before;
    assert!(sent < 8 * MIB as u64 + 64 * KIB as u64, "{sent} bytes: the file went once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_a_second_run_of_a_job_says_who_holds_it() {
    a_second_run_of_a_job_says_who_holds_it("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_a_second_run_of_a_job_says_who_holds_it() {
    a_second_run_of_a_job_says_who_holds_it("dropbox").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_ends_quietly() {
    let env = Env::start(|_| {}).await;
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let done = env.command(&["jobs"], &[]).stdout(writer).stderr(std::process::Stdio::piped()).output().await.unwrap();
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
    assert!(done.stderr.is_empty(), "{}", text(&done));
}

/// `dkcloud upload ... 2>&1 | head -1`: once the reader has gone the upload goes
/// on unheard, every file is stored, and the exit code still tells how it went
/// (it used to end at the first unread line, with 0, the files unsent).
async fn an_upload_nobody_reads_still_finishes_and_its_code_tells(service: &str) {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path(&format!("Unread-{service}"));
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..6 {
        std::fs::write(src.join(format!("{i}.jpg")), pattern(200 * KIB + i, 40 + i as u64)).unwrap();
    }
    std::fs::write(src.join("big.mov"), pattern(6 * MIB + 1, 47)).unwrap();
    let dest = format!("{service}:/Unread");
    for (with_a_bad_file, code) in [(false, 0), (true, 1)] {
        if with_a_bad_file {
            assert!(std::process::Command::new("mkfifo").arg(src.join("pipe.jpg")).status().unwrap().success());
        }
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let stderr = writer.try_clone().unwrap();
        let args = ["upload", "--chunk-size", "4M", src.to_str().unwrap(), dest.as_str()];
        let done = env.command(&args, &[]).stdout(writer).stderr(stderr).status().await.unwrap();
        assert_eq!(done.code(), Some(code), "{service}, a file that cannot go: {with_a_bad_file}");
    }
    let stored = env.stored(service).await;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name == "pipe.jpg" {
            continue;
        }
        let local = dkcloud_hash::hash_reader(std::fs::File::open(&path).unwrap()).unwrap();
        let hash = if service == "onedrive" { local.quickxor } else { local.content_hash };
        assert_eq!(stored.get(&format!("/Unread/Unread-{service}/{name}")), Some(&(local.size, hash)), "{stored:?}");
    }
    assert_eq!(stored.len(), 7, "{stored:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_an_upload_nobody_reads_still_finishes_and_its_code_tells() {
    an_upload_nobody_reads_still_finishes_and_its_code_tells("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_an_upload_nobody_reads_still_finishes_and_its_code_tells() {
    an_upload_nobody_reads_still_finishes_and_its_code_tells("dropbox").await;
}

async fn names_from_the_service_are_shown_escaped_and_missing_is_said_in_words(service: &str) {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Odd");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("evil\u{1b}]0;owned\u{7}.jpg"), b"x").unwrap();
    let up = env.run(&["upload", src.to_str().unwrap(), &format!("{service}:/")]).await;
    // The file's line shows the local name escaped; OneDrive, which refuses
    // control characters, gets their symbols instead (names.rs), Dropbox the name.
    assert!(err(&up).contains("evil\\u{1b}]0;owned\\u{7}.jpg") && !up.stderr.contains(&0x1b), "{}", text(&up));
    assert_eq!(up.status.code(), Some(0), "{}", text(&up));
    let ls = env.run(&["ls", &format!("{service}:/Odd")]).await;
    assert_eq!(ls.status.code(), Some(0), "{}", text(&ls));
    let shown = if service == "dropbox" { "evil\\u{1b}]0;owned\\u{7}.jpg" } else { "evil\u{241b}]0;owned\u{2407}.jpg" };
    assert!(out(&ls).contains(shown) && !ls.stdout.contains(&0x1b), "{}", text(&ls));

    let missing = env.run(&["ls", &format!("{service}:/Odd/nothing.jpg")]).await;
    assert_eq!(missing.status.code(), Some(4), "{}", text(&missing));
    assert!(err(&missing).contains(&format!("{service}:/Odd/nothing.jpg: not found")), "{}", text(&missing));
    assert!(!err(&missing).contains("404") && !err(&missing).contains("itemNotFound"), "{}", text(&missing));

    std::fs::write(env.path("a.jpg"), b"photo").unwrap();
    let one = env.run(&["upload", env.path("a.jpg").to_str().unwrap(), &format!("{service}:/M")]).await;
    assert_eq!(one.status.code(), Some(0), "{}", text(&one));
    let file = env.run(&["ls", &format!("{service}:/M/a.jpg")]).await;
    assert_eq!((file.status.code(), out(&file).trim()), (Some(0), "5  a.jpg"), "{}", text(&file));
    let through = env.run(&["mkdir", &format!("{service}:/M/a.jpg/sub/deeper")]).await;
    assert_eq!(through.status.code(), Some(2), "{}", text(&through));
    assert!(err(&through).contains(&format!("{service}:/M/a.jpg is a file")), "{}", text(&through));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_names_are_shown_escaped_and_missing_is_said_in_words() {
    names_from_the_service_are_shown_escaped_and_missing_is_said_in_words("onedrive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_names_are_shown_escaped_and_missing_is_said_in_words() {
    names_from_the_service_are_shown_escaped_and_missing_is_said_in_words("dropbox").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_over_unreadable_saved_logins_stops_before_the_browser() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = Env::start(|_| {}).await;
    std::fs::write(env.path("config/tokens.json"), b"{\"onedrive\": [tor").unwrap();
    let marker = env.path("browser-opened");
    let browser = env.path("marking-browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    for service in SERVICES {
        let login = env.run_with(&["login", service], &[("BROWSER", browser.to_str().unwrap())]).await;
        assert_eq!(login.status.code(), Some(4), "{}", text(&login));
        assert!(err(&login).contains("the saved logins cannot be read"), "{}", text(&login));
        assert!(!err(&login).contains("Opening your browser"), "{}", text(&login));
        assert!(!marker.exists(), "{service}: the browser was opened for a login that could not be kept");
    }
}
