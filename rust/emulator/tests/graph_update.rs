//! Graph `PATCH` on drive items: rename, move (parent by id or path), the
//! `fileSystemInfo` times, conflicts, missing items; ids survive moves.

mod common;
mod graph_support;

use common::TOKEN;
use graph_support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn patch(h: &common::Harness, path: &str, body: &Value) -> (StatusCode, Value) {
    let resp = h.client.patch(h.url(path)).bearer_auth(TOKEN).json(body).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn folder(h: &common::Harness, parent: &str, name: &str) -> Value {
    let (status, item) =
        post_json(h, &format!("{DRIVE}/{parent}/children"), &json!({"name": name, "folder": {}})).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    item
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_by_id_and_by_path_keeps_the_id_and_the_bytes() {
    let h = common::start().await;
    let (_, item) = upload(&h, "Album/old.jpg", "", b"jpeg bytes").await;
    let id = item["id"].as_str().unwrap().to_owned();
    let (status, renamed) = patch(&h, &format!("{DRIVE}/items/{id}"), &json!({"name": "new name é.jpg"})).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "new name é.jpg");
    assert_eq!(renamed["id"], id.as_str());
    assert_eq!(renamed["parentReference"]["path"], "/drive/root:/Album");
    assert_eq!(h.stored("onedrive", "Album/new name é.jpg").as_deref(), Some(&b"jpeg bytes"[..]));
    assert_eq!(h.stored("onedrive", "Album/old.jpg"), None);
    let (status, by_id) = get(&h, &format!("{DRIVE}/items/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id["name"], "new name é.jpg");
    // By path, and a change of case only.
    let (status, again) =
        patch(&h, &format!("{DRIVE}/root:/Album/new%20name%20%C3%A9.jpg:"), &json!({"name": "NEW name é.jpg"})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["name"], "NEW name é.jpg");
    assert_eq!(again["id"], id.as_str());
    // The id still resolves after a restart.
    let h = restart(h).await;
    let (status, after) = get(&h, &format!("{DRIVE}/items/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["name"], "NEW name é.jpg");
    // The old path is free, and a new item there gets an id of its own.
    let (_, fresh) = upload(&h, "Album/old.jpg", "", b"x").await;
    assert_ne!(fresh["id"], id.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_by_parent_id_and_by_parent_path() {
    let h = common::start().await;
    let (_, item) = upload(&h, "a.txt", "", b"aaa").await;
    let id = item["id"].as_str().unwrap().to_owned();
    let target = folder(&h, "root", "Target").await;
    let target_id = target["id"].as_str().unwrap();
    let body = json!({"parentReference": {"driveId": dkcloud_emulator::ONEDRIVE_DRIVE_ID, "id": target_id}});
    let (status, moved) = patch(&h, &format!("{DRIVE}/items/{id}"), &body).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["parentReference"]["id"], target_id);
    assert_eq!(moved["parentReference"]["path"], "/drive/root:/Target");
    assert_eq!(h.stored("onedrive", "Target/a.txt").as_deref(), Some(&b"aaa"[..]));
    // Move and rename at once, parent given by path.
    folder(&h, "root", "Other").await;
    let body = json!({"parentReference": {"path": "/drive/root:/Other"}, "name": "b.txt"});
    let (status, moved) = patch(&h, &format!("{DRIVE}/items/{id}"), &body).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["name"], "b.txt");
    assert_eq!(moved["id"], id.as_str());
    assert_eq!(h.stored("onedrive", "Other/b.txt").as_deref(), Some(&b"aaa"[..]));
    // Back to the root.
    let (status, moved) =
        patch(&h, &format!("{DRIVE}/items/{id}"), &json!({"parentReference": {"path": "/drive/root:"}})).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(h.stored("onedrive", "b.txt").as_deref(), Some(&b"aaa"[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_folder_keeps_its_contents_and_their_ids() {
    let h = common::start().await;
    let (_, inner) = upload(&h, "Src/sub/deep.bin", "", b"deep").await;
    let inner_id = inner["id"].as_str().unwrap().to_owned();
    let (_, src) = get(&h, &format!("{DRIVE}/root:/Src")).await;
    let dest = folder(&h, "root", "Dest").await;
    let body = json!({"parentReference": {"id": dest["id"]}});
    let (status, moved) = patch(&h, &format!("{DRIVE}/items/{}", src["id"].as_str().unwrap()), &body).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(h.stored("onedrive", "Dest/Src/sub/deep.bin").as_deref(), Some(&b"deep"[..]));
    let (status, deep) = get(&h, &format!("{DRIVE}/items/{inner_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deep["parentReference"]["path"], "/drive/root:/Dest/Src/sub");
    // Into itself: refused.
    let body = json!({"parentReference": {"path": "/drive/root:/Dest/Src/sub"}});
    let (status, err) = patch(&h, &format!("{DRIVE}/root:/Dest/Src"), &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(error_code(&err), "invalidRequest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_system_info_is_stored_and_returned_for_files_and_folders() {
    let h = common::start().await;
    let (_, item) = upload(&h, "T/t.jpg", "", b"time").await;
    let id = item["id"].as_str().unwrap();
    let body = json!({"fileSystemInfo": {"createdDateTime": "2019-01-02T03:04:05Z", "lastModifiedDateTime": "2020-06-07T08:09:10.5Z"}});
    let (status, updated) = patch(&h, &format!("{DRIVE}/items/{id}"), &body).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["fileSystemInfo"]["createdDateTime"], "2019-01-02T03:04:05.000Z");
    assert_eq!(updated["fileSystemInfo"]["lastModifiedDateTime"], "2020-06-07T08:09:10.500Z");
    let meta = std::fs::metadata(h.dir.path().join("onedrive/T/t.jpg")).unwrap();
    let on_disk: chrono::DateTime<chrono::Utc> = meta.modified().unwrap().into();
    assert_eq!(on_disk.to_rfc3339_opts(chrono::SecondsFormat::Millis, true), "2020-06-07T08:09:10.500Z");
    // A folder (by path) keeps its times even when children are added later.
    let body = json!({"fileSystemInfo": {"lastModifiedDateTime": "2018-03-04T05:06:07Z"}});
    let (status, dir) = patch(&h, &format!("{DRIVE}/root:/T"), &body).await;
    assert_eq!(status, StatusCode::OK, "{dir}");
    assert_eq!(dir["fileSystemInfo"]["lastModifiedDateTime"], "2018-03-04T05:06:07.000Z");
    upload(&h, "T/later.txt", "", b"l").await;
    let h = restart(h).await;
    let (_, file) = get(&h, &format!("{DRIVE}/root:/T/t.jpg")).await;
    assert_eq!(file["fileSystemInfo"]["createdDateTime"], "2019-01-02T03:04:05.000Z");
    assert_eq!(file["fileSystemInfo"]["lastModifiedDateTime"], "2020-06-07T08:09:10.500Z");
    let (_, dir) = get(&h, &format!("{DRIVE}/root:/T")).await;
    assert_eq!(dir["fileSystemInfo"]["lastModifiedDateTime"], "2018-03-04T05:06:07.000Z");
    // Times travel with a rename.
    let (_, renamed) = patch(&h, &format!("{DRIVE}/root:/T/t.jpg:"), &json!({"name": "u.jpg"})).await;
    assert_eq!(renamed["fileSystemInfo"]["createdDateTime"], "2019-01-02T03:04:05.000Z");
    let (status, err) =
        patch(&h, &format!("{DRIVE}/root:/T"), &json!({"fileSystemInfo": {"lastModifiedDateTime": "soon"}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&err), "invalidRequest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_name_conflicts_unless_the_behavior_says_otherwise() {
    let h = common::start().await;
    upload(&h, "c/one.txt", "", b"one").await;
    upload(&h, "c/two.txt", "", b"two").await;
    let (status, err) = patch(&h, &format!("{DRIVE}/root:/c/one.txt:"), &json!({"name": "TWO.txt"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&err), "nameAlreadyExists");
    assert_eq!(h.stored("onedrive", "c/one.txt").as_deref(), Some(&b"one"[..]));
    let (status, renamed) = patch(
        &h,
        &format!("{DRIVE}/root:/c/one.txt:?@microsoft.graph.conflictBehavior=rename"),
        &json!({"name": "two.txt"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "two 1.txt");
    let (status, replaced) = patch(
        &h,
        &format!("{DRIVE}/root:/c/two%201.txt:?@microsoft.graph.conflictBehavior=replace"),
        &json!({"name": "two.txt"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    assert_eq!(h.stored("onedrive", "c/two.txt").as_deref(), Some(&b"one"[..]));
    let (_, listing) = get(&h, &format!("{DRIVE}/root:/c:/children")).await;
    assert_eq!(listing["value"].as_array().unwrap().len(), 1);
    let (_, drive) = get(&h, DRIVE).await;
    assert_eq!(drive["quota"]["used"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_items_bad_names_and_stale_etags_are_refused() {
    let h = common::start().await;
    let (status, err) =
        patch(&h, &format!("{DRIVE}/items/E1F0C0DE0D51A3B7!0000000000000000"), &json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&err), "itemNotFound");
    let (status, err) = patch(&h, &format!("{DRIVE}/root:/missing.txt:"), &json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&err), "itemNotFound");
    let (_, item) = upload(&h, "m.txt", "", b"m").await;
    let id = item["id"].as_str().unwrap();
    let body = json!({"parentReference": {"id": "E1F0C0DE0D51A3B7!0000000000000000"}});
    let (status, err) = patch(&h, &format!("{DRIVE}/items/{id}"), &body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&err), "itemNotFound");
    let (status, err) = patch(&h, &format!("{DRIVE}/items/{id}"), &json!({"name": "a:b"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&err), "invalidRequest");
    let resp = h
        .client
        .patch(h.url(&format!("{DRIVE}/items/{id}")))
        .bearer_auth(TOKEN)
        .header("If-Match", "\"{stale},1\"")
        .json(&json!({"name": "n.txt"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PRECONDITION_FAILED);
    let resp = h
        .client
        .patch(h.url(&format!("{DRIVE}/items/{id}")))
        .bearer_auth(TOKEN)
        .header("If-Match", item["eTag"].as_str().unwrap())
        .json(&json!({"name": "n.txt"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(h.stored("onedrive", "m.txt"), None);
    let (status, _) = patch(&h, &format!("{DRIVE}/root"), &json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
