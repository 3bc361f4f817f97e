//! Access and refresh tokens issued by the emulator's two OAuth servers, and the
//! bearer check every API endpoint performs.

pub(crate) use crate::ids::{now_unix, random_token, Service};
use crate::persist::Persisted;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessGrant {
    pub service: Service,
    pub client_id: String,
    pub scope: String,
    /// Unix seconds.
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshGrant {
    pub service: Service,
    pub client_id: String,
    pub scope: String,
}

#[derive(Default, Serialize, Deserialize)]
struct TokenState {
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
}

/// Outcome of checking a request's bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// Valid; `issued` is false for the `--static-token`.
    Valid { token: String, issued: bool },
    Expired,
    Invalid,
    Missing,
}

pub struct TokenStore {
    state: Persisted<TokenState>,
    static_token: Option<String>,
    lifetime_secs: u64,
}

impl TokenStore {
    pub fn open(state_dir: &Path, static_token: Option<String>, lifetime_secs: u64) -> std::io::Result<Self> {
        Ok(Self { state: Persisted::load(state_dir.join("tokens.json"))?, static_token, lifetime_secs })
    }

    pub fn lifetime_secs(&self) -> u64 {
        self.lifetime_secs
    }

    /// Issues a new access token; returns it with its lifetime in seconds.
    pub fn issue_access(&self, service: Service, client_id: &str, scope: &str) -> (String, u64) {
        let prefix = match service {
            Service::OneDrive => "EwA",
            Service::Dropbox => "sl.",
        };
        let token = format!("{prefix}{}", random_token(48));
        let now = now_unix();
        let grant = AccessGrant {
            service,
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            expires_at: now + self.lifetime_secs as i64,
        };
        self.state.update(|s| {
            s.access.retain(|_, g| g.expires_at > now - 86_400);
            s.access.insert(token.clone(), grant);
        });
        (token, self.lifetime_secs)
    }

    pub fn issue_refresh(&self, service: Service, client_id: &str, scope: &str) -> String {
        let token = format!("R{}", random_token(48));
        let grant = RefreshGrant { service, client_id: client_id.to_owned(), scope: scope.to_owned() };
        self.state.update(|s| s.refresh.insert(token.clone(), grant));
        token
    }

    /// Looks a refresh token up without consuming it.
    pub fn refresh_grant(&self, token: &str) -> Option<RefreshGrant> {
        self.state.read(|s| s.refresh.get(token).cloned())
    }

    /// Consumes a refresh token (`--strict-refresh-rotation`).
    pub fn take_refresh(&self, token: &str) -> Option<RefreshGrant> {
        self.state.update(|s| s.refresh.remove(token))
    }

    /// What an issued access token was issued for (`None` for unknown tokens and the `--static-token`).
    pub fn grant(&self, token: &str) -> Option<AccessGrant> {
        self.state.read(|s| s.access.get(token).cloned())
    }

    /// Every scope the user has granted `client_id` so far (by its refresh and access tokens).
    pub fn granted_scopes(&self, service: Service, client_id: &str) -> Vec<String> {
        self.state.read(|s| {
            let refresh = s.refresh.values().map(|g| (g.service, &g.client_id, &g.scope));
            let access = s.access.values().map(|g| (g.service, &g.client_id, &g.scope));
            let mut out: Vec<String> = Vec::new();
            for (_, _, scope) in refresh.chain(access).filter(|(sv, c, _)| *sv == service && *c == client_id) {
                out.extend(scope.split_whitespace().map(str::to_owned));
            }
            out.sort();
            out.dedup();
            out
        })
    }

    /// Forgets an issued access token (Dropbox `auth/token/revoke`): it is invalid from now on.
    pub fn revoke_access(&self, token: &str) -> bool {
        self.state.update(|s| s.access.remove(token).is_some())
    }

    /// Makes an issued access token expire now (chaos: "token expired early").
    pub fn expire_now(&self, token: &str) -> bool {
        let now = now_unix();
        self.state.update(|s| match s.access.get_mut(token) {
            Some(g) if g.expires_at > now => {
                g.expires_at = now - 1;
                true
            }
            _ => false,
        })
    }

    pub fn check(&self, service: Service, headers: &HeaderMap) -> TokenCheck {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return TokenCheck::Missing;
        };
        let Some(token) = value.to_str().ok().and_then(bearer_of) else {
            return TokenCheck::Invalid;
        };
        if self.static_token.as_deref() == Some(token) {
            return TokenCheck::Valid { token: token.to_owned(), issued: false };
        }
        let now = now_unix();
        self.state.read(|s| match s.access.get(token) {
            Some(g) if g.service != service => TokenCheck::Invalid,
            Some(g) if g.expires_at <= now => TokenCheck::Expired,
            Some(_) => TokenCheck::Valid { token: token.to_owned(), issued: true },
            None => TokenCheck::Invalid,
        })
    }

    /// The bearer check of every API endpoint: `Ok(token)` or the service's own
    /// 401/400 response. The error is a ready `Response` that handlers return
    /// as it is, so its size does not matter.
    #[allow(clippy::result_large_err)]
    pub fn require(&self, service: Service, headers: &HeaderMap) -> Result<String, Response> {
        match self.check(service, headers) {
            TokenCheck::Valid { token, .. } => Ok(token),
            other => Err(unauthorized(service, &other)),
        }
    }
}

/// The token from an `Authorization: Bearer ...` value (scheme case-insensitive).
pub(crate) fn bearer_of(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_once(' ')?;
    let token = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Each service's documented answer to a missing, invalid or expired token.
pub(crate) fn unauthorized(service: Service, check: &TokenCheck) -> Response {
    match service {
        Service::OneDrive => {
            let message = match check {
                TokenCheck::Missing => "Access token is empty.",
                TokenCheck::Expired => "Access token has expired or is not yet valid.",
                _ => "IDX14100: JWT is not well formed, there are no dots (.).",
            };
            let mut resp =
                crate::graph_error::GraphError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message)
                    .into_response();
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\""),
            );
            resp
        }
        Service::Dropbox => match check {
            TokenCheck::Missing => (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Error in call to API function: Must provide HTTP header \"Authorization\" or URL parameter \"authorization\".",
            )
                .into_response(),
            other => {
                let tag = if *other == TokenCheck::Expired { "expired_access_token" } else { "invalid_access_token" };
                let body = json!({"error_summary": format!("{tag}/"), "error": {".tag": tag}});
                let mut resp = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                resp
            }
        },
    }
}
