//! Dropbox OAuth 2.0: `/oauth2/authorize`, `/oauth2/token` and `/2/auth/token/revoke`.

mod common;

use base64::Engine as _;
use common::Harness;
use dkcloud_emulator::testkit::TokenCheck;
use dkcloud_emulator::{Consent, Service, DROPBOX_ACCOUNT_ID};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const APP_KEY: &str = "emulatorappkey1";
const REDIRECT: &str = "http://127.0.0.1:53682/";
const VERIFIER: &str = "Dropbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
    h
}

fn params<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, String)> {
    let mut p: Vec<(&str, String)> = vec![
        ("client_id", APP_KEY.into()),
        ("response_type", "code".into()),
        ("redirect_uri", REDIRECT.into()),
        ("state", "dbx-state".into()),
        ("code_challenge", s256(VERIFIER)),
        ("code_challenge_method", "S256".into()),
        ("token_access_type", "offline".into()),
    ];
    for (k, v) in extra {
        p.retain(|(name, _)| name != k);
        if !v.is_empty() {
            p.push((k, (*v).into()));
        }
    }
    p
}

async fn authorize_raw(h: &Harness, extra: &[(&str, &str)]) -> reqwest::Response {
    h.client.get(h.url("/oauth2/authorize")).query(&params(extra)).send().await.unwrap()
}

/// Authorizes with a redirect and returns the redirect's query parameters.
async fn authorize(h: &Harness, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let resp = authorize_raw(h, extra).await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(location.as_str().split('?').next(), Some(REDIRECT));
    location.query_pairs().into_owned().collect()
}

async fn token(h: &Harness, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = h.client.post(h.url("/oauth2/token")).form(form).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

async fn redeem(h: &Harness, code: &str) -> (StatusCode, Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", APP_KEY),
        ("code_verifier", VERIFIER),
        ("redirect_uri", REDIRECT),
    ];
    token(h, &form).await
}

fn assert_error(status: StatusCode, body: &Value, error: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string(), "{body}");
}

