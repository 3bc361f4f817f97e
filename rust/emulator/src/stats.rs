//! Request counts by kind, for tests and benchmarks (see `/_emulator/stats`).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Handlers attach this to their response to name the kind of request
/// (`graph.upload_fragment`, `dropbox.finish_batch_v2`, ...).
#[derive(Debug, Clone, Copy)]
pub struct RequestKind(pub &'static str);

#[derive(Default)]
pub struct Stats {
    counts: Mutex<BTreeMap<String, u64>>,
    upload_bytes: std::sync::atomic::AtomicU64,
}

impl Stats {
    pub fn count(&self, kind: &str) {
        *self.counts.lock().unwrap_or_else(|p| p.into_inner()).entry(kind.to_owned()).or_insert(0) += 1;
    }

    pub fn add_upload_bytes(&self, n: u64) {
        self.upload_bytes.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> serde_json::Value {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let total: u64 = counts.values().sum();
        serde_json::json!({
            "requests": counts,
            "total_requests": total,
            "request_body_bytes": self.upload_bytes.load(std::sync::atomic::Ordering::Relaxed),
        })
    }
}
