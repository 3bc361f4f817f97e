//! `ExportSession`: one service and one account, as the export window sees it.

use crate::bridge::{AppRegistration, ErrorKind, LocalFile, LoginEvents, LoginStep, Service, UploadEvents, UploadOptions};
use crate::guard::{guarded, guarded_infallible};
use crate::job::UploadJob;
use crate::runtime::block_on;
use crate::{BridgeError, BridgeResult};
use cxx::SharedPtr;
use dkcloud_engine::accounts::Accounts;
use dkcloud_engine::auth::{BrowserLogin, Credentials, Login, LoginOutcome, OAuthApp, PasteLogin, StaticToken, SystemBrowser, TokenProvider, UrlOpener as _};
use dkcloud_engine::upload::ConflictPolicy;
use dkcloud_engine::config::{Config, EnvOverrides};
use dkcloud_engine::http::{Http, HttpOptions};
use dkcloud_engine::remote::{list_all, normalize, Remote};
use dkcloud_engine::{Endpoints, ServiceKind};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// Folders deeper than this are not listed in the album combo.
const FOLDER_DEPTH: usize = 3;
/// Nor more than this many in all: a big drive must not stall the dialog.
const FOLDER_LIMIT: usize = 500;

pub struct ExportSession {
    service: ServiceKind,
    config: Config,
    endpoints: Endpoints,
    http: Http,
    /// Id, email or name of the chosen account; `None`: the default one.
    account: Mutex<Option<String>>,
    remote: tokio::sync::Mutex<Option<Arc<dyn Remote>>>,
    login_cancel: Mutex<CancellationToken>,
    /// A login waiting for the code the user pastes.
    paste: Mutex<Option<PasteLogin>>,
}

pub(crate) fn service_kind(service: Service) -> BridgeResult<ServiceKind> {
    match service {
        Service::OneDrive => Ok(ServiceKind::OneDrive),
        Service::Dropbox => Ok(ServiceKind::Dropbox),
        _ => Err(BridgeError::invalid("unknown service")),
    }
}

/// config.toml, then the dialog's registration, then `DKCLOUD_*` variables.
fn config_with(service: ServiceKind, registration: &AppRegistration) -> BridgeResult<Config> {
    let mut config = Config::from_env()?;
    let env = EnvOverrides::from_env();
    let given = |s: &String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    match service {
        ServiceKind::OneDrive => {
            if env.onedrive_client_id.is_none() {
                if let Some(id) = given(&registration.client_id) {
                    config.onedrive.client_id = Some(id);
                }
            }
            if env.onedrive_tenant.is_none() {
                if let Some(tenant) = given(&registration.tenant) {
                    config.onedrive.tenant = tenant;
                }
            }
        }
        ServiceKind::Dropbox => {
            if env.dropbox_client_id.is_none() {
                if let Some(id) = given(&registration.client_id) {
                    config.dropbox.client_id = Some(id);
                }
            }
        }
    }
    Ok(config)
}

pub fn open_session(service: Service, registration: &AppRegistration, account: &str) -> BridgeResult<Box<ExportSession>> {
    guarded("openSession", || {
        let service = service_kind(service)?;
        let config = config_with(service, registration)?;
        let endpoints = Endpoints::from_env();
        endpoints.check_secure()?;
        let http = Http::new(&HttpOptions::default())?;
        let account = Some(account.trim().to_owned()).filter(|a| !a.is_empty());
        Ok(Box::new(ExportSession {
            service,
            config,
            endpoints,
            http,
            account: Mutex::new(account),
            remote: tokio::sync::Mutex::new(None),
            login_cancel: Mutex::new(CancellationToken::new()),
            paste: Mutex::new(None),
        }))
    })
}

pub fn accounts(service: Service) -> BridgeResult<Vec<String>> {
    guarded("accounts", || {
        let service = service_kind(service)?;
        let config = Config::from_env()?;
        let accounts = Accounts::from_config(&config);
        let usable = block_on(accounts.with_tokens(service))??;
        Ok(usable.into_iter().map(|a| account_label(&a.display_name, a.email.as_deref())).collect())
    })
}

