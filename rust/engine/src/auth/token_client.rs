//! POSTs to the token endpoints (code exchange, refresh, device code polling).
//!
//! Why these are plain reqwest calls and not the oauth2 crate's request
//! builders: that crate's HTTP client feature is off (it would pull in a second
//! reqwest), the two services' answers carry fields its standard types drop
//! (Dropbox's `account_id`, Microsoft's error codes), and we want our own retry
//! with back-off, our own error wording and certainty that no token reaches an
//! error message. The oauth2 crate still makes the PKCE pair, the state and
//! the authorize URL (see [`super::authorize`]).

use super::app::OAuthApp;
use super::tokens::{OAuthErrorBody, TokenResponse};
use crate::http::{retry_after, Pacer, PacerConfig};
use crate::{Error, Result};
use std::time::Duration;

/// One token request's grant.
pub(crate) enum Grant<'a> {
    AuthorizationCode { code: &'a str, verifier: &'a str, redirect_uri: Option<&'a str> },
    Refresh { refresh_token: &'a str },
    DeviceCode { device_code: &'a str },
}

/// Why a token request failed.
pub(crate) enum TokenError {
    /// The endpoint answered with an OAuth error (`invalid_grant`, `authorization_pending`, ...).
    OAuth(OAuthErrorBody),
    /// Anything else, already worded for the user.
    Other(Error),
}

impl From<Error> for TokenError {
    fn from(e: Error) -> Self {
        Self::Other(e)
    }
}

/// A token request should not take long; a hung one is retried.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Transient failures (network, 429, 5xx) are retried this many times in all.
fn pacer() -> Pacer {
    Pacer::new(PacerConfig { max_attempts: 4, cap: Duration::from_secs(8), ..PacerConfig::default() })
}

fn transient(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

pub(crate) async fn request_token(
    client: &reqwest::Client,
    app: &OAuthApp,
    grant: Grant<'_>,
) -> std::result::Result<TokenResponse, TokenError> {
    let mut form: Vec<(&str, &str)> = vec![("client_id", &app.client_id)];
    if let Some(secret) = &app.client_secret {
        form.push(("client_secret", secret.expose()));
    }
    match &grant {
        Grant::AuthorizationCode { code, verifier, redirect_uri } => {
            form.extend([("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier)]);
            if let Some(uri) = redirect_uri {
                form.push(("redirect_uri", uri));
            }
        }
        Grant::Refresh { refresh_token } => {
            form.extend([("grant_type", "refresh_token"), ("refresh_token", refresh_token)]);
        }
        Grant::DeviceCode { device_code } => {
            form.extend([("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device_code)]);
        }
    }
    // Microsoft wants the scopes again on every token request.
    if app.profile.oauth.scopes_on_token_requests && !app.scopes.is_empty() {
        form.push(("scope", &app.scopes));
    }
    let response = post_form(client, app, &app.token_url(), &form).await?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| network(app, &e))?;
    if (200..300).contains(&status) {
        // The body holds tokens: a parse error is reported without it.
        return serde_json::from_slice(&body).map_err(|e| {
            TokenError::Other(Error::Service {
                service: app.service,
                status,
                code: "bad_token_response".into(),
                message: format!("the token endpoint's answer could not be read ({})", json_problem(&e)),
            })
        });
    }
    match serde_json::from_slice::<OAuthErrorBody>(&body) {
        Ok(err) => Err(TokenError::OAuth(err)),
        Err(_) => Err(TokenError::Other(unexpected_status(app, status, &body))),
    }
}

/// POSTs a form, retrying network failures and transient statuses; returns
/// the first answer that is not transient (or the last one).
pub(crate) async fn post_form(
    client: &reqwest::Client,
    app: &OAuthApp,
    url: &str,
    form: &[(&str, &str)],
) -> Result<reqwest::Response> {
    let pacer = pacer();
    let mut attempt = 1;
    loop {
        let result = client.post(url).timeout(REQUEST_TIMEOUT).form(form).send().await;
        let retry_in = match &result {
            Ok(r) if transient(r.status().as_u16()) && attempt < pacer.max_attempts() => {
                Some(pacer.wait(attempt, retry_after(r.headers())))
            }
            Err(_) if attempt < pacer.max_attempts() => Some(pacer.backoff(attempt)),
            _ => None,
        };
        match retry_in {
            Some(wait) => {
                tracing::debug!("token endpoint of {}: attempt {attempt} failed, retrying in {wait:?}", app.service);
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            None => return result.map_err(|e| network(app, &e)),
        }
    }
}

/// A reqwest error in words, without the URL (the short form reads better,
/// and other callers' URLs may carry upload session ids).
pub(crate) fn network(app: &OAuthApp, e: &reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else {
        "request failed"
    };
    // The innermost cause names the problem (DNS, TLS, refused).
    let mut cause = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = Some(s.to_string());
        source = s.source();
    }
    let message = match cause {
        Some(c) => format!("{kind}: {c}"),
        None => kind.to_owned(),
    };
    Error::Network { service: app.service, message }
}

/// An answer that is neither success nor an OAuth error.
pub(crate) fn unexpected_status(app: &OAuthApp, status: u16, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    let short: String = text.chars().take(200).collect();
    Error::Service { service: app.service, status, code: String::new(), message: short.trim().to_owned() }
}

/// What was wrong with a JSON body, without quoting it.
pub(crate) fn json_problem(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "input error",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "missing or wrong fields",
        serde_json::error::Category::Eof => "cut short",
    }
}
