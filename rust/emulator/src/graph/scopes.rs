//! The delegated permissions a Graph request needs, checked against the scopes its
//! token was issued with when `--registrations` is in force (without it, and for the
//! `--static-token`, every token may do everything, as before).
//!
//! From the "Permissions" table of each Graph v1.0 reference page, for personal
//! Microsoft accounts: `user-get` (`/me`): User.Read and up; `drive-get`,
//! `driveitem-get`, `driveitem-list-children`, `driveitem-get-content`,
//! `driveitem-list-permissions`: Files.Read and up; `driveitem-put-content`,
//! `driveitem-createuploadsession`, `driveitem-post-children`, `driveitem-update`,
//! `driveitem-delete`, `driveitem-createlink`, `permission-delete`: Files.ReadWrite and up.

use super::error::GraphError;
use super::paths::Route;
use crate::App;
use axum::http::{Method, StatusCode};

const USER_READ: &[&str] =
    &["User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All"];
const FILES_READ: &[&str] = &["Files.Read", "Files.ReadWrite", "Files.Read.All", "Files.ReadWrite.All"];
const FILES_WRITE: &[&str] = &["Files.ReadWrite", "Files.ReadWrite.All"];

/// Graph's 403 for a token without the permission: `Authorization_RequestDenied` for
/// directory objects (`/me`), `accessDenied` for drives (learn.microsoft.com/graph/errors).
pub(super) fn check(app: &App, token: &str, method: &Method, route: &Route) -> Result<(), GraphError> {
    if app.registrations.is_none() {
        return Ok(());
    }
    let Some(grant) = app.tokens.grant(token) else {
        return Ok(());
    };
    let needed = match route {
        Route::Me => USER_READ,
        _ if *method == Method::GET || *method == Method::HEAD => FILES_READ,
        _ => FILES_WRITE,
    };
    if grant.scope.split_whitespace().any(|s| needed.iter().any(|n| n.eq_ignore_ascii_case(bare(s)))) {
        return Ok(());
    }
    Err(match route {
        Route::Me => GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
        _ => GraphError::new(StatusCode::FORBIDDEN, "accessDenied", "Access denied. Check credentials and try again."),
    })
}

/// `https://graph.microsoft.com/Files.Read` -> `Files.Read`.
fn bare(scope: &str) -> &str {
    const GRAPH: &str = "https://graph.microsoft.com/";
    match scope.get(..GRAPH.len()) {
        Some(p) if p.eq_ignore_ascii_case(GRAPH) => &scope[GRAPH.len()..],
        _ => scope,
    }
}
