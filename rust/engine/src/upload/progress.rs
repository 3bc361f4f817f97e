//! Job progress: counters updated by the transfers, and a snapshot
//! published at most every [`TICK`] (10 per second).

use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

pub(crate) const TICK: Duration = Duration::from_millis(100);
/// The rate is measured over this much recent time.
const RATE_WINDOW: Duration = Duration::from_secs(5);

/// One file being transferred.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveFile {
    pub local: PathBuf,
    pub size: u64,
    /// Bytes of this file the service has (or is receiving).
    pub sent: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    /// Files found so far (all of them once `walk_done`).
    pub files_seen: u64,
    /// Files with a final result (uploaded, skipped or failed).
    pub files_done: u64,
    pub files_failed: u64,
    /// Bytes of the files to upload, found so far.
    pub bytes_total: u64,
    /// Bytes of those files the service has.
    pub bytes_done: u64,
    /// Bytes per second over the last few seconds.
    pub rate: f64,
    /// Known once the walk is over and the rate is above zero.
    pub eta_secs: Option<u64>,
    pub walk_done: bool,
    pub elapsed_ms: u64,
    pub active: Vec<ActiveFile>,
}

#[derive(Default)]
pub(super) struct Tracker {
    pub files_seen: AtomicU64,
    pub files_done: AtomicU64,
    pub files_failed: AtomicU64,
    pub bytes_total: AtomicU64,
    /// Bytes of files that finished (their part is no longer in `active`).
    pub bytes_finished: AtomicU64,
    /// Of those, the bytes this run moved (not an earlier run's, resumed).
    moved_finished: AtomicU64,
    pub walk_done: std::sync::atomic::AtomicBool,
    active: Mutex<HashMap<u64, Active>>,
    next_id: AtomicU64,
}

/// A file in transfer, and how much of it an earlier run had sent.
struct Active {
    file: ActiveFile,
    /// Bytes the service had from an earlier run when this one resumed.
    carried: u64,
    /// Resumed: the next offset reported is where the earlier run stopped.
    carried_unknown: bool,
}

impl Active {
    fn moved(&self) -> u64 {
        self.file.sent.saturating_sub(self.carried)
    }
}

impl Tracker {
    pub(super) fn begin(&self, local: PathBuf, size: u64) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let file = ActiveFile { local, size, sent: 0 };
        self.active.lock().unwrap_or_else(|p| p.into_inner()).insert(id, Active { file, carried: 0, carried_unknown: false });
        id
    }

    /// The file goes on with a session an earlier run opened: the first
    /// offset it reports was sent then, and is no part of this run's rate.
    pub(super) fn resuming(&self, id: u64) {
        if let Some(a) = self.active.lock().unwrap_or_else(|p| p.into_inner()).get_mut(&id) {
            a.carried_unknown = true;
        }
    }

    pub(super) fn sent(&self, id: u64, offset: u64) {
        if let Some(a) = self.active.lock().unwrap_or_else(|p| p.into_inner()).get_mut(&id) {
            a.file.sent = offset.min(a.file.size);
            // A session that was gone starts the file again from below.
            if std::mem::take(&mut a.carried_unknown) || a.file.sent < a.carried {
                a.carried = a.file.sent;
            }
        }
    }

    /// Bytes of file `id` this run moved so far (not an earlier run's, resumed).
    pub(super) fn moved(&self, id: u64) -> u64 {
        self.active.lock().unwrap_or_else(|p| p.into_inner()).get(&id).map_or(0, Active::moved)
    }

    /// The file is over; `stored` bytes of it count as done.
    pub(super) fn end(&self, id: u64, stored: u64) {
        let carried = self.active.lock().unwrap_or_else(|p| p.into_inner()).remove(&id).map_or(0, |a| a.carried);
        self.bytes_finished.fetch_add(stored, Ordering::Relaxed);
        self.moved_finished.fetch_add(stored.saturating_sub(carried), Ordering::Relaxed);
    }

    /// The progress, and the bytes this run moved so far (what its rate counts).
    fn snapshot(&self, started: Instant) -> (Progress, u64) {
        let (mut active, moved_in_flight) = {
            let map = self.active.lock().unwrap_or_else(|p| p.into_inner());
            (map.values().map(|a| a.file.clone()).collect::<Vec<_>>(), map.values().map(Active::moved).sum::<u64>())
        };
        active.sort_by(|a, b| a.local.cmp(&b.local));
        let in_flight: u64 = active.iter().map(|f| f.sent).sum();
        let moved = self.moved_finished.load(Ordering::Relaxed) + moved_in_flight;
        let progress = Progress {
            files_seen: self.files_seen.load(Ordering::Relaxed),
            files_done: self.files_done.load(Ordering::Relaxed),
            files_failed: self.files_failed.load(Ordering::Relaxed),
            bytes_total: self.bytes_total.load(Ordering::Relaxed),
            bytes_done: self.bytes_finished.load(Ordering::Relaxed) + in_flight,
            rate: 0.0,
            eta_secs: None,
            walk_done: self.walk_done.load(Ordering::Relaxed),
            elapsed_ms: started.elapsed().as_millis() as u64,
            active,
        };
        (progress, moved)
    }
}

