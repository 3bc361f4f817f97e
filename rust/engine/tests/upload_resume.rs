//! Interrupted jobs: killed mid-file and run again, cancelled, or fed a file
//! that changes while it is read.

mod transfer_support;

use dkcloud_engine::testing::upload::NoEvents;
use dkcloud_engine::upload::{FileOutcome, FileReport, JobEvents, UploadJob, UploadOptions};
use dkcloud_engine::ServiceKind;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use transfer_support::*;

fn job(env: &Env, kind: ServiceKind, source: &str, journal: &std::path::Path) -> UploadJob {
    UploadJob {
        remote: env.remote(kind),
        sources: vec![env.local.path().join(source)],
        destination: "/R".into(),
        options: UploadOptions { jobs: 2, chunk_size: Some(4 * MIB), journal_dir: Some(journal.into()), ..Default::default() },
    }
}

fn body_bytes(stats: &serde_json::Value) -> u64 {
    stats["request_body_bytes"].as_u64().unwrap()
}

/// Starts a job, waits until `kind_count` requests of `kind` were answered,
/// then drops the job as a killed process would (no cleanup at all).
async fn kill_after(env: &Env, job: UploadJob, kind: &str, count: u64) {
    let task = tokio::spawn(job.run(Arc::new(NoEvents), CancellationToken::new()));
    let deadline = Instant::now() + Duration::from_secs(30);
    while env.count(kind).await < count {
        assert!(Instant::now() < deadline, "never saw {count} x {kind}");
        assert!(!task.is_finished(), "the job finished before it could be killed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    task.abort();
    let _ = task.await;
    // Let the server notice the cut connection.
    tokio::time::sleep(Duration::from_millis(300)).await;
}

async fn a_killed_job_resumes_without_resending(kind: ServiceKind, progress_kind: &str, stored_before: u64) {
    let env = start_with(|c| c.bandwidth = Some(24 * MIB)).await;
    let journal = tempfile::tempdir().unwrap();
    let data = env.make_file("K/big.bin", 24 * MIB, 7);
    kill_after(&env, job(&env, kind, "K", journal.path()), progress_kind, 2).await;
    assert!(env.files(kind).await.is_empty(), "nothing is stored after the kill");

    let before = body_bytes(&env.stats().await);
    let summary = job(&env, kind, "K", journal.path()).run(Arc::new(NoEvents), CancellationToken::new()).await.unwrap();
    let resent = body_bytes(&env.stats().await) - before;
    assert_eq!(summary.uploaded, 1, "{summary:?}");
    // Small JSON bodies (listing, commit) count too: allow a few KiB for them.
    assert!(resent <= 24 * MIB - stored_before + 16 * 1024, "{resent} bytes sent again; {stored_before} were stored before the kill");
    assert_eq!(std::fs::read(env.stored(kind, "/R/K/big.bin")).unwrap(), data);
    assert_eq!(env.files(kind).await.len(), 1, "exactly one stored file");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_killed_job_resumes_without_resending() {
    // Two answered fragments of 4 MiB rounded to 320 KiB units: 2 x 3.75 MiB.
    let stored = 2 * dkcloud_engine::testing::onedrive::fragment_size(4 * MIB);
    a_killed_job_resumes_without_resending(ServiceKind::OneDrive, "graph.upload_fragment", stored).await;
}

#[tokio::test]
async fn dropbox_killed_job_resumes_without_resending() {
    // The start request carried 4 MiB, then two appends of 4 MiB.
    a_killed_job_resumes_without_resending(ServiceKind::Dropbox, "dropbox.append_v2", 12 * MIB).await;
}

async fn a_stale_session_is_restarted_cleanly(kind: ServiceKind, progress_kind: &str) {
    let env = start_with(|c| {
        c.bandwidth = Some(48 * MIB);
        // Long enough for one whole upload (Dropbox does not extend a session's life).
        c.session_lifetime = 3;
    })
    .await;
    let journal = tempfile::tempdir().unwrap();
    let data = env.make_file("S/big.bin", 16 * MIB, 8);
    kill_after(&env, job(&env, kind, "S", journal.path()), progress_kind, 1).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let reports = Arc::new(Reports::default());
    let summary = job(&env, kind, "S", journal.path()).run(reports.clone(), CancellationToken::new()).await.unwrap();
    assert_eq!((summary.uploaded, summary.failed), (1, 0), "{summary:?} {:?}", reports.0.lock().unwrap());
    assert_eq!(std::fs::read(env.stored(kind, "/R/S/big.bin")).unwrap(), data);
    assert_eq!(env.files(kind).await.len(), 1);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_stale_session_is_restarted_cleanly() {
    a_stale_session_is_restarted_cleanly(ServiceKind::OneDrive, "graph.upload_fragment").await;
}

#[tokio::test]
async fn dropbox_stale_session_is_restarted_cleanly() {
    a_stale_session_is_restarted_cleanly(ServiceKind::Dropbox, "dropbox.append_v2").await;
}

#[derive(Default)]
struct Reports(Mutex<Vec<FileReport>>);

impl JobEvents for Reports {
    fn file_done(&self, r: &FileReport) {
        self.0.lock().unwrap().push(r.clone());
    }
}

#[tokio::test]
async fn cancel_stops_the_job_within_a_second() {
    let env = start_with(|c| c.bandwidth = Some(8 * MIB)).await;
    let journal = tempfile::tempdir().unwrap();
    env.make_file("C/a.bin", 30 * MIB, 1);
    env.make_file("C/b.bin", 30 * MIB, 2);
    let cancel = CancellationToken::new();
    let reports = Arc::new(Reports::default());
    let task = tokio::spawn(job(&env, ServiceKind::OneDrive, "C", journal.path()).run(reports.clone(), cancel.clone()));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let cancelled_at = Instant::now();
    cancel.cancel();
    let summary = task.await.unwrap().unwrap();
    let took = cancelled_at.elapsed();
    assert!(took < Duration::from_secs(1), "the job took {took:?} to stop");
    assert!(summary.cancelled);
    assert_eq!(summary.uploaded, 0);
    let reports = reports.0.lock().unwrap().clone();
    assert!(reports.iter().all(|r| r.outcome == FileOutcome::Cancelled), "{reports:?}");
    // Open sessions are deleted (in the background, so poll for it).
    let deadline = Instant::now() + Duration::from_secs(10);
    while env.count("graph.upload_cancel").await < 2 {
        assert!(Instant::now() < deadline, "sessions were not deleted: {}", env.stats().await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(env.files(ServiceKind::OneDrive).await.is_empty());
    env.emu.shutdown().await;
}

async fn a_file_changed_during_upload_is_sent_again(kind: ServiceKind) {
    let env = start_with(|c| c.bandwidth = Some(16 * MIB)).await;
    let journal = tempfile::tempdir().unwrap();
    env.make_file("M/moving.bin", 12 * MIB, 1);
    let path = env.local.path().join("M/moving.bin");
    let task = tokio::spawn(job(&env, kind, "M", journal.path()).run(Arc::new(NoEvents), CancellationToken::new()));
    tokio::time::sleep(Duration::from_millis(250)).await;
    // Rewritten in place while the upload reads it.
    let newer = make_file(&path, 12 * MIB, 2);
    let summary = task.await.unwrap().unwrap();
    let received = body_bytes(&env.stats().await);
    assert!(received > 13 * MIB, "the file was sent again after the change ({received} bytes received)");
    assert_eq!((summary.uploaded, summary.failed), (1, 0), "{summary:?}");
    assert!(std::fs::read(env.stored(kind, "/R/M/moving.bin")).unwrap() == newer, "the stored copy is the new content, not a mix");
    assert_eq!(env.files(kind).await.len(), 1);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_file_changed_during_upload_is_sent_again() {
    a_file_changed_during_upload_is_sent_again(ServiceKind::OneDrive).await;
}

#[tokio::test]
async fn dropbox_file_changed_during_upload_is_sent_again() {
    a_file_changed_during_upload_is_sent_again(ServiceKind::Dropbox).await;
}

/// The host quits during an upload: the job is suspended, not cancelled. Its
/// OneDrive session stays open (a cancel deletes it), the record says
/// interrupted, and the next run sends only what the service had not got.
#[tokio::test]
async fn a_suspended_onedrive_job_keeps_its_session_and_resumes_where_it_stopped() {
    let env = start_with(|c| c.bandwidth = Some(24 * MIB)).await;
    let journal = tempfile::tempdir().unwrap();
    let data = env.make_file("S/big.bin", 24 * MIB, 9);
    let handle = tokio::runtime::Handle::current();
    let (tx, rx) = std::sync::mpsc::channel();
    let running = job(&env, ServiceKind::OneDrive, "S", journal.path()).spawn(&handle, Arc::new(NoEvents), move |end| {
        let _ = tx.send(end);
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while env.count("graph.upload_fragment").await < 2 {
        assert!(Instant::now() < deadline, "never saw 2 fragments");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    running.suspend();
    let end = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30))).await.unwrap().unwrap();
    assert!(matches!(&end, dkcloud_engine::upload::JobEnd::Finished(s) if s.cancelled), "{end:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(env.count("graph.upload_cancel").await, 0, "the session was deleted");
    let records = dkcloud_engine::upload::unfinished_jobs(Some(journal.path()), None).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].record.state, dkcloud_engine::upload::EndState::Interrupted);

    let before = body_bytes(&env.stats().await);
    let summary = job(&env, ServiceKind::OneDrive, "S", journal.path()).run(Arc::new(NoEvents), CancellationToken::new()).await.unwrap();
    let resent = body_bytes(&env.stats().await) - before;
    assert_eq!(summary.uploaded, 1, "{summary:?}");
    let confirmed = 2 * dkcloud_engine::testing::onedrive::fragment_size(4 * MIB);
    assert!(resent <= 24 * MIB - confirmed + 16 * 1024, "{resent} bytes sent again; {confirmed} were confirmed before");
    assert_eq!(std::fs::read(env.stored(ServiceKind::OneDrive, "/R/S/big.bin")).unwrap(), data);
    env.emu.shutdown().await;
}

/// What the journal in `dir` says the last open session holds (confirmed bytes).
fn confirmed_in_journal(dir: &std::path::Path) -> u64 {
    let journal = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .expect("a journal");
    let text = std::fs::read_to_string(journal).unwrap();
    let last = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("open").cloned())
        .next_back()
        .expect("an open session in the journal");
    let session = &last["session"];
    session["done"].as_array().map_or(0, |d| d.len() as u64) * session["chunk"].as_u64().unwrap_or(0)
}

/// At 2 MiB/s the engine's own chunk size (no --chunk-size) keeps a killed
/// large Dropbox upload's progress: chunks are sized from the link, so
/// most of what went out is confirmed (with 32 MiB chunks, four in flight,
/// nothing would be for a minute).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_on_a_slow_link_a_kill_keeps_at_least_half_of_what_was_sent() {
    let env = start_with(|c| c.bandwidth = Some(2 * MIB)).await;
    let journal = tempfile::tempdir().unwrap();
    env.make_file("Slow/big.bin", 80 * MIB, 21);
    // The engine's own inactivity limit: on loopback a whole chunk fits in the
    // socket's buffer and then drains at a quarter of 2 MiB/s, quietly.
    let http = dkcloud_engine::testing::http::Http::new(&Default::default()).unwrap();
    let e = env.endpoints();
    let token = Arc::new(dkcloud_engine::testing::token::StaticToken::new(ServiceKind::Dropbox, TOKEN));
    let job = UploadJob {
        remote: Arc::new(dkcloud_engine::testing::dropbox::Dropbox::new(http, &e.dropbox_api, &e.dropbox_content, token)),
        sources: vec![env.local.path().join("Slow")],
        destination: "/R".into(),
        options: UploadOptions { jobs: 1, journal_dir: Some(journal.path().into()), ..Default::default() },
    };
    let before = body_bytes(&env.stats().await);
    let task = tokio::spawn(job.run(Arc::new(NoEvents), CancellationToken::new()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while body_bytes(&env.stats().await) - before < 24 * MIB {
        assert!(Instant::now() < deadline, "the upload never got that far");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    let _ = task.await;
    let sent = body_bytes(&env.stats().await) - before;
    let confirmed = confirmed_in_journal(journal.path());
    eprintln!("killed after {sent} bytes sent: {confirmed} confirmed");
    assert!(2 * confirmed >= sent, "{confirmed} of {sent} bytes sent were confirmed when the upload was killed");
    env.emu.shutdown().await;
}