fn account_label(name: &str, email: Option<&str>) -> String {
    match email {
        Some(e) if !e.is_empty() && e != name => e.to_owned(),
        _ => name.to_owned(),
    }
}

impl ExportSession {
    /// The service as this session's account. Talking to the emulator,
    /// `DKCLOUD_STATIC_TOKEN` stands in for a login (tests); real services
    /// never see it.
    async fn remote(&self) -> BridgeResult<Arc<dyn Remote>> {
        let mut cached = self.remote.lock().await;
        if let Some(remote) = cached.as_ref() {
            return Ok(remote.clone());
        }
        let static_token = std::env::var("DKCLOUD_STATIC_TOKEN").ok().filter(|t| !t.is_empty() && self.endpoints.emulator);
        let tokens: Arc<dyn TokenProvider> = match static_token {
            Some(token) => Arc::new(StaticToken::new(self.service, token)),
            None => {
                let account = self.account.lock().map(|a| a.clone()).unwrap_or(None);
                Credentials::load(self.service, account.as_deref(), &self.config, &self.endpoints, self.http.client.clone())
                    .await?
            }
        };
        let remote = dkcloud_engine::remote::connect(self.service, &self.http, &self.endpoints, tokens);
        *cached = Some(remote.clone());
        Ok(remote)
    }

    pub fn login(&self, events: SharedPtr<LoginEvents>) -> BridgeResult<LoginStep> {
        guarded("login", || {
            if events.is_null() {
                return Err(BridgeError::invalid("login needs somewhere to show the sign-in page"));
            }
            let cancel = CancellationToken::new();
            if let Ok(mut slot) = self.login_cancel.lock() {
                *slot = cancel.clone();
            }
            let app = OAuthApp::new(self.service, &self.config, &self.endpoints)?;
            let login = Login::new(self.http.client.clone(), app, self.config.login_timeout()).with_cancel(cancel);
            let opener = move |url: &str| -> dkcloud_engine::Result<()> {
                let opened = SystemBrowser::default().open(url);
                if let Err(e) = &opened {
                    eprintln!("dkcloud: no browser could be started: {e}");
                }
                events.page_opened(url, opened.is_ok());
                Ok(())
            };
            match block_on(login.with_browser(&opener))?? {
                BrowserLogin::SignedIn(outcome) => {
                    let account = self.save_login(&outcome)?;
                    Ok(LoginStep { signed_in: true, account, paste_instructions: String::new() })
                }
                BrowserLogin::PasteCode(paste) => {
                    let paste_instructions = paste.instructions().to_owned();
                    *self.paste.lock().unwrap_or_else(|p| p.into_inner()) = Some(paste);
                    Ok(LoginStep { signed_in: false, account: String::new(), paste_instructions })
                }
            }
        })
    }

    pub fn finish_login(&self, pasted: &str) -> BridgeResult<String> {
        guarded("finishLogin", || {
            let Some(paste) = self.paste.lock().unwrap_or_else(|p| p.into_inner()).take() else {
                return Err(BridgeError::new(ErrorKind::LoginFailed, "no login is waiting for a code; log in again"));
            };
            let outcome = block_on(paste.finish(pasted))??;
            self.save_login(&outcome)
        })
    }

    /// Stores a finished login and makes it this session's account.
    fn save_login(&self, outcome: &LoginOutcome) -> BridgeResult<String> {
        let account = block_on(Accounts::from_config(&self.config).add(outcome))??;
        if let Ok(mut chosen) = self.account.lock() {
            *chosen = Some(account.id.clone());
        }
        *self.remote.blocking_lock() = None;
        Ok(account_label(&account.display_name, account.email.as_deref()))
    }

    pub fn logout(&self) -> BridgeResult<String> {
        guarded("logout", || {
            let accounts = Accounts::from_config(&self.config);
            let wanted = self.account.lock().map(|a| a.clone()).unwrap_or(None);
            let account = accounts.find(self.service, wanted.as_deref())?;
            let app = OAuthApp::new(self.service, &self.config, &self.endpoints)?;
            block_on(dkcloud_engine::auth::logout(&self.http.client, &app, &accounts, &account))??;
            if let Ok(mut chosen) = self.account.lock() {
                *chosen = None;
            }
            *self.remote.blocking_lock() = None;
            Ok(account_label(&account.display_name, account.email.as_deref()))
        })
    }

