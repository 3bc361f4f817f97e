//! Reading files back: `files/download` (a content-download route: argument in
//! `Dropbox-API-Arg` or `?arg=`, POST or GET, the file's metadata in the
//! `Dropbox-API-Result` response header and its bytes as the body, `Range`
//! honoured) and `files/get_temporary_link` with the link it hands out, which
//! serves the bytes without a token for four hours, then answers 410 Gone.

use super::args::{check_path, ArgSource, PathArg, PathKind};
use super::errors::{nested, respond, ApiError, ApiResult, LookupFailure, Route};
use super::folders::{blocking, resolve};
use super::metadata::{describe_one, lower, untagged};
use super::serve::{ascii_json, media_type};
use crate::ranged::{file_response, value};
use super::{content_call, rpc_call};
use crate::origin::Origin;
use crate::stats::RequestKind;
use crate::store::Entry;
use crate::tokens::Service;
use crate::App;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

const DOWNLOAD: Route = Route { name: "files/download", kind: "dropbox.download" };
const TEMPORARY_LINK: Route = Route { name: "files/get_temporary_link", kind: "dropbox.get_temporary_link" };
const LINK_KIND: &str = "dropbox.temporary_link_fetch";

/// Where temporary links live on the emulator's origin (Dropbox's are
/// `https://<host>.dl.dropboxusercontent.com/apitl/1/<token>`).
pub(crate) const LINK_PREFIX: &str = "/apitl/1/";

const API_RESULT: HeaderName = HeaderName::from_static("dropbox-api-result");

#[derive(Deserialize)]
struct DownloadArg {
    path: String,
    /// Deprecated in favour of `rev:` paths; still honoured.
    #[serde(default)]
    rev: Option<String>,
}

#[derive(Deserialize)]
struct LinkArg {
    path: String,
}

/// A file named by a `ReadPath` argument: a path, an `id:` or a `rev:` (of a
/// file's current revision, the only one kept), and optionally the rev it must
/// have.
fn find_file(app: &App, path: &str, rev: Option<&str>, source: ArgSource) -> ApiResult<Result<Entry, LookupFailure>> {
    let arg = check_path(path, PathKind::Read, source, "path")?;
    if let Some(rev) = rev {
        if rev.len() < 9 || !rev.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ApiError::BadInput(format!(
                "{}: rev: '{rev}' did not match pattern '[0-9a-f]+'",
                source.label()
            )));
        }
    }
    let by_rev = match (&arg, path.strip_prefix("rev:")) {
        (PathArg::Elsewhere, Some(r)) => match app.dropbox.catalog.path_of_rev(r) {
            Some(p) => Some(PathArg::Path(p)),
            None => return Ok(Err(LookupFailure::NotFound)),
        },
        _ => None,
    };
    let entry = match resolve(app, by_rev.as_ref().unwrap_or(&arg))? {
        Ok(e) if e.is_dir => return Ok(Err(LookupFailure::NotFile)),
        Ok(e) => e,
        Err(f) => return Ok(Err(f)),
    };
    if let Some(rev) = rev {
        if app.dropbox.catalog.records(&[lower(&entry.remote)])[0].rev != rev {
            return Ok(Err(LookupFailure::NotFound));
        }
    }
    Ok(Ok(entry))
}

/// The file opened, with its size and metadata (without `.tag`), read off the
/// async threads. The file is opened before it is described, so a rewrite in
/// between cannot pair new metadata with old bytes the other way round.
async fn open_described(app: &App, entry: Entry) -> ApiResult<(tokio::fs::File, u64, Value)> {
    let file = tokio::fs::File::open(&entry.fs_path).await?;
    let size = file.metadata().await?.len();
    let app2 = app.clone();
    let metadata = blocking(move || Ok(untagged(describe_one(&app2, &entry)?))).await?;
    Ok((file, size, metadata))
}

fn etag_of(metadata: &Value) -> String {
    format!("\"{}\"", metadata["rev"].as_str().unwrap_or_default())
}

fn counted(kind: &'static str, mut resp: Response) -> Response {
    resp.extensions_mut().insert(RequestKind(kind));
    resp
}

pub(crate) async fn download(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    match download_file(&app, &headers, &uri, body).await {
        Ok(resp) => counted(DOWNLOAD.kind, resp),
        Err(e) => respond(DOWNLOAD, Err(e)),
    }
}

async fn download_file(app: &App, headers: &HeaderMap, uri: &Uri, body: Body) -> ApiResult<Response> {
    let (arg, source, body) = content_call::<DownloadArg>(app, headers, uri, body).await?;
    // A download has no request data; whatever was sent is read and dropped.
    super::body::drain(body).await;
    let app2 = app.clone();
    let found = blocking(move || find_file(&app2, &arg.path, arg.rev.as_deref(), source)).await?;
    let entry = found.map_err(|f| ApiError::Endpoint(nested("path", f.to_value())))?;
    let (file, size, metadata) = open_described(app, entry).await?;
    let mut head = HeaderMap::new();
    head.insert(API_RESULT, value(&ascii_json(&metadata)));
    head.insert(header::CONTENT_TYPE, value("application/octet-stream"));
    head.insert(header::ETAG, value(&etag_of(&metadata)));
    Ok(file_response(headers, file, size, head).await?)
}

pub(crate) async fn get_temporary_link(
    State(app): State<App>,
    origin: Origin,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(TEMPORARY_LINK, temporary_link(&app, &origin, &headers, body).await)
}

async fn temporary_link(app: &App, origin: &Origin, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: LinkArg = rpc_call(app, headers, body).await?;
    let app2 = app.clone();
    let found = blocking(move || find_file(&app2, &arg.path, None, ArgSource::Body)).await?;
    let entry = found.map_err(|f| ApiError::Endpoint(nested("path", f.to_value())))?;
    let app2 = app.clone();
    let metadata = blocking(move || Ok(untagged(describe_one(&app2, &entry)?))).await?;
    let id = metadata["id"].as_str().unwrap_or_default().to_owned();
    let token = app.dropbox.links.issue(&id);
    Ok(json!({ "metadata": metadata, "link": format!("{origin}{LINK_PREFIX}{token}") }))
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text.to_owned()).into_response()
}

/// `GET /apitl/1/{token}`: the linked file's bytes, no token needed.
pub(crate) async fn fetch_link(State(app): State<App>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    counted(LINK_KIND, fetch(&app, &token, &headers).await)
}

async fn fetch(app: &App, token: &str, headers: &HeaderMap) -> Response {
    let Some(link) = app.dropbox.links.get(token) else {
        return plain(StatusCode::NOT_FOUND, "This link does not exist.");
    };
    if link.expired() {
        return plain(StatusCode::GONE, "This temporary link has expired.");
    }
    let app2 = app.clone();
    let found = blocking(move || {
        let Some(path) = app2.dropbox.catalog.path_of_id(&link.file_id) else { return Ok(None) };
        Ok(app2.store.lookup(Service::Dropbox, &path).ok().flatten().filter(|e| !e.is_dir))
    })
    .await;
    let entry = match found {
        Ok(Some(entry)) => entry,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "The file this link led to is gone."),
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
    };
    let name = entry.remote.rsplit('/').next().unwrap_or("").to_owned();
    let answer = async {
        let (file, size, metadata) = open_described(app, entry).await?;
        let mut head = HeaderMap::new();
        head.insert(header::CONTENT_TYPE, value(media_type(&name)));
        head.insert(header::ETAG, value(&etag_of(&metadata)));
        Ok::<_, ApiError>(file_response(headers, file, size, head).await?)
    };
    match answer.await {
        Ok(resp) => resp,
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
    }
}
