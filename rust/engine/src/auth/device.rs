//! Microsoft's device code flow (RFC 8628) for machines without a browser:
//! the user opens a short address elsewhere and types a code, while we poll.

use super::login::{Login, LoginOutcome};
use super::token_client::{post_form, request_token, unexpected_status, Grant, TokenError};
use crate::registration::RegistrationProblem;
use crate::{Error, Result, ServiceKind};
use serde::Deserialize;
use std::time::Duration;

/// What to show the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
    /// Microsoft's ready-made sentence ("To sign in, use a web browser to open ...").
    pub message: Option<String>,
}

#[derive(Deserialize)]
struct DeviceCodeResponse {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default = "default_expiry")]
    expires_in: u64,
    #[serde(default = "default_interval")]
    interval: u64,
    #[serde(default)]
    message: Option<String>,
}

fn default_expiry() -> u64 {
    900
}

/// RFC 8628 section 3.2: five seconds when the server says nothing.
fn default_interval() -> u64 {
    5
}

/// RFC 8628 section 3.5: `slow_down` adds five seconds to the interval.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

impl Login {
    /// Runs the device code flow; `on_prompt` shows the code to the user once.
    pub async fn device_code(&self, on_prompt: impl FnOnce(&DeviceCodePrompt)) -> Result<LoginOutcome> {
        let app = self.app();
        let service = app.service;
        let Some(url) = app.device_code_url() else {
            return Err(Error::InvalidInput(format!("{service} has no device code login; use the browser login")));
        };
        let form = [("client_id", app.client_id.as_str()), ("scope", app.scopes.as_str())];
        let response = post_form(self.client(), app, &url, &form).await?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| super::token_client::network(app, &e))?;
        if !(200..300).contains(&status) {
            return Err(match serde_json::from_slice::<super::tokens::OAuthErrorBody>(&body) {
                Ok(e) => device_refusal(app, &e).unwrap_or_else(|| Error::Auth {
                    service,
                    message: format!("the device code login could not start: {}", e.summary()),
                }),
                Err(_) => unexpected_status(app, status, &body),
            });
        }
        let start: DeviceCodeResponse = serde_json::from_slice(&body).map_err(|e| Error::Service {
            service,
            status,
            code: "bad_device_code_response".into(),
            message: format!("the device code answer could not be read ({})", super::token_client::json_problem(&e)),
        })?;
        on_prompt(&DeviceCodePrompt {
            user_code: start.user_code,
            verification_uri: start.verification_uri,
            expires_in: Duration::from_secs(start.expires_in),
            message: start.message,
        });
        let deadline = tokio::time::Instant::now() + Duration::from_secs(start.expires_in);
        let mut interval = Duration::from_secs(start.interval.max(1));
        loop {
            tokio::select! {
                _ = self.cancel().cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep(interval) => {}
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(expired(service));
            }
            match request_token(self.client(), app, Grant::DeviceCode { device_code: &start.device_code }).await {
                Ok(r) => return self.identify(r.into_token_set(None)).await,
                Err(TokenError::Other(e)) => return Err(e),
                Err(TokenError::OAuth(e)) => match e.error.as_str() {
                    "authorization_pending" => {}
                    "slow_down" => interval += SLOW_DOWN_STEP,
                    "authorization_declined" | "access_denied" => {
                        return Err(Error::Auth {
                            service,
                            message: "sign-in was declined on the device login page".into(),
                        })
                    }
                    "expired_token" => return Err(expired(service)),
                    "bad_verification_code" => {
                        return Err(Error::Auth {
                            service,
                            message: "the device code was not recognised; please start the login again".into(),
                        })
                    }
                    _ => {
                        return Err(device_refusal(app, &e).unwrap_or_else(|| Error::Auth {
                            service,
                            message: format!("the device login failed: {}", e.summary()),
                        }))
                    }
                },
            }
        }
    }
}

/// A refused registration, as the device code flow meets it: a demand for a
/// client secret (AADSTS7000218) means "Allow public client flows" is off.
fn device_refusal(app: &super::OAuthApp, e: &super::tokens::OAuthErrorBody) -> Option<Error> {
    match super::preflight::refusal(app, e, &e.error_codes)? {
        Error::Registration { service, problem: RegistrationProblem::NeedsSecret, origin, detail } => {
            Some(Error::Registration { service, problem: RegistrationProblem::PublicClientFlowsOff, origin, detail })
        }
        other => Some(other),
    }
}

fn expired(service: ServiceKind) -> Error {
    Error::Auth {
        service,
        message: "the device code expired before sign-in finished; please start the login again".into(),
    }
}
