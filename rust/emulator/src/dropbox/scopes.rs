//! The scope each Dropbox route needs, and the refusal of a token without it, checked
//! in front of every route when `--registrations` is in force (without it, and for the
//! `--static-token`, every token may call everything, as before).
//!
//! Every scope below is the route's `scope` attribute in dropbox/dropbox-api-spec
//! (commit 0d994eb): files.stone, users.stone, sharing.stone. `auth/token/revoke`
//! (auth.stone) has none.

use super::body::drain;
use crate::tokens::bearer_of;
use crate::App;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub const REQUIRED_SCOPES: &[(&str, &str)] = &[
    // users.stone
    ("/2/users/get_current_account", "account_info.read"),
    ("/2/users/get_space_usage", "account_info.read"),
    ("/2/users/get_account", "sharing.read"),
    ("/2/users/get_account_batch", "sharing.read"),
    // files.stone
    ("/2/files/list_folder", "files.metadata.read"),
    ("/2/files/list_folder/continue", "files.metadata.read"),
    ("/2/files/get_metadata", "files.metadata.read"),
    ("/2/files/create_folder_v2", "files.content.write"),
    ("/2/files/delete_v2", "files.content.write"),
    ("/2/files/upload", "files.content.write"),
    ("/2/files/upload_session/start", "files.content.write"),
    ("/2/files/upload_session/start_batch", "files.content.write"),
    ("/2/files/upload_session/append_v2", "files.content.write"),
    ("/2/files/upload_session/append", "files.content.write"),
    ("/2/files/upload_session/finish", "files.content.write"),
    ("/2/files/upload_session/finish_batch_v2", "files.content.write"),
    ("/2/files/download", "files.content.read"),
    ("/2/files/get_temporary_link", "files.content.read"),
    // sharing.stone
    ("/2/sharing/create_shared_link_with_settings", "sharing.write"),
    ("/2/sharing/list_shared_links", "sharing.read"),
    ("/2/sharing/revoke_shared_link", "sharing.write"),
];

pub(super) fn required_scope(path: &str) -> Option<&'static str> {
    REQUIRED_SCOPES.iter().find(|(route, _)| *route == path).map(|(_, scope)| *scope)
}

/// Middleware: 401 `missing_scope` with `required_scope` when the request's issued
/// token lacks the route's scope. Unknown, expired and missing tokens pass on to the
/// route, whose own bearer check answers them.
pub(super) async fn require_scope(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(needed) = app.registrations.as_ref().and_then(|_| required_scope(request.uri().path())) else {
        return next.run(request).await;
    };
    let token = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer_of);
    let lacking = token
        .and_then(|t| app.tokens.grant(t))
        .is_some_and(|g| !g.scope.split_whitespace().any(|s| s == needed));
    if !lacking {
        return next.run(request).await;
    }
    drain(request.into_body()).await;
    missing_scope(needed)
}

fn missing_scope(needed: &str) -> Response {
    let body = json!({"error_summary": "missing_scope/..", "error": {".tag": "missing_scope", "required_scope": needed}});
    let mut resp = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_api_route_has_its_scope() {
        let router_source = include_str!("mod.rs");
        for line in router_source.lines().filter(|l| l.contains(".route(\"/2/") && !l.contains("/2/auth/")) {
            let path = line.split('"').nth(1).unwrap();
            assert!(required_scope(path).is_some(), "{path} has no scope in REQUIRED_SCOPES");
        }
    }
}
