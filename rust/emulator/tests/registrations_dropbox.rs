//! `--registrations`, Dropbox side: `/oauth2/authorize` and `/oauth2/token` hold apps to
//! their registration (app key, redirect URIs, permissions), and every API route holds a
//! token to the scope dropbox-api-spec gives it.

mod common;
mod registrations_util;

use common::Harness;
use registrations_util::{redirected, refused_on_page, start_registered};
use reqwest::StatusCode;
use serde_json::{json, Value};

const FULL: &str = "dkcloudfullkey1";
const READER: &str = "readeronlykey01";
const APP_FOLDER: &str = "photosfolderkey";
const REDIRECT: &str = "http://localhost:53682/";

const REGISTRATIONS: &str = r#"
[[dropbox]]
app_key = "dkcloudfullkey1"
name = "dkcloud"
redirect_uris = ["http://localhost:53682/"]
permissions = ["account_info.read", "files.metadata.read", "files.metadata.write", "files.content.read", "files.content.write", "sharing.read", "sharing.write"]
access = "full"

[[dropbox]]
app_key = "readeronlykey01"
name = "Reader"
redirect_uris = ["http://localhost:53682/"]
permissions = ["account_info.read", "files.metadata.read"]

[[dropbox]]
app_key = "photosfolderkey"
name = "Photos Folder"
redirect_uris = ["http://localhost:53682/"]
permissions = ["account_info.read", "files.metadata.read", "files.metadata.write", "files.content.read", "files.content.write"]
access = "app_folder"
"#;

async fn start() -> (Harness, tempfile::TempDir) {
    start_registered(REGISTRATIONS).await
}

async fn authorize(h: &Harness, app_key: &str, redirect: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut q = vec![("client_id", app_key), ("response_type", "code"), ("redirect_uri", redirect)];
    q.extend_from_slice(extra);
    h.client.get(h.url("/oauth2/authorize")).query(&q).send().await.unwrap()
}

