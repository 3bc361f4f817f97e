//! Item metadata, deletion and downloads. `GET .../content` answers, as Graph
//! does, with a 302 to a short-lived pre-authenticated URL that serves the bytes.

use super::error::{GraphError, GraphResult};
use super::items::{self, drive_item};
use super::paths::ItemRef;
use super::{blocking, query_value, resolve, tagged};
use crate::origin::Origin;
use crate::tokens::Service;
use crate::App;
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a download URL stays valid (Graph's last about an hour).
const DOWNLOAD_URL_LIFETIME: Duration = Duration::from_secs(3600);

/// Download tokens -> remote path. Kept in memory only: like Graph's, these
/// URLs are short-lived, and a client asks for a new one when one fails.
#[derive(Default)]
pub struct Downloads {
    tokens: Mutex<HashMap<String, (String, Instant)>>,
}

impl Downloads {
    fn issue(&self, remote: &str) -> String {
        let token = crate::tokens::random_token(24);
        let now = Instant::now();
        let mut map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (_, expires)| *expires > now);
        map.insert(token.clone(), (remote.to_owned(), now + DOWNLOAD_URL_LIFETIME));
        token
    }

    fn get(&self, token: &str) -> Option<String> {
        let map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        map.get(token).filter(|(_, expires)| *expires > Instant::now()).map(|(remote, _)| remote.clone())
    }
}

pub async fn metadata(
    app: &App,
    origin: &Origin,
    item: ItemRef,
    query: Vec<(String, String)>,
) -> GraphResult<Response> {
    let origin = origin.clone();
    blocking(app, move |app| {
        let entry = items::existing(&app.store, &resolve(app, &item)?)?;
        let value = drive_item(&app.store, &app.graph.ids, &entry, &origin)?;
        let fields = query_value(&query, "$select").map(items::parse_select);
        Ok(Json(items::select(value, fields.as_deref())).into_response())
    })
    .await
}

pub async fn delete(app: &App, item: ItemRef) -> GraphResult<Response> {
    blocking(app, move |app| {
        let entry = items::existing(&app.store, &resolve(app, &item)?)?;
        if entry.remote == "/" {
            return Err(GraphError::new(StatusCode::FORBIDDEN, "accessDenied", "The root folder cannot be deleted."));
        }
        app.store.remove(Service::OneDrive, &entry)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

pub async fn redirect(app: &App, origin: &Origin, item: ItemRef) -> GraphResult<Response> {
    let base = origin.clone();
    blocking(app, move |app| {
        let entry = items::existing(&app.store, &resolve(app, &item)?)?;
        if entry.is_dir {
            return Err(GraphError::invalid_request("A folder has no content to download."));
        }
        let token = app.graph.downloads.issue(&entry.remote);
        let location = format!("{base}/_download/graph/{token}");
        Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
    })
    .await
}

/// `GET /_download/graph/{token}`: the bytes, no bearer needed.
pub async fn serve(State(app): State<App>, UrlPath(token): UrlPath<String>) -> Response {
    let result = async {
        let remote = app.graph.downloads.get(&token).ok_or_else(GraphError::not_found)?;
        let entry = items::existing(&app.store, &remote)?;
        let file = tokio::fs::File::open(&entry.fs_path).await?;
        let len = file.metadata().await?.len();
        let name = entry.remote.rsplit('/').next().unwrap_or_default();
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
        Ok((
            [(header::CONTENT_TYPE, items::mime_type(name).to_owned()), (header::CONTENT_LENGTH, len.to_string())],
            body,
        )
            .into_response())
    }
    .await;
    tagged("graph.download_content", result)
}
