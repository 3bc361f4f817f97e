//! `UploadJob`: an engine upload job running on the bridge's runtime, its
//! events and its end translated for the C++ side.

use crate::bridge::{ErrorKind, FileEvent, FileState, JobProgress, JobSummary, UploadEvents};
use crate::guard::guarded_infallible;
use crate::runtime::runtime;
use crate::BridgeResult;
use cxx::SharedPtr;
use dkcloud_engine::upload::{self, FileOutcome, FileReport, JobEnd, JobEvents, Progress, RunningJob};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct UploadJob {
    running: RunningJob,
}

pub(crate) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Forwards engine events to the C++ sink, by the index of each file in the
/// list the dialog gave.
struct Forwarder {
    sink: SharedPtr<UploadEvents>,
    index: HashMap<PathBuf, usize>,
    /// Last bytes reported per file, so unchanged files are not re-sent.
    sent: Mutex<HashMap<usize, u64>>,
}

impl Forwarder {
    #[allow(clippy::too_many_arguments)]
    fn file_event(
        &self,
        index: usize,
        state: FileState,
        sent: u64,
        total: u64,
        message: String,
        error_kind: ErrorKind,
        remote: String,
        name_clash: String,
    ) {
        let event = FileEvent {
            index,
            state,
            bytes_sent: sent,
            bytes_total: total,
            message,
            error_kind,
            remote_path: remote,
            name_clash,
        };
        self.sink.file_changed(&event);
    }
}

impl JobEvents for Forwarder {
    fn progress(&self, p: &Progress) {
        let mut last = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        for active in &p.active {
            if let Some(&index) = self.index.get(&absolute(&active.local)) {
                if last.get(&index) != Some(&active.sent) {
                    last.insert(index, active.sent);
                    let (sent, size) = (active.sent, active.size);
                    let none = String::new;
                    self.file_event(index, FileState::Uploading, sent, size, none(), ErrorKind::None, none(), none());
                }
            }
        }
        drop(last);
        let progress = JobProgress {
            files_total: p.files_seen as usize,
            files_done: p.files_done as usize,
            files_failed: p.files_failed as usize,
            bytes_total: p.bytes_total,
            bytes_sent: p.bytes_done,
            bytes_per_second: p.rate,
            eta_seconds: p.eta_secs.map(|s| s as i64).unwrap_or(-1),
        };
        self.sink.progress(&progress);
    }

    fn file_done(&self, report: &FileReport) {
        let Some(&index) = self.index.get(&absolute(&report.local)) else { return };
        let remote = report.remote.clone().unwrap_or_default();
        let Some(state) = file_state(&report.outcome) else { return };
        let (message, kind) = match &report.outcome {
            FileOutcome::Failed(reason) => {
                (reason.clone(), report.error_kind.map_or(ErrorKind::Internal, crate::error_kind))
            }
            FileOutcome::NotStored(reason) | FileOutcome::Excluded(reason) => (reason.clone(), ErrorKind::None),
            _ => (String::new(), ErrorKind::None),
        };
        let clash = report.name_clash.clone().unwrap_or_default();
        self.file_event(index, state, report.bytes_sent, report.bytes_sent, message, kind, remote, clash);
    }
}

/// The state a finished file is shown in; `None` for a dry run's plan
/// (the dialog never asks for one).
fn file_state(outcome: &FileOutcome) -> Option<FileState> {
    Some(match outcome {
        FileOutcome::Uploaded => FileState::Uploaded,
        FileOutcome::Replaced => FileState::Replaced,
        FileOutcome::KeptBoth => FileState::KeptBoth,
        // Finished by an earlier run of this job, which stored it (journal + hash).
        FileOutcome::AlreadyUploaded | FileOutcome::SkippedIdentical => FileState::AlreadyThere,
        // Left alone with its reason as the message ("Dropbox does not store files named ...").
        FileOutcome::SkippedExisting | FileOutcome::NotStored(_) | FileOutcome::Excluded(_) => FileState::Skipped,
        FileOutcome::Failed(_) => FileState::Failed,
        FileOutcome::Cancelled => FileState::Cancelled,
        FileOutcome::WouldUpload => return None,
    })
}

/// The job's totals by final state; each file counts once, in its own kind.
fn job_summary(folder: String, s: &dkcloud_engine::upload::Summary) -> JobSummary {
    JobSummary {
        files_uploaded: s.uploaded as usize,
        files_replaced: s.replaced as usize,
        files_kept_both: s.kept_both as usize,
        files_already_there: (s.already_uploaded + s.skipped_identical) as usize,
        files_skipped: s.skipped_existing as usize,
        files_not_stored: s.not_stored as usize,
        files_failed: s.failed as usize,
        cancelled: s.cancelled,
        folder,
        folder_web_url: s.folder_web_url.clone().unwrap_or_default(),
        message: String::new(),
        error_kind: ErrorKind::None,
    }
}

/// How the job ended, as the dialog's summary.
fn job_end(folder: String, end: JobEnd) -> JobSummary {
    match end {
        JobEnd::Finished(summary) => job_summary(folder, &summary),
        JobEnd::Failed { error, cancelled } => {
            let message = match error.detail() {
                d if d.is_empty() => error.to_string(),
                d => d,
            };
            JobSummary { cancelled, ..job_failed(folder, message, crate::error_kind(error.kind())) }
        }
        JobEnd::Crashed(panic) => {
            job_failed(folder, format!("internal error in the upload: {panic}"), ErrorKind::Internal)
        }
    }
}

/// A job that ended before its files did (the folder could not be made, ...).
fn job_failed(folder: String, message: String, error_kind: ErrorKind) -> JobSummary {
    let nothing = dkcloud_engine::upload::Summary::default();
    JobSummary { message, error_kind, ..job_summary(folder, &nothing) }
}

impl UploadJob {
    pub(crate) fn start(
        job: upload::UploadJob,
        files: Vec<PathBuf>,
        sink: SharedPtr<UploadEvents>,
    ) -> BridgeResult<Box<UploadJob>> {
        let index = files.iter().enumerate().map(|(i, p)| (absolute(p), i)).collect();
        let forwarder = Arc::new(Forwarder { sink: sink.clone(), index, sent: Mutex::new(HashMap::new()) });
        let folder = job.destination.clone();
        let running = job.spawn(runtime()?.handle(), forwarder, move |end| sink.finished(&job_end(folder, end)));
        Ok(Box::new(UploadJob { running }))
    }

    pub fn cancel(&self) {
        guarded_infallible("cancel", || self.running.cancel())
    }

    pub fn suspend(&self) {
        guarded_infallible("suspend", || self.running.suspend())
    }

    pub fn is_finished(&self) -> bool {
        guarded_infallible("isFinished", || self.running.is_finished())
    }

    pub fn wait_for(&self, timeout_ms: u64) -> bool {
        guarded_infallible("waitFor", || self.running.wait_for(Duration::from_millis(timeout_ms)))
    }
}
