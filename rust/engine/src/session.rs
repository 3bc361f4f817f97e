//! [`Session`]: one service and one account, as a front end sees it. The
//! command line, its demo and the plugin's bridge all go through it: it opens
//! the service from configuration plus the front end's overrides, runs each
//! login flow and saves the result, lists and creates folders, and prepares
//! upload jobs. Front ends only present what it returns.

use crate::auth::{
    Account, Accounts, BrowserLogin, Credentials, DeviceCodePrompt, Login, LoginOutcome, LogoutReport, OAuthApp,
    PasteLogin, UrlOpener,
};
use crate::config::{AppOverrides, Config, EnvOverrides, Paths};
use crate::http::{Http, HttpOptions};
use crate::remote::{join, list_all, normalize, Folder, Remote, RemoteEntry};
use crate::sharing::{LinkRequest, SharedLink};
use crate::token::{StaticToken, TokenProvider};
use crate::upload::{AccountRef, UploadJob, UploadOptions};
use crate::{Endpoints, Error, Result, ServiceKind};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// How far [`Session::folder_tree`] looks: a big drive must not stall a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeLimits {
    /// Levels below the root.
    pub depth: usize,
    /// Folders in all, the root included.
    pub folders: usize,
}

impl Default for TreeLimits {
    fn default() -> Self {
        Self { depth: 3, folders: 500 }
    }
}

/// How a browser login went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginStep {
    /// Logged in and saved; now the session's account.
    SignedIn(Account),
    /// The loopback redirect could not be used: the browser shows a code (or
    /// an address) to paste into [`Session::finish_paste`].
    PasteCode { url: String, instructions: String },
}

/// One service and account.
pub struct Session {
    service: ServiceKind,
    config: Config,
    endpoints: Endpoints,
    http: Http,
    /// Id, email or name of the chosen account; `None`: the default one.
    account: Mutex<Option<String>>,
    /// A token to use when no login is saved (an imported `.env`'s).
    fallback_token: Option<String>,
    remote: tokio::sync::Mutex<Option<Arc<dyn Remote>>>,
    /// A login waiting for the code the user pastes.
    paste: Mutex<Option<PasteLogin>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("service", &self.service).field("account", &self.chosen()).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Session {
    /// `service` as configured by `config`, at `endpoints` (refused when an
    /// endpoint off this machine is not HTTPS).
    pub fn new(service: ServiceKind, config: Config, endpoints: Endpoints) -> Result<Self> {
        endpoints.check_secure()?;
        let http = Http::new(&HttpOptions::default())?;
        Ok(Self {
            service,
            config,
            endpoints,
            http,
            account: Mutex::new(None),
            fallback_token: None,
            remote: tokio::sync::Mutex::new(None),
            paste: Mutex::new(None),
        })
    }

    /// `service` as config.toml and the `DKCLOUD_*` variables configure it,
    /// with a front end's app registration on top (see
    /// [`Config::override_app`]), at the endpoints `DKCLOUD_EMULATOR` names
    /// (the real services when unset).
    pub fn from_env(service: ServiceKind, app: &AppOverrides) -> Result<Self> {
        let env = EnvOverrides::from_env();
        let mut config = Config::load(&Paths::from_env()?, &env)?;
        config.override_app(service, app, &env);
        Self::new(service, config, Endpoints::from_env())
    }

    /// Uses the account named by `wanted` (its id, email or display name);
    /// `None` or empty: the service's default account.
    pub fn with_account(self, wanted: Option<&str>) -> Self {
        *lock(&self.account) = wanted.map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned);
        self
    }

    /// A token to act with when no login is saved; it cannot be refreshed.
    pub fn with_fallback_token(mut self, token: Option<String>) -> Self {
        self.fallback_token = token.filter(|t| !t.is_empty());
        self
    }

