//! What every command needs: configuration, endpoints, the HTTP client, and
//! a way to reach a service as a logged-in account.

use crate::args::Global;
use crate::exit::CliError;
use dkcloud_engine::auth::{Credentials, EnvFile, StaticToken, TokenProvider};
use dkcloud_engine::config::Config;
use dkcloud_engine::http::{Http, HttpOptions};
use dkcloud_engine::remote::Remote;
use dkcloud_engine::{Endpoints, ServiceKind};
use std::sync::Arc;

pub struct Context {
    pub config: Config,
    pub endpoints: Endpoints,
    pub http: Http,
    pub account: Option<String>,
    pub env_file: Option<EnvFile>,
    /// Progress bars allowed (a terminal, and not --no-progress).
    pub progress: bool,
}

impl Context {
    pub fn new(global: &Global) -> Result<Self, CliError> {
        let mut config = Config::from_env()?;
        let env_file = match &global.env_file {
            Some(path) => Some(EnvFile::read(path)?),
            None => None,
        };
        if let Some(env) = &env_file {
            // The .env's app registration is for OneDrive (OneDriveConnector's format),
            // unless the config or environment already names one.
            if config.onedrive.client_id.is_none() {
                config.onedrive.client_id.clone_from(&env.client_id);
            }
            if config.onedrive.client_secret.is_none() {
                config.onedrive.client_secret.clone_from(&env.client_secret);
            }
        }
        let endpoints = Endpoints::from_env();
        endpoints.check_secure()?;
        let http = Http::new(&HttpOptions::default())?;
        let progress = !global.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr());
        Ok(Self { config, endpoints, http, account: global.account.clone(), env_file, progress })
    }

    /// The service as the chosen (or default) account; with an imported `.env`
    /// holding tokens and no saved login, those tokens.
    pub async fn remote(&self, service: ServiceKind) -> Result<Arc<dyn Remote>, CliError> {
        let tokens: Arc<dyn TokenProvider> = match Credentials::load(
            service,
            self.account.as_deref(),
            &self.config,
            &self.endpoints,
            self.http.client.clone(),
        )
        .await
        {
            Ok(creds) => creds,
            Err(e) => match self.env_file.as_ref().and_then(|env| env.access_token.clone()) {
                Some(token) if service == ServiceKind::OneDrive => Arc::new(StaticToken::new(service, token)),
                _ => return Err(e.into()),
            },
        };
        Ok(self.remote_with(service, tokens))
    }

    pub fn remote_with(&self, service: ServiceKind, tokens: Arc<dyn TokenProvider>) -> Arc<dyn Remote> {
        dkcloud_engine::remote::connect(service, &self.http, &self.endpoints, tokens)
    }
}

impl Context {
    /// Everything pointed at an emulator, with accounts kept in `config_dir`
    /// (a file token store) so a demo never touches the user's real logins.
    pub fn for_emulator(base_url: &str, config_dir: &std::path::Path, global: &Global) -> Result<Self, CliError> {
        let paths = dkcloud_engine::config::Paths::new(config_dir);
        let mut config = Config::load(&paths, &dkcloud_engine::config::EnvOverrides::default())?;
        config.login.token_store = dkcloud_engine::auth::StoreKind::File;
        let endpoints = Endpoints::emulator(base_url);
        let http = Http::new(&HttpOptions::default())?;
        let progress = !global.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr());
        Ok(Self { config, endpoints, http, account: None, env_file: None, progress })
    }
}
