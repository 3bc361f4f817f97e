//! `GET /oauth2/authorize`: Dropbox's authorization page. Consent is automatic
//! (or refused with `--consent deny`). With a `redirect_uri` the answer is a
//! redirect; without one the page shows the code for the user to paste into the app.

use super::codes::{CodeGrant, CODE_LIFETIME_SECS};
use super::dropbox_registration;
use super::html::{error_page, escape, page};
use super::params::Params;
use super::pkce::{Challenge, ChallengeError};
use super::redirect::{found, loopback};
use super::tagged;
use crate::tokens::{now_unix, Service};
use crate::{App, Consent};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use url::Url;

/// Dropbox documents `state` as up to 500 bytes.
const MAX_STATE_BYTES: usize = 500;

/// The scopes an app gets when it asks for none: those of a typical file-access app.
pub(super) const DEFAULT_SCOPE: &str =
    "account_info.read files.content.read files.content.write files.metadata.read files.metadata.write";

const DENIED: &str = "The user chose not to give your app access to their Dropbox account.";

pub(super) async fn authorize(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    app.oauth.record_authorize(crate::tokens::Service::Dropbox, query.as_deref());
    tagged("dropbox.oauth_authorize", respond(&app, &Params::from_query(query.as_deref())))
}

/// Where the result goes: back to the app, or onto the page for pasting.
enum Reply {
    Redirect { url: Url, state: Option<String> },
    Page,
}

impl Reply {
    fn error(&self, error: &str, description: &str) -> Response {
        match self {
            Reply::Redirect { url, state } => {
                let mut params = vec![("error", error), ("error_description", description)];
                if let Some(s) = state {
                    params.push(("state", s));
                }
                found(url.clone(), &params)
            }
            Reply::Page => error_page("Error (400)", &format!("{error}: {description}")),
        }
    }
}

fn respond(app: &App, p: &Params) -> Response {
    let Some(client_id) = p.get("client_id") else {
        return error_page(
            "Error (400)",
            "It seems the app you were using submitted a bad request: missing client_id.",
        );
    };
    let registration = match dropbox_registration::app(app, client_id) {
        Ok(r) => r,
        Err(page) => return page,
    };
    let redirect_uri = p.get("redirect_uri");
    if let (Some(reg), Some(raw)) = (registration, redirect_uri) {
        if let Err(page) = dropbox_registration::redirect(reg, raw) {
            return page;
        }
    }
    let reply = match redirect_uri {
        None => Reply::Page,
        Some(raw) => match loopback(raw) {
            Some(url) => Reply::Redirect { url, state: p.get("state").map(str::to_owned) },
            None => {
                return error_page(
                    "Error (400)",
                    &format!("Invalid redirect_uri: '{raw}'. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path); the emulator accepts only http://localhost or http://127.0.0.1 URIs."),
                )
            }
        },
    };
    if p.get("state").is_some_and(|s| s.len() > MAX_STATE_BYTES) {
        return error_page(
            "Error (400)",
            "It seems the app you were using submitted a bad request: 'state' is longer than 500 bytes.",
        );
    }
    match p.get("response_type") {
        Some("code") => {}
        None => return reply.error("invalid_request", "Missing response_type."),
        Some(other) => {
            return reply
                .error("unsupported_response_type", &format!("response_type '{other}' is not supported; use 'code'."))
        }
    }
    let offline = match p.get("token_access_type") {
        Some("offline") => true,
        // `legacy` asked for long-lived tokens, which Dropbox no longer issues.
        None | Some("online") | Some("legacy") => false,
        Some(other) => return reply.error("invalid_request", &format!("Unknown token_access_type '{other}'.")),
    };
    let challenge = match Challenge::from_params(p.get("code_challenge"), p.get("code_challenge_method")) {
        Ok(c) => c,
        Err(ChallengeError::BadChallenge) => {
            return reply.error("invalid_request", "code_challenge must be 43 to 128 characters.")
        }
        Err(ChallengeError::UnknownMethod) => {
            return reply.error("invalid_request", "code_challenge_method must be 'S256' or 'plain'.")
        }
        Err(ChallengeError::MethodWithoutChallenge) => {
            return reply.error("invalid_request", "Missing code_challenge.")
        }
    };
    // `force_reapprove=true` only makes Dropbox ask again; the emulator always
    // "asks", and records it (`/_emulator/authorize_requests`).
    let scope = match registration {
        None => p.get("scope").unwrap_or(DEFAULT_SCOPE).to_owned(),
        Some(reg) => match dropbox_registration::granted_scope(app, reg, p.get("scope"), p.get("include_granted_scopes")) {
            Ok(s) => s,
            Err(page) => return page,
        },
    };
    if app.config.consent == Consent::Deny {
        return match reply {
            Reply::Page => {
                page(StatusCode::OK, "Access denied", &format!("<p id=\"error\">access_denied: {DENIED}</p>"))
            }
            redirect => redirect.error("access_denied", DENIED),
        };
    }
    let code = app.oauth.codes.issue(CodeGrant {
        service: Service::Dropbox,
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.map(str::to_owned),
        scope,
        challenge,
        offline,
        nonce: None,
        expires_at: now_unix() + CODE_LIFETIME_SECS,
        redeemed: false,
    });
    match reply {
        Reply::Redirect { url, state } => {
            let mut params = vec![("code", code.as_str())];
            if let Some(s) = &state {
                params.push(("state", s));
            }
            found(url, &params)
        }
        Reply::Page => page(
            StatusCode::OK,
            "Enter this code into the app",
            &format!(
                "<p>Enter this code into the app to finish linking it to your Dropbox account:</p>\n\
                 <p><code id=\"auth-code\">{}</code></p>",
                escape(&code)
            ),
        ),
    }
}
