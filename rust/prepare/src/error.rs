use std::path::PathBuf;

/// A per-file failure; the rest of a batch goes on.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{path}: cannot read or write the file: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the image is damaged or incomplete ({reason})")]
    Corrupt { path: PathBuf, reason: String },
    #[error("invalid preparation options: {0}")]
    InvalidOptions(String),
}
