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
pub mod source;
mod transfer;
mod walk;

pub use job::{JobEvents, NoEvents, UploadJob};
pub use options::{
    ConflictPolicy, FileOutcome, FileReport, Summary, UploadOptions, DROPBOX_DEFAULT_CHUNK, ONEDRIVE_DEFAULT_CHUNK,
};
pub use dkcloud_prepare::PrepareOptions;
pub use progress::{ActiveFile, Progress};
