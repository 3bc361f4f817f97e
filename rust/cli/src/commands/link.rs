//! `dkcloud link REMOTE`: a link to a remote file or folder that works without
//! signing in. The address goes to stdout (or a JSON object with `--json`);
//! notes on a link the service already had go to stderr.

use crate::args::LinkArgs;
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::hidden_input::read_hidden;
use crate::remote_arg;
use crate::report;
use dkcloud_engine::sharing::{LinkAccess, LinkRequest};
use std::io::IsTerminal;
use tokio_util::sync::CancellationToken;

/// Where a script puts the link password (never on the command line).
pub(crate) const PASSWORD_VARIABLE: &str = "DKCLOUD_LINK_PASSWORD";

pub(crate) async fn run(ctx: &Context, args: &LinkArgs) -> Result<u8, CliError> {
    let target = remote_arg::parse(&args.remote).map_err(CliError::usage)?;
    let password = if args.password { Some(link_password()?) } else { None };
    let access = if args.edit { LinkAccess::Edit } else { LinkAccess::View };
    let request = LinkRequest { access, expires: args.expires, password };
    let session = ctx.session(target.service)?;
    let link = session.share_link(&target.path, &request, &CancellationToken::new()).await?;
    if args.json {
        println!("{}", report::link_json(&link, &request));
    } else {
        println!("{}", link.url);
        if let Some(note) = report::link_reuse_note(&link, &request) {
            eprintln!("{note}");
        }
    }
    Ok(exit::OK)
}

/// `DKCLOUD_LINK_PASSWORD` when set; else asked twice on the terminal without
/// echo; never asked without a terminal.
fn link_password() -> Result<String, CliError> {
    if let Some(p) = std::env::var_os(PASSWORD_VARIABLE) {
        return p
            .into_string()
            .ok()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| CliError::usage(format!("{PASSWORD_VARIABLE} is empty or not UTF-8")));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(format!(
            "--password asks on a terminal; without one, put the password in {PASSWORD_VARIABLE}"
        )));
    }
    let cannot_ask = |e: std::io::Error| CliError::other(format!("cannot ask for the password: {e}"));
    let first = read_hidden("Password for the link: ").map_err(cannot_ask)?;
    if first.is_empty() {
        return Err(CliError::usage("the password is empty"));
    }
    if read_hidden("The same password again: ").map_err(cannot_ask)? != first {
        return Err(CliError::usage("the two passwords differ"));
    }
    Ok(first)
}
