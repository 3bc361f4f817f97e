//! Unfinished jobs through a [`Session`]: resumed (the same [`UploadJob`]
//! rebuilt from its record, so the journal skips finished files and open
//! sessions continue from the service's offset) or discarded (open upload
//! sessions cancelled on the service, then the journal and record deleted).
//!
//! Either acts as the account the job's record names, whatever account the
//! session was opened with.

use crate::remote::{OpenSession, Remote};
use crate::upload::journal::{job_id, Contents};
use crate::upload::{find_unfinished, forget, jobs_dir, AccountRef, JobOrigin, JobRecord, UploadJob};
use crate::{Error, Result, Session};
use std::path::Path;
use std::sync::Arc;

/// What discarding a job did.
#[derive(Debug, Clone)]
pub struct Discarded {
    pub record: JobRecord,
    /// Open upload sessions the service was asked to delete (OneDrive).
    pub sessions_cancelled: usize,
    /// Open sessions left to expire on their own: Dropbox has no call to end
    /// one (an unused session expires after 7 days), or the service could not
    /// be reached.
    pub sessions_left_to_expire: usize,
}

impl Session {
    /// The unfinished job whose id starts with `id`, ready to run again.
    /// `journal_dir`: where its record is (`None`: `$XDG_STATE_HOME/dkcloud/jobs`).
    pub async fn resume_job(&self, id: &str, journal_dir: Option<&Path>) -> Result<UploadJob> {
        let record = self.unfinished_record(id, journal_dir)?;
        if job_id(record.service, &record.sources, &record.destination) != record.id {
            return Err(Error::InvalidInput(format!(
                "the record of job {} does not match its journal",
                record.short_id()
            )));
        }
        let remote = self.remote_as(record.account.as_ref()).await?;
        let origin = JobOrigin { started_by: record.started_by.clone(), account: record.account.clone() };
        let options = record.options.to_options(Some(jobs_dir(journal_dir)?), origin);
        Ok(UploadJob { remote, sources: record.sources, destination: record.destination, options })
    }

    /// Cancels the open upload sessions of the unfinished job `id` (see
    /// [`Session::resume_job`]) and deletes its journal, record and prepared photos.
    pub async fn discard_job(&self, id: &str, journal_dir: Option<&Path>) -> Result<Discarded> {
        let record = self.unfinished_record(id, journal_dir)?;
        let dir = jobs_dir(journal_dir)?;
        let contents = Contents::read(&dir, &record.id)?;
        let sessions: Vec<OpenSession> = contents.open_sessions().map(|r| r.session.clone()).collect();
        let mut cancelled = 0;
        let deletable = sessions.iter().filter(|s| matches!(s, OpenSession::OneDrive { .. })).count();
        if deletable > 0 {
            match self.remote_as(record.account.as_ref()).await {
                Ok(remote) => {
                    for session in &sessions {
                        remote.discard_session(session).await;
                    }
                    cancelled = deletable;
                }
                Err(e) => tracing::warn!("cannot cancel the job's upload sessions (they expire on their own): {e}"),
            }
        }
        forget(Some(&dir), &record.id)?;
        Ok(Discarded { record, sessions_cancelled: cancelled, sessions_left_to_expire: sessions.len() - cancelled })
    }

    fn unfinished_record(&self, id: &str, journal_dir: Option<&Path>) -> Result<JobRecord> {
        let record = find_unfinished(journal_dir, id)?;
        if record.service != self.service() {
            return Err(Error::InvalidInput(format!(
                "job {} is a {} upload, not {}",
                record.short_id(),
                record.service,
                self.service()
            )));
        }
        if record.is_running_now() {
            return Err(Error::InvalidInput(format!(
                "job {} is running now (process {}); wait for it or stop it first",
                record.short_id(),
                record.pid
            )));
        }
        Ok(record)
    }

    /// The service as `account` (this session's own when it is that account or none is named).
    async fn remote_as(&self, account: Option<&AccountRef>) -> Result<Arc<dyn Remote>> {
        let Some(account) = account else { return self.remote().await };
        if self.account().is_ok_and(|mine| mine.id == account.id) {
            return self.remote().await;
        }
        let other = Session::new(self.service(), self.config().clone(), self.endpoints().clone())?
            .with_account(Some(&account.id));
        other.remote().await
    }
}
