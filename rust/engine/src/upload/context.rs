//! What every step of a job shares: the service, the journal, the policy,
//! the ledger and the cancel token.

use super::journal::{self, Journal};
use super::options::{ConflictPolicy, UploadOptions};
use super::prepare::Preparer;
use super::report::{JobEvents, Ledger};
use crate::remote::Remote;
use crate::Result;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub(super) struct Ctx {
    pub remote: Arc<dyn Remote>,
    pub journal: Option<Journal>,
    pub ledger: Ledger,
    pub conflict: ConflictPolicy,
    pub chunk_size: u64,
    /// No size was asked for: services may grow their requests.
    pub adapt_chunks: bool,
    pub dry_run: bool,
    pub cancel: CancellationToken,
    /// Set before `cancel` when the job is to be continued later (the host
    /// quits): open upload sessions are kept, not deleted.
    pub suspended: Arc<AtomicBool>,
    pub preparer: Option<Preparer>,
    pub filter: super::filter::FilterSet,
    /// The job's name and the folder of its journal and record.
    pub job_id: String,
    pub state_dir: PathBuf,
}

/// Where job `id`'s prepared photos are cached.
pub(super) fn prepared_dir(state_dir: &Path, id: &str) -> PathBuf {
    state_dir.join("prepared").join(id)
}

impl Ctx {
    /// Opens the job's journal (none for a dry run) and its prepared-file cache,
    /// both keyed by the service, the `sources` and the `destination`.
    pub(super) fn open(
        remote: Arc<dyn Remote>,
        sources: &[PathBuf],
        destination: &str,
        options: &UploadOptions,
        events: Arc<dyn JobEvents>,
        cancel: CancellationToken,
        suspended: Arc<AtomicBool>,
    ) -> Result<Self> {
        let kind = remote.kind();
        let job_id = journal::job_id(kind, sources, destination);
        let state_dir = match &options.journal_dir {
            Some(d) => d.clone(),
            None => journal::default_dir()?,
        };
        options.filter.check()?;
        let journal = if options.dry_run { None } else { Some(Journal::open(&state_dir, &job_id)?) };
        let preparer = options.prepare.clone().map(|o| Preparer::new(o, prepared_dir(&state_dir, &job_id)));
        let chunk_size = options.chunk_size.unwrap_or(remote.profile().chunks.default_size);
        Ok(Self {
            remote,
            journal,
            ledger: Ledger::new(events),
            conflict: options.conflict,
            chunk_size,
            adapt_chunks: options.chunk_size.is_none(),
            dry_run: options.dry_run,
            cancel,
            suspended,
            preparer,
            filter: options.filter.clone(),
            job_id,
            state_dir,
        })
    }
}
