//! `dkcloud schedule run NAME`: what the job's timer (or crontab line) runs.
//! Takes the job's lock, runs its upload with plain log lines (stdout and
//! stderr go to the journal), and records how the run ended for `list`.

use super::job_file::{check_name, JobFile};
use super::lock::{self, Attempt};
use super::places::Places;
use super::upload_argv;
use crate::args::Global;
use crate::commands::upload;
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::remote_arg;

pub(crate) async fn run(global: &Global, name: &str) -> Result<u8, CliError> {
    check_name(name)?;
    let places = Places::from_env()?;
    let job = JobFile::load(&places, name)?;
    let lock_file = places.lock_file(name);
    let _lock = match lock::try_lock(&lock_file) {
        Ok(Attempt::Held(held)) => held,
        Ok(Attempt::Busy(holder)) => {
            return Err(CliError {
                code: exit::BUSY,
                message: format!("scheduled job {name}: another run is still going ({holder}); this run exits"),
            })
        }
        Err(e) => return Err(CliError::other(format!("cannot lock {}: {e}", lock_file.display()))),
    };
    let mut job = job;
    if global.account.is_some() {
        job.account = global.account.clone();
    }
    let outcome = run_locked(&job, name, global.no_progress, global.quiet).await;
    let code = match &outcome {
        Ok(code) => *code,
        Err(e) => e.code,
    };
    if code == exit::AUTH {
        eprintln!("dkcloud: scheduled job {name} needs a login: {}", login_fix(&job));
    }
    record_last_run(&places, name, code);
    outcome
}

/// `quiet`: `dkcloud -q schedule run`, errors only.
async fn run_locked(job: &JobFile, name: &str, no_progress: bool, quiet: bool) -> Result<u8, CliError> {
    let (mut global, args) = upload_argv::parse(job, no_progress)?;
    global.quiet = quiet;
    if let Some((remote, paths)) = args.paths.split_last().filter(|_| !quiet) {
        eprintln!("dkcloud: scheduled job {name}: uploading {} to {remote}", paths.join(", "));
    }
    let ctx = Context::new(&global)?;
    upload::run(&ctx, &args).await
}

/// The command that fixes a login problem for this job.
fn login_fix(job: &JobFile) -> String {
    let service = job
        .upload
        .last()
        .and_then(|remote| remote_arg::parse(remote).ok())
        .map(|r| r.service.to_string().to_ascii_lowercase())
        .unwrap_or_else(|| "onedrive".into());
    let account = job.account.as_deref().map(|a| format!(" --account {a}")).unwrap_or_default();
    format!("run `dkcloud login {service}{account}` in a terminal; the next run continues where this one stopped")
}

/// `<finished> exit <code>`, for `dkcloud schedule list`; a run is not failed
/// for want of this note.
fn record_last_run(places: &Places, name: &str, code: u8) {
    let finished = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC");
    let _ = super::job_file::write_replacing(&places.last_run_file(name), &format!("{finished} exit {code}\n"));
}
