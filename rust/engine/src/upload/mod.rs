//! Upload jobs: walking the sources, planning remote names, parallel
//! transfers, the resume journal, progress and cancel.

mod context;
mod job;
pub mod journal;
mod options;
mod plan;
mod prepare;
pub mod progress;
mod report;
mod running;
mod transfer;
mod walk;

pub use job::{JobEvents, NoEvents, UploadJob};
pub use options::{resized_photos, ConflictPolicy, FileOutcome, FileReport, Summary, UploadOptions, DEFAULT_JOBS};
pub use running::{panic_text, JobEnd, RunningJob};
pub use dkcloud_prepare::PrepareOptions;
pub use progress::{ActiveFile, Progress};
