//! `--registrations`, Microsoft side: the identity platform holds apps to their
//! registration (client id, account types, redirect URIs, public client flows), and
//! Graph holds tokens to their scopes.

mod common;
mod registrations_util;

use common::Harness;
use registrations_util::{redirected, refused_on_page, start_registered};
use reqwest::header::AUTHORIZATION;
use reqwest::StatusCode;
use serde_json::Value;

const DKCLOUD: &str = "11111111-aaaa-4bbb-8ccc-000000000001";
const PERSONAL: &str = "22222222-aaaa-4bbb-8ccc-000000000002";
const WORK: &str = "33333333-aaaa-4bbb-8ccc-000000000003";
const NO_PUBLIC_FLOWS: &str = "44444444-aaaa-4bbb-8ccc-000000000004";
const UNKNOWN: &str = "99999999-aaaa-4bbb-8ccc-000000000009";

const REGISTRATIONS: &str = r#"
[[onedrive]]
client_id = "11111111-aaaa-4bbb-8ccc-000000000001"
name = "dkcloud"
redirect_uris = ["http://localhost"]
audience = "both"
public_client_flows = true
permissions = ["Files.ReadWrite", "User.Read", "offline_access"]

[[onedrive]]
client_id = "22222222-aaaa-4bbb-8ccc-000000000002"
name = "Personal Photos"
redirect_uris = ["http://localhost"]
audience = "personal"
public_client_flows = true

[[onedrive]]
client_id = "33333333-aaaa-4bbb-8ccc-000000000003"
redirect_uris = ["http://localhost"]
audience = "organizations"
public_client_flows = true

[[onedrive]]
client_id = "44444444-aaaa-4bbb-8ccc-000000000004"
redirect_uris = ["http://localhost/cb"]
"#;

async fn start() -> (Harness, tempfile::TempDir) {
    start_registered(REGISTRATIONS).await
}

async fn authorize(h: &Harness, tenant: &str, client: &str, redirect: &str, scope: &str) -> reqwest::Response {
    let q = [("client_id", client), ("response_type", "code"), ("redirect_uri", redirect), ("scope", scope)];
    h.client.get(h.url(&format!("/{tenant}/oauth2/v2.0/authorize"))).query(&q).send().await.unwrap()
}

async fn post(h: &Harness, tenant: &str, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = h.client.post(h.url(&format!("/{tenant}/oauth2/v2.0/{endpoint}"))).form(form).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

/// The documented error body: `{error, error_description, error_codes, timestamp, trace_id,
/// correlation_id}`, the description starting with `AADSTS<code>:`.
fn assert_microsoft_error(status: StatusCode, body: &Value, error: &str, code: u64) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], serde_json::json!([code]), "{body}");
    assert!(body["error_description"].as_str().unwrap().starts_with(&format!("AADSTS{code}: ")), "{body}");
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[key].is_string(), "{key} in {body}");
    }
}

