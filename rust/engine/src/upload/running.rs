//! [`RunningJob`]: an upload job started in the background, for front ends
//! that do not await it (the plugin's bridge): it can be cancelled, waited
//! for, and it always ends with exactly one [`JobEnd`], even if the job
//! panicked.

use super::job::{JobEvents, UploadJob};
use super::options::Summary;
use crate::Error;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How a background job ended.
#[derive(Debug)]
pub enum JobEnd {
    /// It ran to its end (files may have failed, or it was cancelled: see the summary).
    Finished(Summary),
    /// It stopped before its files did (the folder could not be made, ...).
    Failed { error: Error, cancelled: bool },
    /// A bug: the job panicked. The text is the panic's message.
    Crashed(String),
}

/// A job running on a tokio runtime; dropping the handle cancels it.
pub struct RunningJob {
    cancel: CancellationToken,
    suspended: Arc<AtomicBool>,
    done: Arc<(Mutex<bool>, Condvar)>,
}

impl UploadJob {
    /// Starts the job on `runtime`; `on_end` is called once when it ends,
    /// after the last event.
    pub fn spawn(
        self,
        runtime: &tokio::runtime::Handle,
        events: Arc<dyn JobEvents>,
        on_end: impl FnOnce(JobEnd) + Send + 'static,
    ) -> RunningJob {
        let cancel = CancellationToken::new();
        let suspended = Arc::new(AtomicBool::new(false));
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let (task_cancel, task_suspended, task_done) = (cancel.clone(), suspended.clone(), done.clone());
        runtime.spawn(async move {
            let run = self.run_stoppable(events, task_cancel.clone(), task_suspended);
            let outcome = AssertUnwindSafe(run).catch_unwind().await;
            on_end(match outcome {
                Ok(Ok(summary)) => JobEnd::Finished(summary),
                Ok(Err(error)) => JobEnd::Failed { error, cancelled: task_cancel.is_cancelled() },
                Err(panic) => JobEnd::Crashed(panic_text(panic.as_ref())),
            });
            let (lock, cvar) = &*task_done;
            *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
            cvar.notify_all();
        });
        RunningJob { cancel, suspended, done }
    }
}

/// The message of a panic payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

impl RunningJob {
    /// Asks the job to stop; its end still comes, cancelled.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Stops the job to be continued later (the host quits): like
    /// [`Self::cancel`], but open upload sessions are kept for a resume to
    /// continue where this run stopped, and the record says interrupted.
    pub fn suspend(&self) {
        self.suspended.store(true, Ordering::Relaxed);
        self.cancel.cancel();
    }

    pub fn is_finished(&self) -> bool {
        *self.done.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits up to `timeout` for the job to end; true if it did.
    pub fn wait_for(&self, timeout: Duration) -> bool {
        let (lock, cvar) = &*self.done;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (done, _) = cvar.wait_timeout_while(guard, timeout, |done| !*done).unwrap_or_else(|e| e.into_inner());
        *done
    }
}

impl Drop for RunningJob {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
