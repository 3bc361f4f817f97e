//! Reading files back: `files/download` (metadata in `Dropbox-API-Result`,
//! bytes in the body, `Range` with 206, errors as `path/...`) and
//! `files/get_temporary_link` (a link on the emulator's own origin that needs
//! no token, honours `Range` and answers 410 once expired).

mod common;
mod dropbox_util;

use dropbox_util::{error_tags, hash, header_arg, rpc, upload};
use reqwest::StatusCode;
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;

async fn download(h: &common::Harness, arg: Value, range: Option<&str>) -> reqwest::Response {
    let mut req = h
        .client
        .post(h.url("/2/files/download"))
        .bearer_auth(common::TOKEN)
        .header("Dropbox-API-Arg", header_arg(&arg));
    if let Some(r) = range {
        req = req.header("Range", r);
    }
    req.send().await.expect("download call")
}

fn api_result(resp: &reqwest::Response) -> Value {
    let raw = resp.headers().get("dropbox-api-result").expect("Dropbox-API-Result header");
    assert!(raw.as_bytes().is_ascii(), "the header is ASCII");
    serde_json::from_slice(raw.as_bytes()).expect("JSON in Dropbox-API-Result")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_gives_metadata_in_the_header_and_the_bytes_in_the_body() {
    let h = common::start().await;
    let data = common::bytes(5 * MIB + 321, 9);
    let (status, uploaded) = upload(&h, "/Photos/Grüße.jpg", &data).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");

    let resp = download(&h, json!({"path": "/photos/grüße.JPG"}), None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/octet-stream");
    assert_eq!(resp.headers()["content-length"], data.len().to_string().as_str());
    let meta = api_result(&resp);
    assert_eq!(meta["name"], "Grüße.jpg");
    assert_eq!(meta["path_display"], "/Photos/Grüße.jpg");
    assert_eq!(meta["id"], uploaded["id"]);
    assert_eq!(meta["rev"], uploaded["rev"]);
    assert_eq!(meta["size"], data.len());
    assert_eq!(meta["content_hash"], hash(&data));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[..]);

    // By id, by rev, and with GET and `?arg=`, as the HTTP docs allow.
    let by_id = download(&h, json!({"path": uploaded["id"]}), None).await;
    assert_eq!(by_id.status(), StatusCode::OK);
    assert_eq!(by_id.bytes().await.unwrap().len(), data.len());
    let rev = format!("rev:{}", uploaded["rev"].as_str().unwrap());
    let by_rev = download(&h, json!({ "path": rev }), None).await;
    assert_eq!(by_rev.status(), StatusCode::OK);
    let arg = header_arg(&json!({"path": "/Photos/Grüße.jpg"}));
    let got = h
        .client
        .get(h.url("/2/files/download"))
        .query(&[("arg", arg.as_str())])
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().as_ref(), &data[..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_honours_range_with_206() {
    let h = common::start().await;
    let data = common::bytes(10_000, 3);
    assert_eq!(upload(&h, "/r.bin", &data).await.0, StatusCode::OK);
    let arg = json!({"path": "/r.bin"});

    let resp = download(&h, arg.clone(), Some("bytes=100-199")).await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.headers()["content-range"], "bytes 100-199/10000");
    assert_eq!(resp.headers()["content-length"], "100");
    assert_eq!(api_result(&resp)["size"], 10_000, "the metadata is the whole file's");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[100..200]);

    let resp = download(&h, arg.clone(), Some("bytes=9000-")).await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.headers()["content-range"], "bytes 9000-9999/10000");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[9000..]);

    let resp = download(&h, arg.clone(), Some("bytes=-10")).await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[9990..]);

    // An end past the file is cut to it; a start past it cannot be satisfied.
    let resp = download(&h, arg.clone(), Some("bytes=9990-20000")).await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.headers()["content-range"], "bytes 9990-9999/10000");
    let resp = download(&h, arg.clone(), Some("bytes=10000-")).await;
    assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(resp.headers()["content-range"], "bytes */10000");

    // A Range that is not understood is ignored: the whole file.
    let resp = download(&h, arg.clone(), Some("lines=1-2")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().len(), data.len());

    // ETag-based caching.
    let resp = download(&h, arg.clone(), None).await;
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    drop(resp);
    let resp = h
        .client
        .post(h.url("/2/files/download"))
        .bearer_auth(common::TOKEN)
        .header("Dropbox-API-Arg", header_arg(&arg))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_errors_are_path_lookup_errors() {
    let h = common::start().await;
    assert_eq!(upload(&h, "/Folder/a.txt", b"a").await.0, StatusCode::OK);
    let resp = download(&h, json!({"path": "/nothing.jpg"}), None).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_tags(&body), "path/not_found");
    assert!(body["error_summary"].as_str().unwrap().starts_with("path/not_found/"));

    let resp = download(&h, json!({"path": "/Folder"}), None).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(error_tags(&resp.json().await.unwrap()), "path/not_file");

    let resp = download(&h, json!({"path": "rev:0123456789abcdef"}), None).await;
    assert_eq!(error_tags(&resp.json().await.unwrap()), "path/not_found");

    // A path that breaks the pattern is a 400, and so is no argument at all.
    let resp = download(&h, json!({"path": "Folder/a.txt"}), None).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = h.client.post(h.url("/2/files/download")).bearer_auth(common::TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // Without a token nothing is served.
    let resp = h
        .client
        .post(h.url("/2/files/download"))
        .header("Dropbox-API-Arg", r#"{"path":"/Folder/a.txt"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = h
        .client
        .post(h.url("/2/files/download"))
        .bearer_auth("not-a-token")
        .header("Dropbox-API-Arg", r#"{"path":"/Folder/a.txt"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_link_serves_the_bytes_without_a_token() {
    let h = common::start().await;
    let data = common::bytes(3 * MIB + 7, 4);
    let (status, uploaded) = upload(&h, "/Trip/beach.jpg", &data).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");

    let (status, body) = rpc(&h, "files/get_temporary_link", json!({"path": "/trip/BEACH.jpg"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["metadata"]["id"], uploaded["id"]);
    assert_eq!(body["metadata"]["size"], data.len());
    let link = body["link"].as_str().unwrap();
    assert!(link.starts_with(&format!("{}/", h.base)), "{link} is on the emulator's origin");

    let fresh = common::client();
    let resp = fresh.get(link).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[..]);

    let resp = fresh.get(link).header("Range", "bytes=1048576-1048675").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.headers()["content-range"], format!("bytes 1048576-1048675/{}", data.len()).as_str());
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &data[MIB..MIB + 100]);

    // A rewritten file keeps its id, and its link serves the new bytes.
    let newer = common::bytes(1000, 5);
    let arg = json!({"path": "/Trip/beach.jpg", "mode": "overwrite"});
    assert_eq!(dropbox_util::content(&h, "files/upload", arg, newer.clone()).await.0, StatusCode::OK);
    assert_eq!(fresh.get(link).send().await.unwrap().bytes().await.unwrap().as_ref(), &newer[..]);
    // A deleted one is gone; an unknown token was never there.
    assert_eq!(rpc(&h, "files/delete_v2", json!({"path": "/Trip/beach.jpg"})).await.0, StatusCode::OK);
    assert_eq!(fresh.get(link).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(fresh.get(h.url("/apitl/1/no-such-token")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let (status, body) = rpc(&h, "files/get_temporary_link", json!({"path": "/Trip"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/not_file");
    let (status, body) = rpc(&h, "files/get_temporary_link", json!({"path": "/nope.jpg"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_link_answers_410_once_expired() {
    let h = common::start().await;
    assert_eq!(upload(&h, "/short.txt", b"short-lived").await.0, StatusCode::OK);
    h.emu.app().dropbox.set_temporary_link_lifetime(std::time::Duration::from_millis(800));
    let (status, body) = rpc(&h, "files/get_temporary_link", json!({"path": "/short.txt"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let link = body["link"].as_str().unwrap().to_owned();
    let resp = h.client.get(&link).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().await.unwrap(), "short-lived");
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(h.client.get(&link).send().await.unwrap().status(), StatusCode::GONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_link_survives_a_restart() {
    let h = common::start().await;
    assert_eq!(upload(&h, "/kept.txt", b"still here").await.0, StatusCode::OK);
    let (_, body) = rpc(&h, "files/get_temporary_link", json!({"path": "/kept.txt"})).await;
    let link = body["link"].as_str().unwrap().to_owned();
    let token = link.rsplit('/').next().unwrap().to_owned();
    let h = common::restart(h).await;
    let resp = h.client.get(h.url(&format!("/apitl/1/{token}"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().await.unwrap(), "still here");
    h.emu.shutdown().await;
}