fn check(h: &Harness, service: Service, token: &str) -> TokenCheck {
    h.emu.app().tokens.check(service, &bearer(token))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_flow_gives_a_refresh_token_that_is_not_rotated() {
    let h = common::start().await;
    let q = authorize(&h, &[("scope", "files.content.write files.content.read")]).await;
    assert_eq!(q["state"], "dbx-state");
    let (status, body) = redeem(&h, &q["code"]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "files.content.write files.content.read");
    assert_eq!(body["account_id"], DROPBOX_ACCOUNT_ID);
    assert!(body["uid"].is_string());
    let access = body["access_token"].as_str().unwrap();
    assert!(matches!(check(&h, Service::Dropbox, access), TokenCheck::Valid { issued: true, .. }));
    assert_eq!(check(&h, Service::OneDrive, access), TokenCheck::Invalid);

    let refresh = body["refresh_token"].as_str().unwrap();
    for _ in 0..2 {
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", APP_KEY)];
        let (status, body) = token(&h, &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["access_token", "expires_in", "token_type"]);
        assert!(matches!(
            check(&h, Service::Dropbox, body["access_token"].as_str().unwrap()),
            TokenCheck::Valid { .. }
        ));
    }
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["dropbox.oauth_authorize"], 1);
    assert_eq!(stats["requests"]["dropbox.oauth_token"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redirect_uri_the_page_shows_a_code_that_redeems() {
    let h = common::start().await;
    let resp = authorize_raw(&h, &[("redirect_uri", ""), ("state", "")]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get(LOCATION).is_none());
    assert!(resp.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let page = resp.text().await.unwrap();
    let start = page.find("<code id=\"auth-code\">").expect("code element") + "<code id=\"auth-code\">".len();
    let code = &page[start..start + page[start..].find("</code>").unwrap()];
    assert!(!code.is_empty());

    // HTTP basic client authentication instead of client_id in the form; no redirect_uri.
    let resp = h
        .client
        .post(h.url("/oauth2/token"))
        .basic_auth(APP_KEY, Some("app-secret"))
        .form(&[("grant_type", "authorization_code"), ("code", code), ("code_verifier", VERIFIER)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert!(body["refresh_token"].is_string(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_and_default_access_types_give_no_refresh_token() {
    let h = common::start().await;
    for access_type in ["online", "legacy", ""] {
        let q = authorize(&h, &[("token_access_type", access_type)]).await;
        let (status, body) = redeem(&h, &q["code"]).await;
        assert_eq!(status, StatusCode::OK, "{access_type}: {body}");
        assert!(body.get("refresh_token").is_none(), "{access_type}: {body}");
        assert!(body["access_token"].is_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_is_single_use_and_checks_verifier_client_and_redirect() {
    let h = common::start().await;
    let code = authorize(&h, &[]).await["code"].clone();
    let attempt = |verifier: &'static str, client: &'static str, redirect: Option<&'static str>| {
        let code = code.clone();
        let h = &h;
        async move {
            let mut form = vec![("grant_type", "authorization_code"), ("code", code.as_str()), ("client_id", client)];
            if !verifier.is_empty() {
                form.push(("code_verifier", verifier));
            }
            if let Some(r) = redirect {
                form.push(("redirect_uri", r));
            }
            token(h, &form).await
        }
    };
    let wrong_verifier = "wrong-verifier-wrong-verifier-wrong-verifier-0";
    for (verifier, client, redirect) in [
        (wrong_verifier, APP_KEY, Some(REDIRECT)),
        ("", APP_KEY, Some(REDIRECT)),
        (VERIFIER, "another-app", Some(REDIRECT)),
        (VERIFIER, APP_KEY, Some("http://127.0.0.1:53682/other")),
        (VERIFIER, APP_KEY, None),
    ] {
        let (status, body) = attempt(verifier, client, redirect).await;
        assert_error(status, &body, "invalid_grant");
    }
    let (status, body) = redeem(&h, &code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = redeem(&h, &code).await;
    assert_error(status, &body, "invalid_grant");
    assert_eq!(body["error_description"], "code doesn't exist or has expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn microsoft_codes_are_not_dropbox_codes() {
    let h = common::start().await;
    let resp = h
        .client
        .get(h.url("/common/oauth2/v2.0/authorize"))
        .query(&[
            ("client_id", APP_KEY),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "Files.ReadWrite"),
        ])
        .send()
        .await
        .unwrap();
    let location = url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap();
    let code = location.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", APP_KEY),
        ("redirect_uri", REDIRECT),
    ];
    let (status, body) = token(&h, &form).await;
    assert_error(status, &body, "invalid_grant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_loopback_redirect_is_refused_with_a_page_and_no_redirect() {
    let h = common::start().await;
    for bad in ["https://evil.example/cb", "http://192.168.1.5:53682/", "http://127.0.0.1.evil.example/"] {
        let resp = authorize_raw(&h, &[("redirect_uri", bad)]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(resp.headers().get(LOCATION).is_none(), "{bad}");
        assert!(resp.text().await.unwrap().contains("Invalid redirect_uri"));
    }
    let resp = authorize_raw(&h, &[("client_id", "")]).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get(LOCATION).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_longer_than_500_bytes_is_refused() {
    let h = common::start().await;
    let long = "s".repeat(501);
    let resp = authorize_raw(&h, &[("state", &long)]).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get(LOCATION).is_none());
    let just_fits = "s".repeat(500);
    assert_eq!(authorize(&h, &[("state", &just_fits)]).await["state"], just_fits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_are_redirected_as_errors() {
    let h = common::start().await;
    for (extra, error) in [
        (("response_type", "token"), "unsupported_response_type"),
        (("token_access_type", "forever"), "invalid_request"),
        (("code_challenge_method", "S512"), "invalid_request"),
    ] {
        let q = authorize(&h, &[extra]).await;
        assert_eq!(q["error"], error, "{extra:?}");
        assert_eq!(q["state"], "dbx-state");
        assert!(!q.contains_key("code"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_deny_gives_access_denied() {
    let h = common::start_with(|c| c.consent = Consent::Deny).await;
    let q = authorize(&h, &[]).await;
    assert_eq!(q["error"], "access_denied");
    assert!(!q["error_description"].is_empty());
    assert_eq!(q["state"], "dbx-state");
    assert!(!q.contains_key("code"));

    let resp = authorize_raw(&h, &[("redirect_uri", "")]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = resp.text().await.unwrap();
    assert!(page.contains("access_denied") && !page.contains("auth-code"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_rejects_bad_requests() {
    let h = common::start().await;
    let (status, body) =
        token(&h, &[("grant_type", "refresh_token"), ("refresh_token", "Rnope"), ("client_id", APP_KEY)]).await;
    assert_error(status, &body, "invalid_grant");
    let (status, body) = token(&h, &[("grant_type", "client_credentials"), ("client_id", APP_KEY)]).await;
    assert_error(status, &body, "unsupported_grant_type");
    let (status, body) = token(&h, &[("grant_type", "authorization_code"), ("code", "abc")]).await;
    assert_error(status, &body, "invalid_request");
    let (status, body) = token(&h, &[("client_id", APP_KEY)]).await;
    assert_error(status, &body, "invalid_request");
    let (status, body) = token(&h, &[("grant_type", "authorization_code"), ("client_id", APP_KEY)]).await;
    assert_error(status, &body, "invalid_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_invalidates_the_access_token() {
    let h = common::start().await;
    let (_, body) = redeem(&h, &authorize(&h, &[]).await["code"]).await;
    let access = body["access_token"].as_str().unwrap();
    let revoke = || h.client.post(h.url("/2/auth/token/revoke")).bearer_auth(access).send();
    let resp = revoke().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().await.unwrap(), "null");
    assert_eq!(check(&h, Service::Dropbox, access), TokenCheck::Invalid);
    let resp = revoke().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"][".tag"], "invalid_access_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_access_tokens_expire_after_their_lifetime() {
    let h = common::start_with(|c| c.token_lifetime = 1).await;
    let (_, body) = redeem(&h, &authorize(&h, &[]).await["code"]).await;
    assert_eq!(body["expires_in"], 1);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(check(&h, Service::Dropbox, body["access_token"].as_str().unwrap()), TokenCheck::Expired);
}

/// OAuth guide, `/oauth2/authorize` parameters: `force_reapprove` "Whether or not
/// to force the user to approve the app again if they've already done so" (how an
/// app adds a second account). The emulator always asks; it records what was sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_parameters_are_recorded_for_inspection() {
    let h = common::start().await;
    authorize(&h, &[("force_reapprove", "true")]).await;
    let seen: Value =
        h.client.get(h.url("/_emulator/authorize_requests?service=dropbox")).send().await.unwrap().json().await.unwrap();
    let requests = seen["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{seen}");
    assert_eq!(requests[0]["service"], "dropbox");
    assert_eq!(requests[0]["params"]["force_reapprove"], "true");
    assert_eq!(requests[0]["params"]["client_id"], APP_KEY);
}
