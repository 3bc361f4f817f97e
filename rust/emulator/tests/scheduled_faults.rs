//! `--fault KIND[=COUNT]`: documented transient answers at known points.
//! - Dropbox `too_many_write_operations` (files.stone: "There are too many write
//!   operations in user's Dropbox. Please retry this request."): a 429 with
//!   `Retry-After` and the `RateLimitError` body (auth.stone), an entry of
//!   `finish_batch_v2` (`UploadSessionFinishError.too_many_write_operations`,
//!   the session stays usable), `create_folder_v2` (409 `path/too_many_write_operations`).
//! - OneDrive: a refused last fragment after which the session expects nothing,
//!   `"nextExpectedRanges": []` (OneDrive/onedrive-api-docs#71).

mod common;
mod dropbox_util;
mod graph_support;

use dropbox_util::*;
use reqwest::StatusCode;
use serde_json::json;

fn with<'a>(faults: &'a [&'a str]) -> impl FnOnce(&mut dkcloud_emulator::Config) + 'a {
    move |c| c.faults = faults.iter().map(|f| f.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_write_operations_is_a_429_with_retry_after_then_the_call_works() {
    let h = common::start_with(with(&["too-many-write-operations"])).await;
    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth(common::TOKEN)
        .header("Dropbox-API-Arg", r#"{"path":"/a.jpg"}"#)
        .header("Content-Type", "application/octet-stream")
        .body("bytes")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "1");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["reason"][".tag"], "too_many_write_operations");
    assert!(!h.dir.path().join("dropbox/a.jpg").exists());
    let (status, _) = upload(&h, "/a.jpg", b"bytes").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_entry_fails_with_contention_and_its_session_commits_on_retry() {
    let h = common::start_with(with(&["batch-entry-contention"])).await;
    let session = start_session(&h, b"bytes", true).await;
    let arg = json!({"entries": [{"cursor": {"session_id": session, "offset": 5}, "commit": {"path": "/b.jpg"}}]});
    let (status, body) = rpc(&h, "files/upload_session/finish_batch_v2", arg.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["entries"][0], json!({".tag": "failure", "failure": {".tag": "too_many_write_operations"}}));
    assert!(!h.dir.path().join("dropbox/b.jpg").exists());
    let (_, body) = rpc(&h, "files/upload_session/finish_batch_v2", arg).await;
    assert_eq!(tag(&body["entries"][0]), "success", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_answers_contention_as_a_write_error_then_works() {
    let h = common::start_with(with(&["create-folder-contention=2"])).await;
    for _ in 0..2 {
        let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/Album"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(error_tags(&body), "path/too_many_write_operations");
    }
    assert!(!h.dir.path().join("dropbox/Album").exists());
    let (status, _) = rpc(&h, "files/create_folder_v2", json!({"path": "/Album"})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_last_fragment_leaves_a_session_that_expects_nothing() {
    use graph_support::*;
    let h = common::start_with(with(&["empty-next-expected-ranges"])).await;
    let data = common::bytes(2 * UNIT + 10, 3);
    let url = session_url(&h, "big.bin", &json!({})).await;
    let (status, _) = fragment(&h, &url, &data[..2 * UNIT], 0, data.len()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, body) = fragment(&h, &url, &data[2 * UNIT..], 2 * UNIT, data.len()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(error_code(&body), "generalException");
    let status_answer: serde_json::Value = h.client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(status_answer["nextExpectedRanges"], json!([]), "{status_answer}");
    // Sending again, from anywhere, is refused; nothing is stored.
    let (status, body) = fragment(&h, &url, &data[2 * UNIT..], 2 * UNIT, data.len()).await;
    assert_eq!((status, inner_code(&body)), (StatusCode::RANGE_NOT_SATISFIABLE, "fragmentOverlap"));
    let (status, _) = fragment(&h, &url, &data[..2 * UNIT], 0, data.len()).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert!(!h.dir.path().join("onedrive/big.bin").exists());
    // A new session completes.
    let url = session_url(&h, "big.bin", &json!({})).await;
    let (status, _) = upload_all(&h, &url, &data, 2 * UNIT).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_fault_kind_stops_the_start_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dkcloud_emulator::Config {
        data: Some(dir.path().to_owned()),
        faults: vec!["tooo-many".into()],
        ..Default::default()
    };
    let err = dkcloud_emulator::start(config).await.err().expect("refused").to_string();
    assert!(err.contains("tooo-many") && err.contains("batch-entry-contention"), "{err}");
}

/// `damaged-chunk`: a sequential session call's bytes arrive changed. With the
/// call's `content_hash` (files.stone `UploadSessionStartArg`,
/// `UploadSessionAppendArg`) that is `content_hash_mismatch` and nothing is
/// kept, so sending the same bytes again works; without it the damage is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_chunks_are_refused_by_their_content_hash_and_kept_without_one() {
    let (first, second) = (b"first part ".to_vec(), b"second part".to_vec());
    let whole = [first.clone(), second.clone()].concat();
    // A damaged `start`, sent again.
    let h = common::start_with(with(&["damaged-chunk"])).await;
    let start = json!({"close": true, "content_hash": hash(&whole)});
    let (status, body) = content(&h, "files/upload_session/start", start.clone(), whole.clone()).await;
    assert_eq!((status, error_tags(&body).as_str()), (StatusCode::CONFLICT, "content_hash_mismatch"), "{body}");
    let (status, body) = content(&h, "files/upload_session/start", start, whole.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = body["session_id"].as_str().unwrap().to_owned();
    let (status, body) = finish(&h, &session, whole.len() as u64, "/started.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(h.stored("dropbox", "started.bin").unwrap(), whole);

    // A damaged `append_v2` (an empty start carries no bytes to damage).
    let h = common::start_with(with(&["damaged-chunk"])).await;
    let session = start_session(&h, b"", false).await;
    let cursor = json!({"session_id": session, "offset": 0});
    let arg = json!({"cursor": cursor, "close": true, "content_hash": hash(&whole)});
    let (status, body) = content(&h, "files/upload_session/append_v2", arg.clone(), whole.clone()).await;
    assert_eq!((status, error_tags(&body).as_str()), (StatusCode::CONFLICT, "content_hash_mismatch"), "{body}");
    let (status, body) = content(&h, "files/upload_session/append_v2", arg, whole.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = finish(&h, &session, whole.len() as u64, "/appended.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(h.stored("dropbox", "appended.bin").unwrap(), whole);

    // No hash to check against: the damaged bytes are what the session holds.
    let h = common::start_with(with(&["damaged-chunk"])).await;
    let session = start_session(&h, &first, true).await;
    let (status, body) = finish(&h, &session, first.len() as u64, "/damaged.bin", b"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored = h.stored("dropbox", "damaged.bin").unwrap();
    assert_eq!((stored.len(), stored[0], &stored[1..]), (first.len(), !first[0], &first[1..]));
    assert_eq!(body["content_hash"], hash(&stored));
}