/// Signs in through the authorize and token endpoints; returns the token answer.
async fn sign_in(h: &Harness, scope: &str) -> Value {
    let resp = authorize(h, "common", DKCLOUD, "http://localhost:53682", scope).await;
    let (_, query) = redirected(&resp);
    let form = [
        ("client_id", DKCLOUD),
        ("grant_type", "authorization_code"),
        ("code", query["code"].as_str()),
        ("redirect_uri", "http://localhost:53682"),
    ];
    let (status, body) = post(h, "common", "token", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn access_token(h: &Harness, scope: &str) -> String {
    sign_in(h, scope).await["access_token"].as_str().unwrap().to_owned()
}

async fn graph(h: &Harness, method: reqwest::Method, path: &str, token: &str) -> (StatusCode, Value) {
    let resp = h
        .client
        .request(method, h.url(path))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .body("hello")
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// AADSTS reference (`reference-error-codes`), AADSTS700016 "UnauthorizedClient_DoesNotMatchRequest:
/// The application wasn't found in the directory/tenant": at the authorize endpoint an error
/// page that never redirects back (FACTS.md, "Real-service rules").
#[tokio::test]
async fn authorize_shows_an_unknown_client_a_page_and_no_redirect() {
    let (h, _f) = start().await;
    let page = refused_on_page(authorize(&h, "common", UNKNOWN, "http://localhost", "Files.Read").await).await;
    assert!(page.contains("AADSTS700016"), "{page}");
    assert!(page.contains(UNKNOWN), "{page}");
}

/// `reply-url` ("Redirect URI (reply URL) outline and restrictions"): the redirect URI must be
/// registered; for `http://localhost` the port is ignored; AADSTS50011 is a page in the browser.
#[tokio::test]
async fn authorize_matches_localhost_redirects_without_their_port_and_refuses_others() {
    let (h, _f) = start().await;
    let (base, query) = redirected(&authorize(&h, "common", DKCLOUD, "http://localhost:53682", "Files.Read").await);
    assert_eq!(base, "http://localhost:53682/", "a URI with no path comes back with a trailing /");
    assert!(query.contains_key("code"));
    for wrong in ["http://localhost:53682/other", "http://127.0.0.1:53682/"] {
        let page = refused_on_page(authorize(&h, "common", DKCLOUD, wrong, "Files.Read").await).await;
        assert!(page.contains("AADSTS50011"), "{wrong}: {page}");
    }
}

/// `supported-accounts-validation` and the AADSTS reference, AADSTS9002331 "Application is
/// configured for use by Microsoft Account users only. Please use the /consumers endpoint to
/// serve this request" (dotnet/AspNetCore.Docs#19795 for a personal-only app at /common).
#[tokio::test]
async fn a_personal_only_app_signs_in_at_consumers_only() {
    let (h, _f) = start().await;
    for tenant in ["common", "organizations"] {
        let page = refused_on_page(authorize(&h, tenant, PERSONAL, "http://localhost", "Files.Read").await).await;
        assert!(page.contains("AADSTS9002331"), "{tenant}: {page}");
        assert!(page.contains("Personal Photos"), "the registration's name appears: {page}");
        let (status, body) =
            post(&h, tenant, "devicecode", &[("client_id", PERSONAL), ("scope", "Files.Read")]).await;
        assert_microsoft_error(status, &body, "invalid_request", 9002331);
        let form = [("client_id", PERSONAL), ("grant_type", "refresh_token"), ("refresh_token", "x")];
        let (status, body) = post(&h, tenant, "token", &form).await;
        assert_microsoft_error(status, &body, "invalid_request", 9002331);
    }
    redirected(&authorize(&h, "consumers", PERSONAL, "http://localhost", "Files.Read").await);
}

/// `v2-supported-account-types`: an app for work and school accounts only is unknown to the
/// Microsoft account directory, so `consumers` answers AADSTS700016 naming 'Microsoft Accounts'
/// (the older login.live.com text: "The client does not exist or is not enabled for consumers",
/// dotnet/AspNetCore.Docs#19795); `organizations` works.
#[tokio::test]
async fn a_work_only_app_is_unknown_at_consumers() {
    let (h, _f) = start().await;
    let page = refused_on_page(authorize(&h, "consumers", WORK, "http://localhost", "Files.Read").await).await;
    assert!(page.contains("AADSTS700016") && page.contains("Microsoft Accounts"), "{page}");
    let (status, body) = post(&h, "consumers", "devicecode", &[("client_id", WORK), ("scope", "Files.Read")]).await;
    assert_microsoft_error(status, &body, "unauthorized_client", 700016);
    redirected(&authorize(&h, "organizations", WORK, "http://localhost", "Files.Read").await);
}

/// AADSTS reference, AADSTS700016, as the token and devicecode endpoints answer it
/// (`unauthorized_client`, JSON to the app itself; FACTS.md "Real-service rules").
#[tokio::test]
async fn token_and_devicecode_endpoints_refuse_an_unknown_client_as_json() {
    let (h, _f) = start().await;
    let (status, body) = post(&h, "common", "devicecode", &[("client_id", UNKNOWN), ("scope", "Files.Read")]).await;
    assert_microsoft_error(status, &body, "unauthorized_client", 700016);
    let form = [("client_id", UNKNOWN), ("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", "http://localhost")];
    let (status, body) = post(&h, "common", "token", &form).await;
    assert_microsoft_error(status, &body, "unauthorized_client", 700016);
}

/// `v2-oauth2-device-code` requires "Allow public client flows"; without it the devicecode
/// endpoint still answers, and the token poll refuses with AADSTS7000218 `invalid_client`
/// ("The request body must contain ... 'client_assertion' or 'client_secret'",
/// Azure/azure-sdk-for-js#21395).
#[tokio::test]
async fn device_code_needs_public_client_flows_at_the_token_poll() {
    let (h, _f) = start().await;
    let (status, body) =
        post(&h, "common", "devicecode", &[("client_id", NO_PUBLIC_FLOWS), ("scope", "Files.Read")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let device_code = body["device_code"].as_str().unwrap();
    let form = [
        ("client_id", NO_PUBLIC_FLOWS),
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", device_code),
    ];
    let (status, body) = post(&h, "common", "token", &form).await;
    assert_microsoft_error(status, &body, "invalid_client", 7000218);

    let (_, body) = post(&h, "common", "devicecode", &[("client_id", DKCLOUD), ("scope", "Files.Read")]).await;
    let form = [
        ("client_id", DKCLOUD),
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", body["device_code"].as_str().unwrap()),
    ];
    let (_, pending) = post(&h, "common", "token", &form).await;
    assert_eq!(pending["error"], "authorization_pending");
    let (status, _) = post(&h, "common", "token", &form).await;
    assert_eq!(status, StatusCode::OK);
}

/// Graph permission tables (`driveitem-get`, `driveitem-list-children`: Files.Read and up;
/// `driveitem-put-content`, `driveitem-post-children`: Files.ReadWrite and up; `user-get`:
/// User.Read and up) and `/graph/errors` (403). Consent is dynamic
/// (`permissions-consent-overview`): the token has the scopes the request named.
#[tokio::test]
async fn graph_holds_a_token_to_its_scopes() {
    let (h, _f) = start().await;
    let reader = access_token(&h, "Files.Read offline_access").await;
    let (status, _) = graph(&h, reqwest::Method::GET, "/v1.0/me/drive/root/children", &reader).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = graph(&h, reqwest::Method::PUT, "/v1.0/me/drive/root:/a.txt:/content", &reader).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("accessDenied")), "{body}");
    assert!(h.stored("onedrive", "a.txt").is_none());
    let (status, body) = graph(&h, reqwest::Method::GET, "/v1.0/me", &reader).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("Authorization_RequestDenied")));

    let writer = access_token(&h, "https://graph.microsoft.com/Files.ReadWrite User.Read").await;
    let (status, _) = graph(&h, reqwest::Method::PUT, "/v1.0/me/drive/root:/a.txt:/content", &writer).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = graph(&h, reqwest::Method::GET, "/v1.0/me", &writer).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = graph(&h, reqwest::Method::GET, "/v1.0/me/drive", common::TOKEN).await;
    assert_eq!(status, StatusCode::OK, "the --static-token stays valid for everything");
}

/// `permissions-consent-overview`, "The /.default scope": it stands for the permissions
/// configured on the registration.
#[tokio::test]
async fn dot_default_grants_the_registered_permissions() {
    let (h, _f) = start().await;
    let answer = sign_in(&h, "https://graph.microsoft.com/.default").await;
    assert!(answer["refresh_token"].is_string(), "offline_access is among the permissions: {answer}");
    let token = answer["access_token"].as_str().unwrap();
    let (status, _) = graph(&h, reqwest::Method::PUT, "/v1.0/me/drive/root:/b.txt:/content", token).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = graph(&h, reqwest::Method::GET, "/v1.0/me", token).await;
    assert_eq!(status, StatusCode::OK);
}

/// A registrations file that cannot be used stops the start with its name and the problem.
#[tokio::test]
async fn a_bad_registrations_file_is_a_clear_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("apps.toml");
    std::fs::write(&file, "[[onedrive]]\nname = \"no id\"\n").unwrap();
    let config = dkcloud_emulator::Config { registrations: Some(file.clone()), ..Default::default() };
    let err = dkcloud_emulator::start(config).await.err().expect("refused").to_string();
    assert!(err.contains(&file.display().to_string()) && err.contains("client_id"), "{err}");
}
