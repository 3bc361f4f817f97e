//! Runs an upload job: walk, create the remote folders and plan each file
//! against its folder's listing and the conflict policy ([`super::plan`]),
//! then transfer a bounded number of files at a time ([`super::transfer`]), journal everything for
//! resume, publish progress and results ([`super::report`]), honour cancel.

use super::context::Ctx;
use super::options::{FileOutcome, Summary, UploadOptions};
use super::plan::{PlannedFile, Planner};
use super::keeper::RecordKeeper;
use super::record::{EndState, JobRecord};
use super::transfer::file_task;
use super::walk::{self, WalkItem};
use crate::remote::{normalize, Remote};
use crate::{Error, Result};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub(crate) use super::report::JobEvents;

/// An upload of local files and folders into one remote folder.
pub struct UploadJob {
    pub remote: Arc<dyn Remote>,
    pub sources: Vec<PathBuf>,
    /// Remote folder; created if missing.
    pub destination: String,
    pub options: UploadOptions,
}

impl UploadJob {
    /// The job's id: the name of its journal and record, the same for every
    /// run of the same sources, destination and service.
    pub fn id(&self) -> String {
        super::journal::job_id(self.remote.kind(), &self.absolute_sources(), &normalize(&self.destination))
    }

    /// The folder of the job's journal and record.
    pub fn state_dir(&self) -> Result<PathBuf> {
        super::unfinished::jobs_dir(self.options.journal_dir.as_deref())
    }

    /// The file whose lock a front end holds while it runs the job (one run at a time).
    pub fn lock_path(&self) -> Result<PathBuf> {
        Ok(super::unfinished::lock_path(&self.state_dir()?, &self.id()))
    }

    fn absolute_sources(&self) -> Vec<PathBuf> {
        self.sources.iter().map(|s| std::path::absolute(s).unwrap_or_else(|_| s.clone())).collect()
    }

    /// Runs the job to its end; unless it is a dry run, its record (see
    /// [`super::record`]) says it is running meanwhile and how it ended.
    pub async fn run(self, events: Arc<dyn JobEvents>, cancel: CancellationToken) -> Result<Summary> {
        self.run_stoppable(events, cancel, Arc::new(AtomicBool::new(false))).await
    }

    /// [`Self::run`], where `suspended` set before a cancel means "continue
    /// later" (the host quits, Ctrl+C): open sessions stay, the record says
    /// interrupted, and the summary says suspended.
    pub async fn run_stoppable(
        self,
        events: Arc<dyn JobEvents>,
        cancel: CancellationToken,
        suspended: Arc<AtomicBool>,
    ) -> Result<Summary> {
        let destination = normalize(&self.destination);
        let sources = self.absolute_sources();
        let remote = self.remote.clone();
        let ctx = Arc::new(Ctx::open(
            remote,
            &sources,
            &destination,
            &self.options,
            events,
            cancel.clone(),
            suspended.clone(),
        )?);
        let record = ctx.journal.as_ref().map(|journal| {
            let record = JobRecord::new(&ctx.job_id, self.remote.kind(), &sources, &destination, &self.options);
            RecordKeeper::start(&ctx.state_dir, record, journal.warning())
        });
        let mut result = run_in(&ctx, sources, &destination, self.options.jobs).await;
        if let Ok(summary) = &mut result {
            summary.suspended = summary.cancelled && suspended.load(Ordering::Relaxed);
        }
        if let Some(record) = &record {
            let (state, error) = if suspended.load(Ordering::Relaxed) && cancel.is_cancelled() {
                (EndState::Interrupted, None)
            } else {
                end_state(&result, &cancel)
            };
            record.end(state, error);
        }
        result
    }
}

/// How a run's result is recorded. A run whose files failed stays on offer:
/// running it again retries only those (the others are in the journal).
fn end_state(result: &Result<Summary>, cancel: &CancellationToken) -> (EndState, Option<String>) {
    match result {
        Ok(summary) if summary.cancelled => (EndState::Cancelled, None),
        Ok(summary) if summary.failed > 0 => (EndState::Incomplete, None),
        Ok(_) => (EndState::Finished, None),
        Err(Error::Cancelled) => (EndState::Cancelled, None),
        Err(_) if cancel.is_cancelled() => (EndState::Cancelled, None),
        Err(e) => (EndState::Failed, Some(e.to_string())),
    }
}

