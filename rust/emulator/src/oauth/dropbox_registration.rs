//! What a Dropbox app registration allows (`--registrations`): which app keys exist,
//! their redirect URIs (matched exactly, as the OAuth guide says), and the scopes
//! ticked on their Permissions tab, which bound what a token may carry.

use super::html::{escape, page};
use crate::registrations::DropboxApp;
use crate::tokens::Service;
use crate::App;
use axum::http::StatusCode;
use axum::response::Response;

/// Dropbox's authorize error page: "Error (400)", the fixed explanation, and the
/// detail under "More details for developers" (as users report it: dropbox/dbxcli#62,
/// dropbox/dropbox-sdk-python#203), with HTTP status 400. No redirect.
pub(super) fn error_page(detail: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Error (400)",
        &format!(
            "<p>It seems the app you were using submitted a bad request. If you would like to report this error to the app's developer, include the information below.</p>\n\
             <h2>More details for developers</h2>\n<p id=\"error\">{}</p>",
            escape(detail)
        ),
    )
}

/// The app's registration; `Ok(None)` without registrations; the error page for an
/// unknown app key.
#[allow(clippy::result_large_err)]
pub(super) fn app<'a>(app: &'a App, app_key: &str) -> Result<Option<&'a DropboxApp>, Response> {
    let Some(regs) = &app.registrations else {
        return Ok(None);
    };
    regs.dropbox(app_key).map(Some).ok_or_else(|| error_page(&format!("Invalid client_id: \"{app_key}\".")))
}

/// The redirect URI must be one of the registered ones, character for character.
#[allow(clippy::result_large_err)]
pub(super) fn redirect(reg: &DropboxApp, raw: &str) -> Result<(), Response> {
    if reg.redirect_uris.iter().any(|r| r == raw) {
        return Ok(());
    }
    Err(error_page(&format!(
        "Invalid redirect_uri: \"{raw}\": It must exactly match one of the redirect URIs you've pre-configured for your app (including the path)."
    )))
}

/// The scopes a code (and its tokens) gets (OAuth guide, `/oauth2/authorize`): the
/// `scope` parameter's list, each of which the app must have (a scope the app lacks is
/// a bad request shown on the error page, as Dropbox shows any malformed `scope`,
/// keeweb/keeweb#1959; the wording is the emulator's), else all of the app's
/// permissions; with `include_granted_scopes=user`, plus the scopes this user granted
/// the app before.
#[allow(clippy::result_large_err)]
pub(super) fn granted_scope(
    app: &App,
    reg: &DropboxApp,
    asked: Option<&str>,
    include_granted: Option<&str>,
) -> Result<String, Response> {
    let mut scopes: Vec<String> = match asked {
        None => reg.permissions.clone(),
        Some(list) => {
            let missing: Vec<&str> = list.split_whitespace().filter(|s| !reg.has_permission(s)).collect();
            if !missing.is_empty() {
                return Err(error_page(&format!(
                    "Invalid scope: \"{}\": the app does not have these permissions enabled. Add them on the app's Permissions tab in the App Console.",
                    missing.join(" ")
                )));
            }
            list.split_whitespace().map(str::to_owned).collect()
        }
    };
    if include_granted == Some("user") {
        scopes.extend(app.tokens.granted_scopes(Service::Dropbox, &reg.app_key));
    }
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|s| seen.insert(s.clone()));
    Ok(scopes.join(" "))
}
