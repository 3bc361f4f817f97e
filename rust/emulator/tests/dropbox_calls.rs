//! Dropbox call conventions: the bearer check, argument transport (JSON body,
//! `Dropbox-API-Arg` header, `?arg=`), plain-text 400s, and the users routes.

mod common;
mod dropbox_util;

use dropbox_util::{content, error_tags, hash, rpc, upload};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_token_is_a_plain_400_and_bad_token_is_401_invalid_access_token() {
    let h = common::start().await;
    let resp = h.client.post(h.url("/2/users/get_current_account")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("Authorization"));

    let resp = h
        .client
        .post(h.url("/2/files/list_folder"))
        .bearer_auth("not-a-token")
        .json(&json!({"path": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"][".tag"], "invalid_access_token");

    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth("not-a-token")
        .header("Dropbox-API-Arg", r#"{"path":"/a.jpg"}"#)
        .header("Content-Type", "application/octet-stream")
        .body(vec![1u8; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(h.stored("dropbox", "a.jpg").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn current_account_describes_the_emulator_user() {
    let h = common::start().await;
    let resp = h.client.post(h.url("/2/users/get_current_account")).bearer_auth(common::TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["account_id"], dkcloud_emulator::DROPBOX_ACCOUNT_ID);
    assert_eq!(body["name"]["display_name"], dkcloud_emulator::USER_NAME);
    assert_eq!(body["email"], dkcloud_emulator::USER_EMAIL);
    assert_eq!(body["disabled"], false);
    assert_eq!(body["account_type"][".tag"], "basic");
    assert!(body["root_info"]["root_namespace_id"].is_string());

    // Clients that send the JSON `null` as the argument get the same answer.
    let (status, body) = rpc(&h, "users/get_current_account", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["email"], dkcloud_emulator::USER_EMAIL);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn space_usage_reports_stored_bytes_and_the_quota() {
    let h = common::start_with(|c| c.quota = 1_000_000).await;
    assert_eq!(upload(&h, "/a.bin", &common::bytes(1234, 1)).await.0, StatusCode::OK);
    let (status, body) = rpc(&h, "users/get_space_usage", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["used"], 1234);
    assert_eq!(body["allocation"][".tag"], "individual");
    assert_eq!(body["allocation"]["allocated"], 1_000_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpc_with_wrong_content_type_or_bad_json_is_a_plain_400() {
    let h = common::start().await;
    let resp = h
        .client
        .post(h.url("/2/files/list_folder"))
        .bearer_auth(common::TOKEN)
        .header("Content-Type", "text/plain")
        .body(r#"{"path":""}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let text = resp.text().await.unwrap();
    assert!(
        text.starts_with("Error in call to API function \"files/list_folder\": Bad HTTP \"Content-Type\""),
        "{text}"
    );

    let resp = h
        .client
        .post(h.url("/2/files/list_folder"))
        .bearer_auth(common::TOKEN)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("could not decode input as JSON"));

    let (status, body) = rpc(&h, "files/list_folder", json!({"recursive": true})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("path"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paths_must_match_dropbox_patterns() {
    let h = common::start().await;
    let (status, body) = rpc(&h, "files/list_folder", json!({"path": "Photos"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("did not match pattern"), "{body}");

    let (status, body) = rpc(&h, "files/list_folder", json!({"path": "/"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("empty string"), "{body}");

    let (status, body) = upload(&h, "relative.jpg", b"x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let text = body.as_str().unwrap();
    assert!(text.contains("HTTP header \"Dropbox-API-Arg\": path: 'relative.jpg' did not match pattern"), "{text}");
    assert!(h.stored("dropbox", "relative.jpg").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_route_without_argument_or_with_json_content_type_is_a_plain_400() {
    let h = common::start().await;
    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth(common::TOKEN)
        .header("Content-Type", "application/octet-stream")
        .body(b"data".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("Must provide HTTP header \"Dropbox-API-Arg\" or URL parameter \"arg\""));

    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth(common::TOKEN)
        .header("Dropbox-API-Arg", r#"{"path":"/a.txt"}"#)
        .header("Content-Type", "application/json")
        .body(b"data".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("application/octet-stream"));

    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth(common::TOKEN)
        .header("Dropbox-API-Arg", r#"{"path": "/a.txt""#)
        .header("Content-Type", "application/octet-stream")
        .body(b"data".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("could not decode input as JSON"));
    assert!(h.stored("dropbox", "a.txt").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escaped_non_ascii_header_argument_stores_the_utf8_name() {
    let h = common::start().await;
    let data = common::bytes(3000, 7);
    let path = "/Fotos/Café 東京 🌸.jpg";
    let (status, body) = upload(&h, path, &data).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "Café 東京 🌸.jpg");
    assert_eq!(body["path_display"], path);
    assert_eq!(body["path_lower"], path.to_lowercase());
    assert_eq!(h.stored("dropbox", "Fotos/Café 東京 🌸.jpg").unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_non_ascii_in_the_header_is_refused() {
    let h = common::start().await;
    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth(common::TOKEN)
        .header(
            "Dropbox-API-Arg",
            reqwest::header::HeaderValue::from_bytes("{\"path\":\"/é.jpg\"}".as_bytes()).unwrap(),
        )
        .header("Content-Type", "application/octet-stream")
        .body(b"x".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("\\uXXXX"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn argument_may_come_in_the_arg_url_parameter() {
    let h = common::start().await;
    let data = common::bytes(500, 3);
    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .query(&[("arg", r#"{"path":"/Query/é.bin","mode":"add"}"#)])
        .bearer_auth(common::TOKEN)
        .header("Content-Type", "application/octet-stream")
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["content_hash"], hash(&data));
    assert_eq!(h.stored("dropbox", "Query/é.bin").unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_counted_by_kind() {
    let h = common::start().await;
    rpc(&h, "files/list_folder", json!({"path": ""})).await;
    upload(&h, "/a.bin", b"abc").await;
    let (status, body) = content(&h, "files/upload", json!({"path": "/a.bin"}), b"abcd".to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_tags(&body), "path/conflict/file");
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["dropbox.list_folder"], 1);
    assert_eq!(stats["requests"]["dropbox.upload"], 2);
}
