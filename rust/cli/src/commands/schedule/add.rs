//! `dkcloud schedule add`: checks the upload as `dkcloud upload` would, stores
//! the job, writes its systemd user units and starts the timer when a user
//! manager answers; otherwise says what to run (systemctl, or a crontab line).

use super::every::Every;
use super::job_file::{check_name, derived_name, write_replacing, JobFile};
use super::places::{unit_name, Places};
use super::units::{self, RunCommand, CARRIED_VARIABLES};
use super::{remove, systemd, upload_argv, AddArgs};
use crate::args::{ConflictArg, Global, UploadArgs};
use crate::commands::upload;
use crate::context::Context;
use crate::exit::CliError;
use std::path::{Path, PathBuf};

pub(crate) fn add(global: &Global, args: &AddArgs) -> Result<(), CliError> {
    let every = Every::parse(&args.every)?;
    let ctx = Context::new(global)?;
    let upload_args = scheduled(&args.upload)?;
    let request = upload::request(&ctx, &upload_args)?;
    let (options, paths) = upload_argv::to_argv(&upload_args)?;
    let Some((remote, sources)) = paths.split_last() else {
        return Err(CliError::usage("give one or more files or folders, then the destination"));
    };
    let sources = absolute_existing(sources)?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => derived_name(&sources[0], remote),
    };
    check_name(&name)?;
    let env_file = match &global.env_file {
        Some(file) => Some(absolute_existing(std::slice::from_ref(&file.to_string_lossy().into_owned()))?.remove(0)),
        None => None,
    };
    let mut upload = options;
    upload.extend(sources.iter().map(|p| p.to_string_lossy().into_owned()));
    upload.push(remote.clone());
    let job = JobFile {
        every: every.text().to_owned(),
        account: global.account.clone(),
        env_file: env_file.map(|f| f.to_string_lossy().into_owned()),
        upload,
    };

    let places = Places::from_env()?;
    let replacing = places.job_file(&name).exists();
    job.save(&places, &name)?;
    let what: Vec<String> = sources.iter().map(|p| p.display().to_string()).collect();
    println!(
        "{} scheduled job {name}: {} to {remote} ({}), {}",
        if replacing { "Replaced the" } else { "Added the" },
        what.join(", "),
        request.service,
        every.text(),
    );
    println!("Job file: {}", places.job_file(&name).display());
    for secret in ["DKCLOUD_ONEDRIVE_CLIENT_SECRET", "DKCLOUD_DROPBOX_CLIENT_SECRET"] {
        if std::env::var_os(secret).is_some_and(|v| !v.is_empty()) {
            println!("Note: {secret} is not stored with the job (no secrets in unit files); put client_secret in config.toml for scheduled runs.");
        }
    }

    let exe = std::env::current_exe().map_err(|e| CliError::other(format!("cannot find the dkcloud program: {e}")))?;
    let environment = run_environment(&places);
    let run = RunCommand { exe: &exe, name: &name, environment: &environment };
    if args.cron {
        remove::remove_units(&places, &name)?;
        println!("Add this line to your crontab (`crontab -e`); its output goes to the system log:");
        println!("{}", units::cron_line(&run, &every));
        return Ok(());
    }
    let service = unit_name(&name, "service");
    let timer = unit_name(&name, "timer");
    write_replacing(&places.unit_file(&service), &units::service_unit(&run, &what.join(", ")))?;
    write_replacing(&places.unit_file(&timer), &units::timer_unit(&name, &every))?;
    println!("Units: {} and {timer}", places.unit_file(&service).display());
    match systemd::systemctl_user(&["daemon-reload"]).and_then(|_| systemd::systemctl_user(&["enable", "--now", &timer])) {
        Ok(_) => println!("Timer {timer} enabled and started; runs log to `journalctl --user -u {service}`."),
        Err(why) => {
            println!("No systemd user manager took the timer ({why}). To start it, run in your desktop session:");
            println!("  systemctl --user daemon-reload && systemctl --user enable --now {timer}");
            println!("On a machine without systemd, add this line with `crontab -e` instead:");
            println!("  {}", units::cron_line(&run, &every));
        }
    }
    Ok(())
}

/// The upload as a schedule runs it. A changed file replaces its earlier
/// copy unless asked otherwise: both services keep earlier versions of a file
/// they overwrite (OneDrive's version history, Dropbox's version history), so
/// nothing is lost, where `rename` would leave one more copy of every changed
/// file at each run and `skip` would never back the change up. `rclone copy`
/// does the same. An `--exclude-from` file is read at each run, from where it is now.
fn scheduled(args: &UploadArgs) -> Result<UploadArgs, CliError> {
    let mut args = args.clone();
    args.on_conflict.get_or_insert(ConflictArg::Replace);
    let files: Vec<String> = args.filters.exclude_from.iter().map(|f| f.to_string_lossy().into_owned()).collect();
    args.filters.exclude_from = absolute_existing(&files)?;
    Ok(args)
}

/// Scheduled runs start elsewhere: paths must not depend on today's folder.
fn absolute_existing(paths: &[String]) -> Result<Vec<PathBuf>, CliError> {
    paths
        .iter()
        .map(|p| {
            let path = Path::new(p);
            if !path.exists() {
                return Err(CliError::usage(format!("'{p}': no such file or folder")));
            }
            std::path::absolute(path).map_err(|e| CliError::usage(format!("'{p}': {e}")))
        })
        .collect()
}

/// Where this job's config and journals are, and the non-secret settings in force now.
fn run_environment(places: &Places) -> Vec<(String, String)> {
    let mut environment = vec![
        ("DKCLOUD_CONFIG_DIR".to_owned(), places.config_dir.to_string_lossy().into_owned()),
        ("XDG_STATE_HOME".to_owned(), places.state_home.to_string_lossy().into_owned()),
    ];
    for key in CARRIED_VARIABLES {
        if let Some(value) = std::env::var_os(key).filter(|v| !v.is_empty()) {
            environment.push((key.to_owned(), value.to_string_lossy().into_owned()));
        }
    }
    environment
}
