//! Graph simple upload (`PUT .../content`) contract.

mod common;
mod graph_support;

use common::TOKEN;
use graph_support::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_stores_the_bytes_and_reports_their_quickxor_hash() {
    let h = common::start().await;
    let data = common::bytes(300_001, 5);
    let (status, item) = upload(&h, "a/b.jpg", "", &data).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(item["name"], "b.jpg");
    assert_eq!(item["size"], 300_001);
    assert_eq!(item["file"]["hashes"]["quickXorHash"], dkcloud_hash::quickxor_base64(&data));
    assert_eq!(h.stored("onedrive", "a/b.jpg").unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_reports_the_published_quickxor_vectors() {
    let h = common::start().await;
    let (status, empty) = upload(&h, "empty.bin", "", b"").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(empty["size"], 0);
    assert_eq!(empty["file"]["hashes"]["quickXorHash"], "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assert_eq!(h.stored("onedrive", "empty.bin").unwrap(), b"");
    let (_, one) = upload(&h, "one.bin", "", &[0x4A]).await;
    assert_eq!(one["file"]["hashes"]["quickXorHash"], "SgAAAAAAAAAAAAAAAQAAAAAAAAA=");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_creates_missing_parent_folders() {
    let h = common::start().await;
    let (status, item) = upload(&h, "x/y/z/deep.txt", "", b"deep").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(item["parentReference"]["path"], "/drive/root:/x/y/z");
    let (status, folder) = get(&h, &format!("{DRIVE}/root:/x/y")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(folder["folder"]["childCount"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_replaces_by_default_and_answers_200() {
    let h = common::start().await;
    let (_, first) = upload(&h, "r.txt", "", b"first").await;
    let (status, second) = upload(&h, "R.TXT", "", b"second!").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["name"], "r.txt");
    assert_eq!(second["size"], 7);
    assert_eq!(h.stored("onedrive", "r.txt").unwrap(), b"second!");
    let (_, drive) = get(&h, DRIVE).await;
    assert_eq!(drive["quota"]["used"], 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_conflict_fail_is_409_and_keeps_the_old_bytes() {
    let h = common::start().await;
    upload(&h, "f.txt", "", b"old").await;
    let (status, body) = upload(&h, "f.txt", "?@microsoft.graph.conflictBehavior=fail", b"new").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "nameAlreadyExists");
    assert_eq!(h.stored("onedrive", "f.txt").unwrap(), b"old");
    assert!(all_files(&h).iter().all(|f| !f.contains("tmp")), "temporary file left: {:?}", all_files(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_conflict_rename_numbers_before_the_extension() {
    let h = common::start().await;
    upload(&h, "p/b.jpg", "", b"one").await;
    let (status, item) = upload(&h, "p/b.jpg", "?@microsoft.graph.conflictBehavior=rename", b"two").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(item["name"], "b 1.jpg");
    assert_eq!(h.stored("onedrive", "p/b 1.jpg").unwrap(), b"two");
    assert_eq!(h.stored("onedrive", "p/b.jpg").unwrap(), b"one");
    let (status, _) = upload(&h, "p/b.jpg", "?@microsoft.graph.conflictBehavior=explode", b"x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_by_parent_id_and_name_and_by_item_id() {
    let h = common::start().await;
    let (_, first) = upload(&h, "folder/seed.txt", "", b"seed").await;
    let parent = first["parentReference"]["id"].as_str().unwrap();
    let url = h.url(&format!("{DRIVE}/items/{parent}:/new%20name.txt:/content"));
    let resp = h.client.put(url).bearer_auth(TOKEN).body("by parent").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(h.stored("onedrive", "folder/new name.txt").unwrap(), b"by parent");

    let id = first["id"].as_str().unwrap();
    let resp = h
        .client
        .put(h.url(&format!("{DRIVE}/items/{id}/content")))
        .bearer_auth(TOKEN)
        .body("replaced")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(h.stored("onedrive", "folder/seed.txt").unwrap(), b"replaced");

    // A folder itself has no content to replace.
    let resp = h
        .client
        .put(h.url(&format!("{DRIVE}/items/{parent}/content")))
        .bearer_auth(TOKEN)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_above_the_limit_is_413_and_stores_nothing() {
    let h = common::start_with(|c| c.simple_upload_limit = 1000).await;
    let (status, _) = upload(&h, "ok.bin", "", &common::bytes(1000, 1)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = upload(&h, "big.bin", "", &common::bytes(1001, 1)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "invalidRequest");
    assert!(body["error"]["message"].as_str().unwrap().contains("upload session"));
    assert_eq!(h.stored("onedrive", "big.bin"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_over_quota_is_507() {
    let h = common::start_with(|c| c.quota = 1000).await;
    let (status, _) = upload(&h, "a.bin", "", &common::bytes(600, 1)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = upload(&h, "b.bin", "", &common::bytes(600, 2)).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(error_code(&body), "quotaLimitReached");
    assert_eq!(h.stored("onedrive", "b.bin"), None);
    // Replacing counts only the difference.
    let (status, _) = upload(&h, "a.bin", "", &common::bytes(1000, 3)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_refuses_invalid_names() {
    let h = common::start().await;
    for path in ["a%3Ab.jpg", "bad%7Cdir/x.jpg", "CON", "~%24lock.docx", "x/desktop.ini"] {
        let (status, body) = upload(&h, path, "", b"x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(error_code(&body), "invalidRequest");
    }
    assert!(std::fs::read_dir(h.dir.path().join("onedrive")).unwrap().next().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_with_a_file_in_the_way_is_409() {
    let h = common::start().await;
    upload(&h, "blocker", "", b"file").await;
    let (status, body) = upload(&h, "blocker/x.jpg", "", b"x").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "nameAlreadyExists");
    assert_eq!(h.stored("onedrive", "blocker").unwrap(), b"file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_traversal_is_refused_and_writes_nothing_outside() {
    let h = common::start().await;
    let before = all_files(&h);
    // Encoded so that the client does not normalize the dots away.
    for path in ["%2E%2E%2Fescape.txt", "a/%2E%2E%2F%2E%2E%2Fescape.txt", "a%5C..%5Cescape.txt"] {
        let (status, body) = upload(&h, path, "", b"evil").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(error_code(&body), "invalidRequest");
    }
    // A literal `..`, as a raw client would send it.
    let head = format!(
        "PUT {DRIVE}/root:/../escape.txt:/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"
    );
    let answer = raw(&h, &head, b"evil").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(all_files(&h), before);
    assert!(!h.dir.path().join("escape.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_cut_short_stores_nothing() {
    let h = common::start().await;
    let head = format!(
        "PUT {DRIVE}/root:/partial.bin:/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 1000\r\n\r\n"
    );
    raw_cut_short(&h, &head, &common::bytes(400, 1)).await;
    assert_eq!(h.stored("onedrive", "partial.bin"), None);
    assert!(all_files(&h).is_empty(), "left behind: {:?}", all_files(&h));
}
