//! The send loop every service call goes through: fresh token, pacer gate,
//! inactivity watchdog, cancel, retry of transient failures, one token
//! refresh after a 401. Callers get the final [`Reply`] whatever its status
//! and decide what it means for their endpoint.

use super::pacer::{retry_after, retryable_status, Pacer};
use super::watchdog::Activity;
use super::Http;
use crate::token::TokenProvider;
use crate::{Error, Result, ServiceKind};
use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Response bodies here are JSON metadata; anything larger is not ours to read.
const MAX_REPLY_BYTES: usize = 16 * 1024 * 1024;

/// Whether a request carries the account's bearer token. OneDrive upload
/// URLs are pre-authorised and must be sent without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    Bearer,
    None,
}

/// A complete response.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Refreshes of the token within one call before a 401 is its answer.
const MAX_REFRESHES: u32 = 2;

impl Reply {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A 401 for a permission the token lacks (Dropbox's `missing_scope`):
    /// a fresh token of the same login would lack it too.
    pub(crate) fn is_scope_refusal(&self) -> bool {
        self.status == 401 && self.body.windows(b"missing_scope".len()).any(|w| w == b"missing_scope")
    }

    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, service: ServiceKind) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Service {
            service,
            status: self.status,
            code: "unexpectedResponse".into(),
            message: format!("the answer could not be read: {e}"),
        })
    }

    /// Dropbox puts `retry_after` in the JSON body of a 429.
    fn body_retry_after(&self) -> Option<Duration> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("error")?.get("retry_after")?.as_u64().map(Duration::from_secs)
    }
}

/// One service's way out: shared client, shared pacer, its token provider.
#[derive(Clone)]
pub(crate) struct Transport {
    http: Http,
    pacer: Arc<Pacer>,
    tokens: Arc<dyn TokenProvider>,
    service: ServiceKind,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("service", &self.service).finish_non_exhaustive()
    }
}

enum Attempt {
    Done(Reply),
    Failed(String),
}

impl Transport {
    pub(crate) fn new(http: Http, service: ServiceKind, tokens: Arc<dyn TokenProvider>) -> Self {
        let pacer = Arc::new(Pacer::new(http.pacer.clone()));
        Self { http, pacer, tokens, service }
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.http.client
    }

    /// Whether a refreshed token may cure this answer: a 401, not yet
    /// refreshed too often, and not for a permission the login lacks.
    fn refreshable(&self, reply: &Reply, refreshes: u32) -> bool {
        reply.status == 401 && refreshes < MAX_REFRESHES && !reply.is_scope_refusal()
    }

    /// Sends the request `make` builds, as often as needed. `make` is called
    /// once per attempt so that every body (a file range included) is created
    /// afresh; it hands the body an [`Activity`] to touch as bytes go out.
    pub(crate) async fn send<F>(&self, cancel: &CancellationToken, auth: Auth, what: &str, make: F) -> Result<Reply>
    where
        F: Fn(&Activity) -> Result<reqwest::RequestBuilder>,
    {
        let mut token = match auth {
            Auth::Bearer => Some(cancellable(cancel, self.tokens.access_token()).await??),
            Auth::None => None,
        };
        // A token fresh from a refresh can be refused too (a service's replicas
        // disagree for a moment): one more refresh, then the 401 is the answer.
        let mut refreshes = 0;
        let max = self.pacer.max_attempts();
        let mut last_failure = String::new();
        for attempt in 1..=max {
            cancellable(cancel, self.pacer.gate()).await?;
            let activity = Activity::default();
            activity.touch();
            let mut request = make(&activity)?;
            if let Some(t) = &token {
                request = request.bearer_auth(t);
            }
            let guarded = activity.guard(self.http.inactivity_timeout, exchange(request, &activity));
            let outcome = match cancellable(cancel, guarded).await? {
                Some(outcome) => outcome,
                None => Attempt::Failed(format!(
                    "no data moved for {} s",
                    self.http.inactivity_timeout.as_secs_f32()
                )),
            };
            if let Some(local) = activity.local_failure() {
                return Err(local);
            }
            let retry_in = match outcome {
                Attempt::Done(reply) if self.refreshable(&reply, refreshes) => match &token {
                    Some(rejected) => {
                        tracing::debug!(service = %self.service, what, "401, refreshing the token");
                        token = Some(cancellable(cancel, self.tokens.refresh_after_unauthorized(rejected)).await??);
                        refreshes += 1;
                        continue;
                    }
                    None => return Ok(reply),
                },
                Attempt::Done(reply) if retryable_status(reply.status) && attempt < max => {
                    let server_says = retry_after(&reply.headers).or_else(|| reply.body_retry_after());
                    last_failure = format!("HTTP {}", reply.status);
                    self.pacer.wait(attempt, server_says)
                }
                Attempt::Done(reply) => return Ok(reply),
                Attempt::Failed(message) => {
                    last_failure = message;
                    self.pacer.backoff(attempt)
                }
            };
            tracing::debug!(service = %self.service, what, attempt, failure = %last_failure, "retrying in {retry_in:?}");
            if attempt < max {
                cancellable(cancel, tokio::time::sleep(retry_in)).await?;
            }
        }
        Err(Error::Network { service: self.service, message: format!("{what}: {last_failure} (gave up after {max} attempts)") })
    }
}

/// Sends and reads the whole answer, touching `activity` as bytes arrive.
async fn exchange(request: reqwest::RequestBuilder, activity: &Activity) -> Attempt {
    let mut response = match request.send().await {
        Ok(r) => r,
        // Without the URL: OneDrive upload URLs carry a credential.
        Err(e) => return Attempt::Failed(describe(e)),
    };
    activity.touch();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                activity.touch();
                if body.len() + chunk.len() > MAX_REPLY_BYTES {
                    return Attempt::Failed("the answer is unexpectedly large".into());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Attempt::Failed(describe(e)),
        }
    }
    Attempt::Done(Reply { status, headers, body: body.freeze() })
}

fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Runs `fut` unless `cancel` fires first.
pub(crate) async fn cancellable<F: std::future::Future>(cancel: &CancellationToken, fut: F) -> Result<F::Output> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(Error::Cancelled),
        out = fut => Ok(out),
    }
}
