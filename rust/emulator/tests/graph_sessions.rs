//! Graph upload sessions: createUploadSession, fragments, status, cancel, expiry, restart.

mod common;
mod graph_support;

use common::TOKEN;
use graph_support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_upload_in_fragments_stores_the_file() {
    let h = common::start().await;
    let data = common::bytes(3 * 1024 * 1024 + 17, 11);
    let (status, created) = create_session(&h, "big/video.mp4", &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(created["nextExpectedRanges"][0], "0-");
    assert!(created["expirationDateTime"].is_string());
    let url = created["uploadUrl"].as_str().unwrap();
    // On the other name of the loopback address the test reached (see below).
    assert!(url.starts_with(&format!("http://localhost:{}/_upload/graph/", h.emu.addr().port())), "{url}");

    let (status, item) = upload_all(&h, url, &data, 4 * UNIT).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["name"], "video.mp4");
    assert_eq!(item["size"], data.len());
    assert_eq!(item["file"]["hashes"]["quickXorHash"], dkcloud_hash::quickxor_base64(&data));
    assert_eq!(h.stored("onedrive", "big/video.mp4").unwrap(), data);
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["graph.create_upload_session"], 1);
    assert_eq!(stats["requests"]["graph.upload_fragment"], 3);
    // The session is over once the file is committed.
    let resp = h.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(all_files(&h).iter().all(|f| !f.contains("graph-sessions")), "{:?}", all_files(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_by_parent_id_and_name_and_replacing_by_item_id() {
    let h = common::start().await;
    let (_, seed) = upload(&h, "dir/seed.txt", "", b"seed").await;
    let parent = seed["parentReference"]["id"].as_str().unwrap();
    let (status, created) =
        post_json(&h, &format!("{DRIVE}/items/{parent}:/s.bin:/createUploadSession"), &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = upload_all(&h, created["uploadUrl"].as_str().unwrap(), b"via parent", UNIT).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(h.stored("onedrive", "dir/s.bin").unwrap(), b"via parent");

    let id = seed["id"].as_str().unwrap();
    // Naming an existing file by id means updating it: no conflict behaviour needed.
    let (status, created) = post_json(&h, &format!("{DRIVE}/items/{id}/createUploadSession"), &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, item) = upload_all(&h, created["uploadUrl"].as_str().unwrap(), b"new seed", UNIT).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item["id"], seed["id"]);
    assert_eq!(h.stored("onedrive", "dir/seed.txt").unwrap(), b"new seed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_overlap_is_refused_with_416() {
    let h = common::start().await;
    let data = common::bytes(3 * UNIT, 2);
    let url = session_url(&h, "o.bin", &json!({})).await;
    assert_eq!(fragment(&h, &url, &data[..UNIT], 0, data.len()).await.0, StatusCode::ACCEPTED);
    let (status, body) = fragment(&h, &url, &data[..UNIT], 0, data.len()).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(error_code(&body), "invalidRange");
    assert_eq!(inner_code(&body), "fragmentOverlap");
    // The session is unharmed and continues where it was.
    let (status, _) = upload_all_from(&h, &url, &data, UNIT).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(h.stored("onedrive", "o.bin").unwrap(), data);
}

/// Sends the fragments after the first one.
async fn upload_all_from(h: &common::Harness, url: &str, data: &[u8], chunk: usize) -> (StatusCode, serde_json::Value) {
    let mut last = (StatusCode::IM_A_TEAPOT, serde_json::Value::Null);
    for start in (chunk..data.len()).step_by(chunk) {
        let end = (start + chunk).min(data.len());
        last = fragment(h, url, &data[start..end], start, data.len()).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_out_of_order_is_refused_with_416() {
    let h = common::start().await;
    let data = common::bytes(3 * UNIT, 2);
    let url = session_url(&h, "ooo.bin", &json!({})).await;
    let (status, body) = fragment(&h, &url, &data[UNIT..2 * UNIT], UNIT, data.len()).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(inner_code(&body), "fragmentOutOfOrder");
    let (_, state) = get_status(&h, &url).await;
    assert_eq!(state["nextExpectedRanges"][0], "0-");
}

async fn get_status(h: &common::Harness, url: &str) -> (StatusCode, serde_json::Value) {
    let resp = h.client.get(url).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_not_a_multiple_of_320_kib_is_refused_unless_last() {
    let h = common::start().await;
    let data = common::bytes(2 * UNIT, 4);
    let url = session_url(&h, "m.bin", &json!({})).await;
    let (status, body) = fragment(&h, &url, &data[..UNIT + 1], 0, data.len()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "invalidRequest");
    assert!(body["error"]["message"].as_str().unwrap().contains("320 KiB"));
    // The last fragment may have any size.
    assert_eq!(fragment(&h, &url, &data[..UNIT], 0, data.len()).await.0, StatusCode::ACCEPTED);
    assert_eq!(fragment(&h, &url, &data[UNIT..], UNIT, data.len()).await.0, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_ranges_must_match_the_body_and_the_total() {
    let h = common::start().await;
    let url = session_url(&h, "r.bin", &json!({"item": {"fileSize": 100}})).await;
    let send = |range: Option<&'static str>, body: &'static [u8]| {
        let mut req = h.client.put(&url).body(body);
        if let Some(r) = range {
            req = req.header("Content-Range", r);
        }
        req.send()
    };
    for (range, why) in [(None, "missing"), (Some("bytes=0-9/100"), "malformed"), (Some("bytes 9-0/100"), "reversed")] {
        let resp = send(range, &[0u8; 10]).await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{why}");
        assert_eq!(error_code(&resp.json().await.unwrap()), "invalidRequest");
    }
    let resp = send(Some("bytes 0-19/100"), &[0u8; 10]).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(inner_code(&resp.json().await.unwrap()), "fragmentLengthMismatch");
    let resp = send(Some("bytes 0-9/5"), &[0u8; 10]).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // fileSize said 100.
    let resp = send(Some("bytes 0-9/10"), &[0u8; 10]).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(inner_code(&resp.json().await.unwrap()), "fragmentLengthMismatch");
    let (_, state) = get_status(&h, &url).await;
    assert_eq!(state["nextExpectedRanges"][0], "0-");
    assert_eq!(h.stored("onedrive", "r.bin"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_total_must_stay_the_same_across_fragments() {
    let h = common::start().await;
    let data = common::bytes(2 * UNIT, 4);
    let url = session_url(&h, "t.bin", &json!({})).await;
    assert_eq!(fragment(&h, &url, &data[..UNIT], 0, data.len()).await.0, StatusCode::ACCEPTED);
    let (status, body) = fragment(&h, &url, &data[UNIT..], UNIT, data.len() + 1).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_of_60_mib_is_refused() {
    let h = common::start().await;
    let size = 60 * 1024 * 1024;
    let data = vec![0u8; size];
    let url = session_url(&h, "huge.bin", &json!({})).await;
    let (status, body) = fragment(&h, &url, &data, 0, size + UNIT).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "invalidRequest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_with_a_bearer_token_is_refused_with_401() {
    let h = common::start().await;
    let url = session_url(&h, "auth.bin", &json!({})).await;
    let resp =
        h.client.put(&url).bearer_auth(TOKEN).header("Content-Range", "bytes 0-2/3").body("abc").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&resp.json().await.unwrap()), "unauthenticated");
    assert_eq!(h.client.get(&url).bearer_auth(TOKEN).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(h.client.delete(&url).bearer_auth(TOKEN).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(h.stored("onedrive", "auth.bin"), None);
    // The session itself still works without the header.
    assert_eq!(fragment(&h, &url, b"abc", 0, 3).await.0, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_session_needs_a_bearer_token() {
    let h = common::start().await;
    let resp = h.client.post(h.url(&format!("{DRIVE}/root:/x.bin:/createUploadSession"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&resp.json().await.unwrap()), "InvalidAuthenticationToken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_the_next_expected_range() {
    let h = common::start().await;
    let data = common::bytes(3 * UNIT, 8);
    let url = session_url(&h, "s.bin", &json!({})).await;
    fragment(&h, &url, &data[..2 * UNIT], 0, data.len()).await;
    let (status, state) = get_status(&h, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state["nextExpectedRanges"], json!([format!("{}-", 2 * UNIT)]));
    assert!(state["expirationDateTime"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_deletes_the_session_and_its_bytes() {
    let h = common::start().await;
    let data = common::bytes(2 * UNIT, 8);
    let url = session_url(&h, "c.bin", &json!({})).await;
    fragment(&h, &url, &data[..UNIT], 0, data.len()).await;
    let resp = h.client.delete(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let (status, body) = get_status(&h, &url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "itemNotFound");
    assert_eq!(inner_code(&body), "uploadSessionNotFound");
    let (status, _) = fragment(&h, &url, &data[UNIT..], UNIT, data.len()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(h.client.delete(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert!(all_files(&h).is_empty(), "{:?}", all_files(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_session_is_not_found() {
    let h = common::start_with(|c| c.session_lifetime = 1).await;
    let url = session_url(&h, "late.bin", &json!({})).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, body) = fragment(&h, &url, b"abc", 0, 3).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(inner_code(&body), "uploadSessionNotFound");
    assert_eq!(h.stored("onedrive", "late.bin"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_survives_an_emulator_restart() {
    let h = common::start().await;
    let data = common::bytes(2 * UNIT + 5, 6);
    let url = session_url(&h, "resume/r.bin", &json!({})).await;
    assert_eq!(fragment(&h, &url, &data[..UNIT], 0, data.len()).await.0, StatusCode::ACCEPTED);
    let h = restart(h).await;
    let (status, state) = get_status(&h, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state["nextExpectedRanges"][0], format!("{UNIT}-"));
    let (status, item) = upload_all_from(&h, &url, &data, UNIT).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(h.stored("onedrive", "resume/r.bin").unwrap(), data);
    assert_eq!(item["file"]["hashes"]["quickXorHash"], dkcloud_hash::quickxor_base64(&data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_cut_short_is_discarded() {
    let h = common::start().await;
    let data = common::bytes(3 * UNIT, 12);
    let url = session_url(&h, "cut.bin", &json!({})).await;
    let path = &url[url.find("/_upload/").unwrap()..];
    // Cut short as the first fragment and, after a whole one, as the second: the stored
    // file and its hash hold only whole fragments.
    for start in [0, UNIT] {
        if start > 0 {
            assert_eq!(fragment(&h, &url, &data[..UNIT], 0, data.len()).await.0, StatusCode::ACCEPTED);
        }
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Range: bytes {start}-{}/{}\r\nContent-Length: {UNIT}\r\n\r\n",
            start + UNIT - 1,
            data.len()
        );
        raw_cut_short(&h, &head, &data[start..start + 1000]).await;
        let (_, state) = get_status(&h, &url).await;
        assert_eq!(state["nextExpectedRanges"][0], format!("{start}-"));
    }
    let (status, item) = upload_all_from(&h, &url, &data, UNIT).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(h.stored("onedrive", "cut.bin").unwrap(), data);
    assert_eq!(item["file"]["hashes"]["quickXorHash"], dkcloud_hash::quickxor_base64(&data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_conflict_fail_is_409_at_creation_and_at_the_last_fragment() {
    let h = common::start().await;
    upload(&h, "taken.bin", "", b"first").await;
    let (status, body) = create_session(&h, "taken.bin", &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "nameAlreadyExists");

    let url = session_url(&h, "race.bin", &json!({"item": {"@microsoft.graph.conflictBehavior": "fail"}})).await;
    upload(&h, "race.bin", "", b"won the race").await;
    let (status, body) = fragment(&h, &url, b"lost", 0, 4).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "nameAlreadyExists");
    assert_eq!(h.stored("onedrive", "race.bin").unwrap(), b"won the race");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_rename_and_replace_conflicts() {
    let h = common::start().await;
    upload(&h, "pic.jpg", "", b"original").await;
    let url = session_url(&h, "pic.jpg", &json!({"item": {"@microsoft.graph.conflictBehavior": "rename"}})).await;
    let (status, item) = fragment(&h, &url, b"renamed", 0, 7).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(item["name"], "pic 1.jpg");
    assert_eq!(h.stored("onedrive", "pic 1.jpg").unwrap(), b"renamed");
    let url = session_url(&h, "pic.jpg", &json!({"item": {"@name.conflictBehavior": "replace"}})).await;
    let (status, _) = fragment(&h, &url, b"replaced", 0, 8).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.stored("onedrive", "pic.jpg").unwrap(), b"replaced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_over_quota_is_507() {
    let h = common::start_with(|c| c.quota = 1000).await;
    let (status, body) = create_session(&h, "q.bin", &json!({"item": {"fileSize": 1001}})).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(error_code(&body), "quotaLimitReached");
    // Without a declared size, the last fragment finds out.
    let url = session_url(&h, "q.bin", &json!({})).await;
    let (status, body) = fragment(&h, &url, &common::bytes(1001, 1), 0, 1001).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(error_code(&body), "quotaLimitReached");
    assert_eq!(h.stored("onedrive", "q.bin"), None);
    assert!(all_files(&h).is_empty(), "{:?}", all_files(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_applies_the_file_system_modified_time() {
    let h = common::start().await;
    let body = json!({"item": {"fileSystemInfo": {"lastModifiedDateTime": "2021-05-04T03:02:01Z"}}});
    let url = session_url(&h, "dated.jpg", &body).await;
    let (status, item) = fragment(&h, &url, b"old photo", 0, 9).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(item["fileSystemInfo"]["lastModifiedDateTime"], "2021-05-04T03:02:01.000Z");
    let mtime = std::fs::metadata(h.dir.path().join("onedrive/dated.jpg")).unwrap().modified().unwrap();
    let secs = mtime.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(secs, 1_620_097_321);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_session_refuses_bad_bodies_and_names() {
    let h = common::start().await;
    let url = h.url(&format!("{DRIVE}/root:/b.bin:/createUploadSession"));
    let resp = h.client.post(&url).bearer_auth(TOKEN).body("{oops").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&resp.json().await.unwrap()), "invalidRequest");
    for body in [
        json!({"item": {"fileSize": -1}}),
        json!({"item": {"@microsoft.graph.conflictBehavior": "sometimes"}}),
        json!({"item": {"fileSystemInfo": {"lastModifiedDateTime": "yesterday"}}}),
        json!({"item": "x"}),
    ] {
        let (status, _) = create_session(&h, "b.bin", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    let (status, body) = create_session(&h, "bad%3Aname.bin", &json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "invalidRequest");
    let (status, _) = create_session(&h, "%2E%2E%2Fout.bin", &json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(all_files(&h).is_empty(), "{:?}", all_files(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_fragments_of_one_session_stay_consistent() {
    let h = common::start().await;
    let data = common::bytes(2 * UNIT, 3);
    let url = session_url(&h, "dup.bin", &json!({})).await;
    // The same first fragment twice at once: one is taken, the other overlaps.
    let (a, b) = tokio::join!(
        fragment(&h, &url, &data[..UNIT], 0, data.len()),
        fragment(&h, &url, &data[..UNIT], 0, data.len())
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::ACCEPTED, StatusCode::RANGE_NOT_SATISFIABLE]);
    let (status, _) = upload_all_from(&h, &url, &data, UNIT).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(h.stored("onedrive", "dup.bin").unwrap(), data);
}

/// OneDrive issues `uploadUrl` on a host other than Graph's (createUploadSession docs:
/// `"uploadUrl": "https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866337"`); without
/// `--upload-host` the emulator does it too when reached by a loopback name: the
/// address's other name, which every resolver knows, on the same port. A token
/// is refused there as on Graph's host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_urls_are_on_the_other_loopback_name_by_default() {
    let mut h = common::start().await;
    let port = h.emu.addr().port();
    let url = session_url(&h, "by-ip.bin", &json!({})).await;
    assert!(url.starts_with(&format!("http://localhost:{port}/_upload/graph/")), "{url}");
    takes_fragments_only_without_a_token(&h, &url, "by-ip.bin").await;
    h.base = format!("http://localhost:{port}");
    let url = session_url(&h, "by-name.bin", &json!({})).await;
    assert!(url.starts_with(&format!("http://127.0.0.1:{port}/_upload/graph/")), "{url}");
    assert_eq!(fragment(&h, &url, b"xyz", 0, 3).await.0, StatusCode::CREATED);
}

/// OneDrive issues `uploadUrl` on a host other than Graph's (createUploadSession docs:
/// `"uploadUrl": "https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866337"`); with
/// `--upload-host` the emulator does the same on its own port and answers there,
/// and a fragment carrying an `Authorization` header is still refused with 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_urls_are_issued_on_the_upload_host() {
    let mut h = common::start_with(|c| c.upload_host = Some("upload.localhost".into())).await;
    h.client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(std::sync::Arc::new(dkcloud_emulator::stand_in_browser::LikeABrowser))
        .build()
        .unwrap();
    let url = session_url(&h, "elsewhere.bin", &json!({})).await;
    let port = h.emu.addr().port();
    assert!(url.starts_with(&format!("http://upload.localhost:{port}/")), "{url}");
    takes_fragments_only_without_a_token(&h, &url, "elsewhere.bin").await;
}

/// A fragment with an `Authorization` header is refused with 401 ("may result
/// in a 401"); without it the 3-byte session `url` for `name` completes.
async fn takes_fragments_only_without_a_token(h: &common::Harness, url: &str, name: &str) {
    let resp =
        h.client.put(url).bearer_auth(TOKEN).header("Content-Range", "bytes 0-2/3").body("abc").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(fragment(h, url, b"abc", 0, 3).await.0, StatusCode::CREATED);
    assert_eq!(h.stored("onedrive", name).as_deref(), Some(&b"abc"[..]));
}