    pub fn cancel_login(&self) {
        guarded_infallible("cancelLogin", || {
            if let Ok(token) = self.login_cancel.lock() {
                token.cancel();
            }
        })
    }

    pub fn account_name(&self) -> BridgeResult<String> {
        guarded("accountName", || {
            block_on(async {
                let remote = self.remote().await?;
                let account = remote.account(&CancellationToken::new()).await?;
                Ok(account_label(&account.name, account.email.as_deref()))
            })?
        })
    }

    pub fn list_folders(&self) -> BridgeResult<Vec<String>> {
        guarded("listFolders", || {
            block_on(async {
                let remote = self.remote().await?;
                let cancel = CancellationToken::new();
                let mut found = vec!["/".to_owned()];
                let mut level = vec!["/".to_owned()];
                for _ in 0..FOLDER_DEPTH {
                    let mut next = Vec::new();
                    for parent in &level {
                        for entry in list_all(remote.as_ref(), parent, &cancel).await? {
                            if entry.is_folder && found.len() < FOLDER_LIMIT {
                                let path = dkcloud_engine::remote::join(parent, &entry.name);
                                found.push(path.clone());
                                next.push(path);
                            }
                        }
                    }
                    if next.is_empty() || found.len() >= FOLDER_LIMIT {
                        break;
                    }
                    level = next;
                }
                found.sort_by_key(|p| p.to_lowercase());
                Ok(found)
            })?
        })
    }

    pub fn create_folder(&self, path: &str) -> BridgeResult<String> {
        guarded("createFolder", || {
            let path = normalize(path);
            if path == "/" {
                return Err(BridgeError::invalid("give the new album a name"));
            }
            block_on(async {
                let remote = self.remote().await?;
                remote.create_folder(&path, &CancellationToken::new()).await?;
                Ok(path)
            })?
        })
    }

    pub fn start_upload(
        &self,
        files: &[LocalFile],
        folder: &str,
        options: &UploadOptions,
        conflict: &str,
        events: SharedPtr<UploadEvents>,
    ) -> BridgeResult<Box<UploadJob>> {
        guarded("startUpload", || {
            if events.is_null() {
                return Err(BridgeError::invalid("an upload needs somewhere to report to"));
            }
            if files.is_empty() {
                return Err(BridgeError::invalid("there are no photos to upload"));
            }
            let conflict: ConflictPolicy = conflict.parse().map_err(BridgeError::invalid)?;
            if conflict == ConflictPolicy::Fail {
                return Err(BridgeError::invalid("the dialog offers replace, rename or skip"));
            }
            let mut options = engine_options(options)?;
            options.conflict = conflict;
            let remote = block_on(self.remote())??;
            let paths = files.iter().map(|f| crate::job::path_from_bytes(&f.path)).collect();
            UploadJob::start(remote, paths, normalize(folder), options, events)
        })
    }
}

/// The dialog's options as the engine takes them: "Upload original" (or no
/// resize) sends files untouched; "Resize" re-encodes photos as JPEG.
fn engine_options(options: &UploadOptions) -> BridgeResult<dkcloud_engine::upload::UploadOptions> {
    let prepare = if options.upload_original || !options.resize {
        None
    } else {
        if !(1..=100).contains(&options.jpeg_quality) {
            return Err(BridgeError::invalid(format!("JPEG quality must be 1 to 100, not {}", options.jpeg_quality)));
        }
        if options.max_dimension == 0 {
            return Err(BridgeError::invalid("the maximum dimension must be at least 1 pixel"));
        }
        Some(dkcloud_engine::upload::PrepareOptions {
            resize: Some(options.max_dimension),
            quality: options.jpeg_quality as u8,
            original: false,
            strip_location: false,
        })
    };
    Ok(dkcloud_engine::upload::UploadOptions { prepare, ..Default::default() })
}