async fn token(h: &Harness, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = h.client.post(h.url("/oauth2/token")).form(form).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

/// Authorizes `app_key` (with `extra` parameters) and redeems the code: the token answer.
async fn sign_in(h: &Harness, app_key: &str, extra: &[(&str, &str)]) -> Value {
    let (_, query) = redirected(&authorize(h, app_key, REDIRECT, extra).await);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", query["code"].as_str()),
        ("client_id", app_key),
        ("redirect_uri", REDIRECT),
    ];
    let (status, body) = token(h, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn call(h: &Harness, route: &str, token: &str) -> (StatusCode, Value) {
    let resp = h
        .client
        .post(h.url(route))
        .bearer_auth(token)
        .header("Dropbox-API-Arg", r#"{"path":"/x.txt"}"#)
        .header("Content-Type", "application/octet-stream")
        .body("data")
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn scopes_of(body: &Value) -> Vec<&str> {
    let mut s: Vec<&str> = body["scope"].as_str().unwrap().split_whitespace().collect();
    s.sort();
    s
}

/// Dropbox's authorize error page for an unknown `client_id` (HTTP 400, "Error (400)",
/// "Invalid client_id: ..." under "More details for developers": dropbox/dbxcli#62).
#[tokio::test]
async fn authorize_shows_an_unknown_app_key_the_error_page() {
    let (h, _f) = start().await;
    let page = refused_on_page(authorize(&h, "nosuchappkey000", REDIRECT, &[]).await).await;
    assert!(page.contains("Error (400)") && page.contains("More details for developers"), "{page}");
    assert!(page.contains("Invalid client_id: &quot;nosuchappkey000&quot;."), "{page}");
}

/// OAuth guide, `/oauth2/authorize` `redirect_uri`: it must exactly match a pre-registered one;
/// the page says "It must exactly match one of the redirect URIs you've pre-configured for your
/// app (including the path)" (dropbox/dropbox-sdk-python#203, rclone/rclone#3815).
#[tokio::test]
async fn authorize_matches_redirect_uris_exactly() {
    let (h, _f) = start().await;
    for wrong in ["http://localhost:53682", "http://localhost:53683/", "http://127.0.0.1:53682/", "http://localhost:53682/auth"] {
        let page = refused_on_page(authorize(&h, FULL, wrong, &[]).await).await;
        assert!(page.contains("Invalid redirect_uri") && page.contains("including the path"), "{wrong}: {page}");
    }
}

/// OAuth guide, `/oauth2/authorize` `scope`: the token gets the listed scopes, or all the app's
/// permissions without the parameter; a scope the app lacks is a bad request (error page);
/// `include_granted_scopes=user` adds what the user granted before; `force_reapprove` is accepted.
#[tokio::test]
async fn the_token_carries_the_asked_scopes_within_the_apps_permissions() {
    let (h, _f) = start().await;
    let all = sign_in(&h, READER, &[]).await;
    assert_eq!(scopes_of(&all), ["account_info.read", "files.metadata.read"]);
    let some = sign_in(&h, FULL, &[("scope", "files.content.write"), ("force_reapprove", "true")]).await;
    assert_eq!(scopes_of(&some), ["files.content.write"]);
    let more = sign_in(&h, FULL, &[("scope", "sharing.read"), ("include_granted_scopes", "user")]).await;
    assert_eq!(scopes_of(&more), ["files.content.write", "sharing.read"]);
    let page = refused_on_page(authorize(&h, READER, REDIRECT, &[("scope", "files.content.write")]).await).await;
    assert!(page.contains("files.content.write"), "{page}");
}

/// OAuth guide, `/oauth2/token` refresh `scope`: the new access token may have a subset of the
/// refresh token's scopes, never more (RFC 6749 section 6: `invalid_scope`).
#[tokio::test]
async fn a_refresh_narrows_scopes_but_never_widens_them() {
    let (h, _f) = start().await;
    let first = sign_in(&h, FULL, &[("scope", "files.content.read files.content.write"), ("token_access_type", "offline")]).await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let form = |scope| [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", FULL), ("scope", scope)];
    let (status, body) = token(&h, &form("files.content.read")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = token(&h, &form("files.content.read sharing.write")).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_scope")), "{body}");
}

/// `/oauth2/token` (OAuth guide; answer as users report it, s-aska/dropbox-api-command#41):
/// an unknown app key is 400 `invalid_client`; a `redirect_uri` other than the authorize
/// request's is 400 `invalid_grant`.
#[tokio::test]
async fn token_endpoint_refuses_unknown_apps_and_other_redirects() {
    let (h, _f) = start().await;
    let form = [("grant_type", "authorization_code"), ("code", "x"), ("client_id", "nosuchappkey000")];
    let (status, body) = token(&h, &form).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_client")), "{body}");
    assert!(body["error_description"].is_string());

    let (_, query) = redirected(&authorize(&h, FULL, REDIRECT, &[]).await);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", query["code"].as_str()),
        ("client_id", FULL),
        ("redirect_uri", "http://localhost:53682/other"),
    ];
    let (status, body) = token(&h, &form).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{body}");
}

/// dropbox-api-spec (files.stone, users.stone, sharing.stone): each route's `scope` attribute;
/// a token without it gets 401 `missing_scope` with `required_scope` (auth.stone `AuthError`).
/// A token with only `account_info.read` is refused by every other route with that route's scope.
#[tokio::test]
async fn every_route_refuses_a_token_without_its_scope() {
    let (h, _f) = start().await;
    let token = sign_in(&h, FULL, &[("scope", "account_info.read")]).await;
    let token = token["access_token"].as_str().unwrap();
    for (route, scope) in dkcloud_emulator::testkit::DROPBOX_REQUIRED_SCOPES {
        let (status, body) = call(&h, route, token).await;
        if *scope == "account_info.read" {
            assert_ne!(status, StatusCode::UNAUTHORIZED, "{route}: {body}");
            continue;
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{route}: {body}");
        assert_eq!(body["error"], json!({".tag": "missing_scope", "required_scope": scope}), "{route}");
        assert!(body["error_summary"].as_str().unwrap().starts_with("missing_scope/"), "{route}");
    }
    assert!(h.stored("dropbox", "x.txt").is_none(), "a refused upload stores nothing");
}

/// The same routes with a token that has every scope, and with the `--static-token`: no refusal.
#[tokio::test]
async fn tokens_with_the_scope_and_the_static_token_pass() {
    let (h, _f) = start().await;
    let full = sign_in(&h, FULL, &[]).await;
    for token in [full["access_token"].as_str().unwrap(), common::TOKEN] {
        let (status, body) = call(&h, "/2/files/upload", token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = call(&h, "/2/sharing/list_shared_links", token).await;
        assert_ne!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
}

async fn rpc(h: &Harness, route: &str, token: &str, arg: Value) -> (StatusCode, Value) {
    let resp = h.client.post(h.url(route)).bearer_auth(token).json(&arg).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Dropbox developer guide, "App permissions": an app-folder app reads and writes only
/// `/Apps/<app name>`, which it sees as its root: its paths and the `path_lower` /
/// `path_display` of answers are relative to that folder; nothing outside is visible.
#[tokio::test]
async fn an_app_folder_app_lives_in_apps_slash_its_name() {
    let (h, _f) = start().await;
    let full = sign_in(&h, FULL, &[]).await["access_token"].as_str().unwrap().to_owned();
    let (status, _) = call(&h, "/2/files/upload", &full).await;
    assert_eq!(status, StatusCode::OK);
    let token = sign_in(&h, APP_FOLDER, &[]).await["access_token"].as_str().unwrap().to_owned();

    let resp = h
        .client
        .post(h.url("/2/files/upload"))
        .bearer_auth(&token)
        .header("Dropbox-API-Arg", r#"{"path":"/Trip/a.jpg"}"#)
        .header("Content-Type", "application/octet-stream")
        .body("jpeg")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!((body["path_display"].as_str(), body["path_lower"].as_str()), (Some("/Trip/a.jpg"), Some("/trip/a.jpg")));
    assert_eq!(h.stored("dropbox", "Apps/Photos Folder/Trip/a.jpg").as_deref(), Some(&b"jpeg"[..]));

    let (status, listed) = rpc(&h, "/2/files/list_folder", &token, json!({"path": "", "recursive": true})).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let mut paths: Vec<&str> = listed["entries"].as_array().unwrap().iter().map(|e| e["path_display"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["/Trip", "/Trip/a.jpg"]);

    let (status, body) = rpc(&h, "/2/files/get_metadata", &token, json!({"path": "/x.txt"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "the full app's /x.txt is outside the app folder: {body}");

    let resp = h
        .client
        .post(h.url("/2/files/download"))
        .bearer_auth(&token)
        .header("Dropbox-API-Arg", r#"{"path":"/Trip/a.jpg"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let result: Value = serde_json::from_str(resp.headers()["dropbox-api-result"].to_str().unwrap()).unwrap();
    assert_eq!(result["path_display"], "/Trip/a.jpg");
    assert_eq!(resp.text().await.unwrap(), "jpeg");
}
