//! `POST /oauth2/token` (authorization code and refresh token grants; Dropbox does
//! not rotate refresh tokens) and `POST /2/auth/token/revoke`.

use super::codes::RedeemError;
use super::errors::{dropbox as error, no_store};
use super::params::{basic_auth, has_scope, Params};
use super::tagged;
use crate::tokens::Service;
use crate::{App, DROPBOX_ACCOUNT_ID};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// The legacy numeric user id Dropbox still returns beside `account_id`.
const DROPBOX_UID: &str = "4012345678";

pub(super) async fn token(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    tagged("dropbox.oauth_token", respond(&app, &headers, &Params::parse(&body)))
}

fn respond(app: &App, headers: &HeaderMap, p: &Params) -> Response {
    // Apps authenticate with `client_id` in the form or with HTTP basic auth (id:secret).
    let basic = basic_auth(headers);
    let Some(client_id) = p.get("client_id").or(basic.as_ref().map(|(id, _)| id.as_str()).filter(|id| !id.is_empty()))
    else {
        return error("invalid_request", "No auth function available for given request");
    };
    // An app key nobody registered (the answer users report: s-aska/dropbox-api-command#41,
    // in today's `{error, error_description}` shape).
    if app.registrations.as_ref().is_some_and(|r| r.dropbox(client_id).is_none()) {
        return error("invalid_client", "Invalid client_id or client_secret");
    }
    match p.get("grant_type") {
        Some("authorization_code") => authorization_code(app, client_id, p),
        Some("refresh_token") => refresh_token(app, client_id, p),
        None => error("invalid_request", "Missing grant_type."),
        Some(other) => error("unsupported_grant_type", &format!("grant_type '{other}' is not supported.")),
    }
}

fn authorization_code(app: &App, client_id: &str, p: &Params) -> Response {
    let Some(code) = p.get("code") else {
        return error("invalid_request", "No code provided.");
    };
    let redirect_uri = p.get("redirect_uri");
    let verifier = p.get("code_verifier");
    let redeemed = app.oauth.codes.redeem(Service::Dropbox, code, |g| {
        if g.client_id != client_id {
            return Err("code was issued to a different app");
        }
        // Dropbox matches the redirect URI exactly, and requires it only if authorize had one.
        if g.redirect_uri.as_deref() != redirect_uri {
            return Err("redirect_uri mismatch");
        }
        match (&g.challenge, verifier) {
            (None, _) => Ok(()),
            (Some(_), None) => Err("code_verifier is required for a code obtained with a code_challenge"),
            (Some(c), Some(v)) if c.verify(v) => Ok(()),
            (Some(_), Some(_)) => Err("invalid code verifier"),
        }
    });
    let grant = match redeemed {
        Ok(grant) => grant,
        // Dropbox gives unknown, used and expired codes one and the same answer.
        Err(RedeemError::Unknown | RedeemError::AlreadyRedeemed | RedeemError::Expired) => {
            return error("invalid_grant", "code doesn't exist or has expired")
        }
        Err(RedeemError::Rejected(why)) => return error("invalid_grant", why),
    };
    let (access_token, expires_in) = app.tokens.issue_access(Service::Dropbox, client_id, &grant.scope);
    let mut body = json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": grant.scope,
        "uid": DROPBOX_UID,
        "account_id": DROPBOX_ACCOUNT_ID,
    });
    if grant.offline {
        body["refresh_token"] = json!(app.tokens.issue_refresh(Service::Dropbox, client_id, &grant.scope));
    }
    no_store(Json(body).into_response())
}

fn refresh_token(app: &App, client_id: &str, p: &Params) -> Response {
    let Some(token) = p.get("refresh_token") else {
        return error("invalid_request", "No refresh_token provided.");
    };
    // Looked up, not consumed: a Dropbox refresh token stays valid until revoked.
    let grant = match app.tokens.refresh_grant(token) {
        Some(g) if g.service == Service::Dropbox && g.client_id == client_id => g,
        _ => return error("invalid_grant", "refresh token is invalid or revoked"),
    };
    let scope = p.get("scope").unwrap_or(&grant.scope);
    // OAuth guide, refresh `scope`: a subset of the refresh token's scopes; with
    // registrations a wider ask is RFC 6749's `invalid_scope`.
    if app.registrations.is_some() && scope.split_whitespace().any(|s| !has_scope(&grant.scope, s)) {
        return error("invalid_scope", "The requested scope is not a subset of the refresh token's scopes.");
    }
    let (access_token, expires_in) = app.tokens.issue_access(Service::Dropbox, client_id, scope);
    no_store(
        Json(json!({"access_token": access_token, "token_type": "bearer", "expires_in": expires_in})).into_response(),
    )
}

/// `auth/token/revoke`: the bearer token stops working; the result is JSON `null`.
pub(super) async fn revoke(State(app): State<App>, headers: HeaderMap) -> Response {
    let resp = match app.tokens.require(Service::Dropbox, &headers) {
        Ok(token) => {
            app.tokens.revoke_access(&token);
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "null").into_response()
        }
        Err(resp) => resp,
    };
    tagged("dropbox.token_revoke", resp)
}
