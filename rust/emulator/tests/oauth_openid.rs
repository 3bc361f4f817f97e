//! Microsoft identity platform as an OpenID Connect provider: discovery for every
//! tenant form, the signing keys, ID tokens (signature, claims, nonce) from all
//! three grants, `client_info`, and instance discovery.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine as _;
use common::Harness;
use reqwest::header::LOCATION;
use reqwest::StatusCode;
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const CLIENT: &str = "dkcloud-emulator-client";
const REDIRECT: &str = "http://localhost:8400/";
const VERIFIER: &str = "a-verifier-long-enough-for-pkce-0123456789-abcdefghijklmnop";
/// What MSAL asks for: the app's scopes plus `openid profile offline_access`.
const SCOPE: &str = "Files.ReadWrite User.Read openid profile offline_access";
const CONSUMERS: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
const TENANT_GUID: &str = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn get_json(h: &Harness, path: &str) -> (StatusCode, Value) {
    let resp = h.client.get(h.url(path)).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

async fn post(h: &Harness, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = h.client.post(h.url(path)).form(form).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

fn decode_json(part: &str) -> Value {
    serde_json::from_slice(&B64URL.decode(part).expect("base64url")).expect("JSON")
}

/// Verifies `jwt` against the tenant's published key set and returns its (header, claims).
async fn verified(h: &Harness, tenant: &str, jwt: &str) -> (Value, Value) {
    let (input, signature) = jwt.rsplit_once('.').expect("three parts");
    let (header, payload) = input.split_once('.').expect("three parts");
    let header = decode_json(header);
    let (status, jwks) = get_json(h, &format!("/{tenant}/discovery/v2.0/keys")).await;
    assert_eq!(status, StatusCode::OK, "{jwks}");
    let keys = jwks["keys"].as_array().unwrap();
    let key = keys.iter().find(|k| k["kid"] == header["kid"]).unwrap_or_else(|| panic!("kid of {header} in {jwks}"));
    assert_eq!(
        (key["kty"].as_str(), key["use"].as_str(), key["crv"].as_str()),
        (Some("EC"), Some("sig"), Some("P-256"))
    );
    assert_eq!(key["alg"], header["alg"]);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JWT");
    let mut point = vec![4u8];
    point.extend(B64URL.decode(key["x"].as_str().unwrap()).unwrap());
    point.extend(B64URL.decode(key["y"].as_str().unwrap()).unwrap());
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
        .verify(input.as_bytes(), &B64URL.decode(signature).unwrap())
        .expect("the signature verifies with the published key");
    (header, decode_json(payload))
}

fn s256(verifier: &str) -> String {
    B64URL.encode(Sha256::digest(verifier.as_bytes()))
}

/// Authorizes with PKCE (and `extra`), returns the redirect's query.
async fn authorize(h: &Harness, tenant: &str, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut params = vec![
        ("client_id", CLIENT.to_owned()),
        ("response_type", "code".to_owned()),
        ("redirect_uri", REDIRECT.to_owned()),
        ("scope", SCOPE.to_owned()),
        ("state", "s".to_owned()),
        ("code_challenge", s256(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    params.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let resp = h.client.get(h.url(&format!("/{tenant}/oauth2/v2.0/authorize"))).query(&params).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap();
    location.query_pairs().into_owned().collect()
}

async fn redeem(h: &Harness, tenant: &str, code: &str) -> Value {
    let form = [
        ("client_id", CLIENT),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
        ("scope", SCOPE),
        ("client_info", "1"),
    ];
    let (status, body) = post(h, &format!("/{tenant}/oauth2/v2.0/token"), &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn refresh(h: &Harness, refresh_token: &str) -> Value {
    let form = [
        ("client_id", CLIENT),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("scope", SCOPE),
        ("client_info", "1"),
    ];
    let (status, body) = post(h, "/common/oauth2/v2.0/token", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The `/v1.0/me` id of the user, as Graph gives it.
async fn me_id(h: &Harness, access_token: &str) -> String {
    let resp = h.client.get(h.url("/v1.0/me")).bearer_auth(access_token).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let me: Value = resp.json().await.unwrap();
    me["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_for_every_tenant_form_points_at_the_emulator() {
    let h = common::start().await;
    let cases = [
        ("common", "{tenantid}".to_owned()),
        ("organizations", "{tenantid}".to_owned()),
        ("consumers", CONSUMERS.to_owned()),
        (TENANT_GUID, TENANT_GUID.to_owned()),
    ];
    for (tenant, issuer_tenant) in cases {
        for path in [
            format!("/{tenant}/v2.0/.well-known/openid-configuration"),
            format!("/{tenant}/.well-known/openid-configuration"),
        ] {
            let resp = h.client.get(h.url(&path)).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
            let doc: Value = resp.json().await.unwrap();
            let base = h.url(&format!("/{tenant}"));
            assert_eq!(doc["issuer"], format!("{}/{issuer_tenant}/v2.0", h.base), "{path}");
            assert_eq!(doc["authorization_endpoint"], format!("{base}/oauth2/v2.0/authorize"));
            assert_eq!(doc["token_endpoint"], format!("{base}/oauth2/v2.0/token"));
            assert_eq!(doc["device_authorization_endpoint"], format!("{base}/oauth2/v2.0/devicecode"));
            assert_eq!(doc["end_session_endpoint"], format!("{base}/oauth2/v2.0/logout"));
            assert_eq!(doc["jwks_uri"], format!("{base}/discovery/v2.0/keys"));
            assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
            assert_eq!(doc["subject_types_supported"], serde_json::json!(["pairwise"]));
            assert_eq!(doc["id_token_signing_alg_values_supported"], serde_json::json!(["ES256"]));
            for scope in ["openid", "profile", "email", "offline_access"] {
                assert!(doc["scopes_supported"].as_array().unwrap().iter().any(|s| s == scope), "{scope}");
            }
            for claim in ["sub", "iss", "aud", "exp", "iat", "nonce", "preferred_username", "name", "oid", "tid", "ver"]
            {
                assert!(doc["claims_supported"].as_array().unwrap().iter().any(|c| c == claim), "{claim}");
            }
            assert!(doc.get("tenant_region_scope").is_some());
        }
    }
    // Every address in it is served.
    let (_, doc) = get_json(&h, "/consumers/v2.0/.well-known/openid-configuration").await;
    let resp = h.client.get(doc["jwks_uri"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = h
        .client
        .post(doc["device_authorization_endpoint"].as_str().unwrap())
        .form(&[("client_id", CLIENT), ("scope", SCOPE)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = h.client.get(doc["end_session_endpoint"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let (status, body) = get_json(&h, "/not-a-tenant/v2.0/.well-known/openid-configuration").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_tenant");
    assert_eq!(body["error_codes"], serde_json::json!([90002]));
    let (status, _) = get_json(&h, "/not-a-tenant/discovery/v2.0/keys").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_code_id_token_is_signed_carries_the_claims_and_echoes_the_nonce() {
    let h = common::start().await;
    let q = authorize(&h, "common", &[("nonce", "n-0S6_WzA2Mj"), ("client_info", "1")]).await;
    let body = redeem(&h, "common", &q["code"]).await;
    assert_eq!(body["scope"], "Files.ReadWrite User.Read");
    assert_eq!(body["token_type"], "Bearer");
    let (_, claims) = verified(&h, "common", body["id_token"].as_str().unwrap()).await;

    assert_eq!(claims["ver"], "2.0");
    assert_eq!(claims["iss"], format!("{}/{CONSUMERS}/v2.0", h.base));
    assert_eq!(claims["aud"], CLIENT);
    assert_eq!(claims["tid"], CONSUMERS);
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["name"], "Emulator User");
    assert_eq!(claims["preferred_username"], "user@emulator.invalid");
    assert!(claims["sub"].as_str().is_some_and(|s| s.len() >= 20));
    let now = chrono::Utc::now().timestamp();
    let (iat, nbf, exp) =
        (claims["iat"].as_i64().unwrap(), claims["nbf"].as_i64().unwrap(), claims["exp"].as_i64().unwrap());
    assert!((iat - now).abs() < 60 && nbf <= iat + 1 && exp > now + 600, "{claims}");
    assert!(claims.get("email").is_none(), "no email scope, no email claim");

    // The account's ids agree with Graph's user and with client_info.
    let oid = claims["oid"].as_str().unwrap();
    let me = me_id(&h, body["access_token"].as_str().unwrap()).await;
    assert_eq!(oid.replace('-', "").trim_start_matches('0'), me.trim_start_matches('0'));
    let info = decode_json(body["client_info"].as_str().unwrap());
    assert_eq!(info, serde_json::json!({"uid": oid, "utid": CONSUMERS}));
    // The redirect carried the same client_info, as asked.
    assert_eq!(decode_json(&q["client_info"]), info);

    // Without a nonce in the authorize request there is none in the token.
    let q = authorize(&h, "common", &[]).await;
    assert!(!q.contains_key("client_info"));
    let body = redeem(&h, "common", &q["code"]).await;
    let (_, claims) = verified(&h, "common", body["id_token"].as_str().unwrap()).await;
    assert!(claims.get("nonce").is_none(), "{claims}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_keeps_giving_id_tokens_and_rotates() {
    let h = common::start().await;
    let q = authorize(&h, "consumers", &[("nonce", "first-only")]).await;
    let first = redeem(&h, "consumers", &q["code"]).await;
    let (_, first_claims) = verified(&h, "consumers", first["id_token"].as_str().unwrap()).await;
    let mut rt = first["refresh_token"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let next = refresh(&h, &rt).await;
        assert_eq!(next["scope"], "Files.ReadWrite User.Read");
        let (_, claims) = verified(&h, "common", next["id_token"].as_str().unwrap()).await;
        for same in ["sub", "oid", "tid", "aud", "iss", "preferred_username"] {
            assert_eq!(claims[same], first_claims[same], "{same}");
        }
        assert!(claims.get("nonce").is_none(), "a refreshed ID token has no nonce: {claims}");
        assert_eq!(decode_json(next["client_info"].as_str().unwrap())["uid"], first_claims["oid"]);
        let new_rt = next["refresh_token"].as_str().unwrap().to_owned();
        assert_ne!(new_rt, rt);
        rt = new_rt;
    }
    // A refresh asking for resource scopes only gets no ID token, like a code redeemed without openid.
    let form = [
        ("client_id", CLIENT),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt.as_str()),
        ("scope", "Files.ReadWrite"),
    ];
    let (status, body) = post(&h, "/common/oauth2/v2.0/token", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("id_token").is_none() && body.get("client_info").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_and_directory_tenants_get_id_tokens_too() {
    let h = common::start().await;
    let (status, flow) =
        post(&h, &format!("/{TENANT_GUID}/oauth2/v2.0/devicecode"), &[("client_id", CLIENT), ("scope", SCOPE)]).await;
    assert_eq!(status, StatusCode::OK, "{flow}");
    let device_code = flow["device_code"].as_str().unwrap();
    let form =
        [("client_id", CLIENT), ("grant_type", DEVICE_GRANT), ("device_code", device_code), ("client_info", "1")];
    let path = format!("/{TENANT_GUID}/oauth2/v2.0/token");
    let (status, pending) = post(&h, &path, &form).await;
    assert_eq!((status, pending["error"].as_str()), (StatusCode::BAD_REQUEST, Some("authorization_pending")));
    let (status, body) = post(&h, &path, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, claims) = verified(&h, TENANT_GUID, body["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["tid"], TENANT_GUID);
    assert_eq!(claims["iss"], format!("{}/{TENANT_GUID}/v2.0", h.base));
    // The discovery document of that tenant names the same issuer.
    let (_, doc) = get_json(&h, &format!("/{TENANT_GUID}/v2.0/.well-known/openid-configuration")).await;
    assert_eq!(doc["issuer"], claims["iss"]);
    // The account's home stays the consumer tenant.
    assert_eq!(decode_json(body["client_info"].as_str().unwrap())["utid"], CONSUMERS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signing_key_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_owned();
    let h = common::start_with(|c| c.data = Some(dir.clone())).await;
    let q = authorize(&h, "common", &[]).await;
    let id_token = redeem(&h, "common", &q["code"]).await["id_token"].as_str().unwrap().to_owned();
    let (_, before) = get_json(&h, "/common/discovery/v2.0/keys").await;
    h.emu.shutdown().await;

    let h = common::start_with(|c| c.data = Some(dir.clone())).await;
    let (_, after) = get_json(&h, "/common/discovery/v2.0/keys").await;
    assert_eq!(before["keys"][0]["kid"], after["keys"][0]["kid"]);
    assert_eq!(before["keys"][0]["x"], after["keys"][0]["x"]);
    verified(&h, "common", &id_token).await;
    h.emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instance_discovery_knows_the_emulator_only() {
    let h = common::start().await;
    // MSAL drops the port from the address it asks about; the answer is on the emulator's origin anyway.
    let resp = h
        .client
        .get(h.url("/common/discovery/instance"))
        .query(&[
            ("api-version", "1.1"),
            ("authorization_endpoint", "https://127.0.0.1/consumers/oauth2/v2.0/authorize"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["tenant_discovery_endpoint"], h.url("/consumers/v2.0/.well-known/openid-configuration"));
    assert_eq!(body["api-version"], "1.1");
    let authority = h.base.split_once("://").unwrap().1;
    assert_eq!(body["metadata"][0]["preferred_network"], authority);
    assert_eq!(body["metadata"][0]["aliases"], serde_json::json!([authority]));

    let (status, body) = get_json(&h, "/common/discovery/instance?authorization_endpoint=https://x/y").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_instance");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_returns_to_a_loopback_address_only() {
    let h = common::start().await;
    let resp = h
        .client
        .get(h.url("/common/oauth2/v2.0/logout"))
        .query(&[("post_logout_redirect_uri", "http://localhost:8400/bye"), ("state", "z")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(resp.headers()[LOCATION], "http://localhost:8400/bye?state=z");
    let resp = h
        .client
        .get(h.url("/common/oauth2/v2.0/logout"))
        .query(&[("post_logout_redirect_uri", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("only http://localhost"));
}
