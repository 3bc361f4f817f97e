//! [`Credentials`]: the token provider of a logged-in account. Hands out the
//! cached access token while it is fresh, refreshes ahead of expiry and after
//! a 401, saves rotated refresh tokens at once, and makes concurrent callers
//! share one refresh.

use super::app::OAuthApp;
use super::token_client::{request_token, Grant, TokenError};
use super::TokenSet;
use crate::token::TokenProvider;
use super::accounts::{Account, Accounts};
use crate::{Error, Result};
use futures_util::future::BoxFuture;
use std::sync::Mutex;
use std::time::Duration;

/// A token with less than this left is refreshed before use, so that a
/// request (or a long fragment upload) does not start with a token about to die.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

pub struct Credentials {
    client: reqwest::Client,
    app: OAuthApp,
    accounts: Accounts,
    account: Account,
    current: Mutex<TokenSet>,
    /// Held while refreshing: the single flight.
    refresh_gate: tokio::sync::Mutex<()>,
    margin: Duration,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("service", &self.account.service)
            .field("account", &self.account.id)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    pub fn new(client: reqwest::Client, app: OAuthApp, accounts: Accounts, account: Account, tokens: TokenSet) -> Self {
        Self {
            client,
            app,
            accounts,
            account,
            current: Mutex::new(tokens),
            refresh_gate: tokio::sync::Mutex::new(()),
            margin: REFRESH_MARGIN,
        }
    }

    /// The saved login of `account` (id, email or name; `None`: the
    /// service's default account).
    #[cfg(any(test, feature = "testing"))]
    pub async fn load(
        service: crate::ServiceKind,
        account: Option<&str>,
        config: &crate::config::Config,
        endpoints: &crate::Endpoints,
        client: reqwest::Client,
    ) -> Result<std::sync::Arc<Self>> {
        let app = OAuthApp::new(service, config, endpoints)?;
        let accounts = Accounts::from_config(config);
        let account = accounts.find(service, account)?;
        let tokens = accounts.load_tokens(&account).await?;
        Ok(std::sync::Arc::new(Self::new(client, app, accounts, account, tokens)))
    }

    /// Refresh when less than `margin` is left (default [`REFRESH_MARGIN`]).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    #[cfg(any(test, feature = "testing"))]
    pub fn account(&self) -> &Account {
        &self.account
    }

    fn snapshot(&self) -> TokenSet {
        self.current.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    async fn fresh_token(&self) -> Result<String> {
        let seen = self.snapshot();
        if seen.remaining() > self.margin {
            return Ok(seen.access_token);
        }
        let _flight = self.refresh_gate.lock().await;
        let now = self.snapshot();
        // Someone refreshed while we waited for the gate: use theirs.
        if now.access_token != seen.access_token {
            return Ok(now.access_token);
        }
        self.refresh(&now, None).await
    }

    async fn replace_rejected(&self, rejected: &str) -> Result<String> {
        let _flight = self.refresh_gate.lock().await;
        let now = self.snapshot();
        if now.access_token != rejected && !now.remaining().is_zero() {
            return Ok(now.access_token);
        }
        self.refresh(&now, Some(rejected)).await
    }

    /// Refreshes; the caller holds the gate.
    async fn refresh(&self, current: &TokenSet, rejected: Option<&str>) -> Result<String> {
        let service = self.account.service;
        // Another process (a second dkcloud, the plugin) may have refreshed and,
        // with Microsoft, rotated the refresh token: start from what is saved.
        let saved = match self.accounts.load_tokens(&self.account).await {
            Ok(saved) => Some(saved),
            Err(e) => {
                tracing::debug!("could not reread the saved {service} tokens: {e}");
                None
            }
        };
        if let Some(saved) = &saved {
            let usable = saved.access_token != current.access_token
                && Some(saved.access_token.as_str()) != rejected
                && saved.remaining() > self.margin;
            if usable {
                self.set(saved.clone());
                return Ok(saved.access_token.clone());
            }
        }
        let refresh_token =
            saved.and_then(|s| s.refresh_token).or_else(|| current.refresh_token.clone()).ok_or_else(|| {
                Error::LoginNeeded {
                    service,
                    message: format!(
                        "the access token expired and this login cannot be refreshed; run `{}` to log in again",
                        self.app.login_command()
                    ),
                }
            })?;
        let response = request_token(&self.client, &self.app, Grant::Refresh { refresh_token: &refresh_token }).await;
        let mut tokens = match response {
            Ok(r) => r.into_token_set(Some(refresh_token)),
            Err(TokenError::OAuth(e)) if e.error == "invalid_grant" => return Err(Error::LoginNeeded {
                service,
                message: format!(
                    "the saved login of {} is no longer accepted (it expired or was revoked); run `{}` to log in again",
                    self.account.display_name,
                    self.app.login_command()
                ),
            }),
            Err(TokenError::OAuth(e)) => {
                return Err(Error::LoginNeeded {
                    service,
                    message: format!(
                        "refreshing the login failed: {}; run `{}` to log in again",
                        e.summary(),
                        self.app.login_command()
                    ),
                })
            }
            Err(TokenError::Other(e)) => return Err(e),
        };
        if tokens.scope.is_none() {
            tokens.scope.clone_from(&current.scope);
        }
        // Saved before use: Microsoft has already invalidated the old refresh
        // token, so losing this one would mean logging in again.
        if let Err(e) = self.accounts.save_tokens(&self.account, &tokens).await {
            tracing::warn!("could not save the refreshed {service} login; it is kept for this run only: {e}");
        }
        let access = tokens.access_token.clone();
        self.set(tokens);
        Ok(access)
    }

    fn set(&self, tokens: TokenSet) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = tokens;
    }
}

impl TokenProvider for Credentials {
    fn access_token(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(self.fresh_token())
    }

    fn refresh_after_unauthorized<'a>(&'a self, rejected: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(self.replace_rejected(rejected))
    }
}
