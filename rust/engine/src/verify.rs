//! Checking a backup: local files against what the service holds where an
//! upload of the same sources to the same destination puts them, by size and
//! the service's own hash (OneDrive `quickXorHash`, Dropbox `content_hash`),
//! as `rclone check` does. Files the filter leaves out are not checked, on
//! either side.

use crate::hashing::RunningHash;
use crate::remote::{list_all, normalize, Remote, RemoteEntry};
use crate::upload::walk::{self, WalkItem};
use crate::upload::FilterSet;
use crate::{Error, Result, Session};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// A local file and where its copy should be.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedFile {
    pub local: PathBuf,
    pub remote: String,
}

/// A local file whose copy is not the same, and how.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub local: PathBuf,
    pub remote: String,
    /// In words: sizes, or which hash differs.
    pub reason: String,
}

/// What a check found. `ok` is true when every file matched and nothing else is there.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// Files whose copy has the same size and hash.
    pub matched: u64,
    /// Matched by size only: the service gave no hash for them.
    pub matched_size_only: u64,
    pub missing: Vec<CheckedFile>,
    pub different: Vec<Difference>,
    /// Remote files under the checked folders that no local file accounts for.
    pub extra: Vec<String>,
    /// Local files that could not be read (or named on the service), with why.
    pub errors: Vec<Difference>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.different.is_empty() && self.extra.is_empty() && self.errors.is_empty()
    }
}

impl Session {
    /// Compares `sources` with their copies under `destination` (a folder
    /// source keeps its name there, as an upload does).
    pub async fn check(
        &self,
        sources: Vec<PathBuf>,
        destination: &str,
        filter: FilterSet,
        cancel: &CancellationToken,
    ) -> Result<CheckReport> {
        filter.check()?;
        let remote = self.remote().await?;
        let destination = normalize(destination);
        let sources: Vec<PathBuf> = sources.iter().map(|s| std::path::absolute(s).unwrap_or_else(|_| s.clone())).collect();
        let roots = remote_roots(&sources, &destination, remote.kind());

        // Everything the service holds under each folder source's copy, by lowercased path.
        let mut held: BTreeMap<String, (String, RemoteEntry)> = BTreeMap::new();
        for root in roots.iter().flatten() {
            for (relative, entry) in remote_tree(&*remote, root, &filter, cancel).await? {
                let path = format!("{root}/{relative}");
                // Both services compare names without regard to case.
                held.insert(path.to_lowercase(), (path, entry));
            }
        }

        let mut report = CheckReport::default();
        let (tx, mut rx) = mpsc::channel(256);
        walk::spawn(sources, destination.clone(), remote.kind(), filter, tx);
        while let Some(item) = rx.recv().await {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            match item {
                WalkItem::File { local, remote: path, stamp } => {
                    let found = match held.remove(&path.to_lowercase()) {
                        Some((_, entry)) => Some(entry),
                        // A file source, or one outside the listed folders: ask for it.
                        None if !under_any(&path, &roots) => remote.resolve(&path, cancel).await?,
                        None => None,
                    };
                    let Some(entry) = found else {
                        report.missing.push(CheckedFile { local, remote: path });
                        continue;
                    };
                    let differs = |reason: String| Difference { local: local.clone(), remote: path.clone(), reason };
                    if entry.is_folder {
                        report.different.push(differs(format!("a folder on {}", remote.kind())));
                    } else if entry.size != stamp.size {
                        report.different.push(differs(format!("{} bytes here, {} on {}", stamp.size, entry.size, remote.kind())));
                    } else if let Some(stored) = &entry.hash {
                        let mut hash = RunningHash::new(remote.hash_kind());
                        match hash.advance_to(&local, stamp.size).await {
                            Ok(()) if hash.finish() == *stored => report.matched += 1,
                            Ok(()) => report.different.push(differs(format!(
                                "same size, different content (the {} differs)",
                                hash_name(remote.kind())
                            ))),
                            Err(e) => report.errors.push(differs(e.to_string())),
                        }
                    } else {
                        report.matched_size_only += 1;
                    }
                }
                WalkItem::Bad { local, reason } => {
                    report.errors.push(Difference { local, remote: String::new(), reason });
                }
                WalkItem::Folder { .. } | WalkItem::NotStored { .. } | WalkItem::Excluded { .. } => {}
            }
        }
        report.extra = held.into_values().map(|(path, _)| path).collect();
        Ok(report)
    }
}

fn hash_name(kind: crate::ServiceKind) -> &'static str {
    match kind {
        crate::ServiceKind::OneDrive => "quickXorHash",
        crate::ServiceKind::Dropbox => "content_hash",
    }
}

/// The remote folder of each folder source (`None` for a file source).
fn remote_roots(sources: &[PathBuf], destination: &str, kind: crate::ServiceKind) -> Vec<Option<String>> {
    sources
        .iter()
        .map(|source| {
            if !source.is_dir() {
                return None;
            }
            let name = source.file_name()?;
            let name = crate::names::remote_name(name, kind).ok()?;
            Some(crate::remote::join(destination, &name))
        })
        .collect()
}

fn under_any(path: &str, roots: &[Option<String>]) -> bool {
    let lower = path.to_lowercase();
    roots.iter().flatten().any(|root| lower.starts_with(&format!("{}/", root.to_lowercase())))
}

/// Every file under `root` (none when it is missing), by its path relative
/// to `root`; folders the filter leaves out are not listed.
async fn remote_tree(
    remote: &dyn Remote,
    root: &str,
    filter: &FilterSet,
    cancel: &CancellationToken,
) -> Result<Vec<(String, RemoteEntry)>> {
    match remote.resolve(root, cancel).await? {
        Some(entry) if entry.is_folder => {}
        _ => return Ok(Vec::new()),
    }
    let mut files = Vec::new();
    let mut folders = vec![String::new()];
    while let Some(relative) = folders.pop() {
        let path = if relative.is_empty() { root.to_owned() } else { format!("{root}/{relative}") };
        for entry in list_all(remote, &path, cancel).await? {
            let child = if relative.is_empty() { entry.name.clone() } else { format!("{relative}/{}", entry.name) };
            if filter.excluded(&child, entry.is_folder).is_some() {
                continue;
            }
            if entry.is_folder {
                folders.push(child);
            } else {
                files.push((child, entry));
            }
        }
    }
    Ok(files)
}
