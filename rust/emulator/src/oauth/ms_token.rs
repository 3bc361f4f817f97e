//! `POST /{tenant}/oauth2/v2.0/token`: Microsoft's token endpoint for the
//! authorization code, refresh token and device code grants. A refresh gives a new
//! refresh token; the old one stays valid, as Microsoft documents ("refresh tokens
//! aren't revoked when used to acquire new access tokens", identity platform,
//! "Refresh tokens"), unless `--strict-refresh-rotation` spends it.
//!
//! When the scope has `openid` (MSAL always adds `openid profile offline_access`)
//! the answer carries a signed `id_token` (see [`super::ms_account`]); with
//! `client_info=1` in the request, also `client_info`.

use super::codes::RedeemError;
use super::devices::Poll;
use super::errors::{microsoft as error, microsoft_missing as missing, no_store};
use super::ms_account::{client_info, id_token_claims};
use super::ms_authorize::valid_tenant;
use super::ms_registration;
use super::params::{has_scope, Params};
use super::tagged;
use crate::origin::Origin;
use crate::registrations::MicrosoftApp;
use crate::tokens::Service;
use crate::App;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub(super) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The OpenID Connect scopes: granted, but Microsoft does not list them in the
/// token response's `scope`, which names the resource scopes only.
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

pub(super) async fn token(State(app): State<App>, Path(tenant): Path<String>, origin: Origin, body: Bytes) -> Response {
    tagged("identity.token", respond(&app, &tenant, &origin, &Params::parse(&body)))
}

/// Where and how a token request was made: what the ID token and `client_info` depend on.
struct Request<'a> {
    origin: &'a Origin,
    tenant: &'a str,
    client_id: &'a str,
    client_info: bool,
}

fn respond(app: &App, tenant: &str, origin: &Origin, p: &Params) -> Response {
    if !valid_tenant(tenant) {
        return error("invalid_request", 90002, &format!("Tenant '{tenant}' not found."));
    }
    let Some(grant_type) = p.get("grant_type") else {
        return missing("grant_type");
    };
    let Some(client_id) = p.get("client_id") else {
        return missing("client_id");
    };
    let registration = match ms_registration::client(app, tenant, client_id) {
        Ok(r) => r,
        Err(refusal) => return refusal.json(),
    };
    let req = Request { origin, tenant, client_id, client_info: p.get("client_info") == Some("1") };
    match grant_type {
        "authorization_code" => authorization_code(app, &req, p),
        "refresh_token" => refresh_token(app, &req, p, registration),
        DEVICE_CODE_GRANT => match registration.map_or(Ok(()), ms_registration::public_client) {
            Ok(()) => device_code(app, &req, p),
            Err(refusal) => refusal.json(),
        },
        other => {
            error("unsupported_grant_type", 70003, &format!("The app requested an unsupported grant type '{other}'."))
        }
    }
}

/// Why a code's redemption was refused by the endpoint's own checks.
enum Refusal {
    OtherClient,
    RedirectMismatch(String),
    MissingVerifier,
    WrongVerifier,
}

fn authorization_code(app: &App, req: &Request, p: &Params) -> Response {
    let client_id = req.client_id;
    let Some(code) = p.get("code") else {
        return missing("code");
    };
    let Some(redirect_uri) = p.get("redirect_uri") else {
        return missing("redirect_uri");
    };
    let verifier = p.get("code_verifier");
    let redeemed = app.oauth.codes.redeem(Service::OneDrive, code, |g| {
        if g.client_id != client_id {
            return Err(Refusal::OtherClient);
        }
        let authorized_with = g.redirect_uri.as_deref().unwrap_or("");
        if !same_redirect(authorized_with, redirect_uri) {
            return Err(Refusal::RedirectMismatch(authorized_with.to_owned()));
        }
        match (&g.challenge, verifier) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(Refusal::MissingVerifier),
            (Some(c), Some(v)) if c.verify(v) => Ok(()),
            (Some(_), Some(_)) => Err(Refusal::WrongVerifier),
        }
    });
    match redeemed {
        Ok(grant) => issue(app, req, &grant.scope, &grant.scope, grant.nonce.as_deref()),
        Err(RedeemError::Unknown) => error("invalid_grant", 70000, "The provided value for the 'code' parameter is not valid."),
        Err(RedeemError::AlreadyRedeemed) => error(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ),
        Err(RedeemError::Expired) => error(
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        ),
        Err(RedeemError::Rejected(Refusal::OtherClient)) => {
            error("invalid_grant", 70000, "The provided value for the 'code' parameter is not valid: it was issued to another application.")
        }
        Err(RedeemError::Rejected(Refusal::RedirectMismatch(expected))) => error(
            "invalid_grant",
            500112,
            &format!("The reply address '{redirect_uri}' does not match the reply address '{expected}' provided when requesting Authorization code."),
        ),
        Err(RedeemError::Rejected(Refusal::MissingVerifier)) => {
            error("invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE: the request has no code_verifier.")
        }
        Err(RedeemError::Rejected(Refusal::WrongVerifier)) => {
            error("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
        }
    }
}

