//! `UploadJob`: a running upload seen from the plugin.

use crate::guard::guarded_infallible;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct UploadJob {
    cancel: CancellationToken,
    done: Arc<(Mutex<bool>, Condvar)>,
}

impl UploadJob {
    #[allow(dead_code)]
    pub(crate) fn new(cancel: CancellationToken, done: Arc<(Mutex<bool>, Condvar)>) -> Self {
        Self { cancel, done }
    }

    pub fn cancel(&self) {
        guarded_infallible("cancel", || self.cancel.cancel())
    }

    pub fn is_finished(&self) -> bool {
        guarded_infallible("isFinished", || self.done.0.lock().map(|d| *d).unwrap_or(true))
    }

    pub fn wait_for(&self, timeout_ms: u64) -> bool {
        guarded_infallible("waitFor", || {
            let (lock, cvar) = &*self.done;
            let Ok(guard) = lock.lock() else { return true };
            match cvar.wait_timeout_while(guard, Duration::from_millis(timeout_ms), |done| !*done) {
                Ok((done, _)) => *done,
                Err(_) => true,
            }
        })
    }
}

impl Drop for UploadJob {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
