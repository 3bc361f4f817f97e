//! Unfinished upload jobs for the dialog: listed per service, resumed as a
//! running [`UploadJob`] like any upload, or discarded.

use crate::bridge::{LocalFile, Service, UnfinishedJob, UploadEvents};
use crate::guard::guarded;
use crate::job::UploadJob;
use crate::runtime::block_on;
use crate::session::{service_kind, ExportSession};
use crate::{BridgeError, BridgeResult};
use cxx::SharedPtr;
use std::os::unix::ffi::OsStrExt;

pub fn unfinished_jobs(service: Service) -> BridgeResult<Vec<UnfinishedJob>> {
    guarded("unfinishedJobs", || {
        let jobs = block_on(dkcloud_engine::upload::unfinished_jobs(None, Some(service_kind(service)?)))??;
        Ok(jobs.iter().map(shared).collect())
    })
}

fn shared(job: &dkcloud_engine::upload::UnfinishedJob) -> UnfinishedJob {
    let r = &job.record;
    UnfinishedJob {
        id: r.id.clone(),
        what: job.what(),
        destination: r.destination.clone(),
        account: r.account.as_ref().map(|a| a.label()).unwrap_or_default(),
        files_done: job.files_done,
        files_total: job.files_total,
        bytes_left: job.bytes_left,
        started: r.started_at,
        started_by: r.started_by.clone(),
        running_now: r.is_running_now(),
        files: r.sources.iter().map(|p| LocalFile { path: p.as_os_str().as_bytes().to_vec() }).collect(),
    }
}

impl ExportSession {
    pub fn resume_job(&self, id: &str, events: SharedPtr<UploadEvents>) -> BridgeResult<Box<UploadJob>> {
        guarded("resumeJob", || {
            if events.is_null() {
                return Err(BridgeError::invalid("an upload needs somewhere to report to"));
            }
            let job = block_on(self.session.resume_job(id, None))??;
            let files = job.sources.clone();
            UploadJob::start(job, files, events)
        })
    }

    pub fn discard_job(&self, id: &str) -> BridgeResult<()> {
        guarded("discardJob", || {
            block_on(self.session.discard_job(id, None))??;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dkcloud_engine::upload::{AccountRef, JobOrigin, JobRecord, UploadOptions};
    use std::path::PathBuf;

    #[test]
    fn a_listed_job_reaches_the_dialog_with_its_files_in_order() {
        let origin = JobOrigin {
            started_by: "showfoto".into(),
            account: Some(AccountRef { id: "42".into(), name: "Ann".into(), email: Some("ann@example.com".into()) }),
        };
        let options = UploadOptions { origin, ..Default::default() };
        let sources = [PathBuf::from("/p/Trip/b.jpg"), PathBuf::from("/p/Trip/a.jpg")];
        let record =
            JobRecord::new("0123456789ab", dkcloud_engine::ServiceKind::OneDrive, &sources, "/Pictures/Trip", &options);
        let job = dkcloud_engine::upload::UnfinishedJob {
            record,
            files_total: 2,
            files_done: 1,
            bytes_total: 30,
            bytes_left: 10,
        };
        let shared = shared(&job);
        assert_eq!(shared.id, "0123456789ab");
        assert_eq!(shared.what, "2 files from /p/Trip");
        assert_eq!((shared.destination.as_str(), shared.account.as_str()), ("/Pictures/Trip", "ann@example.com"));
        assert_eq!((shared.files_done, shared.files_total, shared.bytes_left), (1, 2, 10));
        assert_eq!(shared.started_by, "showfoto");
        assert!(shared.started > 0);
        assert!(shared.running_now, "this process wrote it as running");
        let files: Vec<&[u8]> = shared.files.iter().map(|f| f.path.as_slice()).collect();
        assert_eq!(files, [b"/p/Trip/b.jpg".as_slice(), b"/p/Trip/a.jpg".as_slice()]);
    }
}
