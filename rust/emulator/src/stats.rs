//! Request counts by kind, for tests and benchmarks (see `/_emulator/stats`),
//! and the timeline of the latest requests: when each arrived and when its
//! response was ready, on one clock of events, so a test can tell which
//! requests a client let overlap, and in microseconds since the emulator
//! started (`arrived_us`, `answered_us`), so a test can tell how long a
//! client waited between two requests.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// How many of the latest requests the timeline keeps.
const TIMELINE_LEN: usize = 10_000;

/// Handlers attach this to their response to name the kind of request
/// (`graph.upload_fragment`, `dropbox.finish_batch_v2`, ...).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestKind(pub &'static str);

pub struct Stats {
    counts: Mutex<BTreeMap<String, u64>>,
    upload_bytes: AtomicU64,
    clock: AtomicU64,
    timeline: Mutex<VecDeque<Span>>,
    started: Instant,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            counts: Mutex::default(),
            upload_bytes: AtomicU64::default(),
            clock: AtomicU64::default(),
            timeline: Mutex::default(),
            started: Instant::now(),
        }
    }
}

/// When a request arrived: its tick on the clock of events and its instant.
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    tick: u64,
    at: Instant,
}

/// One request on the timeline: its kind, and the clock when it arrived and
/// when its response was ready, as ticks and as microseconds since start.
struct Span {
    kind: String,
    arrived: u64,
    answered: u64,
    arrived_us: u64,
    answered_us: u64,
}

impl Stats {
    pub fn count(&self, kind: &str) {
        *self.counts.lock().unwrap_or_else(|p| p.into_inner()).entry(kind.to_owned()).or_insert(0) += 1;
    }

    pub fn add_upload_bytes(&self, n: u64) {
        self.upload_bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// The clock's next tick, taken when a request arrives.
    pub fn arrival(&self) -> Arrival {
        Arrival { tick: self.clock.fetch_add(1, Ordering::SeqCst), at: Instant::now() }
    }

    fn micros(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.started).as_micros()).unwrap_or(u64::MAX)
    }

    /// Counts a request whose response is ready and puts it on the timeline.
    pub fn answered(&self, kind: &str, arrived: Arrival) {
        self.count(kind);
        let answered = self.clock.fetch_add(1, Ordering::SeqCst);
        let (arrived_us, answered_us) = (self.micros(arrived.at), self.micros(Instant::now()));
        let mut timeline = self.timeline.lock().unwrap_or_else(|p| p.into_inner());
        if timeline.len() == TIMELINE_LEN {
            timeline.pop_front();
        }
        timeline.push_back(Span { kind: kind.to_owned(), arrived: arrived.tick, answered, arrived_us, answered_us });
    }

    pub fn snapshot(&self) -> serde_json::Value {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let total: u64 = counts.values().sum();
        let timeline: Vec<_> = self
            .timeline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|s| serde_json::json!({
                    "kind": s.kind,
                    "arrived": s.arrived,
                    "answered": s.answered,
                    "arrived_us": s.arrived_us,
                    "answered_us": s.answered_us,
                }))
            .collect();
        serde_json::json!({
            "requests": counts,
            "total_requests": total,
            "request_body_bytes": self.upload_bytes.load(Ordering::Relaxed),
            "timeline": timeline,
        })
    }
}
