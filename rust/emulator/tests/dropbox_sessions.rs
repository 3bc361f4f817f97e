//! Upload sessions: start / append_v2 / finish, offsets and close rules,
//! finish_batch_v2, concurrent sessions, restart and expiry.

mod common;
mod dropbox_util;

use dropbox_util::{append, content, error_tags, finish, hash, rpc, start_session};
use reqwest::StatusCode;
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;

fn entry(session: &str, offset: usize, path: &str) -> Value {
    json!({"cursor": {"session_id": session, "offset": offset}, "commit": {"path": path, "mode": "add"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_append_finish_builds_a_multi_block_file() {
    let h = common::start().await;
    let data = common::bytes(9 * MIB + 12_345, 5);
    let (a, rest) = data.split_at(3 * MIB);
    let (b, c) = rest.split_at(5 * MIB);
    let session = start_session(&h, a, false).await;
    let (status, body) = append(&h, &session, a.len() as u64, b, false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, Value::Null);
    let (status, meta) = finish(&h, &session, (a.len() + b.len()) as u64, "/Big/video.mp4", c).await;
    assert_eq!(status, StatusCode::OK, "{meta}");
    assert_eq!(meta["size"], data.len());
    assert_eq!(meta["content_hash"], hash(&data));
    assert_eq!(h.stored("dropbox", "Big/video.mp4").unwrap(), data);
    // A finished session is gone.
    let (status, body) = append(&h, &session, data.len() as u64, b"more", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_session_finishes_to_an_empty_file() {
    let h = common::start().await;
    let session = start_session(&h, b"", false).await;
    let (status, meta) = finish(&h, &session, 0, "/empty.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{meta}");
    assert_eq!(meta["content_hash"], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(h.stored("dropbox", "empty.bin").unwrap(), b"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_offset_is_incorrect_offset_with_the_correct_one_and_appends_nothing() {
    let h = common::start().await;
    let session = start_session(&h, b"12345", false).await;
    let (status, body) = append(&h, &session, 3, b"678", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], json!({".tag": "incorrect_offset", "correct_offset": 5}));
    assert!(body["error_summary"].as_str().unwrap().starts_with("incorrect_offset/"));
    // A retry of an append that already arrived gets the same answer.
    assert_eq!(append(&h, &session, 5, b"678", false).await.0, StatusCode::OK);
    let (status, body) = append(&h, &session, 5, b"678", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["correct_offset"], 8);

    let (status, body) = finish(&h, &session, 2, "/x.bin", b"9").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"],
        json!({".tag": "lookup_failed", "lookup_failed": {".tag": "incorrect_offset", "correct_offset": 8}})
    );
    assert!(body["error_summary"].as_str().unwrap().starts_with("lookup_failed/incorrect_offset/"));
    let (status, _) = finish(&h, &session, 8, "/x.bin", b"9").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.stored("dropbox", "x.bin").unwrap(), b"123456789");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appending_to_a_closed_session_is_closed() {
    let h = common::start().await;
    let session = start_session(&h, b"abc", false).await;
    assert_eq!(append(&h, &session, 3, b"def", true).await.0, StatusCode::OK);
    let (status, body) = append(&h, &session, 6, b"ghi", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], json!({".tag": "closed"}));
    let (status, body) = finish(&h, &session, 6, "/c.bin", b"ghi").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "lookup_failed/closed");
    let (status, meta) = finish(&h, &session, 6, "/c.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{meta}");
    assert_eq!(h.stored("dropbox", "c.bin").unwrap(), b"abcdef");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_session_is_not_found() {
    let h = common::start().await;
    let (status, body) = append(&h, "pid_upload_session:nope", 0, b"x", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], json!({".tag": "not_found"}));
    let (status, body) = finish(&h, "nope", 0, "/n.bin", b"").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "lookup_failed/not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finish_onto_an_existing_file_is_a_path_conflict_and_the_session_stays() {
    let h = common::start().await;
    dropbox_util::upload(&h, "/taken.bin", b"old").await;
    let session = start_session(&h, b"new data", true).await;
    let (status, body) = finish(&h, &session, 8, "/taken.bin", b"").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], json!({".tag": "path", "path": {".tag": "conflict", "conflict": {".tag": "file"}}}));
    assert_eq!(h.stored("dropbox", "taken.bin").unwrap(), b"old");
    let (status, _) = finish(&h, &session, 8, "/free.bin", b"").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.stored("dropbox", "free.bin").unwrap(), b"new data");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finish_batch_commits_closed_sessions_and_fails_the_others_per_entry() {
    let h = common::start().await;
    let files: Vec<Vec<u8>> = (0..3).map(|i| common::bytes(1000 + i * 100, i as u8)).collect();
    let mut ids = Vec::new();
    for data in &files {
        ids.push(start_session(&h, data, true).await);
    }
    let open = start_session(&h, b"still open", false).await;
    let (status, body) = rpc(
        &h,
        "files/upload_session/finish_batch_v2",
        json!({"entries": [
            entry(&ids[0], files[0].len(), "/Batch/0.bin"),
            entry(&open, 10, "/Batch/open.bin"),
            entry(&ids[1], files[1].len(), "/Batch/1.bin"),
            entry(&ids[2], 1, "/Batch/2.bin"),
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["entries"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0][".tag"], "success");
    assert_eq!(results[0]["content_hash"], hash(&files[0]));
    assert_eq!(
        results[1],
        json!({".tag": "failure", "failure": {".tag": "lookup_failed", "lookup_failed": {".tag": "not_closed"}}})
    );
    assert_eq!(results[2][".tag"], "success");
    assert_eq!(results[2]["path_display"], "/Batch/1.bin");
    assert_eq!(results[3]["failure"]["lookup_failed"]["correct_offset"], files[2].len());
    assert_eq!(h.stored("dropbox", "Batch/0.bin").unwrap(), files[0]);
    assert_eq!(h.stored("dropbox", "Batch/1.bin").unwrap(), files[1]);
    assert!(h.stored("dropbox", "Batch/open.bin").is_none());
    assert!(h.stored("dropbox", "Batch/2.bin").is_none());
    assert_eq!(h.stats().await["requests"]["dropbox.finish_batch_v2"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finish_batch_over_1000_entries_is_a_400() {
    let h = common::start().await;
    let entries: Vec<Value> = (0..1001).map(|i| entry("x", 0, &format!("/{i}.bin"))).collect();
    let (status, body) = rpc(&h, "files/upload_session/finish_batch_v2", json!({ "entries": entries })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("1000"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_session_takes_aligned_chunks_in_any_order() {
    let h = common::start().await;
    let unit = 4 * MIB;
    let data = common::bytes(2 * unit + 777, 11);
    let (status, body) = content(&h, "files/upload_session/start", json!({"session_type": "concurrent"}), vec![]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = body["session_id"].as_str().unwrap().to_owned();
    // The last chunk first, then the others.
    assert_eq!(append(&h, &session, (2 * unit) as u64, &data[2 * unit..], true).await.0, StatusCode::OK);
    let (status, body) = finish(&h, &session, data.len() as u64, "/c.bin", b"").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "concurrent_session_missing_data");
    assert_eq!(append(&h, &session, unit as u64, &data[unit..2 * unit], false).await.0, StatusCode::OK);
    assert_eq!(append(&h, &session, 0, &data[..unit], false).await.0, StatusCode::OK);
    let (status, meta) = finish(&h, &session, data.len() as u64, "/c.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{meta}");
    assert_eq!(meta["content_hash"], hash(&data));
    assert_eq!(h.stored("dropbox", "c.bin").unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_session_refuses_misaligned_chunks_and_data_at_start() {
    let h = common::start().await;
    let start = |arg: Value, data: Vec<u8>| content(&h, "files/upload_session/start", arg, data);
    let (status, body) = start(json!({"session_type": {".tag": "concurrent"}}), b"data".to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "concurrent_session_data_not_allowed");
    let (status, body) = start(json!({"session_type": "concurrent", "close": true}), vec![]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "concurrent_session_close_not_allowed");

    let (_, body) = start(json!({"session_type": "concurrent"}), vec![]).await;
    let session = body["session_id"].as_str().unwrap().to_owned();
    let (status, body) = append(&h, &session, 1000, b"x", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "concurrent_session_invalid_offset");
    let (status, body) = append(&h, &session, 0, &[1; 1000], false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "concurrent_session_invalid_data_size");
    let (status, body) = finish(&h, &session, 0, "/n.bin", b"").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "concurrent_session_not_closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_survives_an_emulator_restart() {
    let h = common::start().await;
    let data = common::bytes(6 * MIB + 10, 2);
    let session = start_session(&h, &data[..2 * MIB], false).await;
    assert_eq!(append(&h, &session, (2 * MIB) as u64, &data[2 * MIB..5 * MIB], false).await.0, StatusCode::OK);
    let h = common::restart(h).await;
    let (status, body) = append(&h, &session, 0, b"x", false).await;
    assert_eq!(body["error"]["correct_offset"], 5 * MIB, "{status} {body}");
    let (status, meta) = finish(&h, &session, (5 * MIB) as u64, "/resumed.bin", &data[5 * MIB..]).await;
    assert_eq!(status, StatusCode::OK, "{meta}");
    assert_eq!(meta["content_hash"], hash(&data));
    assert_eq!(h.stored("dropbox", "resumed.bin").unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_expires_after_its_lifetime() {
    let h = common::start_with(|c| c.session_lifetime = 1).await;
    let session = start_session(&h, b"abc", false).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let (status, body) = append(&h, &session, 3, b"def", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "not_found");
    let leftovers = std::fs::read_dir(h.dir.path().join(".emulator/dropbox-sessions")).unwrap().count();
    assert_eq!(leftovers, 0, "an expired session's bytes are deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finish_over_quota_is_insufficient_space() {
    let h = common::start_with(|c| c.quota = 100).await;
    let session = start_session(&h, &[7; 150], true).await;
    let (status, body) = finish(&h, &session, 150, "/big.bin", b"").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/insufficient_space");
    assert!(h.stored("dropbox", "big.bin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_cut_short_does_not_advance_the_offset() {
    let h = common::start().await;
    let session = start_session(&h, b"start", false).await;
    // A body that breaks off after part of its bytes.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(vec![1u8; 64 * 1024]), Err(std::io::Error::other("client went away"))];
    let arg = json!({"cursor": {"session_id": session, "offset": 5}, "close": false});
    let sent = h
        .client
        .post(h.url("/2/files/upload_session/append_v2"))
        .bearer_auth(common::TOKEN)
        .header("Dropbox-API-Arg", arg.to_string())
        .header("Content-Type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await;
    assert!(sent.is_err() || sent.unwrap().status() != StatusCode::OK);
    // Give the server a moment to notice the broken body.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (status, body) = append(&h, &session, 6, b"x", false).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["correct_offset"], 5);
    let (status, _) = finish(&h, &session, 5, "/cut.bin", b"-end").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.stored("dropbox", "cut.bin").unwrap(), b"start-end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_session_survives_an_emulator_restart() {
    // Chunks are hashed as they arrive; after a restart those hashes are gone
    // and finishing hashes the chunks it has on disk instead.
    let h = common::start().await;
    let unit = 4 * MIB;
    let data = common::bytes(2 * unit + 5, 9);
    let (_, body) = content(&h, "files/upload_session/start", json!({"session_type": "concurrent"}), vec![]).await;
    let session = body["session_id"].as_str().unwrap().to_owned();
    assert_eq!(append(&h, &session, unit as u64, &data[unit..2 * unit], false).await.0, StatusCode::OK);
    let h = common::restart(h).await;
    assert_eq!(append(&h, &session, 0, &data[..unit], false).await.0, StatusCode::OK);
    assert_eq!(append(&h, &session, (2 * unit) as u64, &data[2 * unit..], true).await.0, StatusCode::OK);
    let (status, meta) = finish(&h, &session, data.len() as u64, "/after-restart.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{meta}");
    assert_eq!(meta["content_hash"], hash(&data));
    assert_eq!(h.stored("dropbox", "after-restart.bin").unwrap(), data);
}
