//! Putting received bytes at their final path, shared by `files/upload`,
//! `upload_session/finish` and `finish_batch_v2`: the `WriteMode` conflict
//! rules, `autorename`, the quota, and the new file's metadata.

use super::args::{check_path, tag_of, ArgSource, PathArg, PathKind};
use super::errors::{has_disallowed_name, ApiError, ApiResult, WriteFailure};
use super::metadata::{describe_one, lower, untagged};
use crate::store::{components, Entry, PathError};
use crate::tokens::Service;
use crate::App;
use dkcloud_hash::FileHashes;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;
use std::time::SystemTime;

/// `CommitInfo` as sent (`mute` and other unknown fields are ignored).
#[derive(Debug, Deserialize)]
pub(crate) struct CommitArg {
    pub path: String,
    #[serde(default)]
    pub mode: Option<Value>,
    #[serde(default)]
    pub autorename: bool,
    #[serde(default)]
    pub client_modified: Option<String>,
    #[serde(default)]
    pub strict_conflict: bool,
    /// `UploadArg.content_hash` (files/upload only): the hash the body must have.
    #[serde(default)]
    pub content_hash: Option<String>,
}

/// A `Sha256HexHash` argument (`String(min_length=64, max_length=64)` in files.stone).
pub(crate) fn check_content_hash(hash: Option<String>, source: ArgSource, field: &str) -> ApiResult<Option<String>> {
    match hash {
        Some(h) if h.len() != 64 => Err(ApiError::BadInput(format!(
            "{}: {field}content_hash: '{h}' must be 64 characters long",
            source.label()
        ))),
        other => Ok(other.map(|h| h.to_ascii_lowercase())),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WriteMode {
    Add,
    Overwrite,
    /// Overwrite only the file with this rev.
    Update(String),
}

/// A checked `CommitInfo`.
#[derive(Debug, Clone)]
pub(crate) struct Commit {
    pub path: PathArg,
    pub mode: WriteMode,
    pub autorename: bool,
    pub client_modified: Option<SystemTime>,
    pub strict_conflict: bool,
}

impl CommitArg {
    /// Checks the fields; `field` prefixes names in messages (`commit.` in finish).
    pub(super) fn check(self, source: ArgSource, field: &str) -> ApiResult<Commit> {
        let label = source.label();
        let path = check_path(&self.path, PathKind::Write, source, &format!("{field}path"))?;
        let mode = match &self.mode {
            None => WriteMode::Add,
            Some(v) => match (tag_of(v), v) {
                (Some("add"), _) => WriteMode::Add,
                (Some("overwrite"), _) => WriteMode::Overwrite,
                (Some("update"), Value::Object(o)) => match o.get("update").and_then(Value::as_str) {
                    Some(rev) if rev.len() >= 9 && rev.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) => {
                        WriteMode::Update(rev.to_owned())
                    }
                    _ => return Err(ApiError::BadInput(format!("{label}: {field}mode: invalid rev for update"))),
                },
                _ => return Err(ApiError::BadInput(format!("{label}: {field}mode: unknown tag"))),
            },
        };
        let client_modified = match &self.client_modified {
            None => None,
            Some(text) => {
                let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ").map_err(|_| {
                    ApiError::BadInput(format!(
                        "{label}: {field}client_modified: time data '{text}' does not match format '%Y-%m-%dT%H:%M:%SZ'"
                    ))
                })?;
                Some(SystemTime::from(parsed.and_utc()))
            }
        };
        Ok(Commit { path, mode, autorename: self.autorename, client_modified, strict_conflict: self.strict_conflict })
    }
}

/// The remote path a commit writes to (an `id:` names an existing file).
fn target_path(app: &App, path: &PathArg) -> Result<String, WriteFailure> {
    match path {
        PathArg::Path(p) => {
            components(p).map_err(|_| WriteFailure::MalformedPath)?;
            if has_disallowed_name(p) {
                return Err(WriteFailure::DisallowedName);
            }
            Ok(p.clone())
        }
        PathArg::Id(id) => app.dropbox.catalog.path_of_id(id).ok_or(WriteFailure::MalformedPath),
        PathArg::Root | PathArg::Elsewhere => Err(WriteFailure::MalformedPath),
    }
}

fn lookup(app: &App, remote: &str) -> Result<Option<Entry>, WriteFailure> {
    match app.store.lookup(Service::Dropbox, remote) {
        Ok(found) => Ok(found),
        Err(PathError::NotAFolder) => Err(WriteFailure::Conflict("file_ancestor")),
        Err(_) => Err(WriteFailure::MalformedPath),
    }
}

/// `a.jpg` -> `a (1).jpg`, `a (conflicted copy).jpg`, ...: the name Dropbox
/// picks instead of one that is taken.
fn renamed(remote: &str, n: u32, conflicted_copy: bool) -> String {
    let (parent, name) = remote.rsplit_once('/').unwrap_or(("", remote));
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    let suffix = match (conflicted_copy, n) {
        (false, n) => format!("({n})"),
        (true, 0) => "(conflicted copy)".to_owned(),
        (true, n) => format!("(conflicted copy {n})"),
    };
    format!("{parent}/{stem} {suffix}{ext}")
}

