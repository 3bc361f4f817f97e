//! `files/upload`: stored bytes and content_hash, WriteMode conflict rules,
//! autorename, identical content, client_modified, quota and size limits.

mod common;
mod dropbox_util;

use dropbox_util::{content, error_tags, finish, hash, rpc, upload};
use reqwest::StatusCode;
use serde_json::json;

const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_stores_the_bytes_and_reports_file_metadata() {
    let h = common::start().await;
    let data = common::bytes(300_000, 9);
    let (status, body) = upload(&h, "/Photos/a.jpg", &data).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get(".tag").is_none(), "upload answers a bare FileMetadata");
    assert_eq!(body["name"], "a.jpg");
    assert_eq!(body["path_display"], "/Photos/a.jpg");
    assert_eq!(body["path_lower"], "/photos/a.jpg");
    assert_eq!(body["size"], 300_000);
    assert_eq!(body["content_hash"], hash(&data));
    assert!(body["id"].as_str().unwrap().starts_with("id:"));
    assert_eq!(h.stored("dropbox", "Photos/a.jpg").unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_file_has_the_sha256_of_nothing() {
    let h = common::start().await;
    let (status, body) = upload(&h, "/empty.txt", b"").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["size"], 0);
    assert_eq!(body["content_hash"], EMPTY_HASH);
    assert_eq!(h.stored("dropbox", "empty.txt").unwrap(), b"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_onto_an_existing_file_conflicts_with_an_upload_session_id_to_retry() {
    let h = common::start().await;
    upload(&h, "/a.jpg", b"first").await;
    let (status, body) = upload(&h, "/A.JPG", b"second").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"][".tag"], "path");
    assert_eq!(body["error"]["reason"], json!({".tag": "conflict", "conflict": {".tag": "file"}}));
    assert!(body["error_summary"].as_str().unwrap().starts_with("path/conflict/file/"));
    assert_eq!(h.stored("dropbox", "a.jpg").unwrap(), b"first");

    // The refused bytes wait in a closed session: finishing it elsewhere works.
    let session = body["error"]["upload_session_id"].as_str().unwrap();
    let (status, retried) = finish(&h, session, 6, "/b.jpg", b"").await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["content_hash"], hash(b"second"));
    assert_eq!(h.stored("dropbox", "b.jpg").unwrap(), b"second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autorename_picks_a_numbered_name() {
    let h = common::start().await;
    upload(&h, "/a.jpg", b"first").await;
    let arg = json!({"path": "/a.jpg", "mode": "add", "autorename": true});
    let (status, body) = content(&h, "files/upload", arg.clone(), b"second".to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "a (1).jpg");
    let (_, body) = content(&h, "files/upload", arg, b"third".to_vec()).await;
    assert_eq!(body["name"], "a (2).jpg");
    assert_eq!(h.stored("dropbox", "a.jpg").unwrap(), b"first");
    assert_eq!(h.stored("dropbox", "a (1).jpg").unwrap(), b"second");
    assert_eq!(h.stored("dropbox", "a (2).jpg").unwrap(), b"third");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_identical_content_is_not_a_conflict() {
    let h = common::start().await;
    let data = common::bytes(10_000, 4);
    let (_, first) = upload(&h, "/same.bin", &data).await;
    let (status, again) = upload(&h, "/same.bin", &data).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["rev"], first["rev"], "nothing was written");
    assert_eq!(again["id"], first["id"]);
    let (_, listing) = rpc(&h, "files/list_folder", json!({"path": ""})).await;
    assert_eq!(listing["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overwrite_replaces_and_changes_the_rev_but_keeps_the_id() {
    let h = common::start().await;
    let (_, first) = upload(&h, "/o.bin", b"one").await;
    let arg = json!({"path": "/o.bin", "mode": {".tag": "overwrite"}});
    let (status, second) = content(&h, "files/upload", arg, b"two!".to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(second["rev"], first["rev"]);
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["size"], 4);
    assert_eq!(h.stored("dropbox", "o.bin").unwrap(), b"two!");
    let (_, usage) = rpc(&h, "users/get_space_usage", serde_json::Value::Null).await;
    assert_eq!(usage["used"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_needs_the_current_rev() {
    let h = common::start().await;
    let (_, first) = upload(&h, "/u.txt", b"v1").await;
    let rev1 = first["rev"].as_str().unwrap().to_owned();
    let update = |rev: &str| json!({"path": "/u.txt", "mode": {".tag": "update", "update": rev}});
    let (status, second) = content(&h, "files/upload", update(&rev1), b"v2".to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (status, body) = content(&h, "files/upload", update(&rev1), b"v3".to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/conflict/file");
    assert_eq!(h.stored("dropbox", "u.txt").unwrap(), b"v2");

    let mut arg = update(&rev1);
    arg["autorename"] = json!(true);
    let (status, body) = content(&h, "files/upload", arg, b"v3".to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "u (conflicted copy).txt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_in_the_way_is_a_folder_conflict() {
    let h = common::start().await;
    rpc(&h, "files/create_folder_v2", json!({"path": "/Taken"})).await;
    let (status, body) = upload(&h, "/Taken", b"x").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/conflict/folder");
    assert!(h.dir.path().join("dropbox/Taken").is_dir());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_modified_sets_the_reported_and_stored_time() {
    let h = common::start().await;
    let arg = json!({"path": "/old.jpg", "client_modified": "2015-05-12T15:50:38Z"});
    let (status, body) = content(&h, "files/upload", arg, b"x".to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["client_modified"], "2015-05-12T15:50:38Z");
    let mtime = std::fs::metadata(h.dir.path().join("dropbox/old.jpg")).unwrap().modified().unwrap();
    assert_eq!(mtime.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs(), 1_431_445_838);

    let arg = json!({"path": "/bad.jpg", "client_modified": "yesterday"});
    let (status, _) = content(&h, "files/upload", arg, b"x".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(h.stored("dropbox", "bad.jpg").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_quota_is_insufficient_space() {
    let h = common::start_with(|c| c.quota = 1000).await;
    assert_eq!(upload(&h, "/small.bin", &[0; 600]).await.0, StatusCode::OK);
    let (status, body) = upload(&h, "/big.bin", &[1; 600]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/insufficient_space");
    assert!(h.stored("dropbox", "big.bin").is_none());
    // Overwriting counts the space the old version frees.
    let arg = json!({"path": "/small.bin", "mode": "overwrite"});
    assert_eq!(content(&h, "files/upload", arg, vec![2; 900]).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traversal_in_an_upload_is_malformed_path_and_writes_nothing() {
    let h = common::start().await;
    let (status, body) = upload(&h, "/../../outside.bin", b"evil").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/malformed_path");
    assert!(!h.dir.path().join("outside.bin").exists());
    assert!(!h.dir.path().parent().unwrap().join("outside.bin").exists());
    let (_, root) = rpc(&h, "files/list_folder", json!({"path": ""})).await;
    assert_eq!(root["entries"].as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_in_the_parent_path_is_a_file_ancestor_conflict() {
    let h = common::start().await;
    upload(&h, "/f.bin", b"f").await;
    let (status, body) = upload(&h, "/f.bin/child.bin", b"c").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/conflict/file_ancestor");
    assert_eq!(h.stored("dropbox", "f.bin").unwrap(), b"f");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_150_mib_is_payload_too_large() {
    let h = common::start().await;
    let limit = 150 * 1024 * 1024u64;
    // Streamed without a declared length, so the server has to count.
    let chunks = (limit / (1 << 20) + 1) as usize;
    let stream = futures_util::stream::iter((0..chunks).map(|_| Ok::<_, std::io::Error>(vec![0u8; 1 << 20])));
    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth(common::TOKEN)
        .header("Dropbox-API-Arg", r#"{"path":"/huge.bin"}"#)
        .header("Content-Type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"][".tag"], "payload_too_large");
    assert!(h.stored("dropbox", "huge.bin").is_none());
    let tmp = std::fs::read_dir(h.dir.path().join(".emulator/tmp")).unwrap().count();
    assert_eq!(tmp, 0, "the partial body is thrown away");
}
