//! `dkcloud ls` and `dkcloud mkdir`.

use crate::context::Context;
use crate::exit::CliError;
use crate::remote_arg;
use crate::shown;
use dkcloud_engine::RemoteEntry;
use tokio_util::sync::CancellationToken;

pub(crate) async fn ls(ctx: &Context, remote: &str, json: bool) -> Result<(), CliError> {
    let target = remote_arg::parse(remote).map_err(CliError::usage)?;
    let session = ctx.session(target.service)?;
    let cancel = CancellationToken::new();
    // What is there decides: nothing is "not found" on both services alike, a file is its own line.
    let entries = match session.entry(&target.path, &cancel).await? {
        None if target.path != "/" => {
            return Err(CliError::other(format!("{}:{}: not found", target.service.id(), shown::name(&target.path))))
        }
        Some(file) if !file.is_folder => vec![file],
        _ => session.list(&target.path, &cancel).await?,
    };
    if json {
        let listed: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "name": e.name,
                    "path": e.path,
                    "folder": e.is_folder,
                    "size": if e.is_folder { None } else { Some(e.size) },
                    "hash": e.hash,
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "service": target.service.id(), "path": target.path, "entries": listed }));
        return Ok(());
    }
    for e in entries {
        println!("{}", line(&e));
    }
    Ok(())
}

/// One entry as `ls` shows it: its size (none for a folder) and its name, escaped.
fn line(e: &RemoteEntry) -> String {
    if e.is_folder {
        format!("{:>14}  {}/", "", shown::name(&e.name))
    } else {
        format!("{:>14}  {}", e.size, shown::name(&e.name))
    }
}

pub(crate) async fn mkdir(ctx: &Context, remote: &str) -> Result<(), CliError> {
    let target = remote_arg::parse(remote).map_err(CliError::usage)?;
    if target.path == "/" {
        return Err(CliError::usage("the root folder always exists"));
    }
    let session = ctx.session(target.service)?;
    let cancel = CancellationToken::new();
    let (path, folder) = match session.create_folder(&target.path, &cancel).await {
        Ok(made) => made,
        Err(e) => {
            // Both services refuse a folder inside a file, each in its own way: say which file.
            if let Some(file) = file_on_the_way(&session, &target.path, &cancel).await {
                return Err(CliError::usage(format!(
                    "{}:{} is a file: no folder can be made in or as it",
                    target.service.id(),
                    shown::name(&file)
                )));
            }
            return Err(e.into());
        }
    };
    let shown_path = if folder.entry.path.is_empty() { path } else { folder.entry.path };
    let what = if folder.created { "Created" } else { "Already there:" };
    println!("{what} {}:{}", target.service.id(), shown::name(&shown_path));
    Ok(())
}

/// The first of `path` and its parents that is a file on the service, if any.
async fn file_on_the_way(session: &dkcloud_engine::Session, path: &str, cancel: &CancellationToken) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for depth in 1..=parts.len() {
        let prefix = format!("/{}", parts[..depth].join("/"));
        match session.entry(&prefix, cancel).await {
            Ok(Some(entry)) if !entry.is_folder => return Some(prefix),
            Ok(Some(_)) => continue,
            _ => return None,
        }
    }
    None
}
