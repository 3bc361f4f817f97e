//! Logging in: authorization code + PKCE through the browser with a loopback
//! redirect, the paste-the-code variant, and (in [`super::device`]) the
//! device code flow. Each ends with the account identified and a
//! [`LoginOutcome`] the caller saves with [`super::Accounts::add`].
//!
//! Redirect URIs: `http://localhost:PORT/`, while the listener binds 127.0.0.1
//! only. Microsoft's app registration portal accepts `http://localhost` (not
//! `http://127.0.0.1`) for desktop apps and ignores the port when matching, so
//! a free port works; Dropbox matches exactly, so its port is fixed and
//! configurable, and the app registration lists `http://localhost:PORT/`.
//! Browsers resolve `localhost` to 127.0.0.1 when nothing answers on ::1.

use super::app::OAuthApp;
use super::authorize::{self, AuthorizeRequest};
use super::browser::UrlOpener;
use super::identity::{fetch_account, AccountInfo};
use super::loopback::{code_from_redirect_url, Loopback};
use super::preflight;
use super::token_client::{request_token, Grant, TokenError};
use super::tokens::OAuthErrorBody;
use super::TokenSet;
use crate::profile::PasteRule;
use crate::{Error, Result, ServiceKind};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A finished login: who, and their tokens (save both with `Accounts::add`).
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub account: AccountInfo,
    pub tokens: TokenSet,
}

/// How a browser login ended.
#[derive(Debug)]
pub enum BrowserLogin {
    SignedIn(LoginOutcome),
    /// Dropbox's fixed loopback port was taken: the browser was sent to a page
    /// that shows a code instead; ask the user for it and call
    /// [`PasteLogin::finish`]. Boxed: a waiting login is much larger than an outcome.
    PasteCode(Box<PasteLogin>),
}

/// Starts logins for one service.
#[derive(Debug, Clone)]
pub struct Login {
    client: reqwest::Client,
    app: OAuthApp,
    timeout: Duration,
    cancel: CancellationToken,
    /// An account of the service is saved already (see [`Login::adding_another_account`]).
    another_account: bool,
}

impl Login {
    /// `timeout`: how long to wait for the user (see `Config::login_timeout`).
    pub fn new(client: reqwest::Client, app: OAuthApp, timeout: Duration) -> Self {
        Self { client, app, timeout, cancel: CancellationToken::new(), another_account: false }
    }

    /// An account of this service is saved already: the sign-in page must ask
    /// again (Dropbox's `force_reapprove`) instead of silently signing the same
    /// account in once more.
    pub fn adding_another_account(mut self, another: bool) -> Self {
        self.another_account = another;
        self
    }

