//! Walks the job's sources lazily (a bounded channel: the walker is never
//! far ahead of the planning), turning local paths into remote ones.
//!
//! A folder source keeps its own name under the destination (`Pictures/` to
//! `/Backup` gives `/Backup/Pictures/...`, as `cp -r` does). Symbolic links
//! are followed; a link back to one of its own ancestors is reported as a
//! loop and not entered. Files come before subfolders, names sorted, so a
//! folder's files are contiguous in the walk. The job's filter is applied
//! here, to paths relative to the source: a folder it leaves out is not entered.

use super::filter::FilterSet;
use crate::stamp::FileStamp;
use crate::names::{check_path, remote_name, NameError};
use crate::remote::join;
use crate::ServiceKind;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

#[derive(Debug)]
pub(crate) enum WalkItem {
    Folder { local: PathBuf, remote: String },
    File { local: PathBuf, remote: String, stamp: FileStamp },
    Bad { local: PathBuf, reason: String },
    /// A name the service never stores (not a failure).
    NotStored { local: PathBuf, reason: String },
    /// Left out by the filter, with its reason.
    Excluded { local: PathBuf, reason: String },
}

/// Starts the walk on a blocking thread; it stops when `tx`'s receiver is dropped.
pub(crate) fn spawn(
    sources: Vec<PathBuf>,
    destination: String,
    service: ServiceKind,
    filter: FilterSet,
    tx: mpsc::Sender<WalkItem>,
) {
    tokio::task::spawn_blocking(move || {
        for source in sources {
            if !walk_source(&source, &destination, service, &filter, &tx) {
                return;
            }
        }
    });
}

fn bad(local: &Path, reason: impl Into<String>) -> WalkItem {
    WalkItem::Bad { local: local.to_owned(), reason: reason.into() }
}

/// A local name the service cannot take.
fn refused(local: &Path, e: NameError) -> WalkItem {
    match e {
        NameError::NotStored(_) => WalkItem::NotStored { local: local.to_owned(), reason: e.to_string() },
        _ => bad(local, e.to_string()),
    }
}

/// One file, checked for what can be known before any upload.
fn file_item(local: &Path, meta: &std::fs::Metadata, remote: String, service: ServiceKind) -> WalkItem {
    if let Err(e) = check_path(&remote, service) {
        return bad(local, e.to_string());
    }
    if !meta.is_file() {
        return bad(local, "not a regular file");
    }
    if let Err(e) = std::fs::File::open(local) {
        return bad(local, format!("cannot be read: {e}"));
    }
    WalkItem::File { local: local.to_owned(), remote, stamp: FileStamp::of(meta) }
}

/// Returns `false` once the receiver is gone.
fn walk_source(
    source: &Path,
    destination: &str,
    service: ServiceKind,
    filter: &FilterSet,
    tx: &mpsc::Sender<WalkItem>,
) -> bool {
    let send = |item: WalkItem| tx.blocking_send(item).is_ok();
    let excluded = |local: &Path, relative: &Path, is_dir: bool| {
        let relative = relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
        filter.excluded(&relative, is_dir).map(|reason| WalkItem::Excluded { local: local.to_owned(), reason })
    };
    let meta = match std::fs::metadata(source) {
        Ok(m) => m,
        Err(e) => return send(bad(source, format!("cannot be read: {e}"))),
    };
    let top_remote = match source.file_name() {
        Some(name) => match remote_name(name, service) {
            Ok(n) => join(destination, &n),
            Err(e) => return send(refused(source, e)),
        },
        None => destination.to_owned(),
    };
    if !meta.is_dir() {
        let name = source.file_name().map(Path::new).unwrap_or(source);
        if let Some(item) = excluded(source, name, false) {
            return send(item);
        }
        return send(file_item(source, &meta, top_remote, service));
    }
    // remotes[d] is the remote folder of the entry at depth d.
    let mut remotes: Vec<String> = Vec::new();
    let walker = walkdir::WalkDir::new(source)
        .follow_links(true)
        .sort_by(|a, b| a.file_type().is_dir().cmp(&b.file_type().is_dir()).then_with(|| a.file_name().cmp(b.file_name())));
    let mut it = walker.into_iter();
    while let Some(next) = it.next() {
        let entry = match next {
            Ok(e) => e,
            Err(e) => {
                let local = e.path().map(Path::to_owned).unwrap_or_else(|| source.to_owned());
                let reason = match e.loop_ancestor() {
                    Some(ancestor) => format!("a folder loop: it leads back to {}", ancestor.display()),
                    None => format!("cannot be read: {}", e.io_error().map(|io| io.to_string()).unwrap_or_else(|| e.to_string())),
                };
                if !send(bad(&local, reason)) {
                    return false;
                }
                continue;
            }
        };
        let depth = entry.depth();
        remotes.truncate(depth);
        if depth > 0 {
            let relative = entry.path().strip_prefix(source).unwrap_or(entry.path());
            if let Some(item) = excluded(entry.path(), relative, entry.file_type().is_dir()) {
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                if !send(item) {
                    return false;
                }
                continue;
            }
        }
        let remote = if depth == 0 {
            top_remote.clone()
        } else {
            match remote_name(entry.file_name(), service) {
                Ok(n) => join(&remotes[depth - 1], &n),
                Err(e) => {
                    if entry.file_type().is_dir() {
                        it.skip_current_dir();
                    }
                    if !send(refused(entry.path(), e)) {
                        return false;
                    }
                    continue;
                }
            }
        };
        let item = if entry.file_type().is_dir() {
            if let Err(e) = check_path(&remote, service) {
                it.skip_current_dir();
                bad(entry.path(), e.to_string())
            } else {
                remotes.push(remote.clone());
                WalkItem::Folder { local: entry.path().to_owned(), remote }
            }
        } else {
            match entry.metadata() {
                Ok(meta) => file_item(entry.path(), &meta, remote, service),
                Err(e) => bad(entry.path(), format!("cannot be read: {e}")),
            }
        };
        if !send(item) {
            return false;
        }
    }
    true
}
