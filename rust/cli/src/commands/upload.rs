//! `dkcloud upload`: runs an engine upload job and shows its progress: bars on
//! a terminal, plain log lines otherwise, JSON lines with `--json`.

use crate::args::{ConflictArg, FilterArgs, UploadArgs};
use crate::commands::schedule::lock::{self, Attempt, JobLock};
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::remote_arg;
use crate::report::{self, Reporter};
use crate::stop::{SecondStopExits, StopSignals};
use dkcloud_engine::sharing::LinkRequest;
use dkcloud_engine::upload::filter::patterns_in;
use dkcloud_engine::upload::{ConflictPolicy, FilterRequest, FilterSet, JobEvents, JobOrigin, UploadJob, UploadOptions};
use dkcloud_engine::{ServiceKind, Session};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// One upload, as the command line or the demo asks for it.
pub(crate) struct JobRequest {
    pub(crate) service: ServiceKind,
    pub(crate) sources: Vec<PathBuf>,
    pub(crate) destination: String,
    pub(crate) jobs: u32,
    pub(crate) chunk_size: Option<u64>,
    pub(crate) conflict: ConflictArg,
    pub(crate) dry_run: bool,
    pub(crate) json: bool,
    pub(crate) journal_dir: Option<PathBuf>,
    pub(crate) prepare: Option<dkcloud_engine::upload::PrepareOptions>,
    /// Make a view link to the destination folder after the upload.
    pub(crate) link: bool,
    pub(crate) filter: FilterSet,
    /// Bytes per second for all transfers together (a rate, or a timetable).
    pub(crate) bwlimit: Option<String>,
}

pub(crate) async fn run(ctx: &Context, args: &UploadArgs) -> Result<u8, CliError> {
    run_job(ctx, request(ctx, args)?).await
}

/// The job `args` ask for, or why they cannot be run.
pub(crate) fn request(ctx: &Context, args: &UploadArgs) -> Result<JobRequest, CliError> {
    let Some((destination, sources)) = args.paths.split_last() else {
        return Err(CliError::usage("give one or more files or folders, then the destination"));
    };
    let target = remote_arg::parse(destination).map_err(CliError::usage)?;
    if let Some(stray) = sources.iter().find(|s| remote_arg::parse(s).is_ok() && !std::path::Path::new(s).exists()) {
        return Err(CliError::usage(format!(
            "'{stray}' looks like a remote; only the last argument is the destination"
        )));
    }
    let chunk_size = args.chunk_size.or_else(|| ctx.env_file.as_ref().and_then(|e| e.block_size));
    Ok(JobRequest {
        service: target.service,
        sources: sources.iter().map(PathBuf::from).collect(),
        destination: target.path,
        jobs: args.jobs,
        chunk_size,
        conflict: args.on_conflict.unwrap_or(ConflictArg::Rename),
        dry_run: args.dry_run,
        json: args.json,
        journal_dir: None,
        prepare: args.photo.options(),
        link: args.link,
        filter: filter(&args.filters)?,
        bwlimit: args.bwlimit.clone(),
    })
}

/// The filter rules `args` ask for; an unreadable `--exclude-from` file or a
/// malformed pattern is a usage error.
pub(crate) fn filter(args: &FilterArgs) -> Result<FilterSet, CliError> {
    let mut exclude_from = Vec::new();
    for file in &args.exclude_from {
        let text = std::fs::read_to_string(file)
            .map_err(|e| CliError::usage(format!("--exclude-from {}: {e}", file.display())))?;
        let name = file.display().to_string();
        exclude_from.extend(patterns_in(&text).into_iter().map(|p| (p, name.clone())));
    }
    let request = FilterRequest {
        default_excludes: !args.no_default_excludes,
        exclude_from,
        exclude: args.exclude.clone(),
        include: args.include.clone(),
    };
    FilterSet::build(&request).map_err(|e| CliError::usage(e.to_string()))
}

pub(crate) async fn run_job(ctx: &Context, request: JobRequest) -> Result<u8, CliError> {
    let session = ctx.session(request.service)?;
    limit_bandwidth(request.bwlimit.as_deref())?;
    let options = UploadOptions {
        jobs: request.jobs as usize,
        chunk_size: request.chunk_size,
        conflict: match request.conflict {
            ConflictArg::Rename => ConflictPolicy::Rename,
            ConflictArg::Replace => ConflictPolicy::Replace,
            ConflictArg::Skip => ConflictPolicy::Skip,
            ConflictArg::Fail => ConflictPolicy::Fail,
        },
        dry_run: request.dry_run,
        journal_dir: request.journal_dir,
        prepare: request.prepare,
        origin: JobOrigin { started_by: "cli".into(), account: None },
        filter: request.filter,
    };
    tracing::info!(
        "uploading {} to {}:{}, {} at a time, on conflict {:?}, {} filter rules{}",
        request.sources.iter().map(|s| s.display().to_string()).collect::<Vec<_>>().join(", "),
        request.service.id(),
        request.destination,
        options.jobs,
        options.conflict,
        options.filter.rules.len(),
        if options.dry_run { " (dry run)" } else { "" },
    );
    let job = session.upload_job(request.sources, &request.destination, options).await?;
    let link = request.link.then_some((&session, request.destination.as_str()));
    run_shown(ctx, job, request.json, link).await
}

