//! Exit codes (documented in `dkcloud --help`, README and docs/cli.md):
//! 0 all done, 1 some files failed, 2 usage error, 3 login needed or refused, 4 other error
//! (a suspended run too), 5 another run of this job is still going, 130 a second Ctrl+C.

use dkcloud_engine::Error;

pub(crate) const OK: u8 = 0;
pub(crate) const SOME_FAILED: u8 = 1;
pub(crate) const USAGE: u8 = 2;
pub(crate) const AUTH: u8 = 3;
pub(crate) const OTHER: u8 = 4;
pub(crate) const BUSY: u8 = 5;
/// A second Ctrl+C (or SIGTERM) stopped the run at once (128 + SIGINT, as shells report a Ctrl+C).
pub(crate) const INTERRUPTED: u8 = 130;

/// What a code means, as `dkcloud --help` says it.
pub(crate) fn meaning(code: u8) -> &'static str {
    match code {
        OK => "all done",
        SOME_FAILED => "some files failed",
        USAGE => "usage error",
        AUTH => "login needed or refused",
        BUSY => "another run was still going",
        INTERRUPTED => "stopped at once by a second Ctrl+C or SIGTERM",
        _ => "other error",
    }
}

#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl CliError {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self { code: USAGE, message: message.into() }
    }

    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self { code: OTHER, message: message.into() }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::Auth { .. } | Error::LoginNeeded { .. } | Error::Registration { .. } => AUTH,
            Error::InvalidInput(_) => USAGE,
            _ => OTHER,
        };
        let message = match &e {
            Error::NotInPlan { .. } => format!("{e} (leave out --password and --expires)"),
            Error::SharingPolicy { .. } => {
                format!("{e} (ask the organisation's administrator, or share from the service's web page)")
            }
            Error::Registration { service, origin, .. } => match origin {
                dkcloud_engine::registration::RegistrationOrigin::BuiltIn => {
                    format!("{e}\n(`dkcloud setup {}` registers an app of your own.)", service.id())
                }
                _ => format!("{e}\nThen run `dkcloud login {}` again (or `dkcloud setup {}` to start over).", service.id(), service.id()),
            },
            _ => e.to_string(),
        };
        Self { code, message }
    }
}
