//! Names Dropbox will not save and the point where it says so.
//!
//! files.stone `WriteError.disallowed_name` ("Dropbox will not save the file or
//! folder because of its name"); the names are rclone's list (backend/dropbox,
//! its issues #108 and #6786): `desktop.ini`, `thumbs.db`, `.ds_store`,
//! `icon\r`, `.dropbox`, `.dropbox.attr`, in any case. A path reaches Dropbox
//! only with the commit (`files/upload`'s argument, a session's `finish`), and
//! `files/upload` refuses a path as `UploadError.path` (`UploadWriteFailed`),
//! whose `upload_session_id` holds the bytes already received: the refusal comes
//! after the body, there is no earlier documented point. A backslash is refused
//! there too, as `malformed_path`.

mod common;
mod dropbox_util;

use dropbox_util::*;
use reqwest::StatusCode;
use serde_json::json;

const NOT_SAVED: [&str; 6] = ["desktop.ini", "Thumbs.db", ".DS_Store", "Icon\r", ".dropbox", ".Dropbox.attr"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_upload_refuses_disallowed_names_after_the_body_with_a_session_to_retry() {
    let h = common::start().await;
    for name in NOT_SAVED {
        let (status, body) = upload(&h, &format!("/Photos/{name}"), b"bytes").await;
        assert_eq!(status, StatusCode::CONFLICT, "{name:?}: {body}");
        assert_eq!(error_tags(&body), "path/disallowed_name", "{name:?}");
        assert!(body["error"]["upload_session_id"].is_string(), "{body}");
        assert!(body["error_summary"].as_str().unwrap().starts_with("path/disallowed_name/"), "{body}");
    }
    // A folder of that name in the path is refused the same way.
    let (status, body) = upload(&h, "/desktop.ini/photo.jpg", b"bytes").await;
    assert_eq!((status, error_tags(&body).as_str()), (StatusCode::CONFLICT, "path/disallowed_name"));
    // Names that merely contain one are fine.
    let (status, body) = upload(&h, "/Photos/thumbs.db.jpg", b"bytes").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!h.dir.path().join("dropbox/Photos/desktop.ini").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_commit_refuses_them_and_keeps_the_session() {
    let h = common::start().await;
    let session = start_session(&h, b"bytes", true).await;
    let (status, body) = finish(&h, &session, 5, "/Photos/Thumbs.db", b"").await;
    assert_eq!((status, error_tags(&body).as_str()), (StatusCode::CONFLICT, "path/disallowed_name"), "{body}");
    // The same session commits under another name.
    let (status, body) = finish(&h, &session, 5, "/Photos/thumbs.jpg", b"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_entries_and_create_folder_refuse_them() {
    let h = common::start().await;
    let session = start_session(&h, b"bytes", true).await;
    let entry = |path: &str| json!({"cursor": {"session_id": session, "offset": 5}, "commit": {"path": path}});
    let (status, body) =
        rpc(&h, "files/upload_session/finish_batch_v2", json!({"entries": [entry("/A/.ds_store")]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let failure = &body["entries"][0];
    assert_eq!(tag(failure), "failure");
    assert_eq!(failure["failure"][".tag"], "path");
    assert_eq!(failure["failure"]["path"][".tag"], "disallowed_name");
    let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/A/.dropbox"})).await;
    assert_eq!((status, error_tags(&body).as_str()), (StatusCode::CONFLICT, "path/disallowed_name"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backslash_is_a_malformed_path_at_the_commit() {
    let h = common::start().await;
    let (status, body) = upload(&h, "/Photos/a\\b.jpg", b"bytes").await;
    assert_eq!((status, error_tags(&body).as_str()), (StatusCode::CONFLICT, "path/malformed_path"), "{body}");
    assert!(body["error"]["upload_session_id"].is_string(), "{body}");
    let session = start_session(&h, b"bytes", true).await;
    let (status, body) = finish(&h, &session, 5, "/Photos/a\\b.jpg", b"").await;
    assert_eq!((status, error_tags(&body).as_str()), (StatusCode::CONFLICT, "path/malformed_path"), "{body}");
}
