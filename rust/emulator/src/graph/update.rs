//! `PATCH` on a drive item (by id or by path): rename (`name`), move
//! (`parentReference` with `id` or `path`) and `fileSystemInfo` times, answered
//! with the updated driveItem (Graph's `driveitem-update`).
//!
//! A name taken at the destination fails with 409 `nameAlreadyExists` unless
//! `@microsoft.graph.conflictBehavior` (query string, or the body as older
//! clients send it) says `replace` or `rename`. `If-Match` with a stale tag: 412.

use super::commit::Conflict;
use super::content::{entry_tags, tag_listed};
use super::error::{GraphError, GraphResult};
use super::folders::read_json;
use super::items::{self, drive_item};
use super::names;
use super::paths::ItemRef;
use super::{blocking, resolve};
use crate::origin::Origin;
use crate::store::Entry;
use crate::tokens::Service;
use crate::{App, ONEDRIVE_DRIVE_ID};
use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::time::SystemTime;

/// Where `parentReference` points.
enum NewParent {
    Id(String),
    Path(String),
}

/// The parts of the request this endpoint acts on.
struct Changes {
    name: Option<String>,
    parent: Option<NewParent>,
    created: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
    behavior: Conflict,
    if_match: Option<String>,
}

fn string_field<'a>(obj: &'a Value, key: &str) -> GraphResult<Option<&'a str>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(GraphError::invalid_request(format!("'{key}' must be a string."))),
    }
}

fn date_field(obj: &Value, key: &str) -> GraphResult<Option<DateTime<Utc>>> {
    string_field(obj, key)?
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| GraphError::invalid_request(format!("'{key}' must be an ISO 8601 date and time.")))
        })
        .transpose()
}

/// `/drive/root:/a/b`, `/drives/{id}/root:/a/b` (or `/drive/root:` for the root) -> `/a/b`.
fn parent_path(path: &str) -> GraphResult<String> {
    let bad =
        || GraphError::invalid_request(format!("'{path}' is not a parentReference path like /drive/root:/Folder."));
    let rest = if let Some(rest) = path.strip_prefix("/drive/root:") {
        rest
    } else if let Some(after) = path.strip_prefix("/drives/") {
        let (id, rest) = after.split_once('/').ok_or_else(bad)?;
        if !id.eq_ignore_ascii_case(ONEDRIVE_DRIVE_ID) {
            return Err(GraphError::not_found());
        }
        rest.strip_prefix("root:").ok_or_else(bad)?
    } else {
        return Err(bad());
    };
    Ok(if rest.is_empty() { "/".to_owned() } else { rest.to_owned() })
}

fn parse_changes(request: &Value, query: &[(String, String)], headers: &HeaderMap) -> GraphResult<Changes> {
    let name = string_field(request, "name")?.map(str::to_owned);
    if let Some(n) = &name {
        names::check_name(n)?;
    }
    let parent = match request.get("parentReference") {
        None | Some(Value::Null) => None,
        Some(p) if p.is_object() => {
            if let Some(drive) = string_field(p, "driveId")? {
                if !drive.eq_ignore_ascii_case(ONEDRIVE_DRIVE_ID) {
                    return Err(GraphError::not_found());
                }
            }
            match (string_field(p, "id")?, string_field(p, "path")?) {
                (Some(id), _) => Some(NewParent::Id(id.to_owned())),
                (None, Some(path)) => Some(NewParent::Path(parent_path(path)?)),
                // Only a drive id: the item stays where it is.
                (None, None) => None,
            }
        }
        Some(_) => return Err(GraphError::invalid_request("'parentReference' must be an object.")),
    };
    let (created, modified) = match request.get("fileSystemInfo") {
        None | Some(Value::Null) => (None, None),
        Some(info) if info.is_object() => {
            (date_field(info, "createdDateTime")?, date_field(info, "lastModifiedDateTime")?)
        }
        Some(_) => return Err(GraphError::invalid_request("'fileSystemInfo' must be an object.")),
    };
    let behavior = match Conflict::from_query(query)? {
        Some(b) => b,
        None => Conflict::from_json(request)?.unwrap_or(Conflict::Fail),
    };
    let if_match = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Ok(Changes { name, parent, created, modified, behavior, if_match })
}

pub(super) async fn update(
    app: &App,
    headers: &HeaderMap,
    origin: &Origin,
    item: ItemRef,
    query: Vec<(String, String)>,
    body: Body,
) -> GraphResult<Response> {
    let request = read_json(body).await?.ok_or_else(|| GraphError::invalid_request("A JSON body is required."))?;
    let changes = parse_changes(&request, &query, headers)?;
    let origin = origin.clone();
    blocking(app, move |app| {
        let _guard = app.graph.commit_lock.lock().unwrap_or_else(|p| p.into_inner());
        let entry = items::existing(&app.store, &resolve(app, &item)?)?;
        if let Some(value) = &changes.if_match {
            if !tag_listed(value, &entry_tags(app, &entry)?) {
                return Err(GraphError::new(
                    StatusCode::PRECONDITION_FAILED,
                    "preconditionFailed",
                    "The item has changed since the given eTag.",
                ));
            }
        }
        let entry =
            if changes.name.is_some() || changes.parent.is_some() { relocate(app, entry, &changes)? } else { entry };
        set_times(app, &entry, changes.created, changes.modified)?;
        Ok(Json(drive_item(app, &entry, &origin)?).into_response())
    })
    .await
}

