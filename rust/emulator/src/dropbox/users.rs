//! `users/get_current_account` and `users/get_space_usage`: the emulator's one account.

use super::errors::{respond, ApiResult, Route};
use super::{args, authorize};
use crate::tokens::Service;
use crate::{App, DROPBOX_ACCOUNT_ID, USER_EMAIL, USER_NAME};
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

const ACCOUNT: Route = Route { name: "users/get_current_account", kind: "dropbox.get_current_account" };
const SPACE: Route = Route { name: "users/get_space_usage", kind: "dropbox.get_space_usage" };

/// The namespace of the account's own files.
const ROOT_NAMESPACE_ID: &str = "3235641";

pub(crate) async fn get_current_account(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(ACCOUNT, account(&app, &headers, body).await)
}

async fn account(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    authorize(app, headers)?;
    args::rpc_no_arg(headers, body).await?;
    let (given, surname) = USER_NAME.split_once(' ').unwrap_or((USER_NAME, ""));
    let abbreviated: String = USER_NAME.split_whitespace().filter_map(|w| w.chars().next()).collect();
    Ok(json!({
        "account_id": DROPBOX_ACCOUNT_ID,
        "name": {
            "given_name": given,
            "surname": surname,
            "familiar_name": given,
            "display_name": USER_NAME,
            "abbreviated_name": abbreviated,
        },
        "email": USER_EMAIL,
        "email_verified": true,
        "disabled": false,
        "country": "US",
        "locale": "en",
        "referral_link": "https://db.tt/emulator",
        "is_paired": false,
        "account_type": {".tag": "basic"},
        "root_info": {".tag": "user", "root_namespace_id": ROOT_NAMESPACE_ID, "home_namespace_id": ROOT_NAMESPACE_ID},
    }))
}

pub(crate) async fn get_space_usage(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(SPACE, space(&app, &headers, body).await)
}

async fn space(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    authorize(app, headers)?;
    args::rpc_no_arg(headers, body).await?;
    Ok(json!({
        "used": app.store.used(Service::Dropbox),
        "allocation": {".tag": "individual", "allocated": app.store.quota()},
    }))
}