    pub fn service(&self) -> ServiceKind {
        self.service
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    pub fn accounts(&self) -> Accounts {
        Accounts::from_config(&self.config)
    }

    fn chosen(&self) -> Option<String> {
        lock(&self.account).clone()
    }

    /// The service's saved logins whose tokens are still in their store.
    pub async fn usable_accounts(&self) -> Result<Vec<Account>> {
        self.accounts().with_tokens(self.service).await
    }

    /// The saved account this session acts as.
    pub fn account(&self) -> Result<Account> {
        self.accounts().find(self.service, self.chosen().as_deref())
    }

    fn app(&self) -> Result<OAuthApp> {
        OAuthApp::new(self.service, &self.config, &self.endpoints)
    }

    fn login(&self, cancel: CancellationToken) -> Result<Login> {
        let another = self.accounts().list()?.iter().any(|a| a.service == self.service);
        Ok(Login::new(self.http.client.clone(), self.app()?, self.config.login_timeout())
            .with_cancel(cancel)
            .adding_another_account(another))
    }

    /// Saves a finished login and makes it this session's account.
    async fn save(&self, outcome: &LoginOutcome) -> Result<Account> {
        let account = self.accounts().add(outcome).await?;
        *lock(&self.account) = Some(account.id.clone());
        *self.remote.lock().await = None;
        Ok(account)
    }

    /// The browser login: `opener` shows the sign-in page, the loopback
    /// listener waits for the redirect. Cancelling `cancel` ends the wait.
    pub async fn login_in_browser(&self, opener: &dyn UrlOpener, cancel: CancellationToken) -> Result<LoginStep> {
        match self.login(cancel)?.with_browser(opener).await? {
            BrowserLogin::SignedIn(outcome) => Ok(LoginStep::SignedIn(self.save(&outcome).await?)),
            BrowserLogin::PasteCode(paste) => Ok(self.wait_for_paste(*paste)),
        }
    }

    /// Checks the app registration with the service before any sign-in:
    /// `Ok` when the service knows nothing wrong with it (see
    /// `auth::preflight` for what each service can tell).
    pub async fn check_registration(&self) -> Result<()> {
        self.login(CancellationToken::new())?.check_registration().await
    }

    /// Where the app registration in use comes from (the user's own, built
    /// in, the emulator's test id); an error when there is none.
    pub fn registration(&self) -> Result<crate::config::Registration> {
        self.config.registration(self.service, &self.endpoints)
    }

    /// A login without the loopback redirect: the caller shows `url`, the
    /// user pastes what the browser ends on into [`Session::finish_paste`].
    pub async fn start_paste(&self) -> Result<LoginStep> {
        let paste = self.login(CancellationToken::new())?.start_paste().await?;
        Ok(self.wait_for_paste(paste))
    }

    fn wait_for_paste(&self, paste: PasteLogin) -> LoginStep {
        let step = LoginStep::PasteCode { url: paste.url().to_owned(), instructions: paste.instructions().to_owned() };
        *lock(&self.paste) = Some(paste);
        step
    }

    /// Completes the login waiting for a pasted code or address.
    pub async fn finish_paste(&self, pasted: &str) -> Result<Account> {
        let Some(paste) = lock(&self.paste).take() else {
            return Err(Error::Auth {
                service: self.service,
                message: "no login is waiting for a code; log in again".into(),
            });
        };
        let outcome = paste.finish(pasted).await?;
        self.save(&outcome).await
    }

    /// The device code login (services that offer it); `on_prompt` tells the
    /// user where to go and what to type.
    pub async fn login_with_device_code(&self, on_prompt: impl FnOnce(&DeviceCodePrompt)) -> Result<Account> {
        let outcome = self.login(CancellationToken::new())?.device_code(on_prompt).await?;
        self.save(&outcome).await
    }

    /// A login from a refresh token obtained elsewhere (an imported `.env`).
    pub async fn login_with_refresh_token(&self, refresh_token: &str) -> Result<Account> {
        let outcome = self.login(CancellationToken::new())?.from_refresh_token(refresh_token).await?;
        self.save(&outcome).await
    }

    /// Logs this session's account out (see [`Session::logout_account`]).
    pub async fn logout(&self) -> Result<LogoutReport> {
        let account = self.account()?;
        self.logout_account(&account).await
    }

    /// Deletes `account`'s tokens, revoking them where the service allows.
    pub async fn logout_account(&self, account: &Account) -> Result<LogoutReport> {
        let report = crate::auth::logout(&self.http.client, &self.app()?, &self.accounts(), account).await?;
        if self.chosen().is_some_and(|c| c == account.id) {
            *lock(&self.account) = None;
        }
        *self.remote.lock().await = None;
        Ok(report)
    }

    /// The service, acting as this session's account.
    pub async fn remote(&self) -> Result<Arc<dyn Remote>> {
        let mut cached = self.remote.lock().await;
        if let Some(remote) = cached.as_ref() {
            return Ok(remote.clone());
        }
        let tokens: Arc<dyn TokenProvider> = match self.credentials().await {
            Ok(credentials) => credentials,
            Err(e) => match &self.fallback_token {
                Some(token) => Arc::new(StaticToken::new(self.service, token.clone())),
                None => return Err(e),
            },
        };
        let remote = crate::services::connect(
            self.service,
            &self.http,
            &self.endpoints,
            self.config.dropbox.app_folder.as_deref(),
            tokens,
        );
        *cached = Some(remote.clone());
        Ok(remote)
    }

    async fn credentials(&self) -> Result<Arc<Credentials>> {
        let app = self.app()?;
        let accounts = self.accounts();
        let account = accounts.find(self.service, self.chosen().as_deref())?;
        let tokens = accounts.load_tokens(&account).await?;
        Ok(Arc::new(Credentials::new(self.http.client.clone(), app, accounts, account, tokens)))
    }

    /// Who the service says this account is.
    pub async fn whoami(&self, cancel: &CancellationToken) -> Result<crate::remote::Account> {
        self.remote().await?.account(cancel).await
    }

    /// Every entry of a folder.
    pub async fn list(&self, path: &str, cancel: &CancellationToken) -> Result<Vec<RemoteEntry>> {
        list_all(self.remote().await?.as_ref(), &normalize(path), cancel).await
    }

    /// What is at `path` on the service now (`None`: nothing).
    pub async fn entry(&self, path: &str, cancel: &CancellationToken) -> Result<Option<RemoteEntry>> {
        self.remote().await?.resolve(&normalize(path), cancel).await
    }

    /// Whether `path` is a folder on the service now (false: missing, or a file).
    pub async fn folder_exists(&self, path: &str, cancel: &CancellationToken) -> Result<bool> {
        let entry = self.remote().await?.resolve(&normalize(path), cancel).await?;
        Ok(entry.is_some_and(|e| e.is_folder))
    }

    /// Folder paths (`/`, `/Photos`, `/Photos/2024`...) within `limits`,
    /// sorted without regard to case.
    pub async fn folder_tree(&self, limits: TreeLimits, cancel: &CancellationToken) -> Result<Vec<String>> {
        let remote = self.remote().await?;
        let mut found = vec!["/".to_owned()];
        let mut level = vec!["/".to_owned()];
        for _ in 0..limits.depth {
            let mut next = Vec::new();
            for parent in &level {
                for entry in list_all(remote.as_ref(), parent, cancel).await? {
                    if entry.is_folder && found.len() < limits.folders {
                        let path = join(parent, &entry.name);
                        found.push(path.clone());
                        next.push(path);
                    }
                }
            }
            if next.is_empty() || found.len() >= limits.folders {
                break;
            }
            level = next;
        }
        found.sort_by_key(|p| p.to_lowercase());
        Ok(found)
    }

    /// Creates a folder and its missing parents; `path` is normalised first
    /// and the root is refused (it always exists).
    pub async fn create_folder(&self, path: &str, cancel: &CancellationToken) -> Result<(String, Folder)> {
        let path = normalize(path);
        if path == "/" {
            return Err(Error::InvalidInput("give the new folder a name".into()));
        }
        let folder = self.remote().await?.create_folder(&path, cancel).await?;
        Ok((path, folder))
    }

    /// A link to the file or folder at `path` that works without signing in
    /// (see [`SharedLink::unmet`] for a reused link's own settings). An expiry
    /// in the past or an empty password is refused before anything is sent.
    pub async fn share_link(&self, path: &str, request: &LinkRequest, cancel: &CancellationToken) -> Result<SharedLink> {
        crate::sharing::check(request)?;
        self.remote().await?.share_link(&normalize(path), request, cancel).await
    }

    /// An upload of `sources` (files or folders) into `destination`, ready to run.
    /// Its record names this session's account unless `options.origin` does.
    pub async fn upload_job(
        &self,
        sources: Vec<PathBuf>,
        destination: &str,
        mut options: UploadOptions,
    ) -> Result<UploadJob> {
        if sources.is_empty() {
            return Err(Error::InvalidInput("there is nothing to upload".into()));
        }
        let remote = self.remote().await?;
        if options.origin.account.is_none() {
            let account = self.account().ok();
            options.origin.account = account.map(|a| AccountRef { id: a.id, name: a.display_name, email: a.email });
        }
        Ok(UploadJob { remote, sources, destination: normalize(destination), options })
    }
}
