//! `GET /{tenant}/oauth2/v2.0/authorize`: Microsoft's authorization endpoint.
//! Consent is automatic (or refused with `--consent deny`); the answer is a
//! redirect to the loopback redirect URI, or an error page when that URI
//! cannot be trusted.

use super::codes::{CodeGrant, CODE_LIFETIME_SECS};
use super::html::error_page;
use super::ms_account::{client_info, is_tenant_id};
use super::ms_registration;
use super::params::{has_scope, Params};
use super::pkce::{Challenge, ChallengeError};
use super::redirect::{found, loopback};
use super::tagged;
use crate::tokens::{now_unix, Service};
use crate::{App, Consent};
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

/// `common`, `consumers`, `organizations` or a directory id (a GUID).
pub(super) fn valid_tenant(tenant: &str) -> bool {
    if ["common", "consumers", "organizations"].iter().any(|t| t.eq_ignore_ascii_case(tenant)) {
        return true;
    }
    is_tenant_id(tenant)
}

pub(super) async fn authorize(State(app): State<App>, Path(tenant): Path<String>, RawQuery(query): RawQuery) -> Response {
    app.oauth.record_authorize(crate::tokens::Service::OneDrive, query.as_deref());
    tagged("identity.authorize", respond(&app, &tenant, &Params::from_query(query.as_deref())))
}

fn respond(app: &App, tenant: &str, p: &Params) -> Response {
    // Until the redirect URI is known to be ours to use, errors stay in the browser.
    if !valid_tenant(tenant) {
        return error_page(
            "Sign in failed",
            &format!("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        );
    }
    let Some(client_id) = p.get("client_id") else {
        return error_page(
            "Sign in failed",
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        );
    };
    let Some(raw_redirect) = p.get("redirect_uri") else {
        return error_page(
            "Sign in failed",
            "AADSTS900144: The request body must contain the following parameter: 'redirect_uri'.",
        );
    };
    // The registration decides before the redirect URI is trusted, so these refusals
    // stay in the browser too. Status: the emulator's error pages answer 400; the real
    // page's status is not documented (a browser shows it either way), and 400 lets a
    // script with `curl -f` see the refusal.
    let registration = match ms_registration::client(app, tenant, client_id) {
        Ok(r) => r,
        Err(refusal) => return refusal.page(),
    };
    if let Err(refusal) = registration.map_or(Ok(()), |r| ms_registration::redirect(r, raw_redirect)) {
        return refusal.page();
    }
    let Some(redirect) = loopback(raw_redirect) else {
        return error_page(
            "Sign in failed",
            &format!("AADSTS50011: The redirect URI '{raw_redirect}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. The emulator accepts only http://localhost or http://127.0.0.1 redirect URIs."),
        );
    };

    // From here on, errors go back to the client through the redirect URI.
    let state = p.get("state").unwrap_or("");
    let fail = |error: &str, description: &str| {
        let mut params = vec![("error", error), ("error_description", description)];
        if !state.is_empty() {
            params.push(("state", state));
        }
        found(redirect.clone(), &params)
    };
    match p.get("response_type") {
        Some("code") => {}
        None => return fail("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'response_type'."),
        Some(other) => {
            return fail(
                "unsupported_response_type",
                &format!("AADSTS70005: response_type '{other}' is not enabled for the application. The emulator supports only 'code'."),
            )
        }
    }
    if let Some(mode) = p.get("response_mode").filter(|m| *m != "query") {
        return fail(
            "invalid_request",
            &format!("AADSTS900144: response_mode '{mode}' is not supported by the emulator; use 'query'."),
        );
    }
    let Some(scope) = p.get("scope") else {
        return fail(
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        );
    };
    let challenge = match Challenge::from_params(p.get("code_challenge"), p.get("code_challenge_method")) {
        Ok(c) => c,
        Err(ChallengeError::BadChallenge) => {
            return fail("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter.")
        }
        Err(ChallengeError::UnknownMethod) => {
            return fail(
                "invalid_request",
                "AADSTS501481: The code_challenge_method is not supported; use 'S256' or 'plain'.",
            )
        }
        Err(ChallengeError::MethodWithoutChallenge) => {
            return fail(
                "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'code_challenge'.",
            )
        }
    };
    if app.config.consent == Consent::Deny {
        return fail("access_denied", "AADSTS65004: User declined to consent to access the app.");
    }
    let scope = ms_registration::granted_scope(registration, scope);
    let code = app.oauth.codes.issue(CodeGrant {
        service: Service::OneDrive,
        client_id: client_id.to_owned(),
        redirect_uri: Some(raw_redirect.to_owned()),
        offline: has_scope(&scope, "offline_access"),
        scope,
        challenge,
        nonce: p.get("nonce").map(str::to_owned),
        expires_at: now_unix() + CODE_LIFETIME_SECS,
        redeemed: false,
    });
    let mut params = vec![("code", code.as_str())];
    if !state.is_empty() {
        params.push(("state", state));
    }
    // Asked for with `client_info=1` (MSAL does, to route its token request by account).
    let info = client_info();
    if p.get("client_info") == Some("1") {
        params.push(("client_info", info.as_str()));
    }
    found(redirect, &params)
}
