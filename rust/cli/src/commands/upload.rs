//! `dkcloud upload`: runs an engine upload job and shows its progress: bars on
//! a terminal, plain log lines otherwise, JSON lines with `--json`.

use crate::args::{ConflictArg, UploadArgs};
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::remote_arg;
use crate::report::{self, Reporter};
use dkcloud_engine::sharing::LinkRequest;
use dkcloud_engine::upload::{ConflictPolicy, JobEvents, JobOrigin, UploadJob, UploadOptions};
use dkcloud_engine::{ServiceKind, Session};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// One upload, as the command line or the demo asks for it.
pub struct JobRequest {
    pub service: ServiceKind,
    pub sources: Vec<PathBuf>,
    pub destination: String,
    pub jobs: u32,
    pub chunk_size: Option<u64>,
    pub conflict: ConflictArg,
    pub dry_run: bool,
    pub json: bool,
    pub journal_dir: Option<PathBuf>,
    pub prepare: Option<dkcloud_engine::upload::PrepareOptions>,
    /// Make a view link to the destination folder after the upload.
    pub link: bool,
}

pub async fn run(ctx: &Context, args: &UploadArgs) -> Result<u8, CliError> {
    run_job(ctx, request(ctx, args)?).await
}

/// The job `args` ask for, or why they cannot be run.
pub fn request(ctx: &Context, args: &UploadArgs) -> Result<JobRequest, CliError> {
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
        conflict: args.on_conflict,
        dry_run: args.dry_run,
        json: args.json,
        journal_dir: None,
        prepare: args.photo.options(),
        link: args.link,
    })
}

pub async fn run_job(ctx: &Context, request: JobRequest) -> Result<u8, CliError> {
    let session = ctx.session(request.service)?;
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
    };
    let job = session.upload_job(request.sources, &request.destination, options).await?;
    let link = request.link.then_some((&session, request.destination.as_str()));
    run_shown(ctx, job, request.json, link).await
}

/// Runs `job` with its progress shown and Ctrl+C cancelling it; with `link`,
/// a view link to that folder follows the summary. The exit code says how it went.
pub async fn run_shown(
    ctx: &Context,
    job: UploadJob,
    json: bool,
    link: Option<(&Session, &str)>,
) -> Result<u8, CliError> {
    let reporter = Arc::new(report::choose(json, ctx.progress));
    let cancel = CancellationToken::new();
    let on_interrupt = {
        let cancel = cancel.clone();
        let reporter = reporter.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                reporter.note("Interrupted: cancelling open uploads (`dkcloud resume` continues the job)...");
                cancel.cancel();
            }
        })
    };
    let events: Arc<dyn JobEvents> = reporter.clone();
    let outcome = job.run(events, cancel.clone()).await;
    on_interrupt.abort();
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
            eprintln!("dkcloud: the upload is done, but no link could be made: {}", CliError::from(e).message);
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
