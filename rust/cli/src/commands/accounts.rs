//! `dkcloud accounts`.

use crate::context::Context;
use crate::exit::CliError;

pub(crate) fn accounts(ctx: &Context) -> Result<(), CliError> {
    let list = ctx.accounts().list()?;
    if list.is_empty() {
        println!("No accounts. Log in with `dkcloud login onedrive` or `dkcloud login dropbox`.");
        return Ok(());
    }
    for a in list {
        let email = a.email.as_deref().map(|e| format!(" <{e}>")).unwrap_or_default();
        let default = if a.default { "  (default)" } else { "" };
        println!("{:<9} {}{email}  id {}{default}", a.service.to_string(), a.display_name, a.id);
    }
    Ok(())
}
