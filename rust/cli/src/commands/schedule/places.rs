//! Where a scheduled job's pieces live: its definition beside the config
//! (`<config>/schedules/NAME.toml`), its units where the systemd user manager
//! reads them, its lock and last-run record beside the upload journals.

use crate::exit::CliError;
use std::path::{Path, PathBuf};

pub(crate) struct Places {
    /// dkcloud's config folder (`$DKCLOUD_CONFIG_DIR`, `$XDG_CONFIG_HOME/dkcloud`).
    pub(crate) config_dir: PathBuf,
    /// `$XDG_STATE_HOME` (or `~/.local/state`): the base of the upload journals.
    pub(crate) state_home: PathBuf,
    /// `$XDG_CONFIG_HOME/systemd/user` (or `~/.config/systemd/user`).
    pub(crate) units_dir: PathBuf,
}

impl Places {
    pub(crate) fn from_env() -> Result<Self, CliError> {
        let config_dir = dkcloud_engine::config::Paths::from_env()?.config_dir;
        // The journals' folder is <state home>/dkcloud/jobs: the lock sits beside
        // it, so any two runs that could share a journal also share the lock,
        // whatever environment cron, systemd or a terminal gives them.
        let journals = dkcloud_engine::upload::jobs_dir(None)?;
        let state_home = journals
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .ok_or_else(|| CliError::other("cannot find the state folder"))?;
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let config_home = match var("XDG_CONFIG_HOME").filter(|p| p.is_absolute()) {
            Some(dir) => dir,
            None => var("HOME")
                .map(|home| home.join(".config"))
                .ok_or_else(|| CliError::other("neither XDG_CONFIG_HOME nor HOME is set"))?,
        };
        // Units and crontab lines run elsewhere: no folder may depend on today's one.
        let absolute = |dir: PathBuf| std::path::absolute(&dir).unwrap_or(dir);
        Ok(Self {
            config_dir: absolute(config_dir),
            state_home: absolute(state_home),
            units_dir: absolute(config_home.join("systemd").join("user")),
        })
    }

    pub(crate) fn jobs_dir(&self) -> PathBuf {
        self.config_dir.join("schedules")
    }

    pub(crate) fn job_file(&self, name: &str) -> PathBuf {
        self.jobs_dir().join(format!("{name}.toml"))
    }

    fn state_dir(&self) -> PathBuf {
        self.state_home.join("dkcloud").join("schedules")
    }

    pub(crate) fn lock_file(&self, name: &str) -> PathBuf {
        self.state_dir().join(format!("{name}.lock"))
    }

    pub(crate) fn last_run_file(&self, name: &str) -> PathBuf {
        self.state_dir().join(format!("{name}.last"))
    }

    pub(crate) fn unit_file(&self, unit: &str) -> PathBuf {
        self.units_dir.join(unit)
    }
}

/// `dkcloud-upload-NAME.service` / `.timer`.
pub(crate) fn unit_name(name: &str, kind: &str) -> String {
    format!("dkcloud-upload-{name}.{kind}")
}
