//! Dropbox API v2: RPC routes (JSON in, JSON out) and content routes (argument
//! in the `Dropbox-API-Arg` header, file data as the body), all `POST /2/...`.
//! Stored files are plain files under `DATA/dropbox/`; ids, revs and upload
//! sessions are kept in state files so they survive a restart.

mod app_folder;
mod args;
mod body;
mod commit;
mod download;
mod errors;
mod finish;
mod folders;
mod link_settings;
mod links;
mod metadata;
mod scopes;
mod serve;
mod session_store;
mod sessions;
mod sharing;
mod upload;
mod users;

pub(crate) use users::team_home_path;

use crate::tokens::Service;
use crate::{App, Config};
use axum::body::Body;
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post};
use axum::Router;
use errors::{ApiError, ApiResult};
#[cfg(feature = "testkit")]
pub use scopes::REQUIRED_SCOPES;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub struct DropboxState {
    catalog: metadata::Catalog,
    sessions: session_store::Sessions,
    links: links::Links,
    /// Writes to the namespace happen one at a time (Dropbox takes a namespace
    /// lock per commit; its contention is what `too_many_write_operations` means).
    namespace: Mutex<()>,
}

impl DropboxState {
    pub fn open(config: &Config, state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            catalog: metadata::Catalog::open(state_dir)?,
            sessions: session_store::Sessions::open(state_dir, config.session_lifetime)?,
            links: links::Links::open(state_dir)?,
            namespace: Mutex::new(()),
        })
    }

    /// How long temporary links handed out from now on stay valid (four hours
    /// unless a test shortens it to see them expire).
    pub fn set_temporary_link_lifetime(&self, lifetime: Duration) {
        self.links.set_lifetime_ms(u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX));
    }

    /// The remote path (lowercased) of the entry with this `id:...`, if it still exists.
    pub(crate) fn path_of_id(&self, id: &str) -> Option<String> {
        self.catalog.path_of_id(id)
    }

    fn namespace_lock(&self) -> MutexGuard<'_, ()> {
        self.namespace.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The routes, each behind the scope check and the app-folder confinement of
/// `--registrations` (both pass everything through without it).
pub(crate) fn routes(app: &App) -> Router<App> {
    Router::new()
        .route("/2/users/get_current_account", post(users::get_current_account))
        .route("/2/users/get_space_usage", post(users::get_space_usage))
        .route("/2/users/get_account", post(users::get_account))
        .route("/2/users/get_account_batch", post(users::get_account_batch))
        .route("/2/files/list_folder", post(folders::list_folder))
        .route("/2/files/list_folder/continue", post(folders::list_folder_continue))
        .route("/2/files/get_metadata", post(folders::get_metadata))
        .route("/2/files/create_folder_v2", post(folders::create_folder_v2))
        .route("/2/files/delete_v2", post(folders::delete_v2))
        .route("/2/files/upload", post(upload::upload))
        .route("/2/files/upload_session/start", post(sessions::start))
        .route("/2/files/upload_session/start_batch", post(sessions::start_batch))
        .route("/2/files/upload_session/append_v2", post(sessions::append_v2))
        .route("/2/files/upload_session/append", post(sessions::append_v1))
        .route("/2/files/upload_session/finish", post(finish::finish))
        .route("/2/files/upload_session/finish_batch_v2", post(finish::finish_batch_v2))
        .route("/2/files/download", post(download::download).get(download::download))
        .route("/2/files/get_temporary_link", post(download::get_temporary_link))
        .route("/2/sharing/create_shared_link_with_settings", post(sharing::create_shared_link_with_settings))
        .route("/2/sharing/list_shared_links", post(sharing::list_shared_links))
        .route("/2/sharing/revoke_shared_link", post(sharing::revoke_shared_link))
        .route(&format!("{}{{token}}", download::LINK_PREFIX), get(download::fetch_link))
        .route_layer(axum::middleware::from_fn_with_state(app.clone(), app_folder::confine))
        .route_layer(axum::middleware::from_fn_with_state(app.clone(), scopes::require_scope))
}

fn authorize(app: &App, headers: &HeaderMap) -> ApiResult<()> {
    app.tokens.require(Service::Dropbox, headers).map(|_| ()).map_err(|r| ApiError::Ready(Box::new(r)))
}

/// Bearer check and JSON argument of an RPC route.
async fn rpc_call<T: DeserializeOwned>(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<T> {
    authorize(app, headers)?;
    args::rpc_arg(headers, body).await
}

/// Bearer check and argument of a content route. On refusal the body is read
/// and dropped, so the client gets the answer instead of a reset connection.
async fn content_call<T: DeserializeOwned>(
    app: &App,
    headers: &HeaderMap,
    uri: &Uri,
    body: Body,
) -> ApiResult<(T, args::ArgSource, Body)> {
    let checked = authorize(app, headers).and_then(|()| args::content_arg::<T>(headers, uri));
    match checked {
        Ok((arg, source)) => Ok((arg, source, body)),
        Err(e) => Err(refuse(body, e).await),
    }
}

/// Drops an unread body, then gives the error back.
async fn refuse(body: Body, error: ApiError) -> ApiError {
    body::drain(body).await;
    error
}
