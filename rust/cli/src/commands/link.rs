//! `dkcloud link REMOTE`: a link to a remote file or folder that works without
//! signing in. The address goes to stdout (or a JSON object with `--json`);
//! notes on a link the service already had go to stderr.

use crate::args::LinkArgs;
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::hidden_input::read_hidden;
use crate::remote_arg;
use dkcloud_engine::sharing::{LinkAccess, LinkRequest, SharedLink};
use std::io::IsTerminal;
use tokio_util::sync::CancellationToken;

/// Where a script puts the link password (never on the command line).
pub const PASSWORD_VARIABLE: &str = "DKCLOUD_LINK_PASSWORD";

pub async fn run(ctx: &Context, args: &LinkArgs) -> Result<u8, CliError> {
    let target = remote_arg::parse(&args.remote).map_err(CliError::usage)?;
    let password = if args.password { Some(link_password()?) } else { None };
    let access = if args.edit { LinkAccess::Edit } else { LinkAccess::View };
    let request = LinkRequest { access, expires: args.expires, password };
    let session = ctx.session(target.service)?;
    let link = session.share_link(&target.path, &request, &CancellationToken::new()).await?;
    if args.json {
        println!("{}", as_json(&link, &request));
    } else {
        println!("{}", link.url);
        if let Some(note) = reuse_note(&link, &request) {
            eprintln!("{note}");
        }
    }
    Ok(exit::OK)
}

/// `{url, access, expires, password, reused}`, and `differs` (what a reused
/// link does not do of what was asked) when it is not empty.
pub fn as_json(link: &SharedLink, asked: &LinkRequest) -> serde_json::Value {
    let mut value = serde_json::json!({
        "url": link.url,
        "access": link.access,
        "expires": link.expires,
        "password": link.password,
        "reused": link.reused,
    });
    let unmet = link.unmet(asked);
    if !unmet.is_empty() {
        value["differs"] = serde_json::json!(unmet);
    }
    value
}

/// What to tell the user about a link the service already had.
pub fn reuse_note(link: &SharedLink, asked: &LinkRequest) -> Option<String> {
    if !link.reused {
        return None;
    }
    let unmet = link.unmet(asked);
    if unmet.is_empty() {
        return Some("(the service returned the link this item already had)".to_owned());
    }
    Some(format!(
        "Note: the service returned the link this item already had, which is not what was asked: {}. \
         Remove that link on the service's web site to make a new one.",
        unmet.join("; ")
    ))
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
