//! Who just logged in: one small call per service right after login, so the
//! account list can show a name and tell accounts apart.

use super::app::OAuthApp;
use super::token_client::{json_problem, network, unexpected_status};
use crate::{Error, Result, ServiceKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub service: ServiceKind,
    /// The service's stable id (Graph user id, Dropbox `account_id`).
    pub id: String,
    pub display_name: String,
    /// Email or user principal name, when the service gives one.
    pub email: Option<String>,
}

impl AccountInfo {
    /// "Name <email>", or the name alone.
    pub fn label(&self) -> String {
        crate::remote::name_with_email(&self.display_name, self.email.as_deref())
    }
}

/// Graph `GET /me`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphUser {
    id: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    user_principal_name: Option<String>,
    #[serde(default)]
    mail: Option<String>,
}

/// Dropbox `users/get_current_account`.
#[derive(Deserialize)]
struct DropboxAccount {
    account_id: String,
    name: DropboxName,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct DropboxName {
    display_name: String,
}

const TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) async fn fetch_account(client: &reqwest::Client, app: &OAuthApp, access_token: &str) -> Result<AccountInfo> {
    let request = match app.service {
        ServiceKind::OneDrive => client.get(format!("{}/me", app.endpoints.graph)),
        // An RPC endpoint without arguments: the body is JSON `null`.
        ServiceKind::Dropbox => client
            .post(format!("{}/2/users/get_current_account", app.endpoints.dropbox_api))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body("null"),
    };
    let response = request.bearer_auth(access_token).timeout(TIMEOUT).send().await.map_err(|e| network(app, &e))?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| network(app, &e))?;
    if !(200..300).contains(&status) {
        return Err(unexpected_status(app, status, &body));
    }
    let unreadable = |e: serde_json::Error| Error::Service {
        service: app.service,
        status,
        code: "bad_account_response".into(),
        message: format!("the account details could not be read ({})", json_problem(&e)),
    };
    Ok(match app.service {
        ServiceKind::OneDrive => {
            let u: GraphUser = serde_json::from_slice(&body).map_err(unreadable)?;
            let email = u.user_principal_name.or(u.mail).filter(|e| !e.is_empty());
            let display_name =
                u.display_name.filter(|n| !n.is_empty()).or_else(|| email.clone()).unwrap_or_else(|| u.id.clone());
            AccountInfo { service: app.service, id: u.id, display_name, email }
        }
        ServiceKind::Dropbox => {
            let a: DropboxAccount = serde_json::from_slice(&body).map_err(unreadable)?;
            AccountInfo { service: app.service, id: a.account_id, display_name: a.name.display_name, email: a.email }
        }
    })
}