async fn run_in(ctx: &Arc<Ctx>, sources: Vec<PathBuf>, destination: &str, jobs: usize) -> Result<Summary> {
    let started = tokio::time::Instant::now();
    let (remote, cancel) = (ctx.remote.clone(), &ctx.cancel);
    if !ctx.dry_run && destination != "/" {
        ctx.ledger.count_folder(&remote.create_folder(destination, cancel).await?);
    }

    let ticker = ctx.ledger.spawn_ticker();
    let (tx, rx) = mpsc::channel(256);
    walk::spawn(sources, destination.to_owned(), remote.kind(), ctx.filter.clone(), tx);
    dispatch(ctx, rx, jobs).await;
    // Deleting abandoned sessions may take a moment; a cancel must not wait
    // for it (the deletes go on in the background while the runtime lives).
    let settle_for = if cancel.is_cancelled() { Duration::from_millis(300) } else { Duration::from_secs(15) };
    let _ = tokio::time::timeout(settle_for, remote.settle()).await;
    ticker.abort();
    let mut summary = ctx.ledger.close();
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    summary.cancelled = cancel.is_cancelled();
    if !ctx.dry_run && !summary.cancelled {
        summary.folder_web_url = folder_web_url(&*remote, destination, cancel).await;
    }
    Ok(summary)
}

/// Plans the walk's items as they come, creating each remote folder on the
/// way; once the walk has ended, transfers the planned files, `jobs` at a
/// time, and returns when all have ended. No file's commit starts before
/// every folder exists: on Dropbox a folder creation takes the namespace's
/// write lock that commits take too (`too_many_write_operations`).
async fn dispatch(ctx: &Arc<Ctx>, rx: mpsc::Receiver<WalkItem>, jobs: usize) {
    let files = plan_walk(ctx, rx).await;
    ctx.ledger.tracker.walk_done.store(true, Ordering::Relaxed);
    let cancel = &ctx.cancel;
    let slots = Arc::new(Semaphore::new(jobs.max(1)));
    let mut tasks = JoinSet::new();
    for file in files {
        let permit = tokio::select! {
            biased;
            _ = cancel.cancelled() => break,
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
        };
        while tasks.try_join_next().is_some() {}
        tasks.spawn(file_task(ctx.clone(), file, permit));
    }
    while tasks.join_next().await.is_some() {}
}

/// The walk's files, planned, with every folder they go to created (each
/// once, parents first as the walk gives them); settled files are reported here.
async fn plan_walk(ctx: &Arc<Ctx>, mut rx: mpsc::Receiver<WalkItem>) -> Vec<PlannedFile> {
    let cancel = &ctx.cancel;
    let tracker = &ctx.ledger.tracker;
    let mut planner = Planner::default();
    let mut made = HashSet::new();
    let mut files = Vec::new();
    loop {
        let item = tokio::select! {
            biased;
            _ = cancel.cancelled() => break,
            item = rx.recv() => item,
        };
        let Some(item) = item else { break };
        match item {
            WalkItem::Folder { local, remote: folder } => {
                // Two sources may lead to one folder (names compare case-insensitively).
                if ctx.dry_run || !made.insert(folder.to_lowercase()) {
                    continue;
                }
                match ctx.remote.create_folder(&folder, cancel).await {
                    Ok(made) => ctx.ledger.count_folder(&made),
                    Err(Error::Cancelled) => break,
                    Err(e) => ctx.ledger.report_error(&local, Some(&folder), &e),
                }
            }
            WalkItem::Bad { local, reason } => {
                tracker.files_seen.fetch_add(1, Ordering::Relaxed);
                ctx.ledger.report_simple(&local, None, FileOutcome::Failed(reason));
            }
            WalkItem::Excluded { local, reason } => {
                ctx.ledger.report_simple(&local, None, FileOutcome::Excluded(reason));
            }
            WalkItem::NotStored { local, reason } => {
                tracker.files_seen.fetch_add(1, Ordering::Relaxed);
                ctx.ledger.report_simple(&local, None, FileOutcome::NotStored(reason));
            }
            WalkItem::File { local, remote: target, stamp } => {
                tracker.files_seen.fetch_add(1, Ordering::Relaxed);
                let Some(file) = planner.plan(ctx, local, target, stamp).await else { continue };
                tracker.bytes_total.fetch_add(file.stamp.size, Ordering::Relaxed);
                files.push(file);
            }
        }
    }
    files
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
