//! `/me`, `/me/drive` and `/me/drives`: the one user and their drive with its quota.

use crate::tokens::Service;
use crate::{App, ONEDRIVE_DRIVE_ID, USER_EMAIL, USER_NAME};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub(super) fn me() -> Response {
    let (given, surname) = USER_NAME.split_once(' ').unwrap_or((USER_NAME, ""));
    Json(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
        "id": ONEDRIVE_DRIVE_ID,
        "displayName": USER_NAME,
        "givenName": given,
        "surname": surname,
        "userPrincipalName": USER_EMAIL,
        "mail": USER_EMAIL,
    }))
    .into_response()
}

/// OneDrive's quota states: `normal` below 90 % used, `nearing`, `critical` from 99 %, `exceeded`.
fn quota_state(used: u64, total: u64) -> &'static str {
    if used >= total {
        "exceeded"
    } else if used as f64 >= total as f64 * 0.99 {
        "critical"
    } else if used as f64 >= total as f64 * 0.9 {
        "nearing"
    } else {
        "normal"
    }
}

/// `GET /me/drive`.
pub(super) fn drive(app: &App) -> Response {
    let mut value = drive_value(app);
    value["@odata.context"] = json!("https://graph.microsoft.com/v1.0/$metadata#drives/$entity");
    Json(value).into_response()
}

/// `GET /me/drives`: the one drive.
pub(super) fn drives(app: &App) -> Response {
    Json(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#drives",
        "value": [drive_value(app)],
    }))
    .into_response()
}

fn drive_value(app: &App) -> Value {
    let total = app.store.quota();
    let used = app.store.used(Service::OneDrive);
    json!({
        "id": ONEDRIVE_DRIVE_ID,
        "driveType": app.config.drive_type.as_str(),
        "name": "OneDrive",
        "owner": {"user": {"id": ONEDRIVE_DRIVE_ID, "displayName": USER_NAME}},
        "quota": {
            "total": total,
            "used": used,
            "remaining": app.store.remaining(Service::OneDrive),
            "deleted": 0,
            "state": quota_state(used, total),
        },
    })
}
