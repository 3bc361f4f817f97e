//! Runs an upload job: walk, plan each file against the remote folder's
//! listing and the conflict policy, transfer a bounded number of files at a
//! time, journal everything for resume, publish progress, honour cancel.

use super::journal::{self, Journal};
use super::options::{ConflictPolicy, FileOutcome, FileReport, Summary, UploadOptions};
use super::progress::{Progress, Publisher, Tracker, TICK};
use crate::hashing::RunningHash;
use crate::stamp::FileStamp;
use super::prepare::Preparer;
use super::walk::{self, WalkItem};
use crate::remote::{join, list_all, normalize, split, OpenSession, Remote, RemoteEntry, UploadObserver, UploadSpec, WireConflict};
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Where a job's results go. Both are called from worker tasks; keep them quick.
pub trait JobEvents: Send + Sync {
    /// At most every 100 ms while the job runs, and once at the end.
    fn progress(&self, _progress: &Progress) {}
    /// Once per file, as soon as its result is known.
    fn file_done(&self, _report: &FileReport) {}
}

/// Ignores every event.
pub struct NoEvents;
impl JobEvents for NoEvents {}

/// An upload of local files and folders into one remote folder.
pub struct UploadJob {
    pub remote: Arc<dyn Remote>,
    pub sources: Vec<PathBuf>,
    /// Remote folder; created if missing.
    pub destination: String,
    pub options: UploadOptions,
}

/// What every file task shares.
struct Ctx {
    remote: Arc<dyn Remote>,
    journal: Option<Journal>,
    tracker: Arc<Tracker>,
    events: Arc<dyn JobEvents>,
    summary: Mutex<Summary>,
    conflict: ConflictPolicy,
    chunk_size: u64,
    dry_run: bool,
    cancel: CancellationToken,
    preparer: Option<Preparer>,
}

impl Ctx {
    fn report(&self, report: FileReport) {
        {
            let mut s = self.summary.lock().unwrap_or_else(|p| p.into_inner());
            s.bytes_sent += report.bytes_sent;
            match &report.outcome {
                FileOutcome::Uploaded => s.uploaded += 1,
                FileOutcome::Replaced => s.replaced += 1,
                FileOutcome::KeptBoth => s.kept_both += 1,
                FileOutcome::AlreadyUploaded => s.already_uploaded += 1,
                FileOutcome::SkippedIdentical => s.skipped_identical += 1,
                FileOutcome::SkippedExisting => s.skipped_existing += 1,
                FileOutcome::WouldUpload => s.would_upload += 1,
                FileOutcome::Failed(_) => s.failed += 1,
                FileOutcome::Cancelled => {}
            }
        }
        if matches!(report.outcome, FileOutcome::Failed(_)) {
            self.tracker.files_failed.fetch_add(1, Ordering::Relaxed);
        }
        if report.outcome != FileOutcome::Cancelled {
            self.tracker.files_done.fetch_add(1, Ordering::Relaxed);
        }
        self.events.file_done(&report);
    }

    fn report_simple(&self, local: &Path, remote: Option<&str>, outcome: FileOutcome) {
        let error_kind = matches!(outcome, FileOutcome::Failed(_)).then_some(crate::ErrorKind::LocalFile);
        self.report(FileReport {
            local: local.to_owned(),
            remote: remote.map(str::to_owned),
            outcome,
            bytes_sent: 0,
            notices: Vec::new(),
            error_kind,
        });
    }

    fn report_error(&self, local: &Path, remote: Option<&str>, error: &Error) {
        self.report(FileReport {
            local: local.to_owned(),
            remote: remote.map(str::to_owned),
            outcome: FileOutcome::Failed(error.to_string()),
            bytes_sent: 0,
            notices: Vec::new(),
            error_kind: Some(error.kind()),
        });
    }

    fn count_folder(&self, folder: &crate::remote::Folder) {
        if folder.created {
            self.summary.lock().unwrap_or_else(|p| p.into_inner()).folders_created += 1;
        }
    }
}

/// The remote folder whose files are being planned, by lowercased name
/// (both services treat names case-insensitively).
struct Listing {
    folder: String,
    names: HashMap<String, RemoteEntry>,
}

