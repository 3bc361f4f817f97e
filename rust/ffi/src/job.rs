//! `UploadJob`: an engine upload job running on the bridge's runtime, its
//! events translated for the C++ side.

use crate::bridge::{FileEvent, FileState, JobProgress, JobSummary, UploadEvents};
use crate::guard::{guarded_infallible, panic_message};
use crate::runtime::runtime;
use crate::BridgeResult;
use cxx::SharedPtr;
use dkcloud_engine::remote::Remote;
use dkcloud_engine::upload::{self, FileOutcome, FileReport, JobEvents, Progress, UploadOptions};
use futures_util::FutureExt;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct UploadJob {
    cancel: CancellationToken,
    done: Arc<(Mutex<bool>, Condvar)>,
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
    fn file_event(&self, index: usize, state: FileState, sent: u64, total: u64, message: String, remote: String) {
        let event = FileEvent { index, state, bytes_sent: sent, bytes_total: total, message, remote_path: remote };
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
                    self.file_event(index, FileState::Uploading, active.sent, active.size, String::new(), String::new());
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
        let (state, message) = match &report.outcome {
            FileOutcome::Uploaded | FileOutcome::AlreadyUploaded => (FileState::Done, String::new()),
            FileOutcome::SkippedIdentical => (FileState::Done, "already there, identical".to_owned()),
            FileOutcome::SkippedExisting => (FileState::Done, "a file of that name is already there: skipped".to_owned()),
            FileOutcome::WouldUpload => (FileState::Waiting, String::new()),
            FileOutcome::Failed(reason) => (FileState::Failed, reason.clone()),
            FileOutcome::Cancelled => (FileState::Cancelled, String::new()),
        };
        self.file_event(index, state, report.bytes_sent, report.bytes_sent, message, remote);
    }
}

impl UploadJob {
    pub(crate) fn start(
        remote: Arc<dyn Remote>,
        files: Vec<PathBuf>,
        folder: String,
        options: UploadOptions,
        sink: SharedPtr<UploadEvents>,
    ) -> BridgeResult<Box<UploadJob>> {
        let runtime = runtime()?;
        let index = files.iter().enumerate().map(|(i, p)| (absolute(p), i)).collect();
        let forwarder = Arc::new(Forwarder { sink: sink.clone(), index, sent: Mutex::new(HashMap::new()) });
        let job = upload::UploadJob {
            remote,
            sources: files,
            destination: folder.clone(),
            options,
        };
        let cancel = CancellationToken::new();
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let (task_cancel, task_done) = (cancel.clone(), done.clone());
        runtime.spawn(async move {
            let outcome = AssertUnwindSafe(job.run(forwarder, task_cancel.clone())).catch_unwind().await;
            let mut summary = JobSummary { folder, ..Default::default() };
            match outcome {
                Ok(Ok(s)) => {
                    summary.files_uploaded = (s.uploaded + s.already_uploaded + s.skipped_identical + s.skipped_existing) as usize;
                    summary.files_failed = s.failed as usize;
                    summary.cancelled = s.cancelled;
                }
                Ok(Err(e)) => {
                    summary.cancelled = task_cancel.is_cancelled();
                    summary.message = e.to_string();
                }
                Err(panic) => summary.message = format!("internal error in the upload: {}", panic_message(&panic)),
            }
            sink.finished(&summary);
            let (lock, cvar) = &*task_done;
            *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
            cvar.notify_all();
        });
        Ok(Box::new(UploadJob { cancel, done }))
    }

    pub fn cancel(&self) {
        guarded_infallible("cancel", || self.cancel.cancel())
    }

    pub fn is_finished(&self) -> bool {
        guarded_infallible("isFinished", || *self.done.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn wait_for(&self, timeout_ms: u64) -> bool {
        guarded_infallible("waitFor", || {
            let (lock, cvar) = &*self.done;
            let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
            let (done, _) = cvar
                .wait_timeout_while(guard, Duration::from_millis(timeout_ms), |done| !*done)
                .unwrap_or_else(|e| e.into_inner());
            *done
        })
    }
}

impl Drop for UploadJob {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
