//! Deciding what to do with each walked file: its remote name, whether an
//! earlier run stored it, what the target folder holds there, and what the
//! conflict policy asks of the service.

use super::context::Ctx;
use super::options::{ConflictPolicy, FileOutcome, FileReport};
use crate::hashing::RunningHash;
use crate::stamp::FileStamp;
use crate::names::{clash_notice, DistinctNames};
use crate::remote::{join, list_all, split, Remote, RemoteEntry, WireConflict};
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokio_util::sync::CancellationToken;

/// A file to hand to a transfer.
pub(super) struct PlannedFile {
    pub local: PathBuf,
    pub target: String,
    pub stamp: FileStamp,
    /// What the target folder's listing holds under the target's name.
    pub existing: Option<RemoteEntry>,
    /// The remote path another file of the run took first; `target` is this file's own.
    pub clash: Option<String>,
}

/// The remote folder whose files are being planned, by lowercased name
/// (both services treat names case-insensitively).
struct Listing {
    folder: String,
    names: HashMap<String, RemoteEntry>,
}

/// Plans the walked files in walk order, listing each target folder once
/// while its files come.
#[derive(Default)]
pub(super) struct Planner {
    listing: Option<Listing>,
    names: DistinctNames,
}

impl Planner {
    /// The file to transfer, or `None` when its result is settled here (and reported).
    pub(super) async fn plan(&mut self, ctx: &Ctx, local: PathBuf, target: String, stamp: FileStamp) -> Option<PlannedFile> {
        // A converted photo is stored as `.jpg`: plan (and check conflicts) under that name.
        let target = match &ctx.preparer {
            Some(p) => match p.planned_name(&local) {
                Ok(name) => join(split(&target).0, &name),
                Err(e) => {
                    ctx.ledger.report_error(&local, Some(&target), &e);
                    return None;
                }
            },
            None => target,
        };
        // One remote name per file, decided here, before anything is sent.
        let wanted = target;
        let target = self.names.claim(&wanted);
        let clash = (target != wanted).then_some(wanted);
        if done_earlier(ctx, &local, &stamp, &target) {
            ctx.ledger.report(FileReport {
                notices: clash.iter().map(|w| clash_notice(w, &target, &ctx.remote.kind().to_string())).collect(),
                name_clash: clash,
                ..FileReport::simple(&local, Some(&target), FileOutcome::AlreadyUploaded)
            });
            return None;
        }
        let max = ctx.remote.max_file_size();
        if stamp.size > max {
            let reason = format!("{} bytes is more than {} accepts ({max} bytes)", stamp.size, ctx.remote.kind());
            ctx.ledger.report_error(&local, Some(&target), &Error::InvalidInput(reason));
            return None;
        }
        // Listed under every policy: what is there decides what the user is told.
        let existing = self.existing(ctx, &target).await;
        Some(PlannedFile { local, target, stamp, existing, clash })
    }

    async fn existing(&mut self, ctx: &Ctx, target: &str) -> Option<RemoteEntry> {
        let (parent, name) = split(target);
        if self.listing.as_ref().is_none_or(|l| l.folder != parent) {
            self.listing = Some(load_listing(&*ctx.remote, parent, &ctx.cancel).await);
        }
        self.listing.as_ref().and_then(|l| l.names.get(&name.to_lowercase()).cloned())
    }
}

/// Done by an earlier run: where it was meant to go, or (keep both) anywhere.
fn done_earlier(ctx: &Ctx, local: &Path, stamp: &FileStamp, target: &str) -> bool {
    ctx.journal.as_ref().is_some_and(|j| {
        if ctx.conflict == ConflictPolicy::Rename {
            j.is_done(local, stamp)
        } else {
            j.is_done_at(local, stamp, target)
        }
    })
}

async fn load_listing(remote: &dyn Remote, folder: &str, cancel: &CancellationToken) -> Listing {
    let entries = match remote.resolve(folder, cancel).await {
        Ok(Some(_)) => list_all(remote, folder, cancel).await,
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(e),
    };
    let names = match entries {
        Ok(entries) => entries.into_iter().map(|e| (e.name.to_lowercase(), e)).collect(),
        Err(e) => {
            // Uploads still refuse to overwrite (they ask the service to fail on a
            // taken name), so planning without the listing is safe, only slower.
            tracing::warn!(folder, "cannot list the remote folder: {e}");
            HashMap::new()
        }
    };
    Listing { folder: folder.to_owned(), names }
}

/// Whether a stored file is this local file (size and service hash).
pub(super) async fn identical(ctx: &Ctx, local: &Path, stamp: FileStamp, entry: &RemoteEntry) -> Result<bool> {
    let Some(stored) = &entry.hash else { return Ok(false) };
    if entry.is_folder || entry.size != stamp.size {
        return Ok(false);
    }
    let mut hash = RunningHash::new(ctx.remote.hash_kind());
    hash.advance_to(local, stamp.size).await?;
    Ok(hash.finish() == *stored)
}

/// What to do about the file at `target`, given what the listing found there.
pub(super) enum Decision {
    Send(WireConflict),
    /// Nothing to send: the file's final result.
    Settled(FileOutcome),
}

/// The conflict policy applied to what the listing found at the target.
pub(super) async fn decide(
    ctx: &Ctx,
    local: &Path,
    target: &str,
    stamp: FileStamp,
    existing: Option<&RemoteEntry>,
) -> Result<Decision> {
    let Some(entry) = existing else { return Ok(Decision::Send(WireConflict::Fail)) };
    if entry.is_folder {
        return Err(Error::InvalidInput(format!("{target} is a folder on {}", ctx.remote.kind())));
    }
    if identical(ctx, local, stamp, entry).await? {
        return Ok(Decision::Settled(FileOutcome::SkippedIdentical));
    }
    match ctx.conflict {
        ConflictPolicy::Replace => Ok(Decision::Send(WireConflict::Replace)),
        ConflictPolicy::Rename => Ok(Decision::Send(WireConflict::Rename)),
        ConflictPolicy::Skip => Ok(Decision::Settled(FileOutcome::SkippedExisting)),
        ConflictPolicy::Fail => Err(Error::Conflict { service: ctx.remote.kind(), path: target.to_owned() }),
    }
}
