//! Shared links: `sharing/create_shared_link_with_settings`,
//! `sharing/list_shared_links` and `sharing/revoke_shared_link`.
//!
//! One link per item: asking again answers 409 `shared_link_already_exists`
//! with the existing link's metadata (an expired one is replaced). Listing by
//! path gives the item's links and, unless `direct_only`, those of the folders
//! above it; without a path, every link of the account.

use super::args::{check_path, ArgSource, PathArg, PathKind};
use super::errors::{nested, respond, void, ApiError, ApiResult, LookupFailure, Route};
use super::folders::{blocking, resolve};
use super::link_settings::{self, link_metadata};
use super::metadata::{describe_one, lower};
use super::rpc_call;
use crate::links::{NewLink, SharedLink};
use crate::origin::Origin;
use crate::store::Entry;
use crate::tokens::Service;
use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

const CREATE: Route =
    Route { name: "sharing/create_shared_link_with_settings", kind: "dropbox.create_shared_link_with_settings" };
const LIST: Route = Route { name: "sharing/list_shared_links", kind: "dropbox.list_shared_links" };
const REVOKE: Route = Route { name: "sharing/revoke_shared_link", kind: "dropbox.revoke_shared_link" };

/// The cursor handed out with a full listing: nothing comes after it.
const END_CURSOR: &str = "AAAAshared-links-end";

#[derive(Deserialize)]
struct CreateArg {
    path: String,
    settings: Option<Value>,
}

pub(crate) async fn create_shared_link_with_settings(
    State(app): State<App>,
    origin: Origin,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(CREATE, create(&app, &origin, &headers, body).await)
}

/// The existing entry a path argument names, or the endpoint's `path` error.
fn existing(app: &App, path: &PathArg) -> ApiResult<Entry> {
    resolve(app, path)?.map_err(|f| ApiError::Endpoint(nested("path", f.to_value())))
}

async fn create(app: &App, origin: &Origin, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: CreateArg = rpc_call(app, headers, body).await?;
    let path = check_path(&arg.path, PathKind::Read, ArgSource::Body, "path")?;
    let plan = app.config.plan;
    let settings = link_settings::read(arg.settings.as_ref(), plan)?;
    let app = app.clone();
    let origin = origin.clone();
    blocking(move || {
        let entry = existing(&app, &path)?;
        if entry.remote == "/" {
            return Err(ApiError::Endpoint(void("access_denied")));
        }
        let item = describe_one(&app, &entry)?;
        let item_id = item["id"].as_str().unwrap_or_default().to_owned();
        for old in app.links.of_item(Service::Dropbox, &item_id) {
            if !old.expired() {
                let metadata = link_metadata(&origin, &old, &item, plan);
                return Err(ApiError::Endpoint(nested("shared_link_already_exists", nested("metadata", metadata))));
            }
            app.links.revoke(&old.token);
        }
        let link = app.links.create(&NewLink {
            service: Service::Dropbox,
            item_id: &item_id,
            link_type: if settings.access == crate::links::Access::Edit { "edit" } else { "view" },
            access: settings.access,
            scope: if settings.password.is_some() { "password" } else { "public" },
            password: settings.password.as_deref(),
            expires: settings.expires,
        });
        Ok(link_metadata(&origin, &link, &item, plan))
    })
    .await
}

#[derive(Deserialize)]
struct ListArg {
    path: Option<String>,
    cursor: Option<String>,
    #[serde(default)]
    direct_only: bool,
}

pub(crate) async fn list_shared_links(
    State(app): State<App>,
    origin: Origin,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(LIST, list(&app, &origin, &headers, body).await)
}

async fn list(app: &App, origin: &Origin, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: ListArg = rpc_call(app, headers, body).await?;
    if let Some(cursor) = &arg.cursor {
        return if cursor == END_CURSOR {
            Ok(json!({"links": [], "has_more": false}))
        } else {
            Err(ApiError::Endpoint(void("reset")))
        };
    }
    let path = match arg.path.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(check_path(p, PathKind::Read, ArgSource::Body, "path")?),
        None => None,
    };
    let app = app.clone();
    let origin = origin.clone();
    blocking(move || {
        let plan = app.config.plan;
        let target = match &path {
            Some(p) => Some(lower(&existing(&app, p)?.remote)),
            None => None,
        };
        let mut links = Vec::new();
        for link in app.links.all(Some(Service::Dropbox)) {
            let Some((entry, shared)) = item_of(&app, &link)? else { continue };
            let applies = match &target {
                None => true,
                Some(t) if arg.direct_only => *t == shared,
                Some(t) => *t == shared || t.starts_with(&format!("{}/", shared.trim_end_matches('/'))),
            };
            if applies {
                links.push(link_metadata(&origin, &link, &describe_one(&app, &entry)?, plan));
            }
        }
        let mut result = json!({"links": links, "has_more": false});
        if target.is_none() {
            result["cursor"] = json!(END_CURSOR);
        }
        Ok(result)
    })
    .await
}

/// The stored entry a link shares and its lowercased path, if it still exists.
fn item_of(app: &App, link: &SharedLink) -> ApiResult<Option<(Entry, String)>> {
    let Some(path) = app.dropbox.path_of_id(&link.item_id) else { return Ok(None) };
    match resolve(app, &PathArg::Path(path.clone()))? {
        Ok(entry) => Ok(Some((entry, path))),
        Err(LookupFailure::NotFound) => Ok(None),
        Err(f) => Err(ApiError::Endpoint(nested("path", f.to_value()))),
    }
}

#[derive(Deserialize)]
struct RevokeArg {
    url: String,
}

pub(crate) async fn revoke_shared_link(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(REVOKE, revoke(&app, &headers, body).await)
}

/// The token in a link's address (`.../scl/fi/{token}/...`, `.../_links/{token}`).
fn token_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let mut segments = parsed.path_segments()?;
    match (segments.next()?, segments.next()?) {
        ("scl", "fi" | "fo") => segments.next().map(str::to_owned),
        ("_links", token) => Some(token.to_owned()),
        _ => None,
    }
    .filter(|t| !t.is_empty())
}

async fn revoke(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: RevokeArg = rpc_call(app, headers, body).await?;
    let token = token_of(&arg.url).ok_or_else(|| ApiError::Endpoint(void("shared_link_malformed")))?;
    match app.links.by_token(&token) {
        Some(link) if link.service == Service::Dropbox && app.links.revoke(&token) => Ok(Value::Null),
        _ => Err(ApiError::Endpoint(void("shared_link_not_found"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_read_from_either_address_form() {
        assert_eq!(token_of("http://h:1/scl/fi/abc/x.jpg?dl=0").as_deref(), Some("abc"));
        assert_eq!(token_of("http://h:1/scl/fo/abc/Trip?dl=0").as_deref(), Some("abc"));
        assert_eq!(token_of("http://h:1/_links/abc").as_deref(), Some("abc"));
        assert_eq!(token_of("http://h:1/home/x"), None);
        assert_eq!(token_of("not a url"), None);
    }
}
