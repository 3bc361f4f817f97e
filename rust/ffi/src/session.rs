//! `ExportSession`: the engine's [`Session`] for the export window; each call
//! converts its arguments, forwards, and converts the answer.

use crate::bridge::{AppRegistration, LocalFile, LoginEvents, LoginStep, Service, UploadEvents, UploadOptions};
use crate::guard::{guarded, guarded_infallible};
use crate::job::{path_from_bytes, UploadJob};
use crate::runtime::block_on;
use crate::{BridgeError, BridgeResult};
use cxx::SharedPtr;
use dkcloud_engine::auth::{Account, SystemBrowser, UrlOpener};
use dkcloud_engine::config::AppOverrides;
use dkcloud_engine::upload::{ConflictPolicy, JobOrigin};
use dkcloud_engine::{ServiceKind, Session, TreeLimits};
use std::sync::Mutex;
use tokio_util::sync::CancellationToken;

pub struct ExportSession {
    pub(crate) session: Session,
    login_cancel: Mutex<CancellationToken>,
}

pub(crate) fn service_kind(service: Service) -> BridgeResult<ServiceKind> {
    match service {
        Service::OneDrive => Ok(ServiceKind::OneDrive),
        Service::Dropbox => Ok(ServiceKind::Dropbox),
        _ => Err(BridgeError::invalid("unknown service")),
    }
}

fn overrides(registration: &AppRegistration) -> AppOverrides {
    AppOverrides {
        client_id: Some(registration.client_id.clone()),
        client_secret: None,
        tenant: Some(registration.tenant.clone()),
    }
}

/// What the account combo shows: the email, else the name.
fn label(account: &Account) -> String {
    account.short_label()
}

pub fn open_session(service: Service, registration: &AppRegistration, account: &str) -> BridgeResult<Box<ExportSession>> {
    guarded("openSession", || {
        let session = Session::from_env(service_kind(service)?, &overrides(registration))?.with_account(Some(account));
        Ok(Box::new(ExportSession { session, login_cancel: Mutex::new(CancellationToken::new()) }))
    })
}

pub fn accounts(service: Service) -> BridgeResult<Vec<String>> {
    guarded("accounts", || {
        let session = Session::from_env(service_kind(service)?, &AppOverrides::default())?;
        let usable = block_on(session.usable_accounts())??;
        Ok(usable.iter().map(label).collect())
    })
}

/// The engine's browser launcher, telling the dialog what it opened.
struct TellingBrowser(SharedPtr<LoginEvents>);

impl UrlOpener for TellingBrowser {
    fn open(&self, url: &str) -> dkcloud_engine::Result<()> {
        let opened = SystemBrowser::default().open(url);
        if let Err(e) = &opened {
            eprintln!("dkcloud: no browser could be started: {e}");
        }
        self.0.page_opened(url, opened.is_ok());
        Ok(())
    }
}

impl ExportSession {
    pub fn login(&self, events: SharedPtr<LoginEvents>) -> BridgeResult<LoginStep> {
        guarded("login", || {
            if events.is_null() {
                return Err(BridgeError::invalid("login needs somewhere to show the sign-in page"));
            }
            let cancel = CancellationToken::new();
            *self.login_cancel.lock().unwrap_or_else(|p| p.into_inner()) = cancel.clone();
            let browser = TellingBrowser(events);
            Ok(match block_on(self.session.login_in_browser(&browser, cancel))?? {
                dkcloud_engine::LoginStep::SignedIn(account) => {
                    LoginStep { signed_in: true, account: label(&account), paste_instructions: String::new() }
                }
                dkcloud_engine::LoginStep::PasteCode { instructions, .. } => {
                    LoginStep { signed_in: false, account: String::new(), paste_instructions: instructions }
                }
            })
        })
    }

    pub fn finish_login(&self, pasted: &str) -> BridgeResult<String> {
        guarded("finishLogin", || Ok(label(&block_on(self.session.finish_paste(pasted))??)))
    }

    pub fn logout(&self) -> BridgeResult<String> {
        guarded("logout", || Ok(label(&block_on(self.session.logout())??.account)))
    }

    pub fn cancel_login(&self) {
        guarded_infallible("cancelLogin", || self.login_cancel.lock().unwrap_or_else(|p| p.into_inner()).cancel())
    }

    pub fn account_name(&self) -> BridgeResult<String> {
        guarded("accountName", || {
            let who = block_on(self.session.whoami(&CancellationToken::new()))??;
            Ok(who.short_label())
        })
    }

    pub fn list_folders(&self) -> BridgeResult<Vec<String>> {
        guarded("listFolders", || {
            Ok(block_on(self.session.folder_tree(TreeLimits::default(), &CancellationToken::new()))??)
        })
    }

    pub fn create_folder(&self, path: &str) -> BridgeResult<String> {
        guarded("createFolder", || Ok(block_on(self.session.create_folder(path, &CancellationToken::new()))??.0))
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
            let paths: Vec<_> = files.iter().map(|f| path_from_bytes(&f.path)).collect();
            let options = dkcloud_engine::upload::UploadOptions {
                prepare: prepare_options(options)?,
                conflict: conflict.parse::<ConflictPolicy>().map_err(BridgeError::invalid)?,
                origin: JobOrigin { started_by: started_by(&options.started_by), account: None },
                ..Default::default()
            };
            let job = block_on(self.session.upload_job(paths.clone(), folder, options))??;
            UploadJob::start(job, paths, events)
        })
    }
}

/// The host's name for a job's record; `plugin` when the dialog did not say.
fn started_by(host: &str) -> String {
    match host.trim() {
        "" => "plugin".to_owned(),
        named => named.to_lowercase(),
    }
}

/// "Upload original" (or no resize) sends files untouched; "Resize"
/// re-encodes photos as JPEG.
fn prepare_options(options: &UploadOptions) -> BridgeResult<Option<dkcloud_engine::upload::PrepareOptions>> {
    if options.upload_original || !options.resize {
        return Ok(None);
    }
    Ok(Some(dkcloud_engine::upload::resized_photos(options.max_dimension, options.jpeg_quality)?))
}
