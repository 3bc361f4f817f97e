//! `ExportSession`: one service, one account.

use crate::bridge::{AppRegistration, LocalFile, LoginEvents, Service, UploadEvents, UploadOptions};
use crate::guard::{guarded, guarded_infallible};
use crate::job::UploadJob;
use crate::{not_available, BridgeResult};
use cxx::SharedPtr;
use dkcloud_engine::ServiceKind;
use tokio_util::sync::CancellationToken;

pub struct ExportSession {
    service: ServiceKind,
    #[allow(dead_code)]
    registration: AppRegistration,
    #[allow(dead_code)]
    account: std::sync::Mutex<String>,
    login_cancel: std::sync::Mutex<CancellationToken>,
}

pub(crate) fn service_kind(service: Service) -> BridgeResult<ServiceKind> {
    match service {
        Service::OneDrive => Ok(ServiceKind::OneDrive),
        Service::Dropbox => Ok(ServiceKind::Dropbox),
        _ => Err(crate::BridgeError("unknown service".into())),
    }
}

pub fn open_session(service: Service, registration: &AppRegistration, account: &str) -> BridgeResult<Box<ExportSession>> {
    guarded("openSession", || {
        Ok(Box::new(ExportSession {
            service: service_kind(service)?,
            registration: registration.clone(),
            account: std::sync::Mutex::new(account.to_string()),
            login_cancel: std::sync::Mutex::new(CancellationToken::new()),
        }))
    })
}

pub fn accounts(service: Service) -> BridgeResult<Vec<String>> {
    guarded("accounts", || {
        let _ = service_kind(service)?;
        Err(not_available("the list of accounts"))
    })
}

impl ExportSession {
    pub fn login(&self, events: SharedPtr<LoginEvents>) -> BridgeResult<String> {
        guarded("login", || {
            let _ = events;
            Err(not_available(&format!("{} login", self.service)))
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
        guarded("accountName", || Err(not_available("the account name")))
    }

    pub fn list_folders(&self) -> BridgeResult<Vec<String>> {
        guarded("listFolders", || Err(not_available("listing folders")))
    }

    pub fn create_folder(&self, path: &str) -> BridgeResult<String> {
        guarded("createFolder", || {
            let _ = path;
            Err(not_available("creating folders"))
        })
    }

    pub fn start_upload(
        &self,
        files: &[LocalFile],
        folder: &str,
        options: &UploadOptions,
        events: SharedPtr<UploadEvents>,
    ) -> BridgeResult<Box<UploadJob>> {
        guarded("startUpload", || {
            let _ = (files, folder, options, events);
            Err(not_available("uploading"))
        })
    }
}
