//! An inactivity timeout for one exchange: the request body stream and the
//! response reader "touch" a shared clock whenever bytes move, and the
//! exchange is abandoned once nothing moved for the configured time. Unlike a
//! total timeout this never cuts off a large fragment on a slow but healthy
//! link; unlike reqwest's read timeout it is not fooled by a long upload.

use bytes::Bytes;
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// The last time bytes moved, shared between a body stream and its watchdog.
/// It also carries a local read failure out of a body stream, so that a file
/// that vanished is reported as such instead of being retried as a network error.
#[derive(Debug, Clone)]
pub(crate) struct Activity {
    origin: Instant,
    last_ms: Arc<AtomicU64>,
    local_failure: Arc<Mutex<Option<(String, String)>>>,
}

impl Default for Activity {
    fn default() -> Self {
        Self { origin: Instant::now(), last_ms: Arc::new(AtomicU64::new(0)), local_failure: Arc::default() }
    }
}

impl Activity {
    /// Records that reading the local file failed (`path: message`).
    pub(crate) fn fail_local(&self, path: &std::path::Path, message: String) {
        *self.local_failure.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((path.display().to_string(), message));
    }

    pub(crate) fn local_failure(&self) -> Option<crate::Error> {
        let failure = self.local_failure.lock().unwrap_or_else(|p| p.into_inner()).clone();
        failure.map(|(path, message)| crate::Error::File { path, message })
    }

    pub(crate) fn touch(&self) {
        let ms = self.origin.elapsed().as_millis() as u64;
        self.last_ms.fetch_max(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.origin + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    /// Runs `fut` until it finishes, or returns `None` once nothing moved for `limit`.
    pub(crate) async fn guard<F: Future>(&self, limit: Duration, fut: F) -> Option<F::Output> {
        tokio::pin!(fut);
        loop {
            let deadline = self.last() + limit;
            if Instant::now() >= deadline {
                return None;
            }
            tokio::select! {
                out = &mut fut => return Some(out),
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }
}

/// A request body stream that touches an [`Activity`] for every chunk it yields.
pub(crate) struct ActivityStream<S> {
    inner: S,
    activity: Activity,
}

impl<S> ActivityStream<S> {
    pub(crate) fn new(inner: S, activity: Activity) -> Self {
        Self { inner, activity }
    }
}

impl<S, E> Stream for ActivityStream<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    type Item = Result<Bytes, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(_))) = &polled {
            self.activity.touch();
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_silent_future_is_abandoned_after_the_limit() {
        let a = Activity::default();
        a.touch();
        let started = Instant::now();
        let out = a.guard(Duration::from_millis(150), std::future::pending::<()>()).await;
        assert!(out.is_none());
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(140) && waited < Duration::from_millis(1000), "{waited:?}");
    }

    #[tokio::test]
    async fn activity_keeps_a_slow_future_alive() {
        let a = Activity::default();
        a.touch();
        let toucher = a.clone();
        let slow = async move {
            for _ in 0..6 {
                tokio::time::sleep(Duration::from_millis(60)).await;
                toucher.touch();
            }
            7
        };
        assert_eq!(a.guard(Duration::from_millis(150), slow).await, Some(7));
    }
}
