//! Dropbox transfers through the `Remote` trait against the emulator: the
//! shared scenarios (tests/conformance), then what only Dropbox does.

mod transfer_support;
#[macro_use]
mod conformance;

use dkcloud_engine::testing::remote::{list_all, OpenSession, Remote, UploadObserver, UploadSpec, Uploaded, WireConflict};
use dkcloud_engine::testing::dropbox::Dropbox;
use dkcloud_engine::testing::stamp::FileStamp;
use dkcloud_engine::ServiceKind;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;
use transfer_support::*;

#[derive(Default)]
struct Recorder {
    sessions: Mutex<Vec<Option<OpenSession>>>,
}

impl UploadObserver for Recorder {
    fn sent(&self, _offset: u64) {}
    fn session(&self, session: Option<&OpenSession>) {
        self.sessions.lock().unwrap().push(session.cloned());
    }
}

struct Put<'a> {
    env: &'a Env,
    remote: &'a dyn Remote,
    chunk: u64,
    /// The chunk size is the engine's to choose (large files go concurrent).
    adapt: bool,
    cancel: CancellationToken,
}

impl Put<'_> {
    async fn go(
        &self,
        rel: &str,
        target: &str,
        conflict: WireConflict,
        resume: Option<OpenSession>,
        observer: Arc<Recorder>,
    ) -> dkcloud_engine::Result<Uploaded> {
        let local = self.env.local.path().join(rel);
        let stamp = FileStamp::read(&local).await.unwrap();
        self.remote
            .upload(UploadSpec {
                local: &local,
                stamp,
                remote_path: target,
                conflict,
                chunk_size: self.chunk,
                adapt_chunks: self.adapt,
                resume,
                observer,
                cancel: &self.cancel,
            })
            .await
    }
}

// The scenarios both services share (tests/conformance).
conformance_tests!(conformance::DROPBOX);

/// Uploads the local files `{prefix}0.jpg` ... `{prefix}{count-1}.jpg` to `folder`, all at once
/// (4 MiB chunks, failing on a name already there); the sizes the service stored, in order.
async fn upload_at_once(db: &Arc<Dropbox>, env: &Env, prefix: &str, count: u64, folder: &str) -> Vec<u64> {
    let mut tasks = Vec::new();
    for i in 0..count {
        let db = db.clone();
        let local = env.local.path().join(format!("{prefix}{i}.jpg"));
        let target = format!("{folder}/{prefix}{i}.jpg");
        tasks.push(tokio::spawn(async move {
            let stamp = FileStamp::read(&local).await.unwrap();
            let cancel = CancellationToken::new();
            db.upload(UploadSpec {
                local: &local,
                stamp,
                remote_path: &target,
                conflict: WireConflict::Fail,
                chunk_size: 4 * MIB,
                adapt_chunks: false,
                resume: None,
                observer: Arc::new(Recorder::default()),
                cancel: &cancel,
            })
            .await
            .map(|u| u.entry.size)
        }));
    }
    let mut sizes = Vec::new();
    for t in tasks {
        sizes.push(t.await.unwrap().unwrap());
    }
    sizes
}

#[tokio::test]
async fn parallel_uploads_share_batch_commits() {
    let env = start().await;
    let db = Arc::new(env.dropbox());
    let mut expected = Vec::new();
    for i in 0..24 {
        expected.push(env.make_file(&format!("p{i}.jpg"), 10_000 + i * 1000, i));
    }
    upload_at_once(&db, &env, "p", 24, "/Batch").await;
    for (i, data) in expected.iter().enumerate() {
        assert_eq!(&std::fs::read(env.stored(ServiceKind::Dropbox, &format!("/Batch/p{i}.jpg"))).unwrap(), data);
    }
    let batches = env.count("dropbox.finish_batch_v2").await;
    assert!((1..24).contains(&batches), "{batches} batch commits for 24 files");
    env.emu.shutdown().await;
}

/// Microseconds from the answer to the last request of `before` kind to the
/// arrival of the first `finish_batch_v2` after it, on the emulator's timeline.
async fn wait_before_commit(env: &Env, before: &str) -> u64 {
    let timeline = env.stats().await["timeline"].as_array().unwrap().clone();
    let sent = timeline.iter().filter(|s| s["kind"] == before).map(|s| s["answered_us"].as_u64().unwrap()).max();
    let sent = sent.unwrap_or_else(|| panic!("no {before} on {timeline:?}"));
    let commit = timeline
        .iter()
        .filter(|s| s["kind"] == "dropbox.finish_batch_v2")
        .map(|s| s["arrived_us"].as_u64().unwrap())
        .find(|&t| t >= sent);
    commit.unwrap_or_else(|| panic!("no finish_batch_v2 after {before}: {timeline:?}")) - sent
}

