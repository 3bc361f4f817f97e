//! Microsoft identity platform v2.0: authorization code flow with PKCE, the
//! token endpoint's grants and errors, refresh token rotation, access token expiry.

mod common;

use base64::Engine as _;
use common::Harness;
use dkcloud_emulator::testkit::TokenCheck;
use dkcloud_emulator::{Config, Consent, Service};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const REDIRECT: &str = "http://localhost:8400/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-emulator-test";
const SCOPE: &str = "Files.ReadWrite User.Read offline_access";

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn query_of(url: &url::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
    h
}

/// The standard authorize parameters (S256, offline access), with `extra` added or replacing.
fn authorize_params<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, String)> {
    let mut params: Vec<(&str, String)> = vec![
        ("client_id", CLIENT.into()),
        ("response_type", "code".into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", SCOPE.into()),
        ("state", "st-1".into()),
        ("code_challenge", s256(VERIFIER)),
        ("code_challenge_method", "S256".into()),
        ("prompt", "select_account".into()),
    ];
    for (k, v) in extra {
        params.retain(|(name, _)| name != k);
        params.push((k, (*v).into()));
    }
    params
}

async fn authorize_raw(h: &Harness, tenant: &str, params: &[(&str, String)]) -> reqwest::Response {
    h.client.get(h.url(&format!("/{tenant}/oauth2/v2.0/authorize"))).query(params).send().await.unwrap()
}

/// Authorizes and returns the redirect's query parameters.
async fn authorize(h: &Harness, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let resp = authorize_raw(h, "common", &authorize_params(extra)).await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap();
    query_of(&location)
}

async fn code(h: &Harness) -> String {
    authorize(h, &[]).await["code"].clone()
}

async fn token(h: &Harness, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = h.client.post(h.url("/common/oauth2/v2.0/token")).form(form).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

/// A refresh-token grant for `CLIENT` and `SCOPE`.
async fn refresh(h: &Harness, t: String) -> (StatusCode, Value) {
    token(h, &[("client_id", CLIENT), ("grant_type", "refresh_token"), ("refresh_token", &t), ("scope", SCOPE)]).await
}

async fn redeem(h: &Harness, code: &str, verifier: &str) -> (StatusCode, Value) {
    token(
        h,
        &[
            ("client_id", CLIENT),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}

fn assert_aad_error(status: StatusCode, body: &Value, error: &str, code: u64) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], serde_json::json!([code]), "{body}");
    assert!(body["error_description"].as_str().unwrap().starts_with(&format!("AADSTS{code}: ")), "{body}");
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[field].as_str().is_some_and(|s| !s.is_empty()), "{field} in {body}");
    }
}