/// Sets the run's `--bwlimit`, if any.
pub(crate) fn limit_bandwidth(bwlimit: Option<&str>) -> Result<(), CliError> {
    if let Some(text) = bwlimit {
        dkcloud_engine::limit_uploads(Some(crate::args::bandwidth(text).map_err(CliError::usage)?));
    }
    Ok(())
}

/// Runs `job` with its progress shown; Ctrl+C or SIGTERM suspends it (what
/// was sent stays for `dkcloud resume`), a second one stops at once. With
/// `link`, a view link to that folder follows the summary. The exit code says how it went.
pub(crate) async fn run_shown(
    ctx: &Context,
    job: UploadJob,
    json: bool,
    link: Option<(&Session, &str)>,
) -> Result<u8, CliError> {
    let _lock = job_lock(&job)?;
    let reporter = Arc::new(report::choose(json, ctx.progress, ctx.quiet));
    let cancel = CancellationToken::new();
    let suspended = Arc::new(AtomicBool::new(false));
    let cannot_watch = |e| CliError::other(format!("cannot watch for Ctrl+C: {e}"));
    let mut stops = StopSignals::new().map_err(cannot_watch)?;
    let _second_stop_exits = SecondStopExits::arm().map_err(cannot_watch)?;
    let on_stop = {
        let (cancel, suspended, reporter) = (cancel.clone(), suspended.clone(), reporter.clone());
        tokio::spawn(async move {
            let signal = stops.next().await;
            // A second signal exits in the signal handler (`stop`), even if this note is stuck
            // behind output nobody reads.
            reporter.note(&format!(
                "{signal}: stopping; what was sent is kept and `dkcloud resume` continues the job \
                 (Ctrl+C again stops at once)"
            ));
            suspended.store(true, Ordering::Relaxed);
            cancel.cancel();
        })
    };
    let events: Arc<dyn JobEvents> = reporter.clone();
    let outcome = job.run_stoppable(events, cancel.clone(), suspended).await;
    on_stop.abort();
    let summary = outcome?;
    let link = match link {
        Some((session, folder)) if !summary.cancelled => {
            Some(session.share_link(folder, &LinkRequest::view(), &cancel).await)
        }
        _ => None,
    };
    reporter.finish(&summary, link.as_ref().and_then(|l| l.as_ref().ok()));
    let link_failed = match link {
        Some(Err(e)) => {
            use std::io::Write as _;
            let message = CliError::from(e).message;
            let _ = writeln!(std::io::stderr(), "dkcloud: the upload is done, but no link could be made: {message}");
            true
        }
        _ => false,
    };
    Ok(if summary.failed > 0 {
        exit::SOME_FAILED
    } else if summary.cancelled || link_failed {
        exit::OTHER
    } else {
        exit::OK
    })
}

impl JobEvents for Reporter {
    fn progress(&self, progress: &dkcloud_engine::upload::Progress) {
        self.on_progress(progress);
    }

    fn file_done(&self, report: &dkcloud_engine::upload::FileReport) {
        self.on_file(report);
    }
}

/// One run of a job at a time, as for scheduled runs: `upload` and `resume`
/// of a job another process is running say who runs it and exit (code 5).
/// A lock that cannot be taken for another reason (a read-only state folder)
/// does not stop the upload.
fn job_lock(job: &UploadJob) -> Result<Option<JobLock>, CliError> {
    if job.options.dry_run {
        return Ok(None);
    }
    let path = job.lock_path()?;
    match lock::try_lock(&path) {
        Ok(Attempt::Held(held)) => Ok(Some(held)),
        Ok(Attempt::Busy(holder)) => Err(CliError {
            code: exit::BUSY,
            message: format!("job {} is being uploaded by another run ({holder}); this run exits", &job.id()[..8]),
        }),
        Err(e) => {
            tracing::debug!("cannot lock {}: {e}", path.display());
            Ok(None)
        }
    }
}