/// Nothing else in flight could join the batch: the commit goes out at once
/// rather than after the batcher's idle wait (300 ms).
#[tokio::test]
async fn a_lone_upload_is_committed_without_the_idle_wait() {
    let env = start().await;
    let db = env.dropbox();
    let data = env.make_file("lone.jpg", 9 * MIB, 5);
    let put = Put { env: &env, remote: &db, chunk: 4 * MIB, adapt: false, cancel: CancellationToken::new() };
    put.go("lone.jpg", "/Lone/lone.jpg", WireConflict::Fail, None, Arc::default()).await.unwrap();
    assert_eq!(std::fs::read(env.stored(ServiceKind::Dropbox, "/Lone/lone.jpg")).unwrap(), data);
    assert_eq!(env.count("dropbox.append_v2").await, 2);
    let waited = wait_before_commit(&env, "dropbox.append_v2").await;
    assert!(waited < 150_000, "finish_batch_v2 came {waited} µs after the last append");
    env.emu.shutdown().await;
}

/// Uploads running together still share one commit: the batch waits for the
/// commits of the uploads still in flight.
#[tokio::test]
async fn uploads_running_together_share_one_commit() {
    let env = start().await;
    let db = Arc::new(env.dropbox());
    let mut expected = Vec::new();
    for i in 0..4 {
        expected.push(env.make_file(&format!("t{i}.jpg"), 200_000, 10 + i));
    }
    for size in upload_at_once(&db, &env, "t", 4, "/Together").await {
        assert_eq!(size, 200_000);
    }
    for (i, data) in expected.iter().enumerate() {
        assert_eq!(&std::fs::read(env.stored(ServiceKind::Dropbox, &format!("/Together/t{i}.jpg"))).unwrap(), data);
    }
    assert_eq!(env.count("dropbox.finish_batch_v2").await, 1);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn nested_folders_are_created_and_listed_with_paging() {
    let env = start().await;
    let db = env.dropbox();
    let cancel = CancellationToken::new();
    let made = db.create_folder("/A/B/C", &cancel).await.unwrap();
    assert!(made.entry.is_folder && made.created);
    assert!(!db.create_folder("/A/B/C", &cancel).await.unwrap().created);
    for i in 0..2100 {
        std::fs::create_dir_all(env.stored(ServiceKind::Dropbox, &format!("/A/f{i:04}"))).unwrap();
    }
    let first = db.list_page("/A", None, &cancel).await.unwrap();
    assert!(first.next.is_some());
    let all = list_all(&db, "/A", &cancel).await.unwrap();
    assert_eq!(all.len(), 2101);
    assert!(all.iter().any(|e| e.name == "B" && e.is_folder));
    assert!(db.resolve("/A/B/C", &cancel).await.unwrap().unwrap().is_folder);
    assert!(db.resolve("/A/nope", &cancel).await.unwrap().is_none());
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_resumed_session_continues_from_the_correct_offset() {
    let env = start().await;
    let db = env.dropbox();
    let data = env.make_file("big.bin", 20 * MIB, 3);
    let rec = Arc::new(Recorder::default());
    let put = Put { env: &env, remote: &db, chunk: 4 * MIB, adapt: false, cancel: CancellationToken::new() };
    {
        let fut = put.go("big.bin", "/big.bin", WireConflict::Fail, None, rec.clone());
        tokio::pin!(fut);
        loop {
            tokio::select! {
                r = &mut fut => panic!("finished too early: {r:?}"),
                _ = tokio::time::sleep(std::time::Duration::from_millis(5)) => {
                    if env.count("dropbox.append_v2").await >= 2 { break; }
                }
            }
        }
    }
    // The journal may lag behind the server: pretend it recorded an older offset.
    let session = match rec.sessions.lock().unwrap().iter().flatten().last().cloned() {
        Some(OpenSession::Dropbox { session_id, .. }) => OpenSession::Dropbox { session_id, offset: 4 * MIB, closed: false },
        other => panic!("no Dropbox session announced: {other:?}"),
    };
    let before = env.stats().await["request_body_bytes"].as_u64().unwrap();
    let up = put.go("big.bin", "/big.bin", WireConflict::Fail, Some(session), Arc::default()).await.unwrap();
    let after = env.stats().await["request_body_bytes"].as_u64().unwrap();
    // At least start + 2 appends (12 MiB) were stored before the interruption.
    assert!(up.bytes_sent <= 8 * MIB, "sent {} again", up.bytes_sent);
    assert!(after - before <= 8 * MIB + 64 * 1024, "the server received {} bytes", after - before);
    assert_eq!(std::fs::read(env.stored(ServiceKind::Dropbox, "/big.bin")).unwrap(), data);
    assert_eq!(env.files(ServiceKind::Dropbox).await.len(), 1);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_vanished_session_is_started_again() {
    let env = start().await;
    let db = env.dropbox();
    let data = env.make_file("f.bin", 6 * MIB, 5);
    let put = Put { env: &env, remote: &db, chunk: 4 * MIB, adapt: false, cancel: CancellationToken::new() };
    let stale = OpenSession::Dropbox { session_id: "no-such-session".into(), offset: 4 * MIB, closed: false };
    let up = put.go("f.bin", "/f.bin", WireConflict::Fail, Some(stale), Arc::default()).await.unwrap();
    assert_eq!(up.bytes_sent, 6 * MIB);
    assert_eq!(std::fs::read(env.stored(ServiceKind::Dropbox, "/f.bin")).unwrap(), data);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_large_file_goes_through_a_concurrent_session_and_is_verified() {
    let env = start().await;
    let db = env.dropbox();
    // 10 whole chunks and a short closing one.
    let data = env.make_file("video.mp4", 40 * MIB + 12345, 11);
    let rec = Arc::new(Recorder::default());
    let put = Put { env: &env, remote: &db, chunk: 4 * MIB, adapt: true, cancel: CancellationToken::new() };
    let up = put.go("video.mp4", "/v/video.mp4", WireConflict::Fail, None, rec.clone()).await.unwrap();
    assert_eq!(up.bytes_sent, 40 * MIB + 12345);
    assert_eq!(up.entry.size, 40 * MIB + 12345);
    assert_eq!(up.entry.hash.as_deref(), Some(dkcloud_hash::content_hash_hex(&data).as_str()));
    assert_eq!(std::fs::read(env.stored(ServiceKind::Dropbox, "/v/video.mp4")).unwrap(), data);
    assert_eq!(env.count("dropbox.upload_session_start").await, 1);
    // Ten chunks, then the closing one.
    assert_eq!(env.count("dropbox.append_v2").await, 11);
    let notes = rec.sessions.lock().unwrap().clone();
    let closed = notes.iter().flatten().any(|n| matches!(n, OpenSession::DropboxConcurrent { closed: true, done, .. } if done.len() == 10));
    assert!(closed, "the journal heard of every chunk and the close: {notes:?}");
    assert_eq!(notes.last(), Some(&None), "nothing is left to resume");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_concurrent_session_resumes_by_sending_only_the_missing_chunks() {
    let env = start().await;
    let db = env.dropbox();
    let data = env.make_file("big.bin", 32 * MIB, 7);
    let rec = Arc::new(Recorder::default());
    let put = Put { env: &env, remote: &db, chunk: 4 * MIB, adapt: true, cancel: CancellationToken::new() };
    {
        let fut = put.go("big.bin", "/big.bin", WireConflict::Fail, None, rec.clone());
        tokio::pin!(fut);
        loop {
            tokio::select! {
                r = &mut fut => panic!("finished too early: {r:?}"),
                _ = tokio::time::sleep(std::time::Duration::from_millis(2)) => {
                    let notes = rec.sessions.lock().unwrap().clone();
                    if notes.iter().flatten().any(|n| matches!(n, OpenSession::DropboxConcurrent { done, .. } if done.len() >= 3)) {
                        break;
                    }
                }
            }
        }
    }
    let note = rec.sessions.lock().unwrap().iter().flatten().last().cloned().expect("a session note");
    let OpenSession::DropboxConcurrent { done, closed: false, .. } = &note else { panic!("not a concurrent note: {note:?}") };
    let confirmed = done.len() as u64;
    assert!(confirmed >= 3);
    let up = put.go("big.bin", "/big.bin", WireConflict::Fail, Some(note.clone()), Arc::default()).await.unwrap();
    // Confirmed chunks are never sent again (a chunk that arrived just as the
    // first run stopped, unconfirmed, may be).
    assert!(up.bytes_sent <= 32 * MIB - confirmed * 4 * MIB, "sent {} of {} again", up.bytes_sent, 32 * MIB);
    assert_eq!(std::fs::read(env.stored(ServiceKind::Dropbox, "/big.bin")).unwrap(), data);
    assert_eq!(env.count("dropbox.upload_session_start").await, 1, "the journaled session was continued");
    assert_eq!(env.files(ServiceKind::Dropbox).await.len(), 1);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_vanished_concurrent_session_is_started_again() {
    let env = start().await;
    let db = env.dropbox();
    let data = env.make_file("f.bin", 20 * MIB, 9);
    let put = Put { env: &env, remote: &db, chunk: 4 * MIB, adapt: true, cancel: CancellationToken::new() };
    let stale = OpenSession::DropboxConcurrent { session_id: "no-such-session".into(), chunk: 4 * MIB, done: vec![0, 4 * MIB], closed: false };
    let up = put.go("f.bin", "/f.bin", WireConflict::Fail, Some(stale), Arc::default()).await.unwrap();
    assert_eq!(std::fs::read(env.stored(ServiceKind::Dropbox, "/f.bin")).unwrap(), data);
    assert_eq!(up.entry.size, 20 * MIB);
    env.emu.shutdown().await;
}
