//! One error type for the engine. Messages are written for the person who
//! reads them (a photographer, or a script's log), and never contain a token.

use crate::endpoints::ServiceKind;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Configuration is missing or wrong (no client id, bad endpoint URL, ...).
    #[error("{0}")]
    Config(String),
    /// Login is needed, or failed, or the stored login is no longer accepted.
    #[error("{service}: {message}")]
    Auth { service: ServiceKind, message: String },
    /// The service answered with an error we do not retry.
    #[error("{service} said {status} {code}: {message}")]
    Service { service: ServiceKind, status: u16, code: String, message: String },
    /// The network failed and retries were exhausted.
    #[error("network error talking to {service}: {message}")]
    Network { service: ServiceKind, message: String },
    /// A local file problem.
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// The user (or a caller) cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The input was refused before anything was sent.
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The local file changed while it was being uploaded; nothing was stored.
    #[error("{path}: the file changed while it was being uploaded")]
    FileChanged { path: String },
    /// The remote name is taken and the conflict policy forbids touching it.
    #[error("{path}: a different file with this name already exists on {service}")]
    Conflict { service: ServiceKind, path: String },
    /// The stored copy's hash differs from the local file's: the stored copy is bad.
    #[error("{path}: the copy stored on {service} does not match the local file (local hash {local}, stored {stored})")]
    HashMismatch { service: ServiceKind, path: String, local: String, stored: String },
}
