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

pub(crate) use crate::args::{Action, AddArgs, ScheduleArgs};
use crate::args::Global;
use crate::exit::{self, CliError};

pub(crate) async fn run(global: &Global, args: &ScheduleArgs) -> Result<u8, CliError> {
    match &args.action {
        Action::Add(add) => add::add(global, add).map(|_| exit::OK),
        Action::List { json } => list::list(*json).map(|_| exit::OK),
        Action::Remove { name } => remove::remove(name).map(|_| exit::OK),
        Action::Run { name } => run::run(global, name).await,
    }
}
