//! Upload jobs: walking the sources, planning remote names, parallel
//! transfers, the resume journal, progress and cancel.

mod job;
pub mod journal;
mod options;
mod prepare;
pub mod progress;
pub mod source;
mod walk;

pub use job::{JobEvents, NoEvents, UploadJob};
pub use options::{
    ConflictPolicy, FileOutcome, FileReport, Summary, UploadOptions, DROPBOX_DEFAULT_CHUNK, ONEDRIVE_DEFAULT_CHUNK,
};
pub use dkcloud_prepare::PrepareOptions;
pub use progress::{ActiveFile, Progress};
