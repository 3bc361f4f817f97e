//! One service's app registration joined with where that service lives and
//! what its profile says: the client id and secret, scopes, and the URLs of
//! its OAuth endpoints.

use crate::config::{ClientSecret, Config};
use crate::profile::{RedirectRule, ServiceProfile};
use crate::registration::RegistrationOrigin;
use crate::{Endpoints, Error, Result, ServiceKind};

#[derive(Debug, Clone)]
pub struct OAuthApp {
    pub service: ServiceKind,
    pub profile: &'static ServiceProfile,
    pub client_id: String,
    /// Whose registration it is (the user's, built in, the emulator's test id).
    pub origin: RegistrationOrigin,
    pub client_secret: Option<ClientSecret>,
    /// Microsoft's tenant (`common`, `consumers`, `organizations` or an id);
    /// empty for a service without tenants.
    pub tenant: String,
    /// Space-separated; empty when the app registration decides them (Dropbox).
    pub scopes: String,
    /// The loopback port of the browser login's redirect (0: any free port).
    pub redirect_port: u16,
    pub endpoints: Endpoints,
}

impl OAuthApp {
    /// Refuses plain-HTTP endpoints off this machine and a missing client id.
    pub fn new(service: ServiceKind, config: &Config, endpoints: &Endpoints) -> Result<Self> {
        endpoints.check_secure()?;
        let profile = crate::services::profile(service);
        let registration = config.registration(service, endpoints)?;
        let tenant = registration.tenant.as_str();
        if profile.oauth.uses_tenant
            && (tenant.is_empty() || !tenant.chars().all(|c| c.is_ascii_alphanumeric() || "-.".contains(c)))
        {
            return Err(Error::Config(format!(
                "'{tenant}' is not a Microsoft tenant (use common, consumers, organizations or a tenant id)"
            )));
        }
        let scopes = match service {
            ServiceKind::OneDrive => config.onedrive.scopes.as_str(),
            ServiceKind::Dropbox => profile.oauth.default_scopes,
        };
        let redirect_port = match profile.oauth.redirect {
            RedirectRule::AnyLoopbackPort => 0,
            RedirectRule::RegisteredPort => config.dropbox.redirect_port,
        };
        Ok(Self {
            service,
            profile,
            client_id: registration.client_id.clone(),
            origin: registration.origin,
            client_secret: config.client_secret(service).cloned(),
            tenant: tenant.to_owned(),
            scopes: scopes.split_whitespace().collect::<Vec<_>>().join(" "),
            redirect_port,
            endpoints: endpoints.clone(),
        })
    }

    pub fn authorize_url(&self) -> String {
        (self.profile.oauth.authorize_url)(&self.endpoints, &self.tenant)
    }

    pub fn token_url(&self) -> String {
        (self.profile.oauth.token_url)(&self.endpoints, &self.tenant)
    }

    /// The device authorization endpoint, when the service has the flow.
    pub fn device_code_url(&self) -> Option<String> {
        self.profile.oauth.device_code_url.map(|url| url(&self.endpoints, &self.tenant))
    }

    /// Where a logout revokes the login, when the service allows it.
    pub fn revoke_url(&self) -> Option<String> {
        self.profile.oauth.revoke_url.map(|url| url(&self.endpoints, &self.tenant))
    }

    /// The command that logs this service in again, for error messages.
    pub fn login_command(&self) -> &'static str {
        self.profile.login_command
    }
}
