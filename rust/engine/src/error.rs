//! One error type for the engine. Messages are written for the person who
//! reads them (a photographer, or a script's log), and never contain a token.

use crate::registration::{RegistrationOrigin, RegistrationProblem};
use crate::service::ServiceKind;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Configuration is missing or wrong (no client id, bad endpoint URL, ...).
    #[error("{0}")]
    Config(String),
    /// A login attempt failed (refused, timed out, the browser could not be opened, ...).
    #[error("{service}: {message}")]
    Auth { service: ServiceKind, message: String },
    /// There is no usable login: none was made, the named account is unknown,
    /// or the stored one is gone or no longer accepted. Logging in fixes it.
    #[error("{service}: {message}")]
    LoginNeeded { service: ServiceKind, message: String },
    /// No app registration (client id) is configured for the service.
    #[error("{message}")]
    AppNotRegistered { service: ServiceKind, message: String },
    /// The service refused the app registration (unknown id, redirect URI,
    /// account types, a missing permission, ...): a setting of the app in
    /// the service's portal must change. `detail` is the service's own words.
    #[error("{}", registration_message(*service, problem, *origin, detail))]
    Registration { service: ServiceKind, problem: RegistrationProblem, origin: RegistrationOrigin, detail: String },
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
    /// The account's plan does not include what was asked (a sharing link's
    /// password or expiry on a free account).
    #[error("{service}: {message}")]
    NotInPlan { service: ServiceKind, message: String },
    /// The organisation that runs the account does not allow what was asked
    /// (a link that anyone can open, on a work or school OneDrive).
    #[error("{service}: {message}")]
    SharingPolicy { service: ServiceKind, message: String },
    /// The stored copy's hash differs from the local file's: the stored copy is bad.
    #[error("{path}: the copy stored on {service} does not match the local file (local hash {local}, stored {stored})")]
    HashMismatch { service: ServiceKind, path: String, local: String, stored: String },
}

/// What kind of problem an error is, for front ends that word messages
/// themselves (the dialog names its own buttons; the CLI its commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No usable login: log in (again).
    NotLoggedIn,
    /// The login itself failed or was refused.
    LoginFailed,
    /// No app registration (client id) for the service.
    AppNotRegistered,
    /// The service refused the app registration: a portal setting must change.
    RegistrationRefused,
    /// The service's storage is full.
    QuotaFull,
    /// The service does not allow this name or path.
    NameNotAllowed,
    /// The service could not be reached (after retries).
    Network,
    /// The service refused the request for another reason.
    Refused,
    /// A local file could not be read (or changed while it was sent).
    LocalFile,
    /// The name is taken by a different file and the policy forbids touching it.
    Conflict,
    /// The stored copy does not match the local file.
    Mismatch,
    /// The account's plan does not include this (e.g. a link password on a free plan).
    NotInPlan,
    /// The organisation running the account forbids this (e.g. links anyone can open).
    SharingPolicy,
    /// Bad input or configuration.
    Invalid,
    Cancelled,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotLoggedIn => "not_logged_in",
            Self::LoginFailed => "login_failed",
            Self::AppNotRegistered => "app_not_registered",
            Self::RegistrationRefused => "registration_refused",
            Self::QuotaFull => "quota_full",
            Self::NameNotAllowed => "name_not_allowed",
            Self::Network => "network",
            Self::Refused => "refused",
            Self::LocalFile => "local_file",
            Self::Conflict => "conflict",
            Self::Mismatch => "mismatch",
            Self::NotInPlan => "not_in_plan",
            Self::SharingPolicy => "sharing_policy",
            Self::Invalid => "invalid",
            Self::Cancelled => "cancelled",
        }
    }
}

/// Service error codes that mean "the storage is full" (Graph, Dropbox).
const QUOTA_CODES: &[&str] = &["quotaLimitReached", "insufficientStorage", "insufficient_space", "insufficient_quota"];
/// Service error codes that mean "this name or path is not allowed".
const NAME_CODES: &[&str] = &["nameNotAllowed", "invalidName", "disallowed_name", "malformed_path", "too_long"];

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Auth { .. } => ErrorKind::LoginFailed,
            Self::LoginNeeded { .. } => ErrorKind::NotLoggedIn,
            Self::AppNotRegistered { .. } => ErrorKind::AppNotRegistered,
            Self::Registration { .. } => ErrorKind::RegistrationRefused,
            Self::Service { status, code, .. } => {
                let has = |codes: &[&str]| codes.iter().any(|c| code.split('/').any(|part| part == *c));
                if *status == 507 || has(QUOTA_CODES) {
                    ErrorKind::QuotaFull
                } else if has(NAME_CODES) {
                    ErrorKind::NameNotAllowed
                } else {
                    ErrorKind::Refused
                }
            }
            Self::Network { .. } => ErrorKind::Network,
            Self::File { .. } | Self::Io(_) | Self::FileChanged { .. } => ErrorKind::LocalFile,
            Self::Conflict { .. } => ErrorKind::Conflict,
            Self::HashMismatch { .. } => ErrorKind::Mismatch,
            Self::NotInPlan { .. } => ErrorKind::NotInPlan,
            Self::SharingPolicy { .. } => ErrorKind::SharingPolicy,
            Self::Cancelled => ErrorKind::Cancelled,
            Self::Config(_) | Self::InvalidInput(_) => ErrorKind::Invalid,
        }
    }

    /// The service's own words (or the local cause) without advice on what
    /// to run: front ends add their own. Empty when the kind says it all.
    pub fn detail(&self) -> String {
        match self {
            Self::Service { message, code, .. } if message.is_empty() => code.clone(),
            Self::Service { message, .. } => message.clone(),
            Self::Network { message, .. } => message.clone(),
            Self::Auth { message, .. } | Self::NotInPlan { message, .. } | Self::SharingPolicy { message, .. } => {
                message.clone()
            }
            Self::Registration { detail, .. } => detail.clone(),
            Self::LoginNeeded { .. } | Self::AppNotRegistered { .. } | Self::Cancelled => String::new(),
            other => other.to_string(),
        }
    }
}

/// The default wording of a refused registration: what the service said, and
/// the setting that fixes it (or whom to tell, for a built-in registration).
fn registration_message(
    service: ServiceKind,
    problem: &RegistrationProblem,
    origin: RegistrationOrigin,
    detail: &str,
) -> String {
    let said = if detail.is_empty() { String::new() } else { format!(" ({detail})") };
    match origin {
        RegistrationOrigin::BuiltIn => format!(
            "{service} refused the app registration built into this dkcloud{said}. This is a problem of this build, \
             not of your account: report it to whoever built your dkcloud package, or use an app of your own; to fix \
             the built-in app: {}",
            problem.setting(service)
        ),
        _ => format!("{service} refused the app registration{said}. To fix it: {}", problem.setting(service)),
    }
}
