//! Graph downloads: `.../content` redirects to a pre-authenticated URL on the
//! emulator's origin that serves byte ranges and survives a restart; the drive
//! addressed as `/me/drives/{id}` and listed by `/me/drives`.

mod common;
mod graph_support;

use common::TOKEN;
use graph_support::*;
use reqwest::StatusCode;
use serde_json::Value;

const DRIVE_ID: &str = dkcloud_emulator::ONEDRIVE_DRIVE_ID;

/// `GET {path}` with the bearer; must answer 302; returns the `Location`.
async fn download_location(h: &common::Harness, path: &str) -> String {
    let resp = h.client.get(h.url(path)).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND, "{path}");
    resp.headers()["location"].to_str().unwrap().to_owned()
}

async fn ranged(h: &common::Harness, url: &str, range: &str) -> reqwest::Response {
    h.client.get(url).header("Range", range).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_addressing_form_redirects_to_the_same_bytes() {
    let h = common::start().await;
    let data = common::bytes(100_000, 3);
    let (_, item) = upload(&h, "Trip/day 1/Été.jpg", "", &data).await;
    let id = item["id"].as_str().unwrap();
    let (_, folder) = get(&h, &format!("{DRIVE}/root:/Trip")).await;
    let folder_id = folder["id"].as_str().unwrap();
    let paths = [
        format!("{DRIVE}/items/{id}/content"),
        format!("{DRIVE}/root:/Trip/day%201/%C3%89t%C3%A9.jpg:/content"),
        format!("{DRIVE}/items/{folder_id}:/day%201/%C3%89t%C3%A9.jpg:/content"),
        format!("/v1.0/drives/{DRIVE_ID}/items/{id}/content"),
        format!("/v1.0/me/drives/{DRIVE_ID}/root:/Trip/day%201/%C3%89t%C3%A9.jpg:/content"),
    ];
    for path in &paths {
        let location = download_location(&h, path).await;
        assert!(location.starts_with(&format!("{}/", h.base)), "{location}");
        // Pre-authenticated: no bearer.
        let resp = h.client.get(&location).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["accept-ranges"], "bytes");
        assert_eq!(resp.headers()["content-length"], data.len().to_string().as_str());
        assert_eq!(resp.bytes().await.unwrap().as_ref(), data.as_slice(), "{path}");
    }
    // The item carries the same kind of URL.
    let url = item["@microsoft.graph.downloadUrl"].as_str().expect("downloadUrl on files");
    assert!(url.starts_with(&h.base));
    assert_eq!(h.client.get(url).send().await.unwrap().bytes().await.unwrap().as_ref(), data.as_slice());
    assert!(folder.get("@microsoft.graph.downloadUrl").is_none());
    let (_, listing) = get(&h, &format!("{DRIVE}/root:/Trip/day%201:/children")).await;
    assert!(listing["value"][0]["@microsoft.graph.downloadUrl"].is_string());
    // Folders have no content; a missing item is not found.
    let resp = h.client.get(h.url(&format!("{DRIVE}/root:/Trip:/content"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp =
        h.client.get(h.url(&format!("{DRIVE}/root:/nope.jpg:/content"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_urls_serve_the_three_range_forms_and_refuse_unsatisfiable_ones() {
    let h = common::start().await;
    let data = common::bytes(10_000, 5);
    upload(&h, "r.bin", "", &data).await;
    let url = download_location(&h, &format!("{DRIVE}/root:/r.bin:/content")).await;
    let cases: [(&str, usize, usize); 5] = [
        ("bytes=0-99", 0, 99),
        ("bytes=9990-20000", 9990, 9999),
        ("bytes=4000-", 4000, 9999),
        ("bytes=-256", 9744, 9999),
        ("bytes=-50000", 0, 9999),
    ];
    for (range, first, last) in cases {
        let resp = ranged(&h, &url, range).await;
        assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(resp.headers()["content-range"], format!("bytes {first}-{last}/10000").as_str(), "{range}");
        assert_eq!(resp.headers()["content-length"], (last - first + 1).to_string().as_str());
        assert_eq!(resp.headers()["accept-ranges"], "bytes");
        assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[first..=last], "{range}");
    }
    for range in ["bytes=10000-", "bytes=20000-20010", "bytes=-0"] {
        let resp = ranged(&h, &url, range).await;
        assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        assert_eq!(resp.headers()["content-range"], "bytes */10000");
    }
    // A range the server does not serve as such (several ranges) gets the whole file.
    let resp = ranged(&h, &url, "bytes=0-1,5-6").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().len(), data.len());
    // A forged or damaged token is refused.
    let forged = format!("{}x", url);
    assert_eq!(h.client.get(&forged).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_file_answers_not_modified_to_its_etag() {
    let h = common::start().await;
    let (_, item) = upload(&h, "e.txt", "", b"etag me").await;
    let etag = item["eTag"].as_str().unwrap();
    let resp = h
        .client
        .get(h.url(&format!("{DRIVE}/root:/e.txt:/content")))
        .bearer_auth(TOKEN)
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    let resp = h
        .client
        .get(h.url(&format!("{DRIVE}/root:/e.txt:/content")))
        .bearer_auth(TOKEN)
        .header("If-None-Match", "\"{other},1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_url_keeps_working_after_a_restart() {
    let h = common::start().await;
    let data = common::bytes(5_000, 11);
    upload(&h, "keep/k.jpg", "", &data).await;
    let url = download_location(&h, &format!("{DRIVE}/root:/keep/k.jpg:/content")).await;
    let h = restart(h).await;
    let resp = h.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), data.as_slice());
    let resp = ranged(&h, &url, "bytes=-10").await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[4990..]);
    // Once the file is gone, so is its URL.
    let resp = h.client.delete(h.url(&format!("{DRIVE}/root:/keep/k.jpg"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.client.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_drives_with_the_drive_id_addresses_the_drive() {
    let h = common::start().await;
    upload(&h, "A/one.txt", "", b"1").await;
    upload(&h, "A/two.txt", "", b"22").await;
    let (status, drives) = get(&h, "/v1.0/me/drives").await;
    assert_eq!(status, StatusCode::OK);
    let list = drives["value"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], DRIVE_ID);
    assert_eq!(list[0]["driveType"], "personal");

    let base = format!("/v1.0/me/drives/{DRIVE_ID}");
    let (status, drive) = get(&h, &base).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(drive["id"], DRIVE_ID);
    let (status, root) = get(&h, &format!("{base}/root")).await;
    assert_eq!(status, StatusCode::OK, "{root}");
    let (_, me_root) = get(&h, &format!("{DRIVE}/root")).await;
    assert_eq!(root["id"], me_root["id"]);
    let (status, children) = get(&h, &format!("{base}/root/children")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(children["value"][0]["name"], "A");
    let folder_id = children["value"][0]["id"].as_str().unwrap();
    let (status, inner) = get(&h, &format!("{base}/items/{folder_id}/children")).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = inner["value"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["one.txt", "two.txt"]);
    let (status, by_path) = get(&h, &format!("{base}/root:/A/two.txt")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_path["size"], 2);
    let (status, body) = get(&h, "/v1.0/me/drives/0123456789abcdef/root").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "itemNotFound");
    let _: Value = body;
}
