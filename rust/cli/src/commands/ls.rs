//! `dkcloud ls` and `dkcloud mkdir`.

use crate::context::Context;
use crate::exit::CliError;
use crate::remote_arg;
use tokio_util::sync::CancellationToken;

pub async fn ls(ctx: &Context, remote: &str) -> Result<(), CliError> {
    let target = remote_arg::parse(remote).map_err(CliError::usage)?;
    let entries = ctx.session(target.service)?.list(&target.path, &CancellationToken::new()).await?;
    for e in entries {
        if e.is_folder {
            println!("{:>14}  {}/", "", e.name);
        } else {
            println!("{:>14}  {}", e.size, e.name);
        }
    }
    Ok(())
}

pub async fn mkdir(ctx: &Context, remote: &str) -> Result<(), CliError> {
    let target = remote_arg::parse(remote).map_err(CliError::usage)?;
    if target.path == "/" {
        return Err(CliError::usage("the root folder always exists"));
    }
    let session = ctx.session(target.service)?;
    let (path, folder) = session.create_folder(&target.path, &CancellationToken::new()).await?;
    let shown = if folder.entry.path.is_empty() { path } else { folder.entry.path };
    let what = if folder.created { "Created" } else { "Already there:" };
    println!("{what} {}:{shown}", target.service.id());
    Ok(())
}
