//! An upload bandwidth limit (`dkcloud upload --bwlimit`): one budget for
//! every request body of the process, whatever the number of transfers at
//! once, as rclone's `--bwlimit` is a total. Set by a front end before a run;
//! unset (the plugin), bodies go as fast as the network takes them.
//!
//! Each piece of a body (at most 256 KiB) waits until the pieces before it,
//! of any transfer, have had their time at the rate: N bytes take at least
//! (N - one piece) / rate.

use super::Activity;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tokio::time::Instant;

struct Limit {
    bytes_per_second: u64,
    /// When the budget is free for the next piece.
    next: Mutex<Option<Instant>>,
}

static LIMIT: OnceLock<Limit> = OnceLock::new();

/// Limits every request body of this process to `bytes_per_second` from now
/// on; the first call wins (a process runs one job).
pub fn limit_uploads(bytes_per_second: u64) {
    let _ = LIMIT.set(Limit { bytes_per_second: bytes_per_second.max(1), next: Mutex::new(None) });
}

/// Waits until `len` more bytes may go out; the wait counts as activity for
/// the watchdog (the server is not stalled, the budget is spent).
pub(super) async fn throttle(len: usize, activity: &Activity) {
    let Some(limit) = LIMIT.get() else { return };
    let start = {
        let mut next = limit.next.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let start = next.map_or(now, |n| n.max(now));
        *next = Some(start + Duration::from_secs_f64(len as f64 / limit.bytes_per_second as f64));
        start
    };
    while Instant::now() < start {
        activity.touch();
        tokio::time::sleep_until(start.min(Instant::now() + Duration::from_secs(5))).await;
    }
    activity.touch();
}
