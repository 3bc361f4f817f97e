//! `--every`: hourly, daily, weekly or a systemd calendar expression.

use super::systemd;
use crate::exit::CliError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Every {
    Hourly,
    Daily,
    Weekly,
    /// An OnCalendar= expression, checked by `systemd-analyze calendar` when it is there.
    Calendar(String),
}

impl Every {
    pub(crate) fn parse(text: &str) -> Result<Self, CliError> {
        let text = text.trim();
        let every = match text.to_ascii_lowercase().as_str() {
            "hourly" => Self::Hourly,
            "daily" => Self::Daily,
            "weekly" => Self::Weekly,
            _ => Self::Calendar(text.to_owned()),
        };
        if let Self::Calendar(expr) = &every {
            if expr.is_empty() || expr.chars().any(char::is_control) {
                return Err(bad_every(text, "it is empty or holds a control character"));
            }
            if let Err(why) = systemd::check_calendar(expr) {
                return Err(bad_every(text, &why));
            }
        }
        Ok(every)
    }

    pub(crate) fn text(&self) -> &str {
        match self {
            Self::Hourly => "hourly",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Calendar(expr) => expr,
        }
    }

    /// A run missed while the machine was off is made up at the next start;
    /// an hourly job just waits for the next hour.
    pub(crate) fn persistent(&self) -> bool {
        !matches!(self, Self::Hourly)
    }

    /// cron's own word for it; `None` for a calendar expression.
    pub(crate) fn cron_time(&self) -> Option<&'static str> {
        match self {
            Self::Hourly => Some("@hourly"),
            Self::Daily => Some("@daily"),
            Self::Weekly => Some("@weekly"),
            Self::Calendar(_) => None,
        }
    }
}

fn bad_every(text: &str, why: &str) -> CliError {
    CliError::usage(format!(
        "--every '{text}' is not hourly, daily, weekly or a systemd calendar expression \
         (e.g. \"Mon..Fri 02:30\", see `man systemd.time`): {why}"
    ))
}
