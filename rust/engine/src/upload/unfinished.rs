//! Unfinished jobs: their records, with what is left of each, counted from
//! the sources as they are now and the journal's finished files.

use super::journal::{self, Contents};
use super::record::{all_records, record_path, JobRecord};
use super::walk::{self, WalkItem};
use crate::{Error, Result, ServiceKind};
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// An unfinished job and how much of it is left.
#[derive(Debug, Clone)]
pub struct UnfinishedJob {
    pub record: JobRecord,
    /// Files the sources hold now (files that cannot be read count too).
    pub files_total: u64,
    /// Of those, files the journal says were stored as they are now.
    pub files_done: u64,
    /// Size of the sources' files (for resized photos, of the originals).
    pub bytes_total: u64,
    /// Size of the files not stored yet, whole (the part of a file an open
    /// session already holds is not subtracted: only the service knows it).
    pub bytes_left: u64,
}

impl UnfinishedJob {
    /// What the job uploads, e.g. `12 files from /home/x/Pictures/Trip`.
    pub fn what(&self) -> String {
        let files = match self.files_total {
            1 => "1 file".to_owned(),
            n => format!("{n} files"),
        };
        match common_folder(&self.record.sources) {
            Some(folder) => format!("{files} from {}", folder.display()),
            None => files,
        }
    }
}

/// The one source folder, else the folder all sources are in.
fn common_folder(sources: &[PathBuf]) -> Option<PathBuf> {
    if let [one] = sources {
        if one.is_dir() {
            return Some(one.clone());
        }
    }
    let mut common = sources.first()?.parent()?.to_owned();
    for s in &sources[1..] {
        while !s.starts_with(&common) {
            common = common.parent()?.to_owned();
        }
    }
    Some(common)
}

/// The jobs folder: `journal_dir`, else `$XDG_STATE_HOME/dkcloud/jobs`.
pub fn jobs_dir(journal_dir: Option<&Path>) -> Result<PathBuf> {
    match journal_dir {
        Some(d) => Ok(d.to_owned()),
        None => journal::default_dir(),
    }
}

/// The unfinished jobs in `journal_dir` (see [`jobs_dir`]), of `service`
/// only when given, oldest first.
pub async fn unfinished_jobs(journal_dir: Option<&Path>, service: Option<ServiceKind>) -> Result<Vec<UnfinishedJob>> {
    let dir = jobs_dir(journal_dir)?;
    let records = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || all_records(&dir)
    })
    .await
    .map_err(|e| Error::InvalidInput(format!("cannot read the job records: {e}")))??;
    let mut out = Vec::new();
    for record in records {
        if record.is_unfinished() && service.is_none_or(|s| s == record.service) {
            out.push(left_of(&dir, record).await?);
        }
    }
    Ok(out)
}

/// Counts what is left of `record`'s job by walking its sources the way
/// the job does.
async fn left_of(dir: &Path, record: JobRecord) -> Result<UnfinishedJob> {
    let contents = {
        let (dir, id) = (dir.to_owned(), record.id.clone());
        let read = tokio::task::spawn_blocking(move || Contents::read(&dir, &id))
            .await
            .map_err(|e| Error::InvalidInput(format!("cannot read the journal: {e}")))?;
        // One journal that cannot be read must not hide the job (or the others):
        // it counts nothing as done, and its files are checked on the service.
        read.unwrap_or_else(|e| {
            tracing::warn!("skipping a resume journal: {e}");
            Contents::default()
        })
    };
    let (tx, mut rx) = mpsc::channel(256);
    walk::spawn(record.sources.clone(), record.destination.clone(), record.service, record.options.filter.clone(), tx);
    let mut job = UnfinishedJob { record, files_total: 0, files_done: 0, bytes_total: 0, bytes_left: 0 };
    while let Some(item) = rx.recv().await {
        match item {
            WalkItem::File { local, stamp, .. } => {
                job.files_total += 1;
                job.bytes_total += stamp.size;
                if contents.is_stored(&local, &stamp) {
                    job.files_done += 1;
                } else {
                    job.bytes_left += stamp.size;
                }
            }
            WalkItem::Bad { .. } => job.files_total += 1,
            // Settled for good: the service never stores it.
            WalkItem::NotStored { .. } => {
                job.files_total += 1;
                job.files_done += 1;
            }
            // Left out by the job's filter: not part of what is left to do.
            WalkItem::Folder { .. } | WalkItem::Excluded { .. } => {}
        }
    }
    Ok(job)
}

/// The unfinished job whose id starts with `wanted` (at least 4 characters).
pub fn find_unfinished(journal_dir: Option<&Path>, wanted: &str) -> Result<JobRecord> {
    let dir = jobs_dir(journal_dir)?;
    let wanted = wanted.trim().to_ascii_lowercase();
    if wanted.len() < 4 {
        return Err(Error::InvalidInput(format!("'{wanted}' is too short for a job id (give at least 4 characters)")));
    }
    let matching: Vec<JobRecord> =
        all_records(&dir)?.into_iter().filter(|r| r.is_unfinished() && r.id.starts_with(&wanted)).collect();
    match <[JobRecord; 1]>::try_from(matching) {
        Ok([one]) => Ok(one),
        Err(none) if none.is_empty() => Err(Error::InvalidInput(format!("there is no unfinished job '{wanted}'"))),
        Err(several) => {
            let ids: Vec<&str> = several.iter().map(|r| r.id.as_str()).collect();
            Err(Error::InvalidInput(format!("'{wanted}' names several jobs ({}); give more of the id", ids.join(", "))))
        }
    }
}

/// Where the lock of job `id` is (see [`super::UploadJob::lock_path`]).
pub(super) fn lock_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.lock"))
}

/// Deletes job `id`'s journal, record, lock file and prepared photos.
pub(crate) fn forget(journal_dir: Option<&Path>, id: &str) -> Result<()> {
    let dir = jobs_dir(journal_dir)?;
    for file in [journal::journal_path(&dir, id), record_path(&dir, id), lock_path(&dir, id)] {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(crate::fsio::io_error(&file, "cannot delete", e)),
        }
    }
    let _ = std::fs::remove_dir_all(super::context::prepared_dir(&dir, id));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_names_the_folder_the_files_come_from() {
        let sources =
            [PathBuf::from("/p/Trip/a.jpg"), PathBuf::from("/p/Trip/day 2/b.jpg"), PathBuf::from("/p/Trip/c.jpg")];
        assert_eq!(common_folder(&sources), Some(PathBuf::from("/p/Trip")));
        assert_eq!(common_folder(&[PathBuf::from("/p/a.jpg")]), Some(PathBuf::from("/p")));
        assert_eq!(common_folder(&[]), None);
    }
}
