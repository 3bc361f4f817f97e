//! What the engine needs to know about a service beyond its wire protocol:
//! its OAuth addresses and rules, scopes, how it splits uploads, its limits.
//! Each service folder defines its own (`onedrive::PROFILE`,
//! `dropbox::PROFILE`); [`crate::services::profile`] finds one by kind.

use crate::hashing::HashKind;
use crate::{Endpoints, ServiceKind};

/// Builds one OAuth address from where the service lives and the tenant
/// (Microsoft's; other services ignore it).
pub(crate) type UrlRule = fn(&Endpoints, &str) -> String;

/// Where the browser login's redirect may point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectRule {
    /// Any free loopback port (the service ignores the port when matching).
    AnyLoopbackPort,
    /// The port registered with the app, exactly (configured; 0 only for the emulator).
    RegisteredPort,
}

/// What the user pastes when the loopback redirect cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasteRule {
    /// The service shows a code when the authorize request has no redirect (Dropbox).
    ShownCode,
    /// The service always redirects: the user copies the loopback address
    /// the browser ends on, where nothing listens (Microsoft).
    RedirectAddress,
}

/// A service's OAuth endpoints and login rules.
#[derive(Debug, Clone, Copy)]
pub struct OAuthProfile {
    pub authorize_url: UrlRule,
    pub token_url: UrlRule,
    /// The device authorization endpoint, for services that offer the flow.
    pub device_code_url: Option<UrlRule>,
    /// Where a refresh token is revoked at logout, if the service has such an endpoint.
    pub revoke_url: Option<UrlRule>,
    /// Space-separated scopes asked for by default; empty when the app
    /// registration decides them.
    pub default_scopes: &'static str,
    /// Whether token requests name the scopes again (Microsoft wants them;
    /// Dropbox reads `scope` on a refresh as a request to narrow the token).
    pub scopes_on_token_requests: bool,
    /// Extra parameters of the authorize request.
    pub authorize_params: &'static [(&'static str, &'static str)],
    /// More parameters when an account of the service is saved already: the
    /// service must ask again, not silently sign the same account in once more.
    pub another_account_params: &'static [(&'static str, &'static str)],
    /// Whether the service knows tenants (Microsoft identity).
    pub uses_tenant: bool,
    pub redirect: RedirectRule,
    pub paste: PasteRule,
    /// What to tell the user to paste.
    pub paste_instructions: &'static str,
    /// `dkcloud login` options that work without the loopback redirect.
    pub fallback_options: &'static str,
}

/// How an upload is cut into requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRule {
    /// Every request but the last carries a multiple of this many bytes.
    pub unit: u64,
    /// The most units one request may carry.
    pub max_units: u64,
    /// Bytes per request when the user asks for no size.
    pub default_size: u64,
}

/// A request should take about this long when the size is ours to choose:
/// the wait for each answer (a round trip, during which nothing is sent when
/// requests go one after another) then costs a few percent of the link, and a
/// request lost to a network error is cheap to resend.
pub(crate) const REQUEST_TIME: std::time::Duration = std::time::Duration::from_secs(1);

impl ChunkRule {
    /// The next request size after one of `bytes` took `took`: what the link
    /// carries in [`REQUEST_TIME`], never below `requested`.
    pub fn grown(&self, requested: u64, bytes: u64, took: std::time::Duration) -> u64 {
        let rate = bytes as f64 / took.as_secs_f64().max(0.001);
        self.size_for((rate * REQUEST_TIME.as_secs_f64()) as u64).max(self.size_for(requested))
    }

    /// The request size used for a requested one: a whole number of units,
    /// at least one, at most the service's cap.
    pub fn size_for(&self, requested: u64) -> u64 {
        (requested / self.unit).clamp(1, self.max_units) * self.unit
    }
}

/// Everything the engine knows about one service.
#[derive(Debug, Clone, Copy)]
pub struct ServiceProfile {
    pub kind: ServiceKind,
    /// The command that logs in, for the command line's advice.
    pub login_command: &'static str,
    /// The environment variable that names the app's client id.
    pub client_id_var: &'static str,
    pub oauth: OAuthProfile,
    pub chunks: ChunkRule,
    pub hash: HashKind,
    /// The largest file the service stores.
    pub max_file_size: u64,
}
