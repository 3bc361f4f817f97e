//! `dkcloud schedule remove NAME`: stops and deletes the timer and service
//! (when a user manager answers, it is told), then the job file.

use super::job_file::{check_name, unknown_job};
use super::places::{unit_name, Places};
use super::systemd;
use crate::exit::CliError;

pub(crate) fn remove(name: &str) -> Result<(), CliError> {
    check_name(name)?;
    let places = Places::from_env()?;
    let job_file = places.job_file(name);
    if !job_file.exists() && !places.unit_file(&unit_name(name, "timer")).exists() {
        return Err(unknown_job(name));
    }
    remove_units(&places, name)?;
    remove_file(&job_file)?;
    remove_file(&places.last_run_file(name))?;
    println!("Removed the scheduled job {name}.");
    Ok(())
}

/// Stops the timer if a user manager runs it, then deletes both units.
pub(crate) fn remove_units(places: &Places, name: &str) -> Result<(), CliError> {
    let timer = unit_name(name, "timer");
    let units = [places.unit_file(&timer), places.unit_file(&unit_name(name, "service"))];
    if !units.iter().any(|u| u.exists()) {
        return Ok(());
    }
    let manager = systemd::systemctl_user(&["disable", "--now", &timer]);
    for unit in &units {
        remove_file(unit)?;
    }
    if manager.is_ok() {
        let _ = systemd::systemctl_user(&["daemon-reload"]);
    }
    Ok(())
}

fn remove_file(path: &std::path::Path) -> Result<(), CliError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(CliError::other(format!("cannot remove {}: {e}", path.display())))
        }
        _ => Ok(()),
    }
}