/// Turns tracker snapshots into published progress with a rate and an ETA.
pub(super) struct Publisher {
    tracker: Arc<Tracker>,
    started: Instant,
    /// (when, bytes moved by then)
    samples: VecDeque<(Instant, u64)>,
}

impl Publisher {
    pub(super) fn new(tracker: Arc<Tracker>) -> Self {
        Self { tracker, started: Instant::now(), samples: VecDeque::new() }
    }

    pub(super) fn next(&mut self) -> Progress {
        self.next_at(Instant::now())
    }

    fn next_at(&mut self, now: Instant) -> Progress {
        let (mut p, moved) = self.tracker.snapshot(self.started);
        // The rate is of bytes this run moved: a resumed file's earlier bytes
        // are done, but were not sent at this rate.
        self.samples.push_back((now, moved));
        while self.samples.len() > 2 && self.samples.front().is_some_and(|(t, _)| now - *t > RATE_WINDOW) {
            self.samples.pop_front();
        }
        if let (Some((t0, b0)), Some((t1, b1))) = (self.samples.front(), self.samples.back()) {
            let secs = (*t1 - *t0).as_secs_f64();
            if secs > 0.0 {
                p.rate = b1.saturating_sub(*b0) as f64 / secs;
            }
        }
        if p.walk_done && p.rate > 0.0 {
            p.eta_secs = Some((p.bytes_total.saturating_sub(p.bytes_done) as f64 / p.rate).ceil() as u64);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn a_resumed_files_earlier_bytes_are_done_but_not_in_the_rate() {
        let tracker = Arc::new(Tracker::default());
        tracker.bytes_total.store(100 * MIB, Ordering::Relaxed);
        tracker.walk_done.store(true, Ordering::Relaxed);
        let mut publisher = Publisher::new(tracker.clone());
        let mut now = Instant::now();
        let id = tracker.begin("big.mp4".into(), 100 * MIB);
        tracker.resuming(id);
        publisher.next_at(now);
        // The service had 90 MiB from the run before; this run sends 1 MiB a second.
        tracker.sent(id, 90 * MIB);
        now += Duration::from_secs(1);
        let p = publisher.next_at(now);
        assert_eq!(p.bytes_done, 90 * MIB);
        assert_eq!(p.rate, 0.0);
        assert_eq!(p.eta_secs, None);
        for second in 1..=4 {
            tracker.sent(id, (90 + second) * MIB);
            now += Duration::from_secs(1);
            publisher.next_at(now);
        }
        let p = publisher.next_at(now);
        assert_eq!(p.bytes_done, 94 * MIB);
        // 4 MiB in the 5 s since the first sample (the resumed offset came in its first second).
        assert!((p.rate - (4 * MIB) as f64 / 5.0).abs() < 1.0, "rate {}", p.rate);
        assert_eq!(p.eta_secs, Some(8));
        // Finished: the whole file is done, the rate still counts only the 10 MiB moved.
        tracker.end(id, 100 * MIB);
        now += Duration::from_secs(1);
        let p = publisher.next_at(now);
        assert_eq!(p.bytes_done, 100 * MIB);
        assert_eq!(p.rate, (10 * MIB) as f64 / 5.0);
    }

    #[test]
    fn a_fresh_file_counts_every_byte_and_a_gone_session_starts_over() {
        let tracker = Arc::new(Tracker::default());
        let mut publisher = Publisher::new(tracker.clone());
        let mut now = Instant::now();
        let fresh = tracker.begin("a.jpg".into(), 8 * MIB);
        publisher.next_at(now);
        tracker.sent(fresh, 8 * MIB);
        now += Duration::from_secs(2);
        assert_eq!(publisher.next_at(now).rate, (4 * MIB) as f64);
        // A resumed session the service no longer has: the file starts again at 0.
        let resumed = tracker.begin("b.mp4".into(), 50 * MIB);
        tracker.resuming(resumed);
        tracker.sent(resumed, 30 * MIB);
        tracker.sent(resumed, 0);
        tracker.sent(resumed, 2 * MIB);
        tracker.end(fresh, 8 * MIB);
        now += Duration::from_secs(2);
        let p = publisher.next_at(now);
        assert_eq!(p.bytes_done, 10 * MIB);
        assert_eq!(p.rate, (10 * MIB) as f64 / 4.0);
    }
}
