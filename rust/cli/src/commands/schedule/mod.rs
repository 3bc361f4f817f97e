//! `dkcloud schedule`: uploads run by a systemd user timer (or a cron line).
//! A job is a small TOML file holding the arguments of `dkcloud upload`; its
//! timer runs `dkcloud schedule run NAME`, which checks them with the upload's
//! own parser, takes the job's lock and runs the upload.

mod add;
mod every;
mod job_file;
mod list;
pub(crate) mod lock;
mod places;
mod remove;
mod run;
mod systemd;
mod units;
mod upload_argv;

use crate::args::{Global, UploadArgs};
use crate::exit::{self, CliError};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Upload files or folders on a schedule: writes the job and a systemd user
    /// timer and service (or, with --cron, prints a crontab line).
    Add(AddArgs),
    /// List the scheduled uploads: what, where, when, the last and next run.
    List,
    /// Remove a scheduled upload: its timer, service and job file.
    Remove {
        /// The job's name (see `dkcloud schedule list`).
        name: String,
    },
    /// Run a scheduled upload now; its timer runs this. A run of a job that is
    /// still running exits at once with code 5.
    Run {
        /// The job's name (see `dkcloud schedule list`).
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// When to run: hourly, daily, weekly, or a systemd calendar expression
    /// (OnCalendar=, e.g. "Mon..Fri 02:30" or "*-*-* 04:00:00"; see systemd.time(7)).
    #[arg(long, value_name = "WHEN")]
    pub every: String,
    /// The job's name: letters, digits, '-' and '_' [default: made from the
    /// first path and the remote, so adding the same job again replaces it].
    #[arg(long)]
    pub name: Option<String>,
    /// Write no systemd units: print the crontab line that runs the job instead.
    #[arg(long)]
    pub cron: bool,
    #[command(flatten)]
    pub upload: UploadArgs,
}

pub async fn run(global: &Global, args: &ScheduleArgs) -> Result<u8, CliError> {
    match &args.action {
        Action::Add(add) => add::add(global, add).map(|_| exit::OK),
        Action::List => list::list().map(|_| exit::OK),
        Action::Remove { name } => remove::remove(name).map(|_| exit::OK),
        Action::Run { name } => run::run(global, name).await,
    }
}
