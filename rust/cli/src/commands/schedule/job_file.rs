//! A job's definition, `<config>/schedules/NAME.toml`: when it runs, with
//! which login, and the arguments of `dkcloud upload` (absolute paths). The
//! timer only names the job, so editing this file needs no `daemon-reload`.

use super::places::Places;
use crate::exit::CliError;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JobFile {
    /// hourly, daily, weekly or a calendar expression (what `--every` said).
    pub(crate) every: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) env_file: Option<String>,
    /// The arguments of `dkcloud upload`: options, files and folders, the remote.
    pub(crate) upload: Vec<String>,
}

const HEADER: &str = "# A scheduled upload, written by `dkcloud schedule add`.\n\
# `dkcloud schedule run NAME` runs it (its timer or crontab line calls that);\n\
# `upload` holds the arguments of `dkcloud upload`, checked by it at each run.\n";

impl JobFile {
    pub(crate) fn load(places: &Places, name: &str) -> Result<Self, CliError> {
        let path = places.job_file(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(unknown_job(name)),
            Err(e) => return Err(CliError::other(format!("{}: {e}", path.display()))),
        };
        toml::from_str(&text).map_err(|e| CliError::usage(format!("{}: not a job file: {e}", path.display())))
    }

    pub(crate) fn save(&self, places: &Places, name: &str) -> Result<(), CliError> {
        let body = toml::to_string(self).map_err(|e| CliError::other(format!("cannot write the job: {e}")))?;
        write_replacing(&places.job_file(name), &format!("{HEADER}{body}"))
    }
}

pub(crate) fn unknown_job(name: &str) -> CliError {
    CliError::usage(format!("there is no scheduled job named '{name}' (`dkcloud schedule list` shows them)"))
}

/// Written whole or not at all: a run reading the job never sees half a file.
pub(crate) fn write_replacing(path: &Path, text: &str) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::other(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, text).map_err(fail)?;
    std::fs::rename(&partial, path).map_err(fail)
}

/// Letters, digits, '-' and '_', at most 64: safe in a unit name, a file name and a shell.
pub(crate) fn check_name(name: &str) -> Result<(), CliError> {
    let fits = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if fits {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "'{name}' cannot name a job: use 1 to 64 letters, digits, '-' and '_'"
        )))
    }
}

/// The same paths and remote always give the same name, e.g.
/// `/home/me/Pictures` to `onedrive:/Backup/2026` gives `pictures-onedrive-backup-2026`.
pub(crate) fn derived_name(first_path: &Path, remote: &str) -> String {
    let base = first_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "root".into());
    let mut name = String::new();
    for c in format!("{base}-{remote}").chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    name.chars().take(64).collect::<String>().trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_are_stable_and_valid() {
        let name = derived_name(Path::new("/home/me/My Pictures"), "onedrive:/Backup/2026/");
        assert_eq!(name, "my-pictures-onedrive-backup-2026");
        assert!(check_name(&name).is_ok());
        assert_eq!(derived_name(Path::new("/"), "dropbox:/"), "root-dropbox");
        assert!(check_name(&derived_name(Path::new(&"x".repeat(300)), "dropbox:/y")).is_ok());
    }

    #[test]
    fn names_that_could_escape_their_files_are_refused() {
        for bad in ["", "a/b", "../x", "a b", "a.timer", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
