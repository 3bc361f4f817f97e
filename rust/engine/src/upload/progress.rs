//! Job progress: counters updated by the transfers, and a snapshot
//! published at most every [`TICK`] (10 per second).

use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

pub const TICK: Duration = Duration::from_millis(100);
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
    pub walk_done: std::sync::atomic::AtomicBool,
    active: Mutex<HashMap<u64, ActiveFile>>,
    next_id: AtomicU64,
}

impl Tracker {
    pub fn begin(&self, local: PathBuf, size: u64) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.active.lock().unwrap_or_else(|p| p.into_inner()).insert(id, ActiveFile { local, size, sent: 0 });
        id
    }

    pub fn sent(&self, id: u64, offset: u64) {
        if let Some(f) = self.active.lock().unwrap_or_else(|p| p.into_inner()).get_mut(&id) {
            f.sent = offset.min(f.size);
        }
    }

    /// The file is over; `stored` bytes of it count as done.
    pub fn end(&self, id: u64, stored: u64) {
        self.active.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        self.bytes_finished.fetch_add(stored, Ordering::Relaxed);
    }

    fn snapshot(&self, started: Instant) -> Progress {
        let mut active: Vec<ActiveFile> = self.active.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
        active.sort_by(|a, b| a.local.cmp(&b.local));
        let in_flight: u64 = active.iter().map(|f| f.sent).sum();
        Progress {
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
        }
    }
}

/// Turns tracker snapshots into published progress with a rate and an ETA.
pub(super) struct Publisher {
    tracker: Arc<Tracker>,
    started: Instant,
    samples: VecDeque<(Instant, u64)>,
}

impl Publisher {
    pub fn new(tracker: Arc<Tracker>) -> Self {
        Self { tracker, started: Instant::now(), samples: VecDeque::new() }
    }

    pub fn next(&mut self) -> Progress {
        let mut p = self.tracker.snapshot(self.started);
        let now = Instant::now();
        self.samples.push_back((now, p.bytes_done));
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
