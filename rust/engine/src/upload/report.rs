//! What a job tells: each file's result and the folders it made, counted
//! into the [`Summary`] and the progress [`Tracker`], and sent as events.

use super::options::{FileOutcome, FileReport, Summary};
use super::progress::{Progress, Publisher, Tracker, TICK};
use crate::Error;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// Where a job's results go. Both are called from worker tasks; keep them quick.
pub trait JobEvents: Send + Sync {
    /// At most every 100 ms while the job runs, and once at the end.
    fn progress(&self, _progress: &Progress) {}
    /// Once per file, as soon as its result is known.
    fn file_done(&self, _report: &FileReport) {}
}

/// Ignores every event (for tests).
#[cfg(any(test, feature = "testing"))]
pub struct NoEvents;
#[cfg(any(test, feature = "testing"))]
impl JobEvents for NoEvents {}

/// The job's counts and where they are told.
pub(super) struct Ledger {
    pub tracker: Arc<Tracker>,
    events: Arc<dyn JobEvents>,
    summary: Mutex<Summary>,
}

impl Ledger {
    pub(super) fn new(events: Arc<dyn JobEvents>) -> Self {
        Self { tracker: Arc::new(Tracker::default()), events, summary: Mutex::new(Summary::default()) }
    }

    fn summary(&self) -> std::sync::MutexGuard<'_, Summary> {
        self.summary.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn report(&self, report: FileReport) {
        {
            let mut s = self.summary();
            s.bytes_sent += report.bytes_sent;
            match &report.outcome {
                FileOutcome::Uploaded => s.uploaded += 1,
                FileOutcome::Replaced => s.replaced += 1,
                FileOutcome::KeptBoth => s.kept_both += 1,
                FileOutcome::AlreadyUploaded => s.already_uploaded += 1,
                FileOutcome::SkippedIdentical => s.skipped_identical += 1,
                FileOutcome::SkippedExisting => s.skipped_existing += 1,
                FileOutcome::WouldUpload => s.would_upload += 1,
                FileOutcome::NotStored(_) => s.not_stored += 1,
                FileOutcome::Failed(_) => s.failed += 1,
                FileOutcome::Excluded(_) => s.excluded += 1,
                FileOutcome::Cancelled => {}
            }
        }
        if matches!(report.outcome, FileOutcome::Failed(_)) {
            self.tracker.files_failed.fetch_add(1, Ordering::Relaxed);
        }
        if !matches!(report.outcome, FileOutcome::Cancelled | FileOutcome::Excluded(_)) {
            self.tracker.files_done.fetch_add(1, Ordering::Relaxed);
        }
        self.events.file_done(&report);
    }

    pub(super) fn report_simple(&self, local: &Path, remote: Option<&str>, outcome: FileOutcome) {
        self.report(FileReport::simple(local, remote, outcome));
    }

    pub(super) fn report_error(&self, local: &Path, remote: Option<&str>, error: &Error) {
        self.report(FileReport {
            error_kind: Some(error.kind()),
            ..FileReport::simple(local, remote, FileOutcome::Failed(error.to_string()))
        });
    }

    pub(super) fn count_folder(&self, folder: &crate::remote::Folder) {
        if folder.created {
            self.summary().folders_created += 1;
        }
    }

    /// A file's transfer `id` is over: its `size` bytes were stored, or leave the total.
    pub(super) fn transfer_ended(&self, id: u64, size: u64, stored: bool) {
        if stored {
            self.summary().bytes_uploaded += size;
        } else {
            self.tracker.bytes_total.fetch_sub(size, Ordering::Relaxed);
        }
        self.tracker.end(id, if stored { size } else { 0 });
    }

    /// Publishes progress every [`TICK`] until the handle is aborted.
    pub(super) fn spawn_ticker(&self) -> tokio::task::JoinHandle<()> {
        let (tracker, events) = (self.tracker.clone(), self.events.clone());
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

    /// Publishes the last progress and hands back the counts so far.
    pub(super) fn close(&self) -> Summary {
        self.events.progress(&Publisher::new(self.tracker.clone()).next());
        self.summary().clone()
    }
}