/// Renames and/or moves `entry` as asked; returns it at its new place.
fn relocate(app: &App, entry: Entry, changes: &Changes) -> GraphResult<Entry> {
    if entry.remote == "/" {
        return Err(GraphError::invalid_request("The root folder cannot be renamed or moved."));
    }
    let (current_parent, current_name) = entry.remote.rsplit_once('/').unwrap_or(("", &entry.remote));
    let parent_remote = match &changes.parent {
        None => {
            if current_parent.is_empty() {
                "/".to_owned()
            } else {
                current_parent.to_owned()
            }
        }
        Some(NewParent::Id(id)) if id.eq_ignore_ascii_case("root") => "/".to_owned(),
        Some(NewParent::Id(id)) => app.graph.ids.resolve(&app.store, id)?.ok_or_else(GraphError::not_found)?,
        Some(NewParent::Path(p)) => p.clone(),
    };
    let parent = items::existing(&app.store, &parent_remote)?;
    if !parent.is_dir {
        return Err(GraphError::invalid_request("The new parent is not a folder."));
    }
    let from_key = entry.remote.to_lowercase();
    let parent_key = parent.remote.trim_end_matches('/').to_lowercase();
    if entry.is_dir && (parent_key == from_key || parent_key.starts_with(&format!("{from_key}/"))) {
        return Err(GraphError::invalid_request("A folder cannot be moved into itself."));
    }
    let name = changes.name.clone().unwrap_or_else(|| current_name.to_owned());
    let mut target = format!("{}/{name}", parent.remote.trim_end_matches('/'));
    if target == entry.remote {
        return Ok(entry);
    }
    names::check_path(&target)?;
    // The item itself under a name differing only in case is no conflict.
    let same_item = target.to_lowercase() == from_key;
    if !same_item {
        if let Some(existing) = app.store.lookup(Service::OneDrive, &target)? {
            match changes.behavior {
                Conflict::Fail => return Err(GraphError::name_exists(&name)),
                Conflict::Replace => {
                    app.store.remove(Service::OneDrive, &existing)?;
                    app.graph.ids.forget(&existing.remote);
                }
                Conflict::Rename => {
                    target = (1..10_000)
                        .map(|n| {
                            format!(
                                "{}/{}",
                                parent.remote.trim_end_matches('/'),
                                names::numbered(&name, n, !entry.is_dir)
                            )
                        })
                        .find(|c| matches!(app.store.lookup(Service::OneDrive, c), Ok(None)))
                        .ok_or_else(|| GraphError::name_exists(&name))?;
                }
            }
        }
    }
    let final_name = target.rsplit('/').next().unwrap_or_default().to_owned();
    let dest = parent.fs_path.join(&final_name);
    let below = if entry.is_dir { descendants(app, &entry)? } else { Vec::new() };
    std::fs::rename(&entry.fs_path, &dest)?;
    let remote = format!("{}/{final_name}", parent.remote.trim_end_matches('/'));
    app.graph.ids.moved(&entry.remote, &remote, &below);
    Ok(Entry { fs_path: dest, remote, is_dir: entry.is_dir })
}

/// The paths below a folder, relative to it (`/x`, `/x/y`).
fn descendants(app: &App, folder: &Entry) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), folder.fs_path.clone())];
    while let Some((rel, dir)) = stack.pop() {
        for child in app.store.children(&dir)? {
            let child_rel = format!("{rel}/{}", child.name);
            if child.is_dir {
                stack.push((child_rel.clone(), child.fs_path));
            }
            out.push(child_rel);
        }
    }
    Ok(out)
}

/// `fileSystemInfo`: a file's modification time is set on disk (what the data
/// folder shows); a folder's is kept with its creation time in the item table,
/// since adding children changes a directory's own time.
fn set_times(
    app: &App,
    entry: &Entry,
    created: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
) -> GraphResult<()> {
    if let Some(t) = modified {
        let file = std::fs::File::open(&entry.fs_path)?;
        file.set_modified(SystemTime::from(t))?;
    }
    app.graph.ids.set_times(&entry.remote, created, modified.filter(|_| entry.is_dir));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_paths_in_both_forms() {
        assert_eq!(parent_path("/drive/root:").unwrap(), "/");
        assert_eq!(parent_path("/drive/root:/a/b").unwrap(), "/a/b");
        assert_eq!(parent_path(&format!("/drives/{ONEDRIVE_DRIVE_ID}/root:/a")).unwrap(), "/a");
        assert_eq!(parent_path("/drives/other/root:/a").unwrap_err().code, "itemNotFound");
        assert_eq!(parent_path("a/b").unwrap_err().code, "invalidRequest");
    }
}
