//! Names OneDrive refuses for what they contain: a trailing `.`, a leading or
//! trailing space, control characters. Graph answers 400 `invalidRequest`
//! with `innerError.code` `nameContainsInvalidCharacters` ("Path (...) contains
//! invalid trailing character.": dtinit/data-transfer-project#924,
//! onedrive-api-docs#1488, skilion/onedrive#167 and #420), wherever a name is
//! given: creating a folder, a simple upload, creating an upload session and a
//! rename. Nothing is stored.

mod common;
mod graph_support;

use common::TOKEN;
use graph_support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const REFUSED: [&str; 5] = ["Misc.", "a..", "tab\tname.jpg", "bell\u{7}.jpg", "del\u{7f}.jpg"];

/// A name as a URL path segment: URL parsers drop a raw tab, so it goes encoded.
fn in_url(name: &str) -> String {
    name.replace('\t', "%09")
}

fn assert_refused(status: StatusCode, body: &Value, name: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
    assert_eq!(error_code(body), "invalidRequest", "{name}");
    assert_eq!(inner_code(body), "nameContainsInvalidCharacters", "{name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trailing_period_is_an_invalid_trailing_character() {
    let h = common::start().await;
    let (status, body) = post_json(&h, &format!("{DRIVE}/root/children"), &json!({"name": "Misc.", "folder": {}})).await;
    assert_refused(status, &body, "Misc.");
    assert!(body["error"]["message"].as_str().unwrap().contains("invalid trailing character"), "{body}");
    // A period elsewhere is fine, and so is a leading one.
    for name in ["Misc.2024", ".hidden"] {
        let (status, body) = post_json(&h, &format!("{DRIVE}/root/children"), &json!({"name": name, "folder": {}})).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_creation_refuses_them() {
    let h = common::start().await;
    for name in REFUSED {
        let (status, body) = post_json(&h, &format!("{DRIVE}/root/children"), &json!({"name": name, "folder": {}})).await;
        assert_refused(status, &body, name);
    }
    assert!(all_files(&h).is_empty(), "{:?}", all_files(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_refuses_them_in_the_file_name_and_in_a_folder_of_the_path() {
    let h = common::start().await;
    for name in REFUSED {
        let (status, body) = upload(&h, &format!("Album/{}", in_url(name)), "", b"jpeg bytes").await;
        assert_refused(status, &body, name);
        let (status, body) = upload(&h, &format!("{}/photo.jpg", in_url(name)), "", b"jpeg bytes").await;
        assert_refused(status, &body, name);
    }
    assert!(all_files(&h).is_empty(), "{:?}", all_files(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_session_creation_refuses_them_in_the_path_and_in_the_item_name() {
    let h = common::start().await;
    for name in REFUSED {
        let (status, body) = create_session(&h, &format!("Album/{}", in_url(name)), &json!({})).await;
        assert_refused(status, &body, name);
        let (status, body) = create_session(&h, "Album/ok.jpg", &json!({"item": {"name": name}})).await;
        assert_refused(status, &body, name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_refuses_them_and_leaves_the_item() {
    let h = common::start().await;
    let (_, item) = upload(&h, "Album/photo.jpg", "", b"jpeg bytes").await;
    let id = item["id"].as_str().unwrap();
    for name in REFUSED {
        let resp = h
            .client
            .patch(h.url(&format!("{DRIVE}/items/{id}")))
            .bearer_auth(TOKEN)
            .json(&json!({"name": name}))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        assert_refused(status, &resp.json().await.unwrap(), name);
    }
    assert!(h.dir.path().join("onedrive/Album/photo.jpg").is_file());
}
