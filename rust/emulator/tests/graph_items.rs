//! Graph drive contract: profile, addressing, metadata, listing, folders, delete, download.

mod common;
mod graph_support;

use common::TOKEN;
use graph_support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_returns_the_emulated_user() {
    let h = common::start().await;
    let (status, me) = get(&h, "/v1.0/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["displayName"], dkcloud_emulator::USER_NAME);
    assert_eq!(me["userPrincipalName"], dkcloud_emulator::USER_EMAIL);
    assert_eq!(me["mail"], dkcloud_emulator::USER_EMAIL);
    assert!(me["id"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drive_reports_personal_type_and_quota_usage() {
    let h = common::start_with(|c| c.quota = 10_000).await;
    upload(&h, "a.bin", "", &common::bytes(1234, 1)).await;
    let (status, drive) = get(&h, DRIVE).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(drive["id"], dkcloud_emulator::ONEDRIVE_DRIVE_ID);
    assert_eq!(drive["driveType"], "personal");
    assert_eq!(drive["owner"]["user"]["displayName"], dkcloud_emulator::USER_NAME);
    assert_eq!(drive["quota"]["total"], 10_000);
    assert_eq!(drive["quota"]["used"], 1234);
    assert_eq!(drive["quota"]["remaining"], 10_000 - 1234);
    assert_eq!(drive["quota"]["deleted"], 0);
    assert_eq!(drive["quota"]["state"], "normal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_token_is_refused_with_invalid_authentication_token() {
    let h = common::start().await;
    for path in ["/v1.0/me", "/v1.0/me/drive", "/v1.0/me/drive/root/children"] {
        let resp = h.client.get(h.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert!(resp.headers().contains_key("www-authenticate"));
        let body: Value = resp.json().await.unwrap();
        assert_eq!(error_code(&body), "InvalidAuthenticationToken");
    }
    let resp = h.client.get(h.url("/v1.0/me")).bearer_auth("not-a-token").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // A write without a token stores nothing.
    let resp = h.client.put(h.url(&format!("{DRIVE}/root:/x.jpg:/content"))).body("abc").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(h.stored("onedrive", "x.jpg"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drives_address_matches_me_drive_and_other_drives_are_not_found() {
    let h = common::start().await;
    upload(&h, "p/q.txt", "", b"hello").await;
    let id = dkcloud_emulator::ONEDRIVE_DRIVE_ID;
    let (status, by_drive) = get(&h, &format!("/v1.0/drives/{id}/root:/p/q.txt")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, by_me) = get(&h, &format!("{DRIVE}/root:/p/q.txt:")).await;
    assert_eq!(by_drive["id"], by_me["id"]);
    let (status, drive) = get(&h, &format!("/v1.0/drives/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(drive["id"], id);
    let (status, body) = get(&h, "/v1.0/drives/0123456789abcdef/root").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "itemNotFound");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_metadata_by_path_and_by_id_agree() {
    let h = common::start().await;
    let data = common::bytes(5000, 7);
    let (status, uploaded) = upload(&h, "Album/b.jpg", "", &data).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = uploaded["id"].as_str().unwrap();

    let (status, by_path) = get(&h, &format!("{DRIVE}/root:/Album/b.jpg:")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, by_id) = get(&h, &format!("{DRIVE}/items/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_path, by_id);
    assert_eq!(by_id["name"], "b.jpg");
    assert_eq!(by_id["size"], 5000);
    assert_eq!(by_id["file"]["mimeType"], "image/jpeg");
    assert_eq!(by_id["file"]["hashes"]["quickXorHash"], dkcloud_hash::quickxor_base64(&data));
    assert_eq!(by_id["parentReference"]["path"], "/drive/root:/Album");
    assert_eq!(by_id["parentReference"]["driveId"], dkcloud_emulator::ONEDRIVE_DRIVE_ID);
    for field in ["createdDateTime", "lastModifiedDateTime", "eTag", "cTag", "webUrl"] {
        assert!(by_id[field].is_string(), "{field} missing");
    }
    assert!(by_id["fileSystemInfo"]["lastModifiedDateTime"].is_string());

    let (_, folder) = get(&h, &format!("{DRIVE}/root:/Album")).await;
    assert_eq!(folder["id"], by_id["parentReference"]["id"]);
    assert_eq!(folder["folder"]["childCount"], 1);
    assert_eq!(folder["size"], 5000);
    assert_eq!(folder["parentReference"]["path"], "/drive/root:");
    assert!(folder.get("file").is_none());

    let (_, root) = get(&h, &format!("{DRIVE}/root")).await;
    assert_eq!(root["name"], "root");
    assert_eq!(folder["parentReference"]["id"], root["id"]);
    let (_, root_by_id) = get(&h, &format!("{DRIVE}/items/{}", root["id"].as_str().unwrap())).await;
    assert_eq!(root_by_id["id"], root["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_on_an_item_keeps_only_the_named_properties() {
    let h = common::start().await;
    upload(&h, "s.txt", "", b"abc").await;
    let (_, item) = get(&h, &format!("{DRIVE}/root:/s.txt?$select=name,size")).await;
    let mut keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["id", "name", "size"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_ids_survive_a_restart() {
    let h = common::start().await;
    let (_, item) = upload(&h, "deep/er/file.txt", "", b"bytes").await;
    let id = item["id"].as_str().unwrap().to_owned();
    let h = restart(h).await;
    let (status, again) = get(&h, &format!("{DRIVE}/items/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["name"], "file.txt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_lookup_is_case_insensitive_and_case_preserving() {
    let h = common::start().await;
    upload(&h, "Photos/IMG.JPG", "", b"x").await;
    let (status, item) = get(&h, &format!("{DRIVE}/root:/photos/img.jpg")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item["name"], "IMG.JPG");
    assert_eq!(item["parentReference"]["path"], "/drive/root:/Photos");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_items_are_not_found_in_the_graph_error_shape() {
    let h = common::start().await;
    for path in [
        format!("{DRIVE}/root:/nope.jpg"),
        format!("{DRIVE}/items/E1F0C0DE0D51A3B7!0000000000000000"),
        format!("{DRIVE}/root:/nope:/children"),
    ] {
        let (status, body) = get(&h, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(&body), "itemNotFound");
        assert!(body["error"]["message"].is_string());
        assert!(body["error"]["innerError"].is_object());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_segments_are_bad_requests() {
    let h = common::start().await;
    let (status, body) = get(&h, &format!("{DRIVE}/root/bogus")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "invalidRequest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_pages_with_top_and_next_link() {
    let h = common::start().await;
    for name in ["e.txt", "a.txt", "c.txt", "b.txt", "d.txt"] {
        upload(&h, &format!("list/{name}"), "", name.as_bytes()).await;
    }
    let mut url = h.url(&format!("{DRIVE}/root:/list:/children?$top=2&$select=name,size"));
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let resp = h.client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let page: Value = resp.json().await.unwrap();
        pages += 1;
        let value = page["value"].as_array().unwrap();
        assert!(value.len() <= 2);
        for item in value {
            let mut keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(keys, ["id", "name", "size"]);
            names.push(item["name"].as_str().unwrap().to_owned());
        }
        match page["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&h.base), "nextLink must be absolute: {next}");
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_order_by_name_descending() {
    let h = common::start().await;
    for name in ["b.txt", "a.txt", "c.txt"] {
        upload(&h, name, "", b"x").await;
    }
    let (status, page) = get(&h, &format!("{DRIVE}/root/children?$orderby=name%20desc")).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = page["value"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["c.txt", "b.txt", "a.txt"]);
    assert!(page.get("@odata.nextLink").is_none());
    let (status, body) = get(&h, &format!("{DRIVE}/root/children?$orderby=color")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "invalidRequest");
    let (status, _) = get(&h, &format!("{DRIVE}/root/children?$top=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_of_a_file_is_not_found() {
    let h = common::start().await;
    upload(&h, "f.txt", "", b"x").await;
    let (status, body) = get(&h, &format!("{DRIVE}/root:/f.txt:/children")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "itemNotFound");
}

async fn mkdir(h: &common::Harness, parent: &str, body: Value) -> (StatusCode, Value) {
    post_json(h, &format!("{DRIVE}/{parent}/children"), &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_returns_201_and_fails_on_an_existing_name_by_default() {
    let h = common::start().await;
    let (status, folder) = mkdir(&h, "root", json!({"name": "Trips", "folder": {}})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(folder["name"], "Trips");
    assert_eq!(folder["folder"]["childCount"], 0);
    assert!(h.dir.path().join("onedrive/Trips").is_dir());
    let (status, body) = mkdir(&h, "root", json!({"name": "trips", "folder": {}})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "nameAlreadyExists");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_rename_appends_a_number() {
    let h = common::start().await;
    let body = json!({"name": "x", "folder": {}, "@microsoft.graph.conflictBehavior": "rename"});
    assert_eq!(mkdir(&h, "root", body.clone()).await.0, StatusCode::CREATED);
    let (status, second) = mkdir(&h, "root", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(second["name"], "x 1");
    let (_, third) = mkdir(&h, "root", body).await;
    assert_eq!(third["name"], "x 2");
    // The legacy annotation works the same way.
    let (_, legacy) = mkdir(&h, "root", json!({"name": "x", "folder": {}, "@name.conflictBehavior": "rename"})).await;
    assert_eq!(legacy["name"], "x 3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_replace_keeps_the_existing_folder_and_its_contents() {
    let h = common::start().await;
    upload(&h, "keep/inside.txt", "", b"still here").await;
    let (status, folder) =
        mkdir(&h, "root", json!({"name": "keep", "folder": {}, "@microsoft.graph.conflictBehavior": "replace"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(folder["folder"]["childCount"], 1);
    assert_eq!(h.stored("onedrive", "keep/inside.txt").unwrap(), b"still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_by_parent_id_and_by_path() {
    let h = common::start().await;
    let (_, parent) = mkdir(&h, "root", json!({"name": "P", "folder": {}})).await;
    let id = parent["id"].as_str().unwrap();
    let (status, child) = mkdir(&h, &format!("items/{id}"), json!({"name": "C", "folder": {}})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(child["parentReference"]["id"], id);
    assert_eq!(child["parentReference"]["path"], "/drive/root:/P");
    let (status, _) = mkdir(&h, "root:/P/C:", json!({"name": "D", "folder": {}})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(h.dir.path().join("onedrive/P/C/D").is_dir());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_refuses_invalid_names_and_creates_nothing() {
    let h = common::start().await;
    for name in
        ["a:b", "a*b", "q?", "x|y", "<x>", " lead", "trail ", "CON", "com1", ".lock", "desktop.ini", "~$tmp", "a_vti_b"]
    {
        let (status, body) = mkdir(&h, "root", json!({"name": name, "folder": {}})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}");
        assert_eq!(error_code(&body), "invalidRequest", "{name}");
        assert!(body["error"]["message"].as_str().unwrap().contains("not allowed"));
    }
    assert!(std::fs::read_dir(h.dir.path().join("onedrive")).unwrap().next().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_refuses_bad_json_and_a_missing_name() {
    let h = common::start().await;
    let url = h.url(&format!("{DRIVE}/root/children"));
    let resp = h.client.post(&url).bearer_auth(TOKEN).body("{not json").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&resp.json::<Value>().await.unwrap()), "invalidRequest");
    let (status, body) = mkdir(&h, "root", json!({"folder": {}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("name"));
    let (status, _) =
        mkdir(&h, "root", json!({"name": "x", "folder": {}, "@microsoft.graph.conflictBehavior": "merge"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = mkdir(&h, "root:/missing:", json!({"name": "x", "folder": {}})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(std::fs::read_dir(h.dir.path().join("onedrive")).unwrap().next().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_folder_under_a_file_is_a_conflict() {
    let h = common::start().await;
    upload(&h, "file.txt", "", b"x").await;
    let (status, body) = mkdir(&h, "root:/file.txt:", json!({"name": "sub", "folder": {}})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "nameAlreadyExists");
    assert_eq!(h.stored("onedrive", "file.txt").unwrap(), b"x");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_removes_the_item_and_frees_quota() {
    let h = common::start().await;
    let (_, item) = upload(&h, "gone/x.bin", "", &common::bytes(100, 3)).await;
    let id = item["id"].as_str().unwrap();
    let resp = h.client.delete(h.url(&format!("{DRIVE}/items/{id}"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.stored("onedrive", "gone/x.bin"), None);
    let (_, drive) = get(&h, DRIVE).await;
    assert_eq!(drive["quota"]["used"], 0);
    let resp = h.client.delete(h.url(&format!("{DRIVE}/root:/gone"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(!h.dir.path().join("onedrive/gone").exists());
    let resp = h.client.delete(h.url(&format!("{DRIVE}/root:/gone"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_redirects_to_a_download_url_that_serves_the_bytes() {
    let h = common::start().await;
    let data = common::bytes(70_000, 9);
    upload(&h, "dl/photo.jpg", "", &data).await;
    let resp =
        h.client.get(h.url(&format!("{DRIVE}/root:/dl/photo.jpg:/content"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&h.base));
    // Download URLs are pre-authenticated: no bearer.
    let resp = h.client.get(&location).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), data.as_slice());
    let resp = h.client.get(h.url("/_download/graph/unknown-token")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}
