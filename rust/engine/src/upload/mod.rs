//! Upload jobs: walking the sources, planning remote names, parallel
//! transfers, the resume journal, progress and cancel.

mod context;
pub mod filter;
mod job;
mod keeper;
pub mod journal;
mod options;
mod plan;
mod prepare;
pub mod record;
pub mod progress;
mod report;
mod running;
mod transfer;
mod unfinished;
pub(crate) mod walk;

pub use job::{JobEvents, NoEvents, UploadJob};
pub use options::{
    resized_photos, AccountRef, ConflictPolicy, FileOutcome, FileReport, JobOrigin, Summary, UploadOptions,
    DEFAULT_JOBS,
};
pub use filter::{FilterRequest, FilterSet};
pub use record::{EndState, JobRecord};
pub use unfinished::{find_unfinished, forget, jobs_dir, unfinished_jobs, UnfinishedJob};
pub use running::{panic_text, JobEnd, RunningJob};
pub use dkcloud_prepare::PrepareOptions;
pub use progress::{ActiveFile, Progress};
