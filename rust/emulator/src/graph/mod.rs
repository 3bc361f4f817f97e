//! Microsoft Graph drive (OneDrive personal) under `/v1.0/`, plus the
//! pre-authenticated upload-session URLs (`/_upload/graph/{id}`) and download
//! URLs (`/_download/graph/{token}`) it hands out.

mod body;
mod commit;
mod content;
pub(crate) use crate::graph_error as error;
mod folders;
mod items;
mod links;
mod listing;
mod names;
mod paths;
mod profile;
mod scopes;
mod sessions;
mod update;
mod upload;

use crate::origin::Origin;
use crate::stats::RequestKind;
use crate::tokens::Service;
use crate::{App, Config};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, put};
use axum::Router;
use error::{GraphError, GraphResult};
use paths::{Action, Base, ItemRef, Route};
use std::path::Path;
use std::sync::Mutex;

pub struct GraphState {
    ids: items::Ids,
    sessions: sessions::Sessions,
    downloads: content::Downloads,
    /// Held from the conflict check to the commit of a new file or folder (and
    /// across a move or a delete), so two writers cannot both find a name free.
    commit_lock: Mutex<()>,
}

impl GraphState {
    pub fn open(config: &Config, state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            ids: items::Ids::open(state_dir)?,
            sessions: sessions::Sessions::open(state_dir, config.session_lifetime)?,
            downloads: content::Downloads::open(state_dir)?,
            commit_lock: Mutex::new(()),
        })
    }
}

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/v1.0/{*rest}", any(api))
        .route(
            "/_upload/graph/{session}",
            put(sessions::put_fragment).get(sessions::get_status).delete(sessions::cancel),
        )
        .route("/_download/graph/{token}", get(content::serve))
}

pub(crate) use items::mime_type;

/// The remote path of the OneDrive item with this id, if it still exists.
pub(crate) fn item_path(app: &App, id: &str) -> std::io::Result<Option<String>> {
    app.graph.ids.resolve(&app.store, id)
}

/// Names the request kind for the statistics.
fn tagged(kind: &'static str, result: GraphResult<Response>) -> Response {
    let mut resp = result.unwrap_or_else(IntoResponse::into_response);
    resp.extensions_mut().insert(RequestKind(kind));
    resp
}

/// Runs blocking store work (directory walks, hashing) off the async workers.
async fn blocking<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&App) -> GraphResult<T> + Send + 'static,
) -> GraphResult<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app)).await.map_err(GraphError::internal)?
}

/// The remote path an item reference addresses (not necessarily existing).
fn resolve(app: &App, item: &ItemRef) -> GraphResult<String> {
    let base = match &item.base {
        Base::Root => "/".to_owned(),
        Base::Id(id) => app.graph.ids.resolve(&app.store, id)?.ok_or_else(GraphError::not_found)?,
    };
    let remote = match &item.rel {
        None => base,
        Some(rel) => format!("{}/{}", base.trim_end_matches('/'), rel.trim_start_matches('/')),
    };
    // Refuses `..` and the like before anything touches the disk.
    crate::store::components(&remote)?;
    Ok(remote)
}

/// Decoded query parameters, in order.
fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect()
}

fn query_value<'a>(query: &'a [(String, String)], key: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

async fn api(
    State(app): State<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    origin: Origin,
    body: Body,
) -> Response {
    let token = match app.tokens.require(Service::OneDrive, &headers) {
        Ok(token) => token,
        Err(resp) => {
            body::drain(body).await;
            return tagged("graph.unauthorized", Ok(resp));
        }
    };
    let route = match paths::parse(uri.path()) {
        Ok(r) => r,
        Err(e) => {
            body::drain(body).await;
            return tagged("graph.bad_request", Err(e));
        }
    };
    if let Err(e) = scopes::check(&app, &token, &method, &route) {
        body::drain(body).await;
        return tagged("graph.forbidden", Err(e));
    }
    let query = query_pairs(&uri);
    let item = match route {
        Route::Me if method == Method::GET => return tagged("graph.me", Ok(profile::me())),
        Route::Drive if method == Method::GET => return tagged("graph.drive", Ok(profile::drive(&app))),
        Route::Drives if method == Method::GET => return tagged("graph.drives", Ok(profile::drives(&app))),
        Route::Item(item) => item,
        _ => {
            body::drain(body).await;
            return tagged("graph.bad_request", Err(method_not_allowed()));
        }
    };
    match (method, item.action.clone()) {
        (Method::GET, Action::Metadata) => {
            tagged("graph.get_item", content::metadata(&app, &origin, item, query).await)
        }
        (Method::DELETE, Action::Metadata) => tagged("graph.delete", content::delete(&app, item).await),
        (Method::PATCH, Action::Metadata) => {
            tagged("graph.update", update::update(&app, &headers, &origin, item, query, body).await)
        }
        (Method::GET, Action::Children) => {
            tagged("graph.list_children", listing::list(&app, &origin, &uri, item, query).await)
        }
        (Method::POST, Action::Children) => {
            tagged("graph.create_folder", folders::create(&app, &origin, item, query, body).await)
        }
        (Method::GET, Action::Content) => {
            tagged("graph.download", content::redirect(&app, &headers, &origin, item).await)
        }
        (Method::PUT, Action::Content) => {
            tagged("graph.simple_upload", upload::simple(&app, &headers, &origin, item, query, body).await)
        }
        (Method::POST, Action::CreateUploadSession) => {
            tagged("graph.create_upload_session", sessions::create(&app, &origin, item, body).await)
        }
        (Method::POST, Action::CreateLink) => {
            tagged("graph.create_link", links::create(&app, &origin, item, body).await)
        }
        (Method::GET, Action::Permissions) => tagged("graph.list_permissions", links::list(&app, &origin, item).await),
        (Method::DELETE, Action::Permission(id)) => {
            tagged("graph.delete_permission", links::delete(&app, item, &id).await)
        }
        _ => {
            body::drain(body).await;
            tagged("graph.bad_request", Err(method_not_allowed()))
        }
    }
}

fn method_not_allowed() -> GraphError {
    GraphError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "invalidRequest",
        "The HTTP method is not allowed on this resource.",
    )
}
