//! Logging out: the account's tokens are deleted here, and for Dropbox also
//! revoked at the service (`/2/auth/token/revoke` disables the access token
//! and the refresh token behind it). Microsoft offers public clients no
//! revocation endpoint; its refresh token simply goes unused.

use super::app::OAuthApp;
use super::credentials::Credentials;
use crate::token::TokenProvider as _;
use super::accounts::{Account, Accounts};
use crate::Result;
use std::time::Duration;

/// What logging out did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutReport {
    pub account: Account,
    /// True when the service confirmed the revocation.
    pub revoked: bool,
}

/// Removes `account`; revocation is best effort (offline, or the token already
/// dead): the local secrets are deleted either way.
pub async fn logout(
    client: &reqwest::Client,
    app: &OAuthApp,
    accounts: &Accounts,
    account: &Account,
) -> Result<LogoutReport> {
    let revoked = match app.revoke_url() {
        Some(url) => match revoke(client, app, &url, accounts, account).await {
            Ok(()) => true,
            Err(e) => {
                let service = app.service;
                tracing::warn!("could not revoke the {service} login of {} at {service}: {e}", account.display_name);
                false
            }
        },
        None => false,
    };
    accounts.remove(account).await?;
    Ok(LogoutReport { account: account.clone(), revoked })
}

async fn revoke(
    client: &reqwest::Client,
    app: &OAuthApp,
    url: &str,
    accounts: &Accounts,
    account: &Account,
) -> Result<()> {
    let tokens = accounts.load_tokens(account).await?;
    // The revocation needs a live access token: refresh first if it has expired.
    let credentials = Credentials::new(client.clone(), app.clone(), accounts.clone(), account.clone(), tokens)
        .with_refresh_margin(Duration::from_secs(30));
    let access = credentials.access_token().await?;
    let response = client
        .post(url)
        .bearer_auth(access)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body("null")
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| super::token_client::network(app, &e))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let body = response.bytes().await.unwrap_or_default();
    Err(super::token_client::unexpected_status(app, status, &body))
}