    /// Cancelling the token ends a waiting login with `Error::Cancelled`.
    pub fn with_cancel(mut self, cancel: CancellationToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn app(&self) -> &OAuthApp {
        &self.app
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub(crate) fn cancel(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Opens the login page with `opener` and waits for the loopback redirect.
    pub async fn with_browser(&self, opener: &dyn UrlOpener) -> Result<BrowserLogin> {
        let service = self.app.service;
        let port = self.app.redirect_port;
        let listener = match Loopback::bind(port).await {
            Ok(l) => l,
            Err(e) if port != 0 && e.kind() == std::io::ErrorKind::AddrInUse => {
                tracing::info!("port {port} is taken; the {service} login falls back to pasting the code");
                let paste = self.start_paste().await?;
                opener.open(paste.url())?;
                return Ok(BrowserLogin::PasteCode(Box::new(paste)));
            }
            Err(e) => {
                return Err(Error::Auth {
                    service,
                    message: format!("cannot listen on 127.0.0.1:{port} for the login: {e}"),
                })
            }
        };
        let redirect_uri = format!("http://localhost:{}/", listener.port());
        let request = authorize::build(&self.app, Some(&redirect_uri), self.another_account)?;
        self.check(&request).await?;
        opener.open(&request.url)?;
        let AuthorizeRequest { state, verifier, redirect_uri, .. } = request;
        let classify = |error: &str, description: Option<&str>| self.refusal(error, description);
        let outcome = listener
            .wait(service, &classify, &state, self.timeout, &self.cancel, |code| async move {
                let outcome = self.redeem(&code, verifier.secret(), redirect_uri.as_deref()).await?;
                let who = outcome.account.label();
                Ok((outcome, who))
            })
            .await?;
        Ok(BrowserLogin::SignedIn(outcome))
    }

    /// Checks what can be checked of the app registration without the user
    /// (see [`super::preflight`]): `Ok` when nothing is known to be wrong.
    pub async fn check_registration(&self) -> Result<()> {
        let redirect_uri = format!("http://localhost:{}/", self.app.redirect_port);
        let request = authorize::build(&self.app, Some(&redirect_uri), self.another_account)?;
        self.check(&request).await
    }

    /// The registration check for the sign-in `request` will open.
    async fn check(&self, request: &AuthorizeRequest) -> Result<()> {
        preflight::check(&self.client, &self.app, &request.url, request.redirect_uri.as_deref()).await
    }

    /// A login where the user pastes the answer: Dropbox shows a code (no
    /// redirect URI); Microsoft redirects to a loopback address where nothing
    /// listens, and the user copies that address from the browser.
    pub async fn start_paste(&self) -> Result<PasteLogin> {
        let redirect_uri = match self.app.profile.oauth.paste {
            PasteRule::ShownCode => None,
            // A port that was free a moment ago: should something answer there
            // after all, it is at least not a well-known service.
            PasteRule::RedirectAddress => {
                let probe = Loopback::bind(0).await.map_err(|e| Error::Auth {
                    service: self.app.service,
                    message: format!("cannot pick a loopback port: {e}"),
                })?;
                Some(format!("http://localhost:{}/", probe.port()))
            }
        };
        let request = authorize::build(&self.app, redirect_uri.as_deref(), self.another_account)?;
        self.check(&request).await?;
        Ok(PasteLogin { login: self.clone(), request })
    }

    /// The refused registration an OAuth error (`error`, `error_description`) names, if any.
    pub(crate) fn refusal(&self, error: &str, description: Option<&str>) -> Option<Error> {
        let body = OAuthErrorBody {
            error: error.to_owned(),
            error_description: description.map(str::to_owned),
            error_codes: Vec::new(),
        };
        preflight::refusal(&self.app, &body, &[])
    }

    /// Redeems a code and identifies the account.
    pub(crate) async fn redeem(&self, code: &str, verifier: &str, redirect_uri: Option<&str>) -> Result<LoginOutcome> {
        let grant = Grant::AuthorizationCode { code, verifier, redirect_uri };
        let tokens = match request_token(&self.client, &self.app, grant).await {
            Ok(r) => r.into_token_set(None),
            Err(TokenError::OAuth(e)) => {
                if let Some(refused) = preflight::refusal(&self.app, &e, &e.error_codes) {
                    return Err(refused);
                }
                return Err(Error::Auth {
                    service: self.app.service,
                    message: format!("the login could not be completed: {}; please try again", e.summary()),
                })
            }
            Err(TokenError::Other(e)) => return Err(e),
        };
        self.identify(tokens).await
    }

    /// A login from a refresh token obtained elsewhere (`REFRESHTOKEN` of an
    /// imported `.env`): redeemed once, so the account is known and the
    /// (possibly rotated) tokens can be saved like any login's. (A login made
    /// *from* a token, like the other flows are made from a browser or a code:
    /// the name says what it starts from, not a conversion of `self`.)
    #[allow(clippy::wrong_self_convention)]
    pub async fn from_refresh_token(&self, refresh_token: &str) -> Result<LoginOutcome> {
        let service = self.app.service;
        let tokens = match request_token(&self.client, &self.app, Grant::Refresh { refresh_token }).await {
            Ok(r) => r.into_token_set(Some(refresh_token.to_owned())),
            Err(TokenError::OAuth(e)) => {
                return Err(Error::Auth {
                    service,
                    message: format!(
                        "the imported refresh token was refused: {}; run `{}` instead",
                        e.summary(),
                        self.app.login_command()
                    ),
                })
            }
            Err(TokenError::Other(e)) => return Err(e),
        };
        self.identify(tokens).await
    }

    pub(crate) async fn identify(&self, tokens: TokenSet) -> Result<LoginOutcome> {
        if tokens.refresh_token.is_none() {
            tracing::warn!("{} gave no refresh token: this login ends when the access token expires", self.app.service);
        }
        let account = fetch_account(&self.client, &self.app, &tokens.access_token).await?;
        Ok(LoginOutcome { account, tokens })
    }
}

/// A login waiting for the user to paste the code (Dropbox) or the address
/// the browser ended on (Microsoft).
pub struct PasteLogin {
    login: Login,
    request: AuthorizeRequest,
}

impl std::fmt::Debug for PasteLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasteLogin").field("service", &self.login.app.service).field("url", &self.request.url).finish()
    }
}

impl PasteLogin {
    /// The page to open (the caller opens it, or prints it).
    pub fn url(&self) -> &str {
        &self.request.url
    }

    pub fn service(&self) -> ServiceKind {
        self.login.app.service
    }

    /// What to tell the user to paste.
    pub fn instructions(&self) -> &'static str {
        self.login.app.profile.oauth.paste_instructions
    }

    pub async fn finish(self, pasted: &str) -> Result<LoginOutcome> {
        let service = self.service();
        let classify = |error: &str, description: Option<&str>| self.login.refusal(error, description);
        let code = match self.login.app.profile.oauth.paste {
            PasteRule::RedirectAddress => code_from_redirect_url(service, &classify, pasted, &self.request.state)?,
            PasteRule::ShownCode => {
                let text = pasted.trim();
                // Someone may paste a whole URL; its state is checked then.
                if text.contains("code=") {
                    code_from_redirect_url(service, &classify, text, &self.request.state)?
                } else if text.is_empty() || text.chars().any(char::is_whitespace) {
                    return Err(Error::InvalidInput(format!("that is not a {service} code; copy the code {service} shows")));
                } else {
                    text.to_owned()
                }
            }
        };
        self.login.redeem(&code, self.request.verifier.secret(), self.request.redirect_uri.as_deref()).await
    }
}