/// Redirect URIs compare after URL normalisation, so `http://localhost:8400`
/// and `http://localhost:8400/` are the same address.
fn same_redirect(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn refresh_token(app: &App, req: &Request, p: &Params, registration: Option<&MicrosoftApp>) -> Response {
    let client_id = req.client_id;
    let Some(token) = p.get("refresh_token") else {
        return missing("refresh_token");
    };
    let strict = app.config.strict_refresh_rotation;
    let invalid = || {
        let message = if strict {
            "The provided value for the input parameter 'refresh_token' is not valid: it is unknown, revoked or was already used (refresh tokens are single use here: use the newest one)."
        } else {
            "The provided value for the input parameter 'refresh_token' is not valid: it is unknown or revoked."
        };
        error("invalid_grant", 70000, message)
    };
    match app.tokens.refresh_grant(token) {
        Some(g) if g.service == Service::OneDrive && g.client_id == client_id => {}
        _ => return invalid(),
    }
    let grant = if strict { app.tokens.take_refresh(token) } else { app.tokens.refresh_grant(token) };
    let Some(grant) = grant else {
        return invalid();
    };
    let access_scope = match p.get("scope") {
        Some(asked) => ms_registration::granted_scope(registration, asked),
        None => grant.scope.clone(),
    };
    issue(app, req, &access_scope, &grant.scope, None)
}

fn device_code(app: &App, req: &Request, p: &Params) -> Response {
    let client_id = req.client_id;
    let Some(device_code) = p.get("device_code") else {
        return missing("device_code");
    };
    match app.oauth.devices.poll(device_code, client_id, app.config.consent) {
        Poll::Approved(grant) => issue(app, req, &grant.scope, &grant.scope, None),
        Poll::Pending => error("authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."),
        Poll::Declined => error("authorization_declined", 70000, "The user declined the authorization request."),
        Poll::Expired => error("expired_token", 70019, "Verification code expired."),
        Poll::Unknown => error("bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid."),
        Poll::AlreadyRedeemed => error("invalid_grant", 54005, "The device code was already redeemed."),
        Poll::WrongClient => error(
            "invalid_grant",
            70000,
            "The provided value for the input parameter 'device_code' is not valid: it was issued to another application.",
        ),
    }
}

/// The success response. `refresh_scope` is what a refresh token would carry; one is
/// issued only when it includes `offline_access`. An ID token is issued when
/// `access_scope` includes `openid`; `nonce` is the authorize request's, if any.
fn issue(app: &App, req: &Request, access_scope: &str, refresh_scope: &str, nonce: Option<&str>) -> Response {
    let client_id = req.client_id;
    let (access_token, expires_in) = app.tokens.issue_access(Service::OneDrive, client_id, access_scope);
    let shown_scope: Vec<&str> =
        access_scope.split_whitespace().filter(|s| !OIDC_SCOPES.iter().any(|o| o.eq_ignore_ascii_case(s))).collect();
    let mut body = json!({
        "token_type": "Bearer",
        "scope": shown_scope.join(" "),
        "expires_in": expires_in,
        "ext_expires_in": expires_in,
        "access_token": access_token,
    });
    if has_scope(refresh_scope, "offline_access") {
        body["refresh_token"] = json!(app.tokens.issue_refresh(Service::OneDrive, client_id, refresh_scope));
    }
    if has_scope(access_scope, "openid") {
        let claims = id_token_claims(req.origin, req.tenant, client_id, access_scope, nonce);
        body["id_token"] = json!(app.oauth.keys.sign_jwt(&claims));
    }
    if req.client_info {
        body["client_info"] = json!(client_info());
    }
    no_store(Json(body).into_response())
}
