//! Dropbox integrity and conflict options from files.stone: `UploadArg.content_hash`
//! and `UploadSessionAppendArg.content_hash` ("A hash of the file content uploaded
//! in this call. If provided and the uploaded content does not match this hash, an
//! error will be returned": `content_hash_mismatch`), `CommitInfo.strict_conflict`
//! ("forces a conflict even when the target path refers to a file with identical
//! contents"), and the deprecated `upload_session/append` (v1), still specified:
//! its argument is the `UploadSessionCursor`, its result `Void`.

mod common;
mod dropbox_util;

use dropbox_util::{append, content, error_tags, finish, hash, start_session, upload};
use reqwest::StatusCode;
use serde_json::json;

const WRONG: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_with_a_wrong_content_hash_is_refused_and_nothing_is_stored() {
    let h = common::start().await;
    let data = common::bytes(100_000, 3);
    let (status, body) = content(&h, "files/upload", json!({"path": "/a.jpg", "content_hash": WRONG}), data.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_tags(&body), "content_hash_mismatch");
    assert_eq!(h.stored("dropbox", "a.jpg"), None);

    let (status, body) =
        content(&h, "files/upload", json!({"path": "/a.jpg", "content_hash": hash(&data)}), data.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(h.stored("dropbox", "a.jpg").unwrap(), data);

    // Sha256HexHash is 64 characters: anything else is a bad argument.
    let (status, _) = content(&h, "files/upload", json!({"path": "/b.jpg", "content_hash": "abc"}), data).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_with_a_wrong_content_hash_leaves_the_session_where_it_was() {
    let h = common::start().await;
    let first = common::bytes(1000, 1);
    let second = common::bytes(2000, 2);
    let session = start_session(&h, &first, false).await;
    let cursor = json!({"session_id": session, "offset": first.len()});
    let (status, body) =
        content(&h, "files/upload_session/append_v2", json!({"cursor": cursor, "content_hash": WRONG}), second.clone())
            .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_tags(&body), "content_hash_mismatch");
    let arg = json!({"cursor": cursor, "content_hash": hash(&second)});
    let (status, body) = content(&h, "files/upload_session/append_v2", arg, second.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let end = (first.len() + second.len()) as u64;
    let (status, body) = finish(&h, &session, end, "/s.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(h.stored("dropbox", "s.bin").unwrap(), [first, second].concat());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_chunk_with_a_wrong_content_hash_is_refused() {
    let h = common::start().await;
    let (status, body) =
        content(&h, "files/upload_session/start", json!({"session_type": {".tag": "concurrent"}}), vec![]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = body["session_id"].as_str().unwrap().to_owned();
    let data = common::bytes(5000, 4);
    let cursor = json!({"session_id": session, "offset": 0});
    let arg = json!({"cursor": cursor, "close": true, "content_hash": WRONG});
    let (status, body) = content(&h, "files/upload_session/append_v2", arg, data.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_tags(&body), "content_hash_mismatch");
    let arg = json!({"cursor": cursor, "close": true, "content_hash": hash(&data)});
    let (status, body) = content(&h, "files/upload_session/append_v2", arg, data.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = finish(&h, &session, data.len() as u64, "/c.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(h.stored("dropbox", "c.bin").unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_conflict_makes_identical_contents_conflict() {
    let h = common::start().await;
    let data = common::bytes(4000, 5);
    let (status, first) = upload(&h, "/same.jpg", &data).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    // Without it, the same bytes again are no conflict and change nothing.
    let (status, again) = upload(&h, "/same.jpg", &data).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["rev"], first["rev"]);
    let (status, body) =
        content(&h, "files/upload", json!({"path": "/same.jpg", "strict_conflict": true}), data.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_tags(&body), "path/conflict/file");
    // Overwrite still overwrites.
    let arg = json!({"path": "/same.jpg", "mode": "overwrite", "strict_conflict": true});
    let (status, body) = content(&h, "files/upload", arg, data).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deprecated_append_takes_a_bare_cursor() {
    let h = common::start().await;
    let first = common::bytes(700, 6);
    let second = common::bytes(900, 7);
    let session = start_session(&h, &first, false).await;
    let cursor = json!({"session_id": session, "offset": first.len()});
    let (status, body) = content(&h, "files/upload_session/append", cursor.clone(), second.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.is_null(), "{body}");
    // The same cursor again is at the wrong offset now.
    let (status, body) = content(&h, "files/upload_session/append", cursor, second.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_tags(&body), "incorrect_offset");
    assert_eq!(body["error"]["correct_offset"], (first.len() + second.len()) as u64);
    let end = (first.len() + second.len()) as u64;
    let (status, _) = append(&h, &session, end, b"", true).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = finish(&h, &session, end, "/v1.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(h.stored("dropbox", "v1.bin").unwrap(), [first, second].concat());
}
