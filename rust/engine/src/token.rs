//! What a service object asks for before each request: a valid access token.

use crate::Result;
use futures_util::future::BoxFuture;

/// Hands out a currently valid access token for one account. The transfer code
/// calls `access_token` before each request and `refresh_after_unauthorized`
/// when the service answered 401 to a token it was given, then retries once.
/// Implementations refresh ahead of expiry, save rotated refresh tokens at once,
/// and make concurrent callers share one refresh. Object-safe, so services hold
/// an `Arc<dyn TokenProvider>`.
pub trait TokenProvider: Send + Sync {
    fn access_token(&self) -> BoxFuture<'_, Result<String>>;
    fn refresh_after_unauthorized<'a>(&'a self, rejected: &'a str) -> BoxFuture<'a, Result<String>>;
}

/// A fixed token (the emulator's `--static-token`, or `ACCESSTOKEN` from an
/// imported `.env` with no refresh token): it cannot be refreshed.
pub struct StaticToken {
    token: String,
    service: crate::ServiceKind,
}

impl StaticToken {
    pub fn new(service: crate::ServiceKind, token: impl Into<String>) -> Self {
        Self { token: token.into(), service }
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticToken").field("service", &self.service).finish_non_exhaustive()
    }
}

impl TokenProvider for StaticToken {
    fn access_token(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move { Ok(self.token.clone()) })
    }

    fn refresh_after_unauthorized<'a>(&'a self, _rejected: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            Err(crate::Error::Auth {
                service: self.service,
                message: "the access token was refused and cannot be refreshed; log in again".into(),
            })
        })
    }
}
