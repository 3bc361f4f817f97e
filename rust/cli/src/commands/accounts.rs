//! `dkcloud accounts`.

use crate::context::Context;
use crate::exit::CliError;

pub(crate) fn accounts(ctx: &Context, json: bool) -> Result<(), CliError> {
    let list = ctx.accounts().list()?;
    if json {
        // Names and ids only: never a token.
        let accounts: Vec<serde_json::Value> = list
            .iter()
            .map(|a| {
                serde_json::json!({
                    "service": a.service.id(),
                    "name": a.display_name,
                    "email": a.email,
                    "id": a.id,
                    "default": a.default,
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "accounts": accounts }));
        return Ok(());
    }
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