impl UploadJob {
    pub async fn run(self, events: Arc<dyn JobEvents>, cancel: CancellationToken) -> Result<Summary> {
        let started = tokio::time::Instant::now();
        let remote = self.remote.clone();
        let kind = remote.kind();
        let destination = normalize(&self.destination);
        let sources: Vec<PathBuf> = self
            .sources
            .iter()
            .map(|s| std::path::absolute(s).unwrap_or_else(|_| s.clone()))
            .collect();
        let job_id = journal::job_id(kind, &sources, &destination);
        let state_dir = match &self.options.journal_dir {
            Some(d) => d.clone(),
            None => journal::default_dir()?,
        };
        let journal = if self.options.dry_run { None } else { Some(Journal::open(&state_dir, &job_id)?) };
        let preparer = self.options.prepare.clone().map(|o| Preparer::new(o, state_dir.join("prepared").join(&job_id)));
        let chunk_size = self.options.chunk_size.unwrap_or(remote.profile().chunks.default_size);
        let ctx = Arc::new(Ctx {
            remote: remote.clone(),
            journal,
            tracker: Arc::new(Tracker::default()),
            events: events.clone(),
            summary: Mutex::new(Summary::default()),
            conflict: self.options.conflict,
            chunk_size,
            dry_run: self.options.dry_run,
            cancel: cancel.clone(),
            preparer,
        });
        if !ctx.dry_run && destination != "/" {
            ctx.count_folder(&remote.create_folder(&destination, &cancel).await?);
        }

        let ticker = spawn_ticker(ctx.tracker.clone(), events.clone());
        let (tx, mut rx) = mpsc::channel(256);
        walk::spawn(sources, destination.clone(), kind, tx);
        let slots = Arc::new(Semaphore::new(self.options.jobs.max(1)));
        let mut tasks = JoinSet::new();
        let mut listing: Option<Listing> = None;
        loop {
            let item = tokio::select! {
                biased;
                _ = cancel.cancelled() => break,
                item = rx.recv() => item,
            };
            let Some(item) = item else { break };
            while tasks.try_join_next().is_some() {}
            match item {
                WalkItem::Folder { local, remote: folder } => {
                    if ctx.dry_run {
                        continue;
                    }
                    match remote.create_folder(&folder, &cancel).await {
                        Ok(made) => ctx.count_folder(&made),
                        Err(Error::Cancelled) => break,
                        Err(e) => ctx.report_error(&local, Some(&folder), &e),
                    }
                }
                WalkItem::Bad { local, reason } => {
                    ctx.tracker.files_seen.fetch_add(1, Ordering::Relaxed);
                    ctx.report_simple(&local, None, FileOutcome::Failed(reason));
                }
                WalkItem::File { local, remote: target, stamp } => {
                    ctx.tracker.files_seen.fetch_add(1, Ordering::Relaxed);
                    // A converted photo is stored as `.jpg`: plan (and check conflicts) under that name.
                    let target = match &ctx.preparer {
                        Some(p) => match p.planned_name(&local) {
                            Ok(name) => join(split(&target).0, &name),
                            Err(e) => {
                                ctx.report_error(&local, Some(&target), &e);
                                continue;
                            }
                        },
                        None => target,
                    };
                    // Done by an earlier run: where it was meant to go, or (keep both) anywhere.
                    let done = ctx.journal.as_ref().is_some_and(|j| {
                        if ctx.conflict == ConflictPolicy::Rename {
                            j.is_done(&local, &stamp)
                        } else {
                            j.is_done_at(&local, &stamp, &target)
                        }
                    });
                    if done {
                        ctx.report_simple(&local, Some(&target), FileOutcome::AlreadyUploaded);
                        continue;
                    }
                    if stamp.size > remote.max_file_size() {
                        let reason = format!("{} bytes is more than {kind} accepts ({} bytes)", stamp.size, remote.max_file_size());
                        ctx.report_error(&local, Some(&target), &Error::InvalidInput(reason));
                        continue;
                    }
                    // Listed under every policy: what is there decides what the user is told.
                    let existing = {
                        let (parent, name) = split(&target);
                        if listing.as_ref().is_none_or(|l| l.folder != parent) {
                            listing = Some(load_listing(&*remote, parent, &cancel).await);
                        }
                        listing.as_ref().and_then(|l| l.names.get(&name.to_lowercase()).cloned())
                    };
                    let permit = tokio::select! {
                        biased;
                        _ = cancel.cancelled() => break,
                        p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
                    };
                    ctx.tracker.bytes_total.fetch_add(stamp.size, Ordering::Relaxed);
                    tasks.spawn(file_task(ctx.clone(), local, target, stamp, existing, permit));
                }
            }
        }
        ctx.tracker.walk_done.store(true, Ordering::Relaxed);
        drop(rx);
        while tasks.join_next().await.is_some() {}
        // Deleting abandoned sessions may take a moment; a cancel must not wait
        // for it (the deletes go on in the background while the runtime lives).
        let settle_for = if cancel.is_cancelled() { Duration::from_millis(300) } else { Duration::from_secs(15) };
        let _ = tokio::time::timeout(settle_for, remote.settle()).await;
        ticker.abort();
        events.progress(&Publisher::new(ctx.tracker.clone()).next());
        let mut summary = ctx.summary.lock().unwrap_or_else(|p| p.into_inner()).clone();
        summary.elapsed_ms = started.elapsed().as_millis() as u64;
        summary.cancelled = cancel.is_cancelled();
        if !ctx.dry_run && !summary.cancelled {
            summary.folder_web_url = folder_web_url(&*remote, &destination, &cancel).await;
        }
        Ok(summary)
    }
}

