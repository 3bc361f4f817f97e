//! Simple upload: `PUT .../content` with the raw bytes, up to `--simple-upload-limit`.

use super::body::{copy_to, drain, CopyError};
use super::commit::{commit_file, Conflict, Received};
use super::error::{GraphError, GraphResult};
use super::items::drive_item;
use super::paths::ItemRef;
use super::{blocking, resolve};
use crate::origin::Origin;
use crate::tokens::Service;
use crate::App;
use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use crate::hashing::Hashing;
use dkcloud_hash::FileHashes;

pub(super) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
}

fn too_large(limit: u64) -> GraphError {
    GraphError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "invalidRequest",
        format!("The request body is larger than the {limit} bytes a simple upload accepts; use an upload session."),
    )
    .with_inner("maxFileSizeExceeded")
}

/// The remote path an upload writes, and the size of the file it replaces (0 if new).
/// `items/{id}/content` (no relative path) must name an existing file.
pub(super) fn upload_target(app: &App, item: &ItemRef) -> GraphResult<(String, u64)> {
    let remote = resolve(app, item)?;
    let existing = app.store.lookup(Service::OneDrive, &remote)?;
    if item.rel.is_none() && existing.is_none() {
        return Err(GraphError::not_found());
    }
    match existing {
        Some(e) if e.is_dir && item.rel.is_none() => {
            Err(GraphError::invalid_request("Content cannot be uploaded to a folder; name a file inside it."))
        }
        Some(e) if !e.is_dir => Ok((remote, std::fs::metadata(&e.fs_path)?.len())),
        _ => Ok((remote, 0)),
    }
}

pub(super) async fn simple(
    app: &App,
    headers: &HeaderMap,
    origin: &Origin,
    item: ItemRef,
    query: Vec<(String, String)>,
    body: Body,
) -> GraphResult<Response> {
    let declared = content_length(headers);
    let limit = app.config.simple_upload_limit;
    let checked = async {
        // PUT replaces by default.
        let behavior = Conflict::from_query(&query)?.unwrap_or(Conflict::Replace);
        if declared.is_some_and(|d| d > limit) {
            return Err(too_large(limit));
        }
        // The name is refused before the body is read, as Graph answers at once.
        let (remote, old_size) = blocking(app, move |app| {
            let target = upload_target(app, &item)?;
            super::names::check_path(&target.0)?;
            Ok(target)
        })
        .await?;
        if declared.is_some_and(|d| d > app.store.remaining(Service::OneDrive) + old_size) {
            return Err(GraphError::quota());
        }
        Ok((behavior, remote))
    }
    .await;
    let (behavior, remote) = match checked {
        Ok(v) => v,
        Err(e) => {
            drain(body).await;
            return Err(e);
        }
    };

    let temp = app.store.temp_path();
    let received = receive(body, &temp, limit).await;
    let (size, hashes) = match received {
        Ok(v) => v,
        Err(e) => {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(match e {
                CopyError::TooLarge => too_large(limit),
                CopyError::Broken => GraphError::invalid_request("The request body was cut short."),
                CopyError::Io(e) => GraphError::internal(e),
            });
        }
    };
    let temp_for_commit = temp.clone();
    let origin = origin.clone();
    let committed = blocking(app, move |app| {
        let file = Received { temp: &temp_for_commit, size, hashes, modified: None };
        let (entry, created) = commit_file(app, &remote, behavior, file)?;
        let status = if created { StatusCode::CREATED } else { StatusCode::OK };
        Ok((status, Json(drive_item(app, &entry, &origin)?)).into_response())
    })
    .await;
    if committed.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    committed
}

/// Streams the body into a new temporary file while hashing it.
async fn receive(body: Body, temp: &std::path::Path, limit: u64) -> Result<(u64, FileHashes), CopyError> {
    let mut file = tokio::fs::File::create(temp).await.map_err(CopyError::Io)?;
    let mut hashing = Hashing::default();
    let size = copy_to(body, &mut file, limit, |chunk| hashing.update(chunk)).await?;
    Ok((size, hashing.finish()))
}
