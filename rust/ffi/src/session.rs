//! `ExportSession`: the engine's [`Session`] for the export window; each call
//! converts its arguments, forwards, and converts the answer.

use crate::bridge::{
    AppRegistration, LocalFile, LoginEvents, LoginStep, Service, ShareLink, UploadEvents, UploadOptions,
};
use crate::guard::{guarded, guarded_infallible};
use crate::job::{path_from_bytes, UploadJob};
use crate::runtime::block_on;
use crate::{BridgeError, BridgeResult};
use cxx::SharedPtr;
use dkcloud_engine::auth::{Account, SystemBrowser, UrlOpener};
use dkcloud_engine::config::AppOverrides;
use dkcloud_engine::sharing::{LinkAccess, LinkRequest};
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

/// Limits every upload of this process (the running ones too) to
/// `kib_per_second` KiB/s; 0 lifts the limit.
pub fn set_upload_limit(kib_per_second: u32) {
    guarded_infallible("setUploadLimit", || {
        let table = (kib_per_second > 0).then(|| dkcloud_engine::BandwidthTable::constant(u64::from(kib_per_second) * 1024));
        dkcloud_engine::limit_uploads(table);
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

    pub fn check_registration(&self) -> BridgeResult<()> {
        guarded("checkRegistration", || Ok(block_on(self.session.check_registration())??))
    }

    pub fn registration_origin(&self) -> String {
        guarded_infallible("registrationOrigin", || match self.session.registration() {
            Ok(r) => r.origin.as_str().to_owned(),
            Err(_) => String::new(),
        })
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

    pub fn folder_exists(&self, path: &str) -> BridgeResult<bool> {
        guarded("folderExists", || Ok(block_on(self.session.folder_exists(path, &CancellationToken::new()))??))
    }

    pub fn create_folder(&self, path: &str) -> BridgeResult<String> {
        guarded("createFolder", || Ok(block_on(self.session.create_folder(path, &CancellationToken::new()))??.0))
    }

    pub fn share_link(
        &self,
        remote_path: &str,
        edit: bool,
        expires_unix_secs: i64,
        password: &str,
    ) -> BridgeResult<ShareLink> {
        guarded("shareLink", || {
            let request = link_request(edit, expires_unix_secs, password)?;
            let link = block_on(self.session.share_link(remote_path, &request, &CancellationToken::new()))??;
            Ok(ShareLink {
                differs: link.unmet(&request),
                edit: link.access == LinkAccess::Edit,
                expires_unix_secs: link.expires.map_or(0, |t| t.timestamp()),
                has_password: link.password,
                reused: link.reused,
                url: link.url,
            })
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

fn link_request(edit: bool, expires_unix_secs: i64, password: &str) -> BridgeResult<LinkRequest> {
    let expires = match expires_unix_secs {
        0 => None,
        secs => Some(
            chrono::DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| BridgeError::invalid(format!("{secs} is not a usable expiry time")))?,
        ),
    };
    Ok(LinkRequest {
        access: if edit { LinkAccess::Edit } else { LinkAccess::View },
        expires,
        password: Some(password.to_owned()).filter(|p| !p.is_empty()),
    })
}

/// "Upload original" (or no resize) sends files untouched; "Resize"
/// re-encodes photos as JPEG.
fn prepare_options(options: &UploadOptions) -> BridgeResult<Option<dkcloud_engine::upload::PrepareOptions>> {
    if options.upload_original || !options.resize {
        return Ok(None);
    }
    Ok(Some(dkcloud_engine::upload::resized_photos(options.max_dimension, options.jpeg_quality)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_requests_take_zero_and_empty_as_none() {
        let plain = link_request(false, 0, "").unwrap();
        assert_eq!(plain, LinkRequest::view());
        let full = link_request(true, 1_893_553_445, "pw").unwrap();
        assert_eq!(full.access, LinkAccess::Edit);
        assert_eq!(full.expires.map(|t| t.timestamp()), Some(1_893_553_445));
        assert_eq!(full.password.as_deref(), Some("pw"));
        assert!(link_request(false, i64::MAX, "").is_err());
    }
}
