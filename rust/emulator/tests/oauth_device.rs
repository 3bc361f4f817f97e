//! Microsoft device code flow: `devicecode`, then polling the token endpoint.

mod common;

use common::Harness;
use dkcloud_emulator::testkit::TokenCheck;
use dkcloud_emulator::{Consent, Service};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::Value;

const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn post(h: &Harness, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = h.client.post(h.url(path)).form(form).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

async fn start_flow(h: &Harness, scope: &str) -> Value {
    let (status, body) = post(h, "/consumers/oauth2/v2.0/devicecode", &[("client_id", CLIENT), ("scope", scope)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn poll(h: &Harness, device_code: &str) -> (StatusCode, Value) {
    post(
        h,
        "/consumers/oauth2/v2.0/token",
        &[("client_id", CLIENT), ("grant_type", GRANT), ("device_code", device_code)],
    )
    .await
}

fn assert_error(status: StatusCode, body: &Value, error: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_codes"][0].is_u64(), "{body}");
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_flow_is_pending_then_succeeds_then_spent() {
    let h = common::start().await;
    let flow = start_flow(&h, "Files.ReadWrite offline_access").await;
    let user_code = flow["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(user_code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    let uri = flow["verification_uri"].as_str().unwrap();
    assert_eq!(uri, h.url("/devicelogin"));
    assert_eq!(flow["expires_in"], 900);
    assert!(flow["interval"].as_u64().is_some_and(|i| i >= 1));
    let message = flow["message"].as_str().unwrap();
    assert!(message.contains(uri) && message.contains(user_code), "{message}");

    let device_code = flow["device_code"].as_str().unwrap();
    let (status, body) = poll(&h, device_code).await;
    assert_error(status, &body, "authorization_pending");
    let (status, body) = poll(&h, device_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "Files.ReadWrite");
    assert!(body["refresh_token"].is_string());
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {}", body["access_token"].as_str().unwrap())).unwrap(),
    );
    assert!(matches!(h.emu.app().tokens.check(Service::OneDrive, &headers), TokenCheck::Valid { issued: true, .. }));

    let (status, body) = poll(&h, device_code).await;
    assert_error(status, &body, "invalid_grant");

    let page = h.client.get(uri).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["identity.devicecode"], 1);
    assert_eq!(stats["requests"]["identity.token"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_without_offline_access_gives_no_refresh_token() {
    let h = common::start().await;
    let flow = start_flow(&h, "Files.ReadWrite").await;
    let device_code = flow["device_code"].as_str().unwrap();
    poll(&h, device_code).await;
    let (status, body) = poll(&h, device_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_expires_after_its_lifetime() {
    let h = common::start_with(|c| c.device_code_lifetime = 1).await;
    let flow = start_flow(&h, "Files.ReadWrite").await;
    assert_eq!(flow["expires_in"], 1);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let (status, body) = poll(&h, flow["device_code"].as_str().unwrap()).await;
    assert_error(status, &body, "expired_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_deny_declines_the_device_code() {
    let h = common::start_with(|c| c.consent = Consent::Deny).await;
    let flow = start_flow(&h, "Files.ReadWrite").await;
    let device_code = flow["device_code"].as_str().unwrap();
    let (status, body) = poll(&h, device_code).await;
    assert_error(status, &body, "authorization_pending");
    for _ in 0..2 {
        let (status, body) = poll(&h, device_code).await;
        assert_error(status, &body, "authorization_declined");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_device_code_and_other_client_are_refused() {
    let h = common::start().await;
    let (status, body) = poll(&h, "DAQABAAEAAA-unknown").await;
    assert_error(status, &body, "bad_verification_code");

    let flow = start_flow(&h, "Files.ReadWrite").await;
    let device_code = flow["device_code"].as_str().unwrap();
    let form = [("client_id", "someone-else"), ("grant_type", GRANT), ("device_code", device_code)];
    let (status, body) = post(&h, "/consumers/oauth2/v2.0/token", &form).await;
    assert_error(status, &body, "invalid_grant");
    // The rightful client's flow is untouched: its first poll is still pending.
    let (status, body) = poll(&h, device_code).await;
    assert_error(status, &body, "authorization_pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devicecode_requires_client_id_scope_and_a_known_tenant() {
    let h = common::start().await;
    let (status, body) = post(&h, "/common/oauth2/v2.0/devicecode", &[("client_id", CLIENT)]).await;
    assert_error(status, &body, "invalid_request");
    assert!(body["error_description"].as_str().unwrap().contains("'scope'"));
    let (status, body) = post(&h, "/common/oauth2/v2.0/devicecode", &[("scope", "Files.ReadWrite")]).await;
    assert_error(status, &body, "invalid_request");
    assert!(body["error_description"].as_str().unwrap().contains("'client_id'"));
    let (status, body) = post(&h, "/nope/oauth2/v2.0/devicecode", &[("client_id", CLIENT), ("scope", "x")]).await;
    assert_error(status, &body, "invalid_request");
    assert_eq!(body["error_codes"][0], 90002);
}
