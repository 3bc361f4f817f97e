//! One planned file's upload: prepared, sent (continuing a journaled
//! session, once more if the file changed while sending), recovered from a
//! name taken meanwhile, then counted and reported.

use super::context::Ctx;
use super::options::{ConflictPolicy, FileOutcome, FileReport};
use super::plan::{decide, identical, Decision, PlannedFile};
use crate::stamp::FileStamp;
use crate::remote::{OpenSession, RemoteEntry, UploadObserver, UploadSpec, Uploaded, WireConflict};
use crate::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::OwnedSemaphorePermit;

/// Transfers one file while holding (until it waits for a commit) a transfer slot.
pub(super) async fn file_task(ctx: Arc<Ctx>, file: PlannedFile, permit: OwnedSemaphorePermit) {
    let PlannedFile { local, target, stamp, existing, clash } = file;
    let tracker = &ctx.ledger.tracker;
    let prepared = match &ctx.preparer {
        Some(p) if !ctx.dry_run => match p.prepare(&local, stamp).await {
            Ok(prepared) => Some(prepared),
            Err(e) => {
                tracker.bytes_total.fetch_sub(stamp.size, Ordering::Relaxed);
                ctx.ledger.report_error(&local, Some(&target), &e);
                return;
            }
        },
        _ => None,
    };
    // From here on the upload is of the prepared file (or the source itself).
    let (upload_path, upload_stamp) = match &prepared {
        Some(p) => (p.path.clone(), p.stamp),
        None => (local.clone(), stamp),
    };
    if upload_stamp.size != stamp.size {
        tracker.bytes_total.fetch_sub(stamp.size, Ordering::Relaxed);
        tracker.bytes_total.fetch_add(upload_stamp.size, Ordering::Relaxed);
    }
    let transfer = FileTransfer {
        ctx: &ctx,
        id: tracker.begin(local.clone(), upload_stamp.size),
        local: &upload_path,
        target: &target,
        slot: Arc::new(Mutex::new(Some(permit))),
        sent: Arc::new(AtomicU64::new(0)),
    };
    let (outcome, stored_as, bytes_sent, error_kind) = match transfer.run(upload_stamp, existing).await {
        Ok(done) => (done.outcome, done.stored_as, done.bytes_sent, None),
        // What a stopped file sent still counts (a suspended job keeps it for the resume).
        Err(Error::Cancelled) => (FileOutcome::Cancelled, target.clone(), tracker.moved(transfer.id), None),
        Err(e) => (FileOutcome::Failed(e.to_string()), target.clone(), 0, Some(e.kind())),
    };
    let stored_now = matches!(outcome, FileOutcome::Uploaded | FileOutcome::Replaced | FileOutcome::KeptBoth);
    ctx.ledger.transfer_ended(transfer.id, upload_stamp.size, stored_now);
    // The journal knows the source file as stored when this run stored it
    // (the transfer journals what it sent; a prepared copy is journaled as
    // its source), and as present when it was already there: a resume offer
    // counts both as stored.
    if let Some(j) = &ctx.journal {
        if stored_now && upload_path != local {
            j.finished(&local, stamp, &stored_as);
        } else if outcome == FileOutcome::SkippedIdentical {
            j.found_there(&local, stamp, &stored_as);
        }
    }
    let mut notices = Vec::new();
    if let Some(p) = prepared {
        if outcome != FileOutcome::Cancelled {
            p.discard();
        }
        notices = p.notices;
    }
    if let Some(wanted) = &clash {
        notices.insert(0, crate::names::clash_notice(wanted, &stored_as, &ctx.remote.kind().to_string()));
    }
    ctx.ledger.report(FileReport {
        local,
        remote: Some(stored_as),
        outcome,
        bytes_sent,
        notices,
        error_kind,
        name_clash: clash,
    });
}

/// How one file's transfer ended (failures are the `Err` of [`FileTransfer::run`]).
struct Transferred {
    outcome: FileOutcome,
    stored_as: String,
    bytes_sent: u64,
}

impl Transferred {
    fn untouched(outcome: FileOutcome, target: &str) -> Self {
        Self { outcome, stored_as: target.to_owned(), bytes_sent: 0 }
    }
}

/// After the service refused a name: the file's result, or how to send it again.
enum Recovery {
    Done(Transferred),
    Retry(WireConflict),
}

/// The upload of the file at `local` (the source or its prepared copy) to `target`.
struct FileTransfer<'a> {
    ctx: &'a Arc<Ctx>,
    /// The file's entry in the progress tracker.
    id: u64,
    local: &'a Path,
    target: &'a str,
    slot: Arc<Mutex<Option<OwnedSemaphorePermit>>>,
    /// Highest offset sent for this file in this run.
    sent: Arc<AtomicU64>,
}

