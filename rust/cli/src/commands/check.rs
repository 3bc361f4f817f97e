//! `dkcloud check PATH... REMOTE`: are the local files on the service where
//! `dkcloud upload PATH... REMOTE` puts them, byte for byte (size and the
//! service's hash)? Exit 0 when all match and nothing is extra, 1 otherwise.

use crate::args::CheckArgs;
use crate::commands::upload;
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::remote_arg;
use crate::shown;
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(ctx: &Context, args: &CheckArgs) -> Result<u8, CliError> {
    let Some((destination, sources)) = args.paths.split_last() else {
        return Err(CliError::usage("give one or more files or folders, then the remote folder"));
    };
    let target = remote_arg::parse(destination).map_err(CliError::usage)?;
    if let Some(missing) = sources.iter().find(|s| !std::path::Path::new(s).exists()) {
        return Err(CliError::usage(format!("'{missing}': no such file or folder")));
    }
    let filter = upload::filter(&args.filters)?;
    let session = ctx.session(target.service)?;
    let sources: Vec<PathBuf> = sources.iter().map(PathBuf::from).collect();
    let report = session.check(sources, &target.path, filter, &CancellationToken::new()).await?;
    let service = target.service.id();
    if args.json {
        let mut value = serde_json::to_value(&report).map_err(|e| CliError::other(e.to_string()))?;
        value["ok"] = serde_json::json!(report.ok());
        value["service"] = serde_json::json!(service);
        println!("{value}");
    } else {
        for file in &report.missing {
            println!("missing    {} -> {service}:{}", shown::name(&file.local.display().to_string()), shown::name(&file.remote));
        }
        for file in &report.different {
            println!(
                "different  {} -> {service}:{}: {}",
                shown::name(&file.local.display().to_string()),
                shown::name(&file.remote),
                file.reason
            );
        }
        for remote in &report.extra {
            println!("extra      {service}:{} (no local file)", shown::name(remote));
        }
        for file in &report.errors {
            eprintln!("dkcloud: {}: {}", shown::name(&file.local.display().to_string()), shown::text(&file.reason));
        }
        if !ctx.quiet {
            let size_only = if report.matched_size_only > 0 {
                format!(" ({} by size only: the service gave no hash)", report.matched_size_only)
            } else {
                String::new()
            };
            println!(
                "{}: {} match{size_only}, {} missing, {} different, {} extra, {} unreadable",
                if report.ok() { "Same" } else { "Differences" },
                report.matched + report.matched_size_only,
                report.missing.len(),
                report.different.len(),
                report.extra.len(),
                report.errors.len(),
            );
        }
    }
    Ok(if report.ok() { exit::OK } else { exit::SOME_FAILED })
}
