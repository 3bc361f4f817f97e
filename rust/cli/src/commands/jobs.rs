//! `dkcloud jobs` (list, `--discard ID`) and `dkcloud resume [ID]`: unfinished
//! upload jobs, as their records and journals under `$XDG_STATE_HOME/dkcloud/jobs/` tell.

use crate::args::{JobsArgs, ResumeArgs};
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::report::bytes;
use dkcloud_engine::upload::{find_unfinished, unfinished_jobs, EndState, UnfinishedJob};
use serde_json::json;

pub(crate) async fn run(ctx: &Context, args: &JobsArgs) -> Result<u8, CliError> {
    if let Some(id) = &args.discard {
        return discard(ctx, id).await;
    }
    let jobs = unfinished_jobs(None, None).await?;
    if args.json {
        let list: Vec<serde_json::Value> = jobs.iter().map(job_json).collect();
        println!("{}", json!({ "jobs": list }));
    } else if jobs.is_empty() {
        println!("No unfinished upload jobs.");
    } else {
        for job in &jobs {
            println!("{}", job_lines(job));
        }
    }
    Ok(exit::OK)
}

pub(crate) async fn resume(ctx: &Context, args: &ResumeArgs) -> Result<u8, CliError> {
    let record = match &args.id {
        Some(id) => find_unfinished(None, id)?,
        None => the_only_job().await?,
    };
    let session = ctx.session(record.service)?;
    crate::commands::upload::limit_bandwidth(args.bwlimit.as_deref())?;
    let job = session.resume_job(&record.id, None).await?;
    eprintln!(
        "Resuming job {}: {} -> {}:{}",
        record.short_id(),
        sources_text(&record.sources),
        record.service.id(),
        record.destination
    );
    crate::commands::upload::run_shown(ctx, job, args.json, None).await
}

/// The one unfinished job that can be resumed, else a usage error listing them.
async fn the_only_job() -> Result<dkcloud_engine::upload::JobRecord, CliError> {
    let (running, jobs): (Vec<UnfinishedJob>, Vec<UnfinishedJob>) =
        unfinished_jobs(None, None).await?.into_iter().partition(|j| j.record.is_running_now());
    match jobs.as_slice() {
        [] if running.is_empty() => Err(CliError::usage("there is no unfinished upload job to resume")),
        [] => Err(CliError::usage(format!(
            "there is no unfinished upload job to resume ({} running now)",
            running.len()
        ))),
        [one] => Ok(one.record.clone()),
        several => {
            let listed: Vec<String> = several.iter().map(job_lines).collect();
            Err(CliError::usage(format!(
                "{} unfinished jobs; say which: `dkcloud resume ID`\n{}",
                several.len(),
                listed.join("\n")
            )))
        }
    }
}

async fn discard(ctx: &Context, id: &str) -> Result<u8, CliError> {
    let record = find_unfinished(None, id)?;
    let session = ctx.session(record.service)?;
    let done = session.discard_job(&record.id, None).await?;
    let mut line = format!(
        "Discarded job {} ({} -> {}:{}); files it stored stay there.",
        record.short_id(),
        sources_text(&record.sources),
        record.service.id(),
        record.destination
    );
    if done.sessions_cancelled > 0 {
        line += &format!(" Upload sessions cancelled on {}: {}.", record.service, done.sessions_cancelled);
    }
    if done.sessions_left_to_expire > 0 {
        line += &format!(
            " Upload sessions left to expire on {} (within 7 days; it cannot end them sooner): {}.",
            record.service, done.sessions_left_to_expire
        );
    }
    println!("{line}");
    Ok(exit::OK)
}

fn sources_text(sources: &[std::path::PathBuf]) -> String {
    match sources {
        [one] => one.display().to_string(),
        [first, rest @ ..] => format!("{} and {} more", first.display(), rest.len()),
        [] => "nothing".into(),
    }
}

/// Why the job is unfinished, in words.
fn state_text(job: &UnfinishedJob) -> String {
    let r = &job.record;
    match r.state {
        EndState::Running if r.is_running_now() => format!("running now (process {})", r.pid),
        EndState::Running => "stopped (killed or crashed)".into(),
        EndState::Incomplete => "some files failed".into(),
        EndState::Cancelled => "cancelled".into(),
        EndState::Failed => format!("stopped: {}", r.error.as_deref().unwrap_or("an error")),
        EndState::Interrupted => "interrupted".into(),
        EndState::Finished => "finished".into(),
    }
}

fn when(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map_or_else(|| secs.to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

fn job_lines(job: &UnfinishedJob) -> String {
    let r = &job.record;
    let account = r.account.as_ref().map_or_else(|| "no saved login".to_owned(), |a| a.label());
    let by = if r.started_by.is_empty() { "an unnamed front end" } else { r.started_by.as_str() };
    format!(
        "{}  {} -> {}:{}\n          {} of {} files done, {} left; account {account}; started {} by {by}; {}",
        r.short_id(),
        job.what(),
        r.service.id(),
        r.destination,
        job.files_done,
        job.files_total,
        bytes(job.bytes_left),
        when(r.started_at),
        state_text(job),
    )
}

fn job_json(job: &UnfinishedJob) -> serde_json::Value {
    let r = &job.record;
    json!({
        "id": r.id,
        "short_id": r.short_id(),
        "service": r.service.id(),
        "account": r.account,
        "what": job.what(),
        "sources": r.sources,
        "destination": r.destination,
        "files_done": job.files_done,
        "files_total": job.files_total,
        "bytes_total": job.bytes_total,
        "bytes_left": job.bytes_left,
        "started_at": r.started_at,
        "updated_at": r.updated_at,
        "started_by": r.started_by,
        "state": r.state,
        "running_now": r.is_running_now(),
        "options": r.options,
    })
}
