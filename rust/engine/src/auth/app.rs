//! One service's app registration joined with where that service lives: the
//! client id and secret, scopes, and the URLs of its OAuth endpoints.

use crate::config::{ClientSecret, Config};
use crate::{Endpoints, Error, Result, ServiceKind};

#[derive(Debug, Clone)]
pub struct OAuthApp {
    pub service: ServiceKind,
    pub client_id: String,
    pub client_secret: Option<ClientSecret>,
    /// Microsoft's tenant (`common`, `consumers`, `organizations` or an id).
    pub tenant: String,
    /// Space-separated; empty for Dropbox, whose scopes come from the app registration.
    pub scopes: String,
    /// Dropbox's fixed loopback port (0: any free port, emulator only).
    pub redirect_port: u16,
    pub endpoints: Endpoints,
}

impl OAuthApp {
    /// Refuses plain-HTTP endpoints off this machine and a missing client id.
    pub fn new(service: ServiceKind, config: &Config, endpoints: &Endpoints) -> Result<Self> {
        endpoints.check_secure()?;
        let tenant = config.onedrive.tenant.trim();
        if service == ServiceKind::OneDrive
            && (tenant.is_empty() || !tenant.chars().all(|c| c.is_ascii_alphanumeric() || "-.".contains(c)))
        {
            return Err(Error::Config(format!(
                "'{tenant}' is not a Microsoft tenant (use common, consumers, organizations or a tenant id)"
            )));
        }
        Ok(Self {
            service,
            client_id: config.client_id(service, endpoints)?,
            client_secret: config.client_secret(service).cloned(),
            tenant: tenant.to_owned(),
            scopes: match service {
                ServiceKind::OneDrive => config.onedrive.scopes.split_whitespace().collect::<Vec<_>>().join(" "),
                ServiceKind::Dropbox => String::new(),
            },
            redirect_port: config.dropbox.redirect_port,
            endpoints: endpoints.clone(),
        })
    }

    fn microsoft(&self, leaf: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{leaf}", self.endpoints.microsoft_login, self.tenant)
    }

    pub fn authorize_url(&self) -> String {
        match self.service {
            ServiceKind::OneDrive => self.microsoft("authorize"),
            ServiceKind::Dropbox => format!("{}/oauth2/authorize", self.endpoints.dropbox_www),
        }
    }

    pub fn token_url(&self) -> String {
        match self.service {
            ServiceKind::OneDrive => self.microsoft("token"),
            ServiceKind::Dropbox => format!("{}/oauth2/token", self.endpoints.dropbox_api),
        }
    }

    /// Microsoft's device authorization endpoint (Dropbox has none).
    pub fn device_code_url(&self) -> Option<String> {
        (self.service == ServiceKind::OneDrive).then(|| self.microsoft("devicecode"))
    }

    /// The command that logs this service in again, for error messages.
    pub fn login_command(&self) -> String {
        login_command(self.service)
    }
}

pub(crate) fn login_command(service: ServiceKind) -> String {
    match service {
        ServiceKind::OneDrive => "dkcloud login onedrive".into(),
        ServiceKind::Dropbox => "dkcloud login dropbox".into(),
    }
}
