//! What every command shares: the configuration, where the services live, the
//! chosen account, and an imported `.env`. Each service is reached through an
//! engine [`Session`].

use crate::args::Global;
use crate::exit::CliError;
use dkcloud_engine::auth::{Accounts, EnvFile};
use dkcloud_engine::config::{AppOverrides, Config};
use dkcloud_engine::{Endpoints, ServiceKind, Session};

pub(crate) struct Context {
    pub(crate) config: Config,
    pub(crate) endpoints: Endpoints,
    pub(crate) account: Option<String>,
    pub(crate) env_file: Option<EnvFile>,
    /// Progress bars allowed (a terminal, and not --no-progress).
    pub(crate) progress: bool,
    /// `-q`: only errors.
    pub(crate) quiet: bool,
}

impl Context {
    pub(crate) fn new(global: &Global) -> Result<Self, CliError> {
        let mut config = Config::from_env()?;
        let env_file = match &global.env_file {
            Some(path) => Some(EnvFile::read(path)?),
            None => None,
        };
        if let Some(env) = &env_file {
            // The .env's app registration is for OneDrive (OneDriveConnector's format),
            // unless the config or environment already names one.
            let app = AppOverrides { client_id: env.client_id.clone(), client_secret: env.client_secret.clone(), tenant: None };
            config.fill_app(ServiceKind::OneDrive, &app);
        }
        let endpoints = Endpoints::from_env();
        endpoints.check_secure()?;
        Ok(Self {
            config,
            endpoints,
            account: global.account.clone(),
            env_file,
            progress: progress_allowed(global),
            quiet: global.quiet,
        })
    }

    /// The same context with the config file read again (after `setup` wrote it).
    pub(crate) fn reload(&self) -> Result<Self, CliError> {
        let mut config = Config::load(&self.config.paths, &dkcloud_engine::config::EnvOverrides::from_env())?;
        config.login.token_store = self.config.login.token_store;
        Ok(Self {
            config,
            endpoints: self.endpoints.clone(),
            account: self.account.clone(),
            env_file: None,
            progress: self.progress,
            quiet: self.quiet,
        })
    }

    /// Everything pointed at an emulator, with accounts kept in `config_dir`
    /// (a file token store) so a demo never touches the user's real logins.
    pub(crate) fn for_emulator(base_url: &str, config_dir: &std::path::Path, global: &Global) -> Result<Self, CliError> {
        let paths = dkcloud_engine::config::Paths::new(config_dir);
        let mut config = Config::load(&paths, &dkcloud_engine::config::EnvOverrides::default())?;
        config.login.token_store = dkcloud_engine::config::StoreKind::File;
        let endpoints = Endpoints::emulator(base_url);
        Ok(Self { config, endpoints, account: None, env_file: None, progress: progress_allowed(global), quiet: global.quiet })
    }

    /// `service` as the chosen (or default) account; with an imported `.env`
    /// holding an access token and no saved login, that token (OneDrive only).
    pub(crate) fn session(&self, service: ServiceKind) -> Result<Session, CliError> {
        let fallback = match service {
            ServiceKind::OneDrive => self.env_file.as_ref().and_then(|env| env.access_token.clone()),
            ServiceKind::Dropbox => None,
        };
        Ok(Session::new(service, self.config.clone(), self.endpoints.clone())?
            .with_account(self.account.as_deref())
            .with_fallback_token(fallback))
    }

    pub(crate) fn accounts(&self) -> Accounts {
        Accounts::from_config(&self.config)
    }
}

fn progress_allowed(global: &Global) -> bool {
    !global.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr())
}
