//! `users/get_current_account`, `users/get_account` (+ `_batch`) and
//! `users/get_space_usage`: the emulator's one account, under one 40-character
//! account id everywhere (token answers included).

use super::errors::{respond, ApiError, ApiResult, Route};
use super::{args, authorize, rpc_call};
use crate::tokens::Service;
use crate::{App, DROPBOX_ACCOUNT_ID, USER_EMAIL, USER_NAME};
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

const ACCOUNT: Route = Route { name: "users/get_current_account", kind: "dropbox.get_current_account" };
const GET_ACCOUNT: Route = Route { name: "users/get_account", kind: "dropbox.get_account" };
const GET_ACCOUNT_BATCH: Route = Route { name: "users/get_account_batch", kind: "dropbox.get_account_batch" };
const SPACE: Route = Route { name: "users/get_space_usage", kind: "dropbox.get_space_usage" };

/// The namespace of the account's own files.
const ROOT_NAMESPACE_ID: &str = "3235641";

/// The team space's namespace, with `--dropbox-team-space`.
const TEAM_NAMESPACE_ID: &str = "4708320";

/// Where the user's home folder is in the team space (`TeamRootInfo.home_path`).
pub(crate) fn team_home_path() -> String {
    format!("/{USER_NAME}")
}

/// `common.RootInfo`: a `user` root (home and root are one namespace), or in a
/// team space a `team` root, "the namespace ID of the shared team root", with
/// "the path for user's home directory under the shared team root".
fn root_info(app: &App) -> Value {
    if app.config.dropbox_team_space {
        json!({
            ".tag": "team",
            "root_namespace_id": TEAM_NAMESPACE_ID,
            "home_namespace_id": ROOT_NAMESPACE_ID,
            "home_path": team_home_path(),
        })
    } else {
        json!({".tag": "user", "root_namespace_id": ROOT_NAMESPACE_ID, "home_namespace_id": ROOT_NAMESPACE_ID})
    }
}

/// `users_common.AccountId`: `String(min_length=40, max_length=40)`.
const ACCOUNT_ID_LEN: usize = 40;

/// `get_account_batch` takes at most 300 ids.
const MAX_BATCH_ACCOUNTS: usize = 300;

/// `Name`, split from the one display name.
fn name() -> Value {
    let (given, surname) = USER_NAME.split_once(' ').unwrap_or((USER_NAME, ""));
    let abbreviated: String = USER_NAME.split_whitespace().filter_map(|w| w.chars().next()).collect();
    json!({
        "given_name": given,
        "surname": surname,
        "familiar_name": given,
        "display_name": USER_NAME,
        "abbreviated_name": abbreviated,
    })
}

/// `BasicAccount` of the emulator's user; it is the current user's own, so
/// `is_teammate` is true (as the spec says for oneself).
fn basic_account() -> Value {
    json!({
        "account_id": DROPBOX_ACCOUNT_ID,
        "name": name(),
        "email": USER_EMAIL,
        "email_verified": true,
        "disabled": false,
        "is_teammate": true,
    })
}

/// Checks the `AccountId` length the spec declares (a 400 otherwise).
fn check_account_id(id: &str, field: &str) -> ApiResult<()> {
    let len = id.chars().count();
    if len != ACCOUNT_ID_LEN {
        return Err(ApiError::BadInput(format!(
            "{}: {field}: '{id}' must be exactly {ACCOUNT_ID_LEN} characters, got {len}",
            args::ArgSource::Body.label()
        )));
    }
    Ok(())
}

pub(crate) async fn get_current_account(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(ACCOUNT, account(&app, &headers, body).await)
}

/// `FullAccount`: every required field, `country` too; no team.
async fn account(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    authorize(app, headers)?;
    args::rpc_no_arg(headers, body).await?;
    Ok(json!({
        "account_id": DROPBOX_ACCOUNT_ID,
        "name": name(),
        "email": USER_EMAIL,
        "email_verified": true,
        "disabled": false,
        "country": "US",
        "locale": "en",
        "referral_link": "https://db.tt/emulator",
        "is_paired": false,
        "account_type": {".tag": match app.config.plan {
            crate::Plan::Free => "basic",
            crate::Plan::Premium => "pro",
        }},
        "root_info": root_info(app),
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

#[derive(Deserialize)]
struct AccountArg {
    account_id: String,
}

#[derive(Deserialize)]
struct AccountBatchArg {
    account_ids: Vec<String>,
}

pub(crate) async fn get_account(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(GET_ACCOUNT, account_by_id(&app, &headers, body).await)
}

async fn account_by_id(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: AccountArg = rpc_call(app, headers, body).await?;
    check_account_id(&arg.account_id, "account_id")?;
    if arg.account_id != DROPBOX_ACCOUNT_ID {
        return Err(ApiError::Endpoint(json!({".tag": "no_account"})));
    }
    Ok(basic_account())
}

pub(crate) async fn get_account_batch(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(GET_ACCOUNT_BATCH, accounts_by_id(&app, &headers, body).await)
}

async fn accounts_by_id(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: AccountBatchArg = rpc_call(app, headers, body).await?;
    let label = args::ArgSource::Body.label();
    if arg.account_ids.is_empty() {
        return Err(ApiError::BadInput(format!("{label}: account_ids: list must have at least 1 item")));
    }
    if arg.account_ids.len() > MAX_BATCH_ACCOUNTS {
        return Err(ApiError::BadInput(format!(
            "{label}: account_ids: at most {MAX_BATCH_ACCOUNTS} accounts may be queried per request"
        )));
    }
    for (i, id) in arg.account_ids.iter().enumerate() {
        check_account_id(id, &format!("account_ids[{i}]"))?;
    }
    if let Some(unknown) = arg.account_ids.iter().find(|id| id.as_str() != DROPBOX_ACCOUNT_ID) {
        return Err(ApiError::Endpoint(json!({".tag": "no_account", "no_account": unknown})));
    }
    Ok(Value::Array(arg.account_ids.iter().map(|_| basic_account()).collect()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_account_id_has_the_length_the_spec_declares() {
        assert_eq!(crate::DROPBOX_ACCOUNT_ID.len(), super::ACCOUNT_ID_LEN);
        assert!(crate::DROPBOX_ACCOUNT_ID.starts_with("dbid:"));
    }
}
