//! Sharing links of a drive item:
//! - `POST .../createLink` `{type, scope, password, expirationDateTime}`: a new
//!   link (201), or the existing one with the same settings (200);
//! - `GET .../permissions`: the item's link permissions;
//! - `DELETE .../permissions/{id}`: revokes one (204).
//!
//! The rules of driveitem-createlink (Graph v1.0), by the drive's kind
//! (`--drive-type`):
//! - personal OneDrive makes `anonymous` links (`organization` and `users`
//!   scopes belong to work accounts); `embed` links are for files. A password
//!   or an expiry needs Microsoft 365 (the emulator's `--plan premium`);
//!   without it the request is refused with 403 `notAllowed`.
//! - a work or school OneDrive (`business`) takes the `organization` and
//!   `users` scopes; a password is "OneDrive Personal only" and `embed` is
//!   "only available for files in OneDrive personal" (400 `invalidRequest`);
//!   "anonymous link support may be disabled by an administrator"
//!   (`--no-anonymous-links`): refused with 403 `notAllowed`, the code the
//!   OneDrive error list gives an action "not allowed by the system".

use super::error::{GraphError, GraphResult};
use super::folders::read_json;
use super::items;
use super::paths::ItemRef;
use super::{blocking, resolve};
use crate::links::{address, Access, NewLink, SharedLink};
use crate::origin::Origin;
use crate::tokens::Service;
use crate::{App, Config, DriveType, Plan};
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// What a createLink body asks for, checked.
struct LinkAsk {
    link_type: String,
    scope: String,
    password: Option<String>,
    expires: Option<DateTime<Utc>>,
}

fn text<'a>(request: &'a Value, key: &str) -> GraphResult<Option<&'a str>> {
    match request.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(GraphError::invalid_request(format!("The '{key}' property must be a string."))),
    }
}

fn read_ask(request: &Value, config: &Config) -> GraphResult<LinkAsk> {
    let business = config.drive_type == DriveType::Business;
    let link_type =
        text(request, "type")?.ok_or_else(|| GraphError::invalid_request("The 'type' property is required."))?;
    if !matches!(link_type, "view" | "edit" | "embed") {
        return Err(GraphError::invalid_request(format!(
            "'{link_type}' is not a sharing link type (view, edit, embed)."
        )));
    }
    if business && link_type == "embed" {
        return Err(GraphError::invalid_request("Embed links are only available for files in OneDrive personal."));
    }
    let scope = text(request, "scope")?.unwrap_or("anonymous");
    match scope {
        "anonymous" if business && config.no_anonymous_links => {
            return Err(GraphError::new(
                StatusCode::FORBIDDEN,
                "notAllowed",
                "Anonymous sharing links are turned off by your organization's administrator.",
            ))
        }
        "anonymous" => {}
        "organization" | "users" if business => {}
        "organization" | "users" => {
            return Err(GraphError::invalid_request(format!(
                "The '{scope}' scope is not available for personal OneDrive; use 'anonymous'."
            )))
        }
        other => return Err(GraphError::invalid_request(format!("'{other}' is not a sharing link scope."))),
    }
    let password = text(request, "password")?.filter(|p| !p.is_empty()).map(str::to_owned);
    let expires = match text(request, "expirationDateTime")? {
        None => None,
        Some(raw) => {
            let at = DateTime::parse_from_rfc3339(raw)
                .map_err(|_| GraphError::invalid_request(format!("'{raw}' is not a valid expirationDateTime.")))?
                .with_timezone(&Utc);
            if at <= Utc::now() {
                return Err(GraphError::invalid_request("The expiration date and time must be in the future."));
            }
            Some(at)
        }
    };
    if business && password.is_some() {
        return Err(GraphError::invalid_request("A password on a sharing link is only available in OneDrive Personal."));
    }
    if !business && config.plan == Plan::Free && (password.is_some() || expires.is_some()) {
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "notAllowed",
            "Setting a password or an expiration date on a sharing link requires a Microsoft 365 subscription.",
        ));
    }
    Ok(LinkAsk { link_type: link_type.to_owned(), scope: scope.to_owned(), password, expires })
}

/// The `permission` resource of a link.
fn permission(link: &SharedLink, origin: &Origin) -> Value {
    let url = address(origin, &link.token);
    let role = match link.access {
        Access::View => "read",
        Access::Edit => "write",
    };
    let mut value = json!({
        "id": link.id,
        "roles": [role],
        "shareId": link.token,
        "hasPassword": link.has_password(),
        "link": {
            "type": link.link_type,
            "scope": link.scope,
            "webUrl": url,
            "application": {"id": "dkcloud-emulator", "displayName": "dkcloud emulator"},
        },
    });
    if link.link_type == "embed" {
        value["link"]["webHtml"] = json!(format!(
            "<iframe src=\"{url}\" width=\"98\" height=\"120\" frameborder=\"0\" scrolling=\"no\"></iframe>"
        ));
    }
    if let Some(at) = link.expires {
        value["expirationDateTime"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    value
}

/// The id and kind of the existing item `item` addresses.
async fn item_of(app: &App, item: ItemRef) -> GraphResult<(String, bool)> {
    blocking(app, move |app| {
        let remote = resolve(app, &item)?;
        let entry = items::existing(&app.store, &remote)?;
        Ok((app.graph.ids.remember(&entry.remote), entry.is_dir))
    })
    .await
}

pub(super) async fn create(app: &App, origin: &Origin, item: ItemRef, body: Body) -> GraphResult<Response> {
    let request = read_json(body).await?.ok_or_else(|| GraphError::invalid_request("A JSON body is required."))?;
    let ask = read_ask(&request, &app.config)?;
    let (item_id, is_dir) = item_of(app, item).await?;
    if is_dir && ask.link_type == "embed" {
        return Err(GraphError::invalid_request("Embed links can only be made for files."));
    }
    let new = NewLink {
        service: Service::OneDrive,
        item_id: &item_id,
        link_type: &ask.link_type,
        access: if ask.link_type == "edit" { Access::Edit } else { Access::View },
        scope: &ask.scope,
        password: ask.password.as_deref(),
        expires: ask.expires,
    };
    let existing = app.links.of_item(Service::OneDrive, &item_id).into_iter().find(|l| !l.expired() && l.same_as(&new));
    let (status, link) = match existing {
        Some(link) => (StatusCode::OK, link),
        None => (StatusCode::CREATED, app.links.create(&new)),
    };
    Ok((status, Json(permission(&link, origin))).into_response())
}

pub(super) async fn list(app: &App, origin: &Origin, item: ItemRef) -> GraphResult<Response> {
    let (item_id, _) = item_of(app, item).await?;
    let value: Vec<Value> =
        app.links.of_item(Service::OneDrive, &item_id).iter().map(|l| permission(l, origin)).collect();
    Ok(Json(json!({ "value": value })).into_response())
}

pub(super) async fn delete(app: &App, item: ItemRef, permission_id: &str) -> GraphResult<Response> {
    let (item_id, _) = item_of(app, item).await?;
    let found = app.links.of_item(Service::OneDrive, &item_id).into_iter().find(|l| l.id == permission_id);
    match found {
        Some(link) if app.links.revoke(&link.token) => Ok(StatusCode::NO_CONTENT.into_response()),
        _ => Err(GraphError::new(StatusCode::NOT_FOUND, "itemNotFound", "The permission could not be found.")),
    }
}
