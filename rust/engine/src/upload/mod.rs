//! Upload jobs: walking the sources, planning remote names, parallel
//! transfers, the resume journal, progress and cancel.

mod context;
pub mod filter;
mod job;
mod keeper;
pub(crate) mod journal;
mod options;
mod plan;
mod prepare;
pub(crate) mod record;
pub(crate) mod progress;
pub(crate) mod report;
mod running;
mod transfer;
mod unfinished;
pub(crate) mod walk;

// What front ends use:
pub use job::UploadJob;
pub use report::JobEvents;
pub use options::{
    resized_photos, AccountRef, ConflictPolicy, FileOutcome, FileReport, JobOrigin, Summary, UploadOptions,
    DEFAULT_JOBS,
};
pub use filter::{FilterRequest, FilterSet};
pub use record::{EndState, JobRecord};
pub use unfinished::{find_unfinished, jobs_dir, unfinished_jobs, UnfinishedJob};
pub use running::{panic_text, JobEnd, RunningJob};
pub use dkcloud_prepare::PrepareOptions;
pub use progress::{ActiveFile, Progress};

// The engine's own:
pub(crate) use unfinished::forget;
