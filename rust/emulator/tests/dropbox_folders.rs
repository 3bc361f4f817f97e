//! The tree: list_folder (+ continue, paging, recursion), get_metadata,
//! create_folder_v2 and delete_v2, and their 409 error unions.

mod common;
mod dropbox_util;

use dropbox_util::{error_tags, hash, rpc, tag, upload};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn names(entries: &Value) -> Vec<String> {
    entries.as_array().unwrap().iter().map(|e| e["path_display"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_folder_shows_files_and_folders_with_full_metadata() {
    let h = common::start().await;
    let data = common::bytes(5000, 1);
    upload(&h, "/Photos/b.jpg", &data).await;
    rpc(&h, "files/create_folder_v2", json!({"path": "/Photos/Album"})).await;

    let (status, body) = rpc(&h, "files/list_folder", json!({"path": "/photos"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["has_more"], false);
    assert!(body["cursor"].as_str().is_some_and(|c| !c.is_empty()));
    let entries = body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let folder = &entries[0];
    assert_eq!(tag(folder), "folder");
    assert_eq!(folder["name"], "Album");
    assert_eq!(folder["path_lower"], "/photos/album");
    assert_eq!(folder["path_display"], "/Photos/Album");
    assert!(folder["id"].as_str().unwrap().starts_with("id:"));
    let file = &entries[1];
    assert_eq!(tag(file), "file");
    assert_eq!(file["name"], "b.jpg");
    assert_eq!(file["size"], 5000);
    assert_eq!(file["content_hash"], hash(&data));
    assert_eq!(file["is_downloadable"], true);
    assert!(file["rev"].as_str().unwrap().len() >= 9);
    for field in ["client_modified", "server_modified"] {
        let t = file[field].as_str().unwrap();
        assert!(t.len() == 20 && t.ends_with('Z'), "{field} = {t}");
    }

    let (status, root) = rpc(&h, "files/list_folder", json!({"path": ""})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&root["entries"]), vec!["/Photos"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_folder_pages_with_limit_and_continue() {
    let h = common::start().await;
    for i in 0..5 {
        upload(&h, &format!("/Many/f{i}.bin"), &[i as u8]).await;
    }
    let (status, first) = rpc(&h, "files/list_folder", json!({"path": "/Many", "limit": 2})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["has_more"], true);
    let mut seen = names(&first["entries"]);
    let mut cursor = first["cursor"].as_str().unwrap().to_owned();
    loop {
        let (status, page) = rpc(&h, "files/list_folder/continue", json!({"cursor": cursor})).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page["entries"].as_array().unwrap().len() <= 2);
        seen.extend(names(&page["entries"]));
        cursor = page["cursor"].as_str().unwrap().to_owned();
        if page["has_more"] == false {
            break;
        }
    }
    assert_eq!(seen, (0..5).map(|i| format!("/Many/f{i}.bin")).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_outside_1_to_2000_and_a_garbled_cursor_are_400() {
    let h = common::start().await;
    for limit in [0, 2001] {
        let (status, _) = rpc(&h, "files/list_folder", json!({"path": "", "limit": limit})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let (status, body) = rpc(&h, "files/list_folder/continue", json!({"cursor": "garbage!"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("cursor"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_on_a_folder_deleted_meanwhile_is_path_not_found() {
    let h = common::start().await;
    upload(&h, "/Gone/a.bin", b"a").await;
    upload(&h, "/Gone/b.bin", b"b").await;
    let (_, first) = rpc(&h, "files/list_folder", json!({"path": "/Gone", "limit": 1})).await;
    assert_eq!(rpc(&h, "files/delete_v2", json!({"path": "/Gone"})).await.0, StatusCode::OK);
    let (status, body) = rpc(&h, "files/list_folder/continue", json!({"cursor": first["cursor"]})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recursive_listing_includes_the_folder_and_everything_below_it() {
    let h = common::start().await;
    upload(&h, "/Top/a.bin", b"a").await;
    upload(&h, "/Top/Sub/b.bin", b"b").await;
    upload(&h, "/Top/Sub/Deeper/c.bin", b"c").await;
    upload(&h, "/Other/x.bin", b"x").await;
    let (status, body) = rpc(&h, "files/list_folder", json!({"path": "/Top", "recursive": true})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&body["entries"]),
        vec!["/Top", "/Top/a.bin", "/Top/Sub", "/Top/Sub/b.bin", "/Top/Sub/Deeper", "/Top/Sub/Deeper/c.bin"]
    );
    let (_, root) = rpc(&h, "files/list_folder", json!({"path": "", "recursive": true})).await;
    assert_eq!(root["entries"].as_array().unwrap().len(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_a_missing_path_or_a_file_is_a_409_lookup_error() {
    let h = common::start().await;
    upload(&h, "/file.bin", b"f").await;
    let (status, body) = rpc(&h, "files/list_folder", json!({"path": "/nope"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], json!({".tag": "path", "path": {".tag": "not_found"}}));
    assert!(body["error_summary"].as_str().unwrap().starts_with("path/not_found/"));
    let (status, body) = rpc(&h, "files/list_folder", json!({"path": "/file.bin"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/not_folder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_metadata_by_path_any_case_and_by_id() {
    let h = common::start().await;
    let (_, uploaded) = upload(&h, "/Docs/Note.TXT", b"hello").await;
    let (status, by_path) = rpc(&h, "files/get_metadata", json!({"path": "/docs/note.txt"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tag(&by_path), "file");
    assert_eq!(by_path["path_display"], "/Docs/Note.TXT");
    assert_eq!(by_path["id"], uploaded["id"]);
    assert_eq!(by_path["rev"], uploaded["rev"]);
    let (status, by_id) = rpc(&h, "files/get_metadata", json!({"path": uploaded["id"]})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id["path_lower"], "/docs/note.txt");
    let (status, folder) = rpc(&h, "files/get_metadata", json!({"path": "/Docs"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tag(&folder), "folder");
    let (status, body) = rpc(&h, "files/get_metadata", json!({"path": "id:doesnotexist"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_makes_missing_parents() {
    let h = common::start().await;
    let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/A/B/C"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["metadata"]["name"], "C");
    assert_eq!(body["metadata"]["path_display"], "/A/B/C");
    assert!(body["metadata"].get(".tag").is_none());
    assert!(h.dir.path().join("dropbox/A/B/C").is_dir());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_existing_folder_conflicts_unless_autorename() {
    let h = common::start().await;
    rpc(&h, "files/create_folder_v2", json!({"path": "/Album"})).await;
    let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/album"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], json!({".tag": "path", "path": {".tag": "conflict", "conflict": {".tag": "folder"}}}));
    assert!(body["error_summary"].as_str().unwrap().starts_with("path/conflict/folder/"));

    let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/Album", "autorename": true})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["metadata"]["name"], "Album (1)");
    assert!(h.dir.path().join("dropbox/Album (1)").is_dir());

    upload(&h, "/file.bin", b"x").await;
    let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/file.bin"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/conflict/file");
    let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/file.bin/inside"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/conflict/file_ancestor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traversal_is_refused_and_the_store_untouched() {
    let h = common::start().await;
    upload(&h, "/keep.bin", b"keep").await;
    let (status, body) = rpc(&h, "files/create_folder_v2", json!({"path": "/../escape"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/malformed_path");
    let (status, body) = rpc(&h, "files/list_folder", json!({"path": "/a/../.."})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/malformed_path");
    let (status, body) = rpc(&h, "files/delete_v2", json!({"path": "/x/../keep.bin"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path_lookup/malformed_path");
    assert!(!h.dir.path().join("escape").exists());
    assert_eq!(h.stored("dropbox", "keep.bin").unwrap(), b"keep");
    let (_, root) = rpc(&h, "files/list_folder", json!({"path": "", "recursive": true})).await;
    assert_eq!(names(&root["entries"]), vec!["/keep.bin"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_removes_files_and_folders_and_frees_space() {
    let h = common::start().await;
    upload(&h, "/D/a.bin", &[1; 100]).await;
    upload(&h, "/D/b.bin", &[2; 50]).await;
    let (status, body) = rpc(&h, "files/delete_v2", json!({"path": "/D/a.bin"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tag(&body["metadata"]), "file");
    assert!(h.stored("dropbox", "D/a.bin").is_none());
    let (status, body) = rpc(&h, "files/delete_v2", json!({"path": "/D"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tag(&body["metadata"]), "folder");
    assert!(!h.dir.path().join("dropbox/D").exists());
    let (_, usage) = rpc(&h, "users/get_space_usage", Value::Null).await;
    assert_eq!(usage["used"], 0);
    let (status, body) = rpc(&h, "files/delete_v2", json!({"path": "/D"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path_lookup/not_found");
}
