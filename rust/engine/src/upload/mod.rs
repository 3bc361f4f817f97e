//! Upload jobs: walking the sources, planning remote names, parallel
//! transfers, the resume journal, progress and cancel.

mod job;
pub mod journal;
mod options;
mod prepare;
pub mod progress;
mod running;
mod walk;

pub use job::{JobEvents, NoEvents, UploadJob};
pub use options::{resized_photos, ConflictPolicy, FileOutcome, FileReport, Summary, UploadOptions};
pub use running::{panic_text, JobEnd, RunningJob};
pub use dkcloud_prepare::PrepareOptions;
pub use progress::{ActiveFile, Progress};
