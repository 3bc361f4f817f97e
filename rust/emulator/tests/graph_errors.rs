//! Graph error answers in the shape real responses have (learn.microsoft.com/graph/errors,
//! "Error resource type" and its example): `{"error":{"code","message","innerError":
//! {"code"?,"date","request-id","client-request-id"}}}`, `innerError` spelled so, and
//! the client's own `client-request-id` header echoed back in it.

mod common;
mod graph_support;

use common::TOKEN;
use graph_support::{error_code, inner_code, DRIVE};
use reqwest::StatusCode;
use serde_json::Value;

const SENT_ID: &str = "5e0ab6f8-1d0c-4c6b-9b5a-0d6c0de0c0de";

fn assert_graph_error_shape(body: &Value) {
    let error = &body["error"];
    assert!(error["code"].is_string() && error["message"].is_string(), "{body}");
    assert!(error.get("innererror").is_none(), "spelled innerError: {body}");
    let inner = &error["innerError"];
    for key in ["date", "request-id", "client-request-id"] {
        assert!(inner[key].as_str().is_some_and(|v| !v.is_empty()), "{key}: {body}");
    }
    assert!(chrono::DateTime::parse_from_rfc3339(inner["date"].as_str().unwrap()).is_ok(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_carry_inner_error_and_echo_the_client_request_id() {
    let h = common::start().await;
    let resp = h
        .client
        .get(h.url(&format!("{DRIVE}/root:/nope.jpg")))
        .bearer_auth(TOKEN)
        .header("client-request-id", SENT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(resp.headers()["client-request-id"], SENT_ID);
    let body: Value = resp.json().await.unwrap();
    assert_graph_error_shape(&body);
    assert_eq!(error_code(&body), "itemNotFound");
    assert_eq!(body["error"]["innerError"]["client-request-id"], SENT_ID);

    // Without the header the service still gives one of its own.
    let (status, body) = graph_support::get(&h, &format!("{DRIVE}/root:/nope.jpg")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_graph_error_shape(&body);
    assert_ne!(body["error"]["innerError"]["client-request-id"], SENT_ID);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detailed_code_and_the_bearer_refusal_use_the_same_shape() {
    let h = common::start().await;
    // A detailed code goes in innerError.code.
    let gone = h.url("/_upload/graph/no-such-session");
    let resp = h
        .client
        .put(gone)
        .header("Content-Range", "bytes 0-0/1")
        .header("client-request-id", SENT_ID)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = resp.json().await.unwrap();
    assert_graph_error_shape(&body);
    assert_eq!(inner_code(&body), "uploadSessionNotFound");
    assert_eq!(body["error"]["innerError"]["client-request-id"], SENT_ID);

    // The bearer check's 401.
    let resp = h
        .client
        .get(h.url(&format!("{DRIVE}/root")))
        .header("client-request-id", SENT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().contains_key("www-authenticate"));
    let body: Value = resp.json().await.unwrap();
    assert_graph_error_shape(&body);
    assert_eq!(error_code(&body), "InvalidAuthenticationToken");
    assert_eq!(body["error"]["innerError"]["client-request-id"], SENT_ID);
}
