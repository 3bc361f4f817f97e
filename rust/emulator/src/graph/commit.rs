//! Conflict behaviour and the final step of every upload: moving received
//! bytes into the store under the name the behaviour decides.

use super::error::{GraphError, GraphResult};
use super::names;
use crate::store::Entry;
use crate::tokens::Service;
use crate::App;
use dkcloud_hash::FileHashes;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Conflict {
    Fail,
    Replace,
    Rename,
}

impl Conflict {
    pub(super) fn parse(value: &str) -> GraphResult<Self> {
        match value.to_ascii_lowercase().as_str() {
            "fail" => Ok(Conflict::Fail),
            "replace" => Ok(Conflict::Replace),
            "rename" => Ok(Conflict::Rename),
            _ => Err(GraphError::invalid_request(format!(
                "'{value}' is not a conflict behavior; use fail, replace or rename."
            ))),
        }
    }

    /// From a JSON object carrying the current or the legacy annotation.
    pub(super) fn from_json(obj: &serde_json::Value) -> GraphResult<Option<Self>> {
        for key in ["@microsoft.graph.conflictBehavior", "@name.conflictBehavior"] {
            if let Some(v) = obj.get(key) {
                let s = v.as_str().ok_or_else(|| GraphError::invalid_request(format!("{key} must be a string.")))?;
                return Self::parse(s).map(Some);
            }
        }
        Ok(None)
    }

    /// From the query string (`?@microsoft.graph.conflictBehavior=...`, or the legacy name).
    pub(super) fn from_query(query: &[(String, String)]) -> GraphResult<Option<Self>> {
        for key in ["@microsoft.graph.conflictBehavior", "@name.conflictBehavior"] {
            if let Some(v) = super::query_value(query, key) {
                return Self::parse(v).map(Some);
            }
        }
        Ok(None)
    }
}

/// Where a new item goes once the conflict behaviour has been applied.
pub(super) enum Placement {
    /// A free remote path (possibly a renamed one).
    New(String),
    /// The existing item of that name, to be replaced.
    Existing(Entry),
}

pub(super) fn place(app: &App, remote: &str, behavior: Conflict, is_file: bool) -> GraphResult<Placement> {
    let Some(existing) = app.store.lookup(Service::OneDrive, remote)? else {
        return Ok(Placement::New(remote.to_owned()));
    };
    let (parent, name) = remote.rsplit_once('/').unwrap_or(("", remote));
    match behavior {
        Conflict::Fail => Err(GraphError::name_exists(name)),
        Conflict::Replace => Ok(Placement::Existing(existing)),
        Conflict::Rename => {
            for n in 1..10_000 {
                let candidate = format!("{parent}/{}", names::numbered(name, n, is_file));
                if app.store.lookup(Service::OneDrive, &candidate)?.is_none() {
                    return Ok(Placement::New(candidate));
                }
            }
            Err(GraphError::name_exists(name))
        }
    }
}

/// A received file to be stored.
pub(super) struct Received<'a> {
    pub temp: &'a Path,
    pub size: u64,
    pub hashes: FileHashes,
    pub modified: Option<SystemTime>,
}

/// Stores a received file at `remote`; returns the entry and whether it is new.
/// Missing parent folders are created, as Graph does.
pub(super) fn commit_file(app: &App, remote: &str, behavior: Conflict, file: Received<'_>) -> GraphResult<(Entry, bool)> {
    names::check_path(remote)?;
    let _guard = app.graph.commit_lock.lock().unwrap_or_else(|p| p.into_inner());
    let placement = place(app, remote, behavior, true)?;
    let old_size = match &placement {
        Placement::Existing(e) if e.is_dir => {
            return Err(GraphError::name_exists(remote.rsplit('/').next().unwrap_or(remote)));
        }
        Placement::Existing(e) => std::fs::metadata(&e.fs_path)?.len(),
        Placement::New(_) => 0,
    };
    if file.size > app.store.remaining(Service::OneDrive) + old_size {
        return Err(GraphError::quota());
    }
    let (fs_path, stored_remote, created) = match placement {
        Placement::Existing(e) => (e.fs_path, e.remote, false),
        Placement::New(r) => {
            let (fs_path, stored) = app.store.prepare_parent(Service::OneDrive, &r)?;
            (fs_path, stored, true)
        }
    };
    app.store.commit_file(Service::OneDrive, file.temp, &fs_path, file.modified, file.hashes)?;
    Ok((Entry { fs_path, remote: stored_remote, is_dir: false }, created))
}
