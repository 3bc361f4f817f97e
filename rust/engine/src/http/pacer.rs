//! When to try again: exponential back-off with full jitter, `Retry-After`
//! honoured, and one shared "not before" instant per service so that a
//! throttled answer slows every parallel transfer down, not just one.
//!
//! Choices: the first retry waits up to 200 ms, each further one doubles that
//! ceiling up to 30 s, and the actual wait is drawn uniformly between 10 ms and
//! the ceiling ("full jitter", so parallel clients do not retry in lockstep).
//! Ten attempts in all; a `Retry-After` of up to 15 minutes is obeyed as given.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct PacerConfig {
    pub min_sleep: Duration,
    pub base: Duration,
    pub cap: Duration,
    /// Attempts per request, the first one included.
    pub max_attempts: u32,
    /// A longer `Retry-After` is treated as this long.
    pub max_retry_after: Duration,
}

impl Default for PacerConfig {
    fn default() -> Self {
        Self {
            min_sleep: Duration::from_millis(10),
            base: Duration::from_millis(200),
            cap: Duration::from_secs(30),
            max_attempts: 10,
            max_retry_after: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Pacer {
    config: PacerConfig,
    not_before: Mutex<Option<Instant>>,
}

impl Pacer {
    pub(crate) fn new(config: PacerConfig) -> Self {
        Self { config, not_before: Mutex::new(None) }
    }

    pub(crate) fn max_attempts(&self) -> u32 {
        self.config.max_attempts.max(1)
    }

    /// The wait before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.config.base.saturating_mul(1u32 << retry.saturating_sub(1).min(20)).min(self.config.cap);
        let floor = self.config.min_sleep.min(ceiling);
        let span = ceiling.saturating_sub(floor).as_millis() as u64;
        floor + Duration::from_millis(rand::random_range(0..=span))
    }

    /// The wait before a retry when the server may have said how long.
    pub(crate) fn wait(&self, retry: u32, server_says: Option<Duration>) -> Duration {
        match server_says {
            Some(d) => {
                let d = d.min(self.config.max_retry_after);
                self.hold_everyone(d);
                d
            }
            None => self.backoff(retry),
        }
    }

    /// Makes every request of this service wait `d` from now.
    fn hold_everyone(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut nb = self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        if nb.is_none_or(|t| t < until) {
            *nb = Some(until);
        }
    }

    /// Waits while the service has asked everyone to hold off.
    pub(crate) async fn gate(&self) {
        let until = *self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
    }
}

/// Statuses worth another try: throttling and transient server trouble.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504 | 509)
}

/// `Retry-After` as delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_stays_within_its_growing_ceiling() {
        let p = Pacer::new(PacerConfig::default());
        for _ in 0..200 {
            let first = p.backoff(1);
            assert!(first >= Duration::from_millis(10) && first <= Duration::from_millis(200), "{first:?}");
            let third = p.backoff(3);
            assert!(third <= Duration::from_millis(800), "{third:?}");
            assert!(p.backoff(40) <= Duration::from_secs(30));
        }
    }

    #[test]
    fn backoff_is_jittered() {
        let p = Pacer::new(PacerConfig::default());
        let draws: std::collections::HashSet<_> = (0..50).map(|_| p.backoff(5)).collect();
        assert!(draws.len() > 10);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("41"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(41)));
        let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(d > Duration::from_secs(100) && d <= Duration::from_secs(120), "{d:?}");
        h.insert(RETRY_AFTER, HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn retry_after_is_capped() {
        let p = Pacer::new(PacerConfig::default());
        assert_eq!(p.wait(1, Some(Duration::from_secs(86_400))), Duration::from_secs(15 * 60));
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for s in [429, 500, 502, 503, 504, 509] {
            assert!(retryable_status(s));
        }
        for s in [400, 401, 403, 404, 409, 416, 507] {
            assert!(!retryable_status(s));
        }
    }
}
