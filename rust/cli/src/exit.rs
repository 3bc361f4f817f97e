//! Exit codes (documented in `dkcloud --help` and README):
//! 0 all done, 1 some files failed, 2 usage error, 3 login needed or refused, 4 other error.

use dkcloud_engine::Error;

pub const OK: u8 = 0;
pub const SOME_FAILED: u8 = 1;
pub const USAGE: u8 = 2;
pub const AUTH: u8 = 3;
pub const OTHER: u8 = 4;

#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        Self { code: USAGE, message: message.into() }
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self { code: OTHER, message: message.into() }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::Auth { .. } | Error::LoginNeeded { .. } => AUTH,
            Error::InvalidInput(_) => USAGE,
            _ => OTHER,
        };
        let message = match &e {
            Error::NotInPlan { .. } => format!("{e} (leave out --password and --expires)"),
            _ => e.to_string(),
        };
        Self { code, message }
    }
}
