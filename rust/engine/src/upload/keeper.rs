//! Keeps a running job's record (see [`super::record`]) up to date.

use super::record::{now_secs, record_path, EndState, JobRecord};
use crate::fsio::OnceWarning;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Keeps a running job's record: written at the start, rewritten at the
/// end; dropped without an end (the job's future was dropped, or it
/// panicked), it records `interrupted`. A record that cannot be written is
/// warned about, never a reason to stop the upload.
pub(super) struct RecordKeeper {
    dir: PathBuf,
    record: Mutex<JobRecord>,
    ended: AtomicBool,
    /// Shared with the journal: a full disk is one warning per run.
    warning: Arc<OnceWarning>,
}

impl RecordKeeper {
    pub(super) fn start(dir: &Path, mut record: JobRecord, warning: Arc<OnceWarning>) -> Self {
        // A resumed job keeps when it was first started (and who started it).
        if let Ok(earlier) = JobRecord::load(&record_path(dir, &record.id)) {
            if earlier.is_unfinished() {
                record.started_at = earlier.started_at;
                if record.started_by.is_empty() {
                    record.started_by = earlier.started_by;
                }
            }
        }
        let keeper = Self { dir: dir.to_owned(), record: Mutex::new(record), ended: AtomicBool::new(false), warning };
        keeper.write();
        keeper
    }

    pub(super) fn end(&self, state: EndState, error: Option<String>) {
        self.ended.store(true, Ordering::SeqCst);
        {
            let mut record = self.record.lock().unwrap_or_else(|p| p.into_inner());
            record.state = state;
            record.error = error;
            record.updated_at = now_secs();
        }
        self.write();
    }

    fn write(&self) {
        let record = self.record.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Err(e) = record.save(&self.dir) {
            self.warning.warn("the job cannot be listed or resumed later", &e);
        }
    }
}

impl Drop for RecordKeeper {
    fn drop(&mut self) {
        if !self.ended.load(Ordering::SeqCst) {
            self.end(EndState::Interrupted, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::record::sample;

    #[test]
    fn a_keeper_dropped_without_an_end_records_an_interruption_and_keeps_the_first_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = sample("k");
        first.started_at = 1000;
        first.state = EndState::Cancelled;
        first.save(dir.path()).unwrap();
        let mut again = sample("k");
        again.started_by.clear();
        drop(RecordKeeper::start(dir.path(), again, Default::default()));
        let record = JobRecord::load(&record_path(dir.path(), "k")).unwrap();
        assert_eq!((record.state, record.started_at, record.started_by.as_str()), (EndState::Interrupted, 1000, "cli"));
        let keeper = RecordKeeper::start(dir.path(), sample("k"), Default::default());
        assert!(JobRecord::load(&record_path(dir.path(), "k")).unwrap().is_running_now(), "this process runs it");
        keeper.end(EndState::Finished, None);
        drop(keeper);
        let record = JobRecord::load(&record_path(dir.path(), "k")).unwrap();
        assert_eq!(record.state, EndState::Finished);
        assert!(!record.is_unfinished());
    }
}