impl FileTransfer<'_> {
    async fn run(&self, mut stamp: FileStamp, existing: Option<RemoteEntry>) -> Result<Transferred> {
        let mut wire = match decide(self.ctx, self.local, self.target, stamp, existing.as_ref()).await? {
            Decision::Send(wire) => wire,
            Decision::Settled(outcome) => return Ok(Transferred::untouched(outcome, self.target)),
        };
        if self.ctx.dry_run {
            return Ok(Transferred::untouched(FileOutcome::WouldUpload, self.target));
        }
        let mut resume = self.journaled_session(stamp).await;
        // Bytes of this file sent by an earlier run (a journaled session) count as ours.
        let mut ours = resume.is_some();
        let mut resent = false;
        loop {
            match self.send(stamp, wire, resume.take()).await {
                Ok(up) => {
                    if let Some(j) = &self.ctx.journal {
                        j.finished(self.local, stamp, &up.entry.path);
                    }
                    let outcome = stored_outcome(wire, self.target, &up.entry.path);
                    return Ok(Transferred { outcome, stored_as: up.entry.path, bytes_sent: up.bytes_sent });
                }
                Err(Error::FileChanged { .. }) if !resent => {
                    // Once more with the file as it is now; a second change is reported.
                    resent = true;
                    stamp = FileStamp::read(self.local).await?;
                }
                Err(Error::Conflict { .. }) if wire == WireConflict::Fail => {
                    // The name was free when planned: either an earlier attempt of ours
                    // landed (its answer lost) or someone else wrote it meanwhile. Ours
                    // if we sent its bytes (an empty file has none to tell by: an attempt
                    // was made, so it counts as ours, as a lost answer would be).
                    ours |= self.sent.load(Ordering::Relaxed) > 0 || stamp.size == 0;
                    match self.after_conflict(stamp, ours).await? {
                        Recovery::Done(done) => return Ok(done),
                        Recovery::Retry(next) => wire = next,
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The session an earlier run left open for this file, if the file is as it was then.
    async fn journaled_session(&self, stamp: FileStamp) -> Option<OpenSession> {
        let journal = self.ctx.journal.as_ref()?;
        let recorded = journal.take_open(self.local)?;
        if recorded.stamp == stamp && recorded.remote == self.target {
            return Some(recorded.session);
        }
        // The file changed since that session began: its bytes are of no use.
        self.ctx.remote.discard_session(&recorded.session).await;
        journal.closed(self.local);
        None
    }

    async fn send(&self, stamp: FileStamp, wire: WireConflict, resume: Option<OpenSession>) -> Result<Uploaded> {
        if resume.is_some() {
            self.ctx.ledger.tracker.resuming(self.id);
        }
        let observer = Arc::new(FileObserver {
            ctx: self.ctx.clone(),
            id: self.id,
            local: self.local.to_owned(),
            remote: self.target.to_owned(),
            stamp,
            slot: self.slot.clone(),
            sent: self.sent.clone(),
        });
        let spec = UploadSpec {
            local: self.local,
            stamp,
            remote_path: self.target,
            conflict: wire,
            chunk_size: self.ctx.chunk_size,
            adapt_chunks: self.ctx.adapt_chunks,
            resume,
            observer,
            cancel: &self.ctx.cancel,
        };
        self.ctx.remote.upload(spec).await
    }

    /// The service found the target taken: done if what is there is this file
    /// (`ours` if we sent it), else as the conflict policy says.
    async fn after_conflict(&self, stamp: FileStamp, ours: bool) -> Result<Recovery> {
        let ctx = self.ctx;
        let theirs = ctx.remote.resolve(self.target, &ctx.cancel).await?;
        if let Some(entry) = &theirs {
            if identical(ctx, self.local, stamp, entry).await? {
                if let Some(j) = &ctx.journal {
                    j.finished(self.local, stamp, self.target);
                }
                // Ours only if we sent its bytes; else another run stored the same file.
                let (outcome, bytes_sent) = if ours {
                    (FileOutcome::Uploaded, self.sent.load(Ordering::Relaxed))
                } else {
                    (FileOutcome::SkippedIdentical, 0)
                };
                return Ok(Recovery::Done(Transferred { outcome, stored_as: entry.path.clone(), bytes_sent }));
            }
        }
        match ctx.conflict {
            ConflictPolicy::Rename => Ok(Recovery::Retry(WireConflict::Rename)),
            ConflictPolicy::Replace => Ok(Recovery::Retry(WireConflict::Replace)),
            ConflictPolicy::Skip => Ok(Recovery::Done(Transferred::untouched(FileOutcome::SkippedExisting, self.target))),
            ConflictPolicy::Fail => Err(Error::Conflict { service: ctx.remote.kind(), path: self.target.to_owned() }),
        }
    }
}

/// The outcome of a stored upload, by what was asked of the service.
fn stored_outcome(wire: WireConflict, target: &str, stored_as: &str) -> FileOutcome {
    match wire {
        WireConflict::Fail => FileOutcome::Uploaded,
        WireConflict::Replace => FileOutcome::Replaced,
        WireConflict::Rename if !stored_as.eq_ignore_ascii_case(target) => FileOutcome::KeptBoth,
        WireConflict::Rename => FileOutcome::Uploaded,
    }
}

/// Tells the journal, the progress tracker and the slot about one file's upload.
struct FileObserver {
    ctx: Arc<Ctx>,
    id: u64,
    local: PathBuf,
    remote: String,
    stamp: FileStamp,
    slot: Arc<Mutex<Option<OwnedSemaphorePermit>>>,
    /// Highest offset sent for this file in this run.
    sent: Arc<AtomicU64>,
}

impl UploadObserver for FileObserver {
    fn sent(&self, offset: u64) {
        self.sent.fetch_max(offset, Ordering::Relaxed);
        self.ctx.ledger.tracker.sent(self.id, offset);
    }

    fn session(&self, session: Option<&OpenSession>) {
        if let Some(j) = &self.ctx.journal {
            match session {
                Some(s) => j.opened(&self.local, self.stamp, &self.remote, s),
                None => j.closed(&self.local),
            }
        }
    }

    fn waiting_for_commit(&self) {
        // Frees the transfer slot: the next file can start while this one waits for its batch.
        self.slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    fn keep_session_on_cancel(&self) -> bool {
        self.ctx.suspended.load(Ordering::Relaxed)
    }
}