fn check(h: &Harness, service: Service, token: &str) -> TokenCheck {
    h.emu.app().tokens.check(service, &bearer(token))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkce_s256_flow_issues_tokens_valid_for_onedrive_only() {
    let h = common::start().await;
    let q = authorize(&h, &[]).await;
    assert_eq!(q["state"], "st-1");
    let (status, body) = redeem(&h, &q["code"], VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "Files.ReadWrite User.Read");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["ext_expires_in"], 3600);
    assert!(body["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));
    let access = body["access_token"].as_str().unwrap();
    assert!(matches!(check(&h, Service::OneDrive, access), TokenCheck::Valid { issued: true, .. }));
    assert_eq!(check(&h, Service::Dropbox, access), TokenCheck::Invalid);
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["identity.authorize"], 1);
    assert_eq!(stats["requests"]["identity.token"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_pkce_works_with_and_without_the_method() {
    let h = common::start().await;
    for method in [Some("plain"), None] {
        let mut params = authorize_params(&[("code_challenge", VERIFIER)]);
        params.retain(|(k, _)| *k != "code_challenge_method");
        if let Some(m) = method {
            params.push(("code_challenge_method", m.into()));
        }
        let resp = authorize_raw(&h, "consumers", &params).await;
        assert_eq!(resp.status(), StatusCode::FOUND);
        let q = query_of(&url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap());
        let (status, body) = redeem(&h, &q["code"], VERIFIER).await;
        assert_eq!(status, StatusCode::OK, "{method:?}: {body}");
        // A plain challenge is not an S256 one: the hash of the verifier does not pass.
        let q = query_of(
            &url::Url::parse(authorize_raw(&h, "consumers", &params).await.headers()[LOCATION].to_str().unwrap())
                .unwrap(),
        );
        let (status, body) = redeem(&h, &q["code"], &s256(VERIFIER)).await;
        assert_aad_error(status, &body, "invalid_grant", 501481);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_is_echoed_exactly_and_the_redirect_query_is_kept() {
    let h = common::start().await;
    let state = "a b&c=d/é+%";
    let redirect = "http://127.0.0.1:9999/cb?keep=1";
    let resp =
        authorize_raw(&h, "organizations", &authorize_params(&[("state", state), ("redirect_uri", redirect)])).await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!((location.host_str(), location.port(), location.path()), (Some("127.0.0.1"), Some(9999), "/cb"));
    let q = query_of(&location);
    assert_eq!(q["keep"], "1");
    assert_eq!(q["state"], state);
    assert!(!q["code"].is_empty());

    // A redirect URI without a path comes back with "/"; a GUID tenant is accepted.
    let resp = authorize_raw(
        &h,
        "9188040d-6c67-4c5b-b112-36a304b66dad",
        &authorize_params(&[("redirect_uri", "http://localhost:1234")]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(resp.headers()[LOCATION].to_str().unwrap().starts_with("http://localhost:1234/?code="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_missing_verifier_is_invalid_grant_and_keeps_the_code() {
    let h = common::start().await;
    let code = code(&h).await;
    let (status, body) = redeem(&h, &code, "x".repeat(50).as_str()).await;
    assert_aad_error(status, &body, "invalid_grant", 501481);
    let (status, body) = token(
        &h,
        &[("client_id", CLIENT), ("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)],
    )
    .await;
    assert_aad_error(status, &body, "invalid_grant", 50148);
    let (status, body) = redeem(&h, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reused_code_is_refused_with_aadsts54005() {
    let h = common::start().await;
    let code = code(&h).await;
    let (status, first) = redeem(&h, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = redeem(&h, &code, VERIFIER).await;
    assert_aad_error(status, &body, "invalid_grant", 54005);
    // The tokens of the first redemption stay valid.
    assert!(matches!(check(&h, Service::OneDrive, first["access_token"].as_str().unwrap()), TokenCheck::Valid { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_code_other_client_and_other_redirect_are_refused() {
    let h = common::start().await;
    let (status, body) = redeem(&h, "M.C5-not-a-code", VERIFIER).await;
    assert_aad_error(status, &body, "invalid_grant", 70000);

    let code = code(&h).await;
    let other_client = [
        ("client_id", "00000000-0000-0000-0000-000000000000"),
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = token(&h, &other_client).await;
    assert_aad_error(status, &body, "invalid_grant", 70000);
    let other_redirect = [
        ("client_id", CLIENT),
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://localhost:8400/elsewhere"),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = token(&h, &other_redirect).await;
    assert_aad_error(status, &body, "invalid_grant", 500112);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_loopback_redirect_is_refused_with_a_page_and_no_redirect() {
    let h = common::start().await;
    for bad in [
        "https://evil.example/cb",
        "http://192.168.1.5/",
        "http://localhost.evil.example/cb",
        "http://evil.example@localhost/cb",
        "https://localhost/cb",
        "urn:ietf:wg:oauth:2.0:oob",
    ] {
        let resp = authorize_raw(&h, "common", &authorize_params(&[("redirect_uri", bad)])).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(resp.headers().get(LOCATION).is_none(), "{bad}");
        assert!(resp.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        assert!(resp.text().await.unwrap().contains("AADSTS50011"), "{bad}");
    }
    let mut params = authorize_params(&[]);
    params.retain(|(k, _)| *k != "redirect_uri");
    let resp = authorize_raw(&h, "common", &params).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get(LOCATION).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_client_id_and_unknown_tenant_show_an_error_page() {
    let h = common::start().await;
    let mut params = authorize_params(&[]);
    params.retain(|(k, _)| *k != "client_id");
    let resp = authorize_raw(&h, "common", &params).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get(LOCATION).is_none());
    assert!(resp.text().await.unwrap().contains("AADSTS900144"));

    let resp = authorize_raw(&h, "contoso", &authorize_params(&[])).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get(LOCATION).is_none());
    assert!(resp.text().await.unwrap().contains("AADSTS90002"));

    let resp = h
        .client
        .post(h.url("/contoso/oauth2/v2.0/token"))
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
        .unwrap();
    let status = resp.status();
    assert_aad_error(status, &resp.json().await.unwrap(), "invalid_request", 90002);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_errors_after_a_valid_redirect_go_back_to_the_client() {
    let h = common::start().await;
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 4] = [
        (&[("response_type", "token")], "unsupported_response_type", "AADSTS70005"),
        (&[("code_challenge_method", "MD5")], "invalid_request", "AADSTS501481"),
        (&[("code_challenge", "too-short")], "invalid_request", "AADSTS501491"),
        (&[("response_mode", "form_post")], "invalid_request", "AADSTS900144"),
    ];
    for (extra, error, aadsts) in cases {
        let q = authorize(&h, extra).await;
        assert_eq!(q["error"], error, "{extra:?}");
        assert!(q["error_description"].starts_with(aadsts), "{extra:?}: {q:?}");
        assert_eq!(q["state"], "st-1");
        assert!(!q.contains_key("code"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_deny_redirects_with_access_denied() {
    let h = common::start_with(|c| c.consent = Consent::Deny).await;
    let q = authorize(&h, &[]).await;
    assert_eq!(q["error"], "access_denied");
    assert!(q["error_description"].starts_with("AADSTS65004"));
    assert_eq!(q["state"], "st-1");
    assert!(!q.contains_key("code"));
}

/// Microsoft identity platform, "Refresh tokens in the Microsoft identity platform":
/// "Refresh tokens aren't revoked when used to acquire new access tokens." A refresh
/// gives a new refresh token, and the old one still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_gives_a_new_refresh_token_and_the_old_one_stays_valid() {
    let h = common::start().await;
    let (_, first) = redeem(&h, &code(&h).await, VERIFIER).await;
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = refresh(&h, old.clone()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let new = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    for t in [old, new] {
        let (status, again) = refresh(&h, t).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        let access = again["access_token"].as_str().unwrap();
        assert!(matches!(check(&h, Service::OneDrive, access), TokenCheck::Valid { issued: true, .. }));
    }
}

/// `--strict-refresh-rotation`: for tests of clients that must keep only the newest token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_the_old_refresh_token_is_spent() {
    let h = common::start_with(|c| c.strict_refresh_rotation = true).await;
    let (_, first) = redeem(&h, &code(&h).await, VERIFIER).await;
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = refresh(&h, old.clone()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let new = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(second["scope"], "Files.ReadWrite User.Read");
    let access = second["access_token"].as_str().unwrap();
    assert_ne!(access, first["access_token"].as_str().unwrap());
    assert!(matches!(check(&h, Service::OneDrive, access), TokenCheck::Valid { issued: true, .. }));

    let (status, body) = refresh(&h, old).await;
    assert_aad_error(status, &body, "invalid_grant", 70000);
    let (status, third) = refresh(&h, new).await;
    assert_eq!(status, StatusCode::OK, "{third}");
    assert!(third["refresh_token"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_by_another_client_fails_and_does_not_spend_the_token() {
    let h = common::start().await;
    let (_, first) = redeem(&h, &code(&h).await, VERIFIER).await;
    let rt = first["refresh_token"].as_str().unwrap();
    let (status, body) =
        token(&h, &[("client_id", "someone-else"), ("grant_type", "refresh_token"), ("refresh_token", rt)]).await;
    assert_aad_error(status, &body, "invalid_grant", 70000);
    let (status, body) =
        token(&h, &[("client_id", CLIENT), ("grant_type", "refresh_token"), ("refresh_token", rt)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_offline_access_there_is_no_refresh_token() {
    let h = common::start().await;
    let q = authorize(&h, &[("scope", "Files.ReadWrite User.Read")]).await;
    let (status, body) = redeem(&h, &q["code"], VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert!(body["access_token"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_rejects_bad_grant_requests() {
    let h = common::start().await;
    let (status, body) = token(&h, &[("client_id", CLIENT), ("grant_type", "password")]).await;
    assert_aad_error(status, &body, "unsupported_grant_type", 70003);
    let (status, body) = token(&h, &[("client_id", CLIENT)]).await;
    assert_aad_error(status, &body, "invalid_request", 900144);
    assert!(body["error_description"].as_str().unwrap().contains("'grant_type'"));
    let (status, body) = token(&h, &[("grant_type", "authorization_code"), ("code", "x")]).await;
    assert_aad_error(status, &body, "invalid_request", 900144);
    assert!(body["error_description"].as_str().unwrap().contains("'client_id'"));
    let (status, body) = token(&h, &[("client_id", CLIENT), ("grant_type", "refresh_token")]).await;
    assert_aad_error(status, &body, "invalid_request", 900144);
    // A body that is not a form at all is a request without parameters.
    let resp = h.client.post(h.url("/common/oauth2/v2.0/token")).body("{\"grant_type\":1}").send().await.unwrap();
    let status = resp.status();
    assert_aad_error(status, &resp.json().await.unwrap(), "invalid_request", 900144);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issued_access_tokens_expire_after_their_lifetime() {
    let h = common::start_with(|c| c.token_lifetime = 1).await;
    let (status, body) = redeem(&h, &code(&h).await, VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["expires_in"], 1);
    let access = body["access_token"].as_str().unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(check(&h, Service::OneDrive, access), TokenCheck::Expired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_and_refresh_tokens_survive_a_restart() {
    let h = common::start().await;
    let code = code(&h).await;
    let (_, first) = redeem(&h, &authorize(&h, &[]).await["code"], VERIFIER).await;
    let Harness { emu, client, dir, .. } = h;
    emu.shutdown().await;

    let config = Config { data: Some(dir.path().to_owned()), ..Config::default() };
    let emu = dkcloud_emulator::start(config).await.unwrap();
    let h = Harness { base: emu.base_url(), emu, client, dir };
    let (status, body) = redeem(&h, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(matches!(check(&h, Service::OneDrive, first["access_token"].as_str().unwrap()), TokenCheck::Valid { .. }));
    let rt = first["refresh_token"].as_str().unwrap();
    let (status, body) =
        token(&h, &[("client_id", CLIENT), ("grant_type", "refresh_token"), ("refresh_token", rt)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
