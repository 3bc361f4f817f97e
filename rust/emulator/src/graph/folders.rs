//! `POST .../children` with `{"name": ..., "folder": {}}`: creates a folder.

use super::commit::{place, Conflict, Placement};
use super::error::{GraphError, GraphResult};
use super::items::{self, drive_item};
use super::names;
use super::paths::ItemRef;
use super::{blocking, resolve};
use crate::origin::Origin;
use crate::store::PathError;
use crate::tokens::Service;
use crate::App;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

/// A folder request is a small JSON object; anything larger is refused.
const MAX_JSON: usize = 64 * 1024;

/// Reads a small JSON request body; an empty body gives `None`.
pub(super) async fn read_json(body: Body) -> GraphResult<Option<Value>> {
    let bytes = axum::body::to_bytes(body, MAX_JSON)
        .await
        .map_err(|_| GraphError::invalid_request("The request body is too large or was cut short."))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| GraphError::invalid_request(format!("The request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(GraphError::invalid_request("The request body must be a JSON object."));
    }
    Ok(Some(value))
}

pub(super) async fn create(
    app: &App,
    origin: &Origin,
    item: ItemRef,
    query: Vec<(String, String)>,
    body: Body,
) -> GraphResult<Response> {
    let request = read_json(body).await?.ok_or_else(|| GraphError::invalid_request("A JSON body is required."))?;
    let name = request
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::invalid_request("The 'name' property is required."))?
        .to_owned();
    if !request.get("folder").is_some_and(Value::is_object) {
        return Err(GraphError::invalid_request("Only folders can be created here: add \"folder\": {}."));
    }
    // POST children defaults to `fail`; the annotation may be in the body or the query.
    let behavior = match Conflict::from_json(&request)? {
        Some(b) => b,
        None => Conflict::from_query(&query)?.unwrap_or(Conflict::Fail),
    };
    names::check_name(&name)?;
    let origin = origin.clone();
    blocking(app, move |app| {
        let parent = items::existing(&app.store, &resolve(app, &item)?)?;
        if !parent.is_dir {
            return Err(PathError::NotAFolder.into());
        }
        let remote = format!("{}/{name}", parent.remote.trim_end_matches('/'));
        names::check_path(&remote)?;
        let (entry, status) = {
            let _guard = app.graph.commit_lock.lock().unwrap_or_else(|p| p.into_inner());
            match place(app, &remote, behavior, false)? {
                Placement::New(free) => (app.store.create_dirs(Service::OneDrive, &free)?, StatusCode::CREATED),
                // Replacing a folder with a folder keeps it and its contents, as OneDrive does.
                Placement::Existing(existing) if existing.is_dir => (existing, StatusCode::OK),
                Placement::Existing(file) => {
                    app.store.remove(Service::OneDrive, &file)?;
                    app.graph.ids.forget(&file.remote);
                    (app.store.create_dirs(Service::OneDrive, &file.remote)?, StatusCode::CREATED)
                }
            }
        };
        Ok((status, Json(drive_item(app, &entry, &origin)?)).into_response())
    })
    .await
}
