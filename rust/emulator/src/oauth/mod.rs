//! The two OAuth 2.0 servers: Microsoft identity platform (v2.0 endpoints under
//! `/{tenant}/oauth2/v2.0/`, OpenID Connect discovery and signing keys, plus the
//! `/devicelogin` page) and Dropbox
//! (`/oauth2/authorize`, `/oauth2/token`, `/2/auth/token/revoke`).
//!
//! Tokens themselves live in [`crate::tokens`]; this module keeps what leads to
//! them: authorization codes and device codes, both persisted under the state folder.

mod codes;
mod devices;
mod dropbox_authorize;
mod dropbox_registration;
mod dropbox_token;
mod errors;
pub(crate) mod html;
mod ms_account;
mod ms_authorize;
mod ms_device;
mod ms_discovery;
mod ms_registration;
mod ms_token;
mod params;
mod pkce;
mod redirect;
mod signing;

use crate::stats::RequestKind;
use crate::{App, Config};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::path::Path;

pub struct OAuthState {
    codes: codes::CodeBook,
    devices: devices::DeviceBook,
    keys: signing::SigningKey,
    /// The query of every authorize request, in order (for tests: which
    /// parameters an app sent, e.g. Dropbox's `force_reapprove`).
    authorize_requests: std::sync::Mutex<Vec<(crate::tokens::Service, String)>>,
}

impl OAuthState {
    pub fn open(config: &Config, state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            codes: codes::CodeBook::open(state_dir)?,
            devices: devices::DeviceBook::open(state_dir, config.device_code_lifetime)?,
            keys: signing::SigningKey::open(state_dir)?,
            authorize_requests: std::sync::Mutex::default(),
        })
    }

    fn record_authorize(&self, service: crate::tokens::Service, query: Option<&str>) {
        let mut log = self.authorize_requests.lock().unwrap_or_else(|p| p.into_inner());
        log.push((service, query.unwrap_or_default().to_owned()));
    }

    /// The authorize requests seen so far: service and decoded query parameters.
    pub fn authorize_requests(&self) -> Vec<(crate::tokens::Service, Vec<(String, String)>)> {
        let log = self.authorize_requests.lock().unwrap_or_else(|p| p.into_inner());
        log.iter()
            .map(|(service, query)| {
                (*service, url::form_urlencoded::parse(query.as_bytes()).into_owned().collect())
            })
            .collect()
    }
}

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/authorize", get(ms_authorize::authorize))
        .route("/{tenant}/oauth2/v2.0/token", post(ms_token::token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(ms_device::devicecode))
        .route("/{tenant}/oauth2/v2.0/logout", get(ms_discovery::logout))
        .route("/{tenant}/v2.0/.well-known/openid-configuration", get(ms_discovery::openid_configuration))
        .route("/{tenant}/.well-known/openid-configuration", get(ms_discovery::openid_configuration))
        .route("/{tenant}/discovery/v2.0/keys", get(ms_discovery::keys))
        .route("/{tenant}/discovery/instance", get(ms_discovery::instance))
        .route("/devicelogin", get(ms_device::devicelogin))
        .route("/oauth2/authorize", get(dropbox_authorize::authorize))
        .route("/oauth2/token", post(dropbox_token::token))
        .route("/2/auth/token/revoke", post(dropbox_token::revoke))
}

/// Names the kind of request for the statistics (see [`crate::stats`]).
fn tagged(kind: &'static str, mut resp: Response) -> Response {
    resp.extensions_mut().insert(RequestKind(kind));
    resp
}
