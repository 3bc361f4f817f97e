//! OneDrive transfers through the `Remote` trait against the emulator: the
//! shared scenarios (tests/conformance), then what only OneDrive does.

mod transfer_support;
#[macro_use]
mod conformance;

use dkcloud_engine::testing::remote::{list_all, OpenSession, Remote, UploadSpec, WireConflict};
use dkcloud_engine::testing::stamp::FileStamp;
use dkcloud_engine::{Error, ServiceKind};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use transfer_support::*;
use conformance::Recorder;


/// Where an upload goes: service, emulator, cancel token.
struct At<'a> {
    remote: &'a dyn Remote,
    env: &'a Env,
    cancel: &'a CancellationToken,
}

async fn put(
    at: &At<'_>,
    rel: &str,
    target: &str,
    conflict: WireConflict,
    chunk: u64,
    resume: Option<OpenSession>,
    observer: Arc<Recorder>,
) -> dkcloud_engine::Result<dkcloud_engine::testing::remote::Uploaded> {
    let (remote, cancel) = (at.remote, at.cancel);
    let local = at.env.local.path().join(rel);
    let stamp = FileStamp::read(&local).await.unwrap();
    remote
        .upload(UploadSpec {
            local: &local,
            stamp,
            remote_path: target,
            conflict,
            chunk_size: chunk,
            adapt_chunks: false,
            resume,
            observer,
            cancel,
        })
        .await
}

// The scenarios both services share (tests/conformance).
conformance_tests!(conformance::ONEDRIVE);

/// OneDrive issues `uploadUrl` on another host than Graph's (docs example
/// `https://sn3302.up.1drv.com/up/...`) and may refuse a fragment that carries
/// an `Authorization` header: the engine follows the URL and sends no token there.
#[tokio::test]
async fn fragments_go_to_the_upload_host_without_the_token() {
    let env = start_with(|c| c.upload_host = Some("upload.localhost".into())).await;
    let od = env.onedrive();
    let data = env.make_file("big.mov", 6 * MIB, 3);
    let cancel = CancellationToken::new();
    let at = At { remote: &od, env: &env, cancel: &cancel };
    let rec = Arc::new(Recorder::default());
    let up = put(&at, "big.mov", "/Videos/big.mov", WireConflict::Fail, 5 * MIB, None, rec.clone()).await.unwrap();
    assert_eq!(up.bytes_sent, 6 * MIB);
    assert_eq!(std::fs::read(env.stored(ServiceKind::OneDrive, "/Videos/big.mov")).unwrap(), data);
    assert_eq!(env.count("graph.upload_fragment").await, 2);
    let sessions = rec.sessions.lock().unwrap().clone();
    let Some(Some(OpenSession::OneDrive { upload_url })) = sessions.first() else { panic!("{sessions:?}") };
    assert!(upload_url.starts_with("http://upload.localhost:"), "{upload_url}");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn nested_folders_are_created_and_listed() {
    let env = start().await;
    let od = env.onedrive();
    let cancel = CancellationToken::new();
    let made = od.create_folder("/A/B/C", &cancel).await.unwrap();
    assert!(made.entry.is_folder && made.created);
    // Again: an existing folder is fine, and said to be existing.
    assert!(!od.create_folder("/A/B/C", &cancel).await.unwrap().created);
    assert!(od.create_folder("/A/B2", &cancel).await.unwrap().created);
    let mut names: Vec<String> = list_all(&od, "/A", &cancel).await.unwrap().into_iter().map(|e| e.name).collect();
    names.sort();
    assert_eq!(names, ["B", "B2"]);
    assert!(od.resolve("/A/B/C", &cancel).await.unwrap().unwrap().is_folder);
    assert!(od.resolve("/A/missing", &cancel).await.unwrap().is_none());
    env.emu.shutdown().await;
}

#[tokio::test]
async fn listing_follows_next_links_across_pages() {
    let env = start().await;
    let od = env.onedrive();
    let cancel = CancellationToken::new();
    for i in 0..1005 {
        std::fs::create_dir_all(env.stored(ServiceKind::OneDrive, &format!("/Many/f{i:04}"))).unwrap();
    }
    let first = od.list_page("/Many", None, &cancel).await.unwrap();
    assert!(first.next.is_some(), "1005 children do not fit one page");
    let all = list_all(&od, "/Many", &cancel).await.unwrap();
    assert_eq!(all.len(), 1005);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_resumed_session_continues_from_the_server_offset() {
    let env = start().await;
    let od = env.onedrive();
    let data = env.make_file("big.bin", 12 * MIB, 3);
    // Start an upload and stop it (as a killed process would) after two fragments.
    let rec = Arc::new(Recorder::default());
    let cancel = CancellationToken::new();
    let at = At { remote: &od, env: &env, cancel: &cancel };
    {
        let fut = put(&at, "big.bin", "/big.bin", WireConflict::Fail, 2 * MIB, None, rec.clone());
        tokio::pin!(fut);
        loop {
            tokio::select! {
                r = &mut fut => panic!("finished too early: {r:?}"),
                _ = tokio::time::sleep(std::time::Duration::from_millis(5)) => {
                    if env.count("graph.upload_fragment").await >= 2 { break; }
                }
            }
        }
    }
    let session = rec.sessions.lock().unwrap().iter().flatten().last().cloned().expect("a session was announced");
    let before = env.stats().await["request_body_bytes"].as_u64().unwrap();
    let up = put(&at, "big.bin", "/big.bin", WireConflict::Fail, 2 * MIB, Some(session), Arc::default())
        .await
        .unwrap();
    let after = env.stats().await["request_body_bytes"].as_u64().unwrap();
    let resent_at_most = 12 * MIB - 2 * dkcloud_engine::testing::onedrive::fragment_size(2 * MIB);
    assert!(up.bytes_sent <= resent_at_most, "sent {} again", up.bytes_sent);
    assert!(after - before <= resent_at_most, "the server received {} bytes", after - before);
    assert_eq!(std::fs::read(env.stored(ServiceKind::OneDrive, "/big.bin")).unwrap(), data);
    assert_eq!(env.files(ServiceKind::OneDrive).await.len(), 1);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn cancel_stops_within_a_second_and_deletes_the_session() {
    let env = start_with(|c| c.bandwidth = Some(4 * MIB)).await;
    let od = env.onedrive();
    env.make_file("slow.bin", 20 * MIB, 4);
    let cancel = CancellationToken::new();
    let at = At { remote: &od, env: &env, cancel: &cancel };
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        c2.cancel();
    });
    let started = std::time::Instant::now();
    let r = put(&at, "slow.bin", "/slow.bin", WireConflict::Fail, 5 * MIB, None, Arc::default()).await;
    let took = started.elapsed();
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert!(took < std::time::Duration::from_millis(2500), "took {took:?}");
    // The session is deleted in the background; settle waits for that.
    od.settle().await;
    assert_eq!(env.count("graph.upload_cancel").await, 1, "{}", env.stats().await);
    assert!(env.files(ServiceKind::OneDrive).await.is_empty());
    env.emu.shutdown().await;
}