/// The first free variant of `remote`.
pub(crate) fn free_name(app: &App, remote: &str, conflicted_copy: bool) -> Result<String, WriteFailure> {
    let first = if conflicted_copy { 0 } else { 1 };
    for n in first..10_000 {
        let candidate = renamed(remote, n, conflicted_copy);
        if lookup(app, &candidate)?.is_none() {
            return Ok(candidate);
        }
    }
    Err(WriteFailure::Conflict("file"))
}

pub(crate) enum CommitError {
    Write(WriteFailure),
    Io(std::io::Error),
}

impl From<WriteFailure> for CommitError {
    fn from(w: WriteFailure) -> Self {
        CommitError::Write(w)
    }
}

impl From<std::io::Error> for CommitError {
    fn from(e: std::io::Error) -> Self {
        CommitError::Io(e)
    }
}

/// Moves the fully received `temp` file (with these hashes) to the commit's
/// path and returns the file's metadata (without `.tag`). Blocking; holds the
/// namespace lock, as Dropbox serializes writes per namespace.
/// On failure `temp` is left where it is.
pub(crate) fn commit_file(app: &App, temp: &Path, hashes: FileHashes, commit: &Commit) -> Result<Value, CommitError> {
    let _namespace = app.dropbox.namespace_lock();
    let wanted = target_path(app, &commit.path)?;
    let mut target = wanted.clone();
    let mut replaces: Option<Entry> = None;
    match lookup(app, &wanted)? {
        None if commit.strict_conflict && matches!(commit.mode, WriteMode::Update(_)) => {
            target = conflict_or_rename(app, &wanted, commit, "file")?;
        }
        None => {}
        Some(existing) if existing.is_dir => target = conflict_or_rename(app, &wanted, commit, "folder")?,
        Some(existing) => {
            // Identical content is no conflict, and nothing is written, unless
            // `strict_conflict` ("forces a conflict even when the target path
            // refers to a file with identical contents", files.stone CommitInfo).
            let old = app.store.hashes(&existing.fs_path)?;
            if !commit.strict_conflict && old.content_hash == hashes.content_hash && old.size == hashes.size {
                std::fs::remove_file(temp)?;
                return Ok(untagged(describe_one(app, &existing)?));
            }
            let may_replace = match &commit.mode {
                WriteMode::Add => false,
                WriteMode::Overwrite => true,
                WriteMode::Update(rev) => app.dropbox.catalog.records(&[lower(&existing.remote)])[0].rev == *rev,
            };
            if may_replace {
                replaces = Some(existing);
            } else {
                target = conflict_or_rename(app, &wanted, commit, "file")?;
            }
        }
    }
    let freed = match &replaces {
        Some(e) => std::fs::metadata(&e.fs_path)?.len(),
        None => 0,
    };
    if hashes.size > app.store.remaining(Service::Dropbox) + freed {
        return Err(WriteFailure::InsufficientSpace.into());
    }
    let (fs_path, remote) = match app.store.prepare_parent(Service::Dropbox, &target) {
        Ok(found) => found,
        Err(PathError::NotAFolder) => return Err(WriteFailure::Conflict("file_ancestor").into()),
        Err(PathError::Io(e)) => return Err(e.into()),
        Err(_) => return Err(WriteFailure::MalformedPath.into()),
    };
    app.store.commit_file(Service::Dropbox, temp, &fs_path, commit.client_modified, hashes)?;
    if replaces.is_some() {
        app.dropbox.catalog.rewritten(&lower(&remote));
    } else {
        app.dropbox.catalog.created(&lower(&remote));
    }
    let entry = Entry { fs_path, remote, is_dir: false };
    Ok(untagged(describe_one(app, &entry)?))
}

/// Where a conflicting write goes: a renamed path with `autorename`, else the conflict.
fn conflict_or_rename(app: &App, wanted: &str, commit: &Commit, what: &'static str) -> Result<String, WriteFailure> {
    if commit.autorename {
        free_name(app, wanted, matches!(commit.mode, WriteMode::Update(_)))
    } else {
        Err(WriteFailure::Conflict(what))
    }
}

#[cfg(test)]
mod tests {
    use super::renamed;

    #[test]
    fn renamed_names_keep_the_extension() {
        assert_eq!(renamed("/Photos/a.jpg", 1, false), "/Photos/a (1).jpg");
        assert_eq!(renamed("/notes", 2, false), "/notes (2)");
        assert_eq!(renamed("/.hidden", 1, false), "/.hidden (1)");
        assert_eq!(renamed("/a.jpg", 0, true), "/a (conflicted copy).jpg");
    }
}