/// The destination's web page; a job that could not look it up still succeeded.
async fn folder_web_url(remote: &dyn Remote, folder: &str, cancel: &CancellationToken) -> Option<String> {
    match remote.resolve(folder, cancel).await {
        Ok(Some(entry)) => remote.web_url(&entry),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(folder, "cannot look up the folder's web address: {e}");
            None
        }
    }
}

fn spawn_ticker(tracker: Arc<Tracker>, events: Arc<dyn JobEvents>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut publisher = Publisher::new(tracker);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            events.progress(&publisher.next());
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
        self.ctx.tracker.sent(self.id, offset);
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
}

async fn file_task(
    ctx: Arc<Ctx>,
    local: PathBuf,
    target: String,
    stamp: FileStamp,
    existing: Option<RemoteEntry>,
    permit: OwnedSemaphorePermit,
) {
    let prepared = match &ctx.preparer {
        Some(p) if !ctx.dry_run => match p.prepare(&local, stamp).await {
            Ok(prepared) => Some(prepared),
            Err(e) => {
                ctx.tracker.bytes_total.fetch_sub(stamp.size, Ordering::Relaxed);
                ctx.report_error(&local, Some(&target), &e);
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
        ctx.tracker.bytes_total.fetch_sub(stamp.size, Ordering::Relaxed);
        ctx.tracker.bytes_total.fetch_add(upload_stamp.size, Ordering::Relaxed);
    }
    let id = ctx.tracker.begin(local.clone(), upload_stamp.size);
    let slot = Arc::new(Mutex::new(Some(permit)));
    let sent = Arc::new(AtomicU64::new(0));
    let (outcome, stored_as, bytes_sent, error_kind) =
        match transfer(&ctx, id, &upload_path, &target, upload_stamp, existing, &slot, &sent).await {
            Ok(done) => (done.outcome, done.stored_as, done.bytes_sent, None),
            Err(Error::Cancelled) => (FileOutcome::Cancelled, target.clone(), 0, None),
            Err(e) => (FileOutcome::Failed(e.to_string()), target.clone(), 0, Some(e.kind())),
        };
    let stored_now = matches!(outcome, FileOutcome::Uploaded | FileOutcome::Replaced | FileOutcome::KeptBoth);
    let stored = if stored_now { upload_stamp.size } else { 0 };
    if !stored_now {
        ctx.tracker.bytes_total.fetch_sub(upload_stamp.size, Ordering::Relaxed);
    } else {
        ctx.summary.lock().unwrap_or_else(|p| p.into_inner()).bytes_uploaded += upload_stamp.size;
    }
    ctx.tracker.end(id, stored);
    let mut notices = Vec::new();
    if let Some(p) = prepared {
        if stored_now && upload_path != local {
            // The next run checks the source file, not the prepared copy.
            if let Some(j) = &ctx.journal {
                j.finished(&local, stamp, &stored_as);
            }
        }
        if outcome != FileOutcome::Cancelled {
            p.discard();
        }
        notices = p.notices;
    }
    ctx.report(FileReport { local, remote: Some(stored_as), outcome, bytes_sent, notices, error_kind });
}

/// Whether a stored file is this local file (size and service hash).
async fn identical(ctx: &Ctx, local: &Path, stamp: FileStamp, entry: &RemoteEntry) -> Result<bool> {
    let Some(stored) = &entry.hash else { return Ok(false) };
    if entry.is_folder || entry.size != stamp.size {
        return Ok(false);
    }
    let mut hash = RunningHash::new(ctx.remote.hash_kind());
    hash.advance_to(local, stamp.size).await?;
    Ok(hash.finish() == *stored)
}

/// How one file's transfer ended (failures are the `Err` of [`transfer`]).
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

/// What to ask of the service, given what the listing found at the target:
/// `Err` with the final result when nothing is to be sent.
async fn wire_conflict(
    ctx: &Ctx,
    local: &Path,
    target: &str,
    stamp: FileStamp,
    existing: Option<&RemoteEntry>,
) -> Result<std::result::Result<WireConflict, Transferred>> {
    let Some(entry) = existing else { return Ok(Ok(WireConflict::Fail)) };
    if entry.is_folder {
        return Err(Error::InvalidInput(format!("{target} is a folder on {}", ctx.remote.kind())));
    }
    if identical(ctx, local, stamp, entry).await? {
        return Ok(Err(Transferred::untouched(FileOutcome::SkippedIdentical, target)));
    }
    match ctx.conflict {
        ConflictPolicy::Replace => Ok(Ok(WireConflict::Replace)),
        ConflictPolicy::Rename => Ok(Ok(WireConflict::Rename)),
        ConflictPolicy::Skip => Ok(Err(Transferred::untouched(FileOutcome::SkippedExisting, target))),
        ConflictPolicy::Fail => Err(Error::Conflict { service: ctx.remote.kind(), path: target.to_owned() }),
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

#[allow(clippy::too_many_arguments)]
async fn transfer(
    ctx: &Arc<Ctx>,
    id: u64,
    local: &Path,
    target: &str,
    mut stamp: FileStamp,
    existing: Option<RemoteEntry>,
    slot: &Arc<Mutex<Option<OwnedSemaphorePermit>>>,
    sent: &Arc<AtomicU64>,
) -> Result<Transferred> {
    let mut wire = match wire_conflict(ctx, local, target, stamp, existing.as_ref()).await? {
        Ok(wire) => wire,
        Err(done) => return Ok(done),
    };
    if ctx.dry_run {
        return Ok(Transferred::untouched(FileOutcome::WouldUpload, target));
    }
    let mut resume = None;
    if let Some(journal) = &ctx.journal {
        if let Some(recorded) = journal.take_open(local) {
            if recorded.stamp == stamp && recorded.remote == target {
                resume = Some(recorded.session);
            } else {
                // The file changed since that session began: its bytes are of no use.
                ctx.remote.discard_session(&recorded.session).await;
                journal.closed(local);
            }
        }
    }
    // Bytes of this file sent by an earlier run (a journaled session) count as ours.
    let mut ours = resume.is_some();
    let mut bytes_sent = 0;
    let mut resent = false;
    loop {
        let observer = Arc::new(FileObserver {
            ctx: ctx.clone(),
            id,
            local: local.to_owned(),
            remote: target.to_owned(),
            stamp,
            slot: slot.clone(),
            sent: sent.clone(),
        });
        let result = ctx
            .remote
            .upload(UploadSpec {
                local,
                stamp,
                remote_path: target,
                conflict: wire,
                chunk_size: ctx.chunk_size,
                resume: resume.take(),
                observer,
                cancel: &ctx.cancel,
            })
            .await;
        match result {
            Ok(up) => {
                bytes_sent += up.bytes_sent;
                if let Some(j) = &ctx.journal {
                    j.finished(local, stamp, &up.entry.path);
                }
                let outcome = stored_outcome(wire, target, &up.entry.path);
                return Ok(Transferred { outcome, stored_as: up.entry.path, bytes_sent });
            }
            Err(Error::FileChanged { .. }) if !resent => {
                // Once more with the file as it is now; a second change is reported.
                resent = true;
                stamp = FileStamp::read(local).await?;
            }
            Err(Error::Conflict { .. }) if wire == WireConflict::Fail => {
                // The name was free when planned: either an earlier attempt of ours
                // landed (its answer lost) or someone else wrote it meanwhile. Ours
                // if we sent its bytes (an empty file has none to tell by: an attempt
                // was made, so it counts as ours, as a lost answer would be).
                ours |= sent.load(Ordering::Relaxed) > 0 || stamp.size == 0;
                let theirs = ctx.remote.resolve(target, &ctx.cancel).await?;
                if let Some(entry) = &theirs {
                    if identical(ctx, local, stamp, entry).await? {
                        if let Some(j) = &ctx.journal {
                            j.finished(local, stamp, target);
                        }
                        // Ours only if we sent its bytes; else another run stored the same file.
                        let (outcome, bytes_sent) = if ours {
                            (FileOutcome::Uploaded, bytes_sent.max(sent.load(Ordering::Relaxed)))
                        } else {
                            (FileOutcome::SkippedIdentical, bytes_sent)
                        };
                        return Ok(Transferred { outcome, stored_as: entry.path.clone(), bytes_sent });
                    }
                }
                match ctx.conflict {
                    ConflictPolicy::Rename => wire = WireConflict::Rename,
                    ConflictPolicy::Replace => wire = WireConflict::Replace,
                    ConflictPolicy::Skip => {
                        return Ok(Transferred { outcome: FileOutcome::SkippedExisting, stored_as: target.to_owned(), bytes_sent })
                    }
                    ConflictPolicy::Fail => return Err(Error::Conflict { service: ctx.remote.kind(), path: target.to_owned() }),
                }
            }
            Err(e) => return Err(e),
        }
    }
}
