//! Reading and shaping the tree: `list_folder` (+ `continue`), `get_metadata`,
//! `create_folder_v2` and `delete_v2`.

use super::args::{check_path, ArgSource, PathArg, PathKind};
use super::commit::free_name;
use super::errors::{has_disallowed_name, nested, respond, void, ApiError, ApiResult, LookupFailure, Route, WriteFailure};
use super::metadata::{describe, describe_one, lower, untagged};
use super::rpc_call;
use crate::store::{components, Entry, PathError};
use crate::tokens::Service;
use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const LIST: Route = Route { name: "files/list_folder", kind: "dropbox.list_folder" };
const CONTINUE: Route = Route { name: "files/list_folder/continue", kind: "dropbox.list_folder_continue" };
const GET_METADATA: Route = Route { name: "files/get_metadata", kind: "dropbox.get_metadata" };
const CREATE_FOLDER: Route = Route { name: "files/create_folder_v2", kind: "dropbox.create_folder_v2" };
const DELETE: Route = Route { name: "files/delete_v2", kind: "dropbox.delete_v2" };

/// Entries per page when the caller sets no `limit`, and the most it may ask for.
const MAX_PAGE: u64 = 2000;

/// Runs blocking disk work off the async threads.
pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(e.to_string()))?
}

/// The existing entry a path argument names.
pub(super) fn resolve(app: &App, path: &PathArg) -> ApiResult<Result<Entry, LookupFailure>> {
    let remote = match path {
        PathArg::Root => String::new(),
        PathArg::Path(p) => p.clone(),
        PathArg::Id(id) => match app.dropbox.catalog.path_of_id(id) {
            Some(p) => p,
            None => return Ok(Err(LookupFailure::NotFound)),
        },
        PathArg::Elsewhere => return Ok(Err(LookupFailure::NotFound)),
    };
    match app.store.lookup(Service::Dropbox, &remote) {
        Ok(Some(entry)) => Ok(Ok(entry)),
        Ok(None) | Err(PathError::NotAFolder) | Err(PathError::NotFound) => Ok(Err(LookupFailure::NotFound)),
        Err(PathError::Invalid(_)) => Ok(Err(LookupFailure::MalformedPath)),
        Err(PathError::Io(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ListArg {
    path: String,
    #[serde(default)]
    recursive: bool,
    #[serde(default)]
    limit: Option<u64>,
}

/// What a `list_folder` cursor carries: the listing and how far it got.
#[derive(Serialize, Deserialize)]
struct CursorState {
    v: u8,
    path: String,
    recursive: bool,
    limit: u64,
    position: usize,
}

const CURSOR_VERSION: u8 = 1;

fn encode_cursor(c: &CursorState) -> String {
    let json = serde_json::to_vec(c).unwrap_or_default();
    format!("AA{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
}

fn decode_cursor(text: &str) -> Option<CursorState> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.strip_prefix("AA")?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub(crate) async fn list_folder(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(LIST, list_start(&app, &headers, body).await)
}

async fn list_start(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: ListArg = rpc_call(app, headers, body).await?;
    let limit = arg.limit.unwrap_or(MAX_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadInput(format!("request body: limit: {limit} is not within 1 and {MAX_PAGE}")));
    }
    let path = check_path(&arg.path, PathKind::ListRoot, ArgSource::Body, "path")?;
    let path = match path {
        PathArg::Root => String::new(),
        PathArg::Path(p) | PathArg::Id(p) => p,
        PathArg::Elsewhere => return Err(ApiError::Endpoint(nested("path", LookupFailure::NotFound.to_value()))),
    };
    let cursor = CursorState { v: CURSOR_VERSION, path, recursive: arg.recursive, limit, position: 0 };
    page(app, cursor).await
}

#[derive(Deserialize)]
struct ContinueArg {
    cursor: String,
}

pub(crate) async fn list_folder_continue(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(CONTINUE, list_continue(&app, &headers, body).await)
}

async fn list_continue(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: ContinueArg = rpc_call(app, headers, body).await?;
    let Some(cursor) = decode_cursor(&arg.cursor) else {
        return Err(ApiError::BadInput(format!("Invalid \"cursor\" parameter: {:?}", arg.cursor)));
    };
    if cursor.v != CURSOR_VERSION {
        return Err(ApiError::Endpoint(void("reset")));
    }
    page(app, cursor).await
}

/// One page of a listing, from the cursor's position.
async fn page(app: &App, cursor: CursorState) -> ApiResult<Value> {
    let app = app.clone();
    blocking(move || {
        let path = if cursor.path.is_empty() {
            PathArg::Root
        } else if cursor.path.starts_with("id:") {
            PathArg::Id(cursor.path.clone())
        } else {
            PathArg::Path(cursor.path.clone())
        };
        let folder = resolve(&app, &path)?.map_err(|f| ApiError::Endpoint(nested("path", f.to_value())))?;
        if !folder.is_dir {
            return Err(ApiError::Endpoint(nested("path", LookupFailure::NotFolder.to_value())));
        }
        let mut all = Vec::new();
        // A recursive listing starts with the folder itself (never the root).
        if cursor.recursive && path != PathArg::Root {
            all.push(folder.clone());
        }
        collect(&app, &folder, cursor.recursive, &mut all)?;
        let start = cursor.position.min(all.len());
        let end = (start + cursor.limit as usize).min(all.len());
        let entries = describe(&app, &all[start..end])?;
        let next = CursorState { position: end, ..cursor };
        Ok(json!({ "entries": entries, "cursor": encode_cursor(&next), "has_more": end < all.len() }))
    })
    .await
}

/// The folder's children (and, recursively, theirs), parents before children.
fn collect(app: &App, folder: &Entry, recursive: bool, out: &mut Vec<Entry>) -> std::io::Result<()> {
    let base = folder.remote.trim_end_matches('/');
    for child in app.store.children(&folder.fs_path)? {
        let entry = Entry { remote: format!("{base}/{}", child.name), fs_path: child.fs_path, is_dir: child.is_dir };
        out.push(entry.clone());
        if recursive && entry.is_dir {
            collect(app, &entry, true, out)?;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct PathOnly {
    path: String,
}

pub(crate) async fn get_metadata(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(GET_METADATA, metadata(&app, &headers, body).await)
}

async fn metadata(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: PathOnly = rpc_call(app, headers, body).await?;
    let path = check_path(&arg.path, PathKind::Read, ArgSource::Body, "path")?;
    let app = app.clone();
    blocking(move || {
        let entry = resolve(&app, &path)?.map_err(|f| ApiError::Endpoint(nested("path", f.to_value())))?;
        Ok(describe_one(&app, &entry)?)
    })
    .await
}

#[derive(Deserialize)]
struct CreateFolderArg {
    path: String,
    #[serde(default)]
    autorename: bool,
}

pub(crate) async fn create_folder_v2(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(CREATE_FOLDER, create_folder(&app, &headers, body).await)
}

async fn create_folder(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: CreateFolderArg = rpc_call(app, headers, body).await?;
    let path = check_path(&arg.path, PathKind::Write, ArgSource::Body, "path")?;
    let app = app.clone();
    blocking(move || {
        let write_error = |w: WriteFailure| ApiError::Endpoint(nested("path", w.to_value()));
        let _namespace = app.dropbox.namespace_lock();
        if app.scheduled.take(crate::scheduled::Scheduled::CreateFolderContention) {
            return Err(write_error(WriteFailure::TooManyWriteOperations));
        }
        let wanted = match &path {
            PathArg::Path(p) if has_disallowed_name(p) => return Err(write_error(WriteFailure::DisallowedName)),
            PathArg::Path(p) if components(p).is_ok_and(|c| !c.is_empty()) => p.clone(),
            // An id names something that exists already.
            PathArg::Id(_) => return Err(write_error(WriteFailure::Conflict("folder"))),
            _ => return Err(write_error(WriteFailure::MalformedPath)),
        };
        let target = match app.store.lookup(Service::Dropbox, &wanted) {
            Ok(None) => wanted,
            Ok(Some(_)) if arg.autorename => free_name(&app, &wanted, false).map_err(write_error)?,
            Ok(Some(existing)) => {
                return Err(write_error(WriteFailure::Conflict(if existing.is_dir { "folder" } else { "file" })))
            }
            Err(PathError::NotAFolder) => return Err(write_error(WriteFailure::Conflict("file_ancestor"))),
            Err(PathError::Io(e)) => return Err(e.into()),
            Err(_) => return Err(write_error(WriteFailure::MalformedPath)),
        };
        let entry = match app.store.create_dirs(Service::Dropbox, &target) {
            Ok(e) => e,
            Err(PathError::NotAFolder) => return Err(write_error(WriteFailure::Conflict("file_ancestor"))),
            Err(PathError::Io(e)) => return Err(e.into()),
            Err(_) => return Err(write_error(WriteFailure::MalformedPath)),
        };
        app.dropbox.catalog.created(&lower(&entry.remote));
        Ok(json!({ "metadata": untagged(describe_one(&app, &entry)?) }))
    })
    .await
}

pub(crate) async fn delete_v2(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(DELETE, delete(&app, &headers, body).await)
}

async fn delete(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: PathOnly = rpc_call(app, headers, body).await?;
    let path = check_path(&arg.path, PathKind::Write, ArgSource::Body, "path")?;
    let app = app.clone();
    blocking(move || {
        let _namespace = app.dropbox.namespace_lock();
        let entry = resolve(&app, &path)?.map_err(|f| ApiError::Endpoint(nested("path_lookup", f.to_value())))?;
        if entry.remote == "/" {
            return Err(ApiError::Endpoint(nested("path_write", WriteFailure::MalformedPath.to_value())));
        }
        let metadata = describe_one(&app, &entry)?;
        app.store.remove(Service::Dropbox, &entry)?;
        app.dropbox.catalog.forget(&lower(&entry.remote));
        Ok(json!({ "metadata": metadata }))
    })
    .await
}
