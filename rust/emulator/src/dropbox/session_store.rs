//! Upload sessions: their records, in a state file so they survive a restart,
//! and their bytes under `STATE/dropbox-sessions/<id>/` (one `data` file for a
//! sequential session, one file per chunk offset for a concurrent one).

use super::body::Hashing;
use crate::persist::Persisted;
use crate::tokens::random_token;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The largest file a session may build: 2^41 - 2^22 bytes.
pub(crate) const MAX_FILE: u64 = (1 << 41) - (1 << 22);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Session {
    pub concurrent: bool,
    /// Sequential: the bytes received so far (where the next append goes).
    pub offset: u64,
    /// No more appends (`close` was set, or a finish was attempted).
    pub closed: bool,
    /// Concurrent: the chunks received, offset -> length.
    pub chunks: BTreeMap<u64, u64>,
    /// Concurrent: the file's length, known once the closing append arrived.
    pub total: Option<u64>,
    /// Unix milliseconds.
    pub expires_at: i64,
}

impl Session {
    /// Concurrent: the chunks cover `0..total` without a gap.
    pub(super) fn complete(&self) -> bool {
        let Some(total) = self.total else { return false };
        let mut next = 0;
        for (&offset, &len) in &self.chunks {
            if offset != next {
                return false;
            }
            next = offset + len;
        }
        next == total
    }
}

#[derive(Default, Serialize, Deserialize)]
struct Table {
    sessions: HashMap<String, Session>,
}

/// What a session keeps in memory between appends: the running hash of a
/// sequential session's bytes, each received chunk's hash of a concurrent
/// one, so finishing a large file needs no second pass to hash it. Lost on a
/// restart, when finishing reads the data once more.
#[derive(Default)]
pub(crate) struct Running {
    hashing: Option<Hashing>,
    chunks: BTreeMap<u64, Hashing>,
}

impl Running {
    /// The running hash if it covers exactly the session's `offset` bytes.
    pub(super) fn hashing_at(&self, offset: u64) -> Option<Hashing> {
        match &self.hashing {
            Some(h) if h.size() == offset => Some(h.clone()),
            _ if offset == 0 => Some(Hashing::default()),
            _ => None,
        }
    }

    pub(super) fn set_hashing(&mut self, hashing: Option<Hashing>) {
        self.hashing = hashing;
    }

    /// A concurrent session's chunk arrived whole, hashed on the way.
    pub(super) fn set_chunk_hashing(&mut self, offset: u64, hashing: Hashing) {
        self.chunks.insert(offset, hashing);
    }

    /// The whole file's hash from the chunks' own, when every chunk of
    /// `session` was hashed as it arrived (not across a restart).
    pub(super) fn joined_chunk_hashes(&self, session: &Session) -> Option<Hashing> {
        let mut whole = Hashing::default();
        for (offset, len) in &session.chunks {
            let part = self.chunks.get(offset).filter(|h| h.size() == *len)?;
            if !whole.append_part(part) {
                return None;
            }
        }
        Some(whole)
    }
}

pub(crate) struct Sessions {
    table: Persisted<Table>,
    dir: PathBuf,
    lifetime_ms: i64,
    /// One lock per session: appends to a session are taken one at a time.
    live: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Running>>>>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Sessions {
    pub(super) fn open(state_dir: &Path, lifetime_secs: u64) -> std::io::Result<Self> {
        let dir = state_dir.join("dropbox-sessions");
        std::fs::create_dir_all(&dir)?;
        let sessions = Self {
            table: Persisted::load(state_dir.join("dropbox-sessions.json"))?,
            dir,
            lifetime_ms: i64::try_from(lifetime_secs.saturating_mul(1000)).unwrap_or(i64::MAX),
            live: Mutex::new(HashMap::new()),
        };
        sessions.purge_expired();
        Ok(sessions)
    }

    fn session_dir(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// The bytes of a sequential session.
    pub(super) fn data_path(&self, id: &str) -> PathBuf {
        self.session_dir(id).join("data")
    }

    /// One chunk of a concurrent session.
    pub(super) fn chunk_path(&self, id: &str, offset: u64) -> PathBuf {
        self.session_dir(id).join(offset.to_string())
    }

    pub(super) fn create(&self, concurrent: bool) -> std::io::Result<String> {
        Ok(self.create_many(concurrent, 1)?.remove(0))
    }

    /// `count` new empty sessions, recorded in one save of the table.
    pub(super) fn create_many(&self, concurrent: bool, count: usize) -> std::io::Result<Vec<String>> {
        self.purge_expired();
        let ids: Vec<String> = (0..count).map(|_| format!("pid_upload_session:{}", random_token(24))).collect();
        for id in &ids {
            std::fs::create_dir_all(self.session_dir(id))?;
        }
        let expires_at = now_ms().saturating_add(self.lifetime_ms);
        self.table.update(|t| {
            for id in &ids {
                let session =
                    Session { concurrent, offset: 0, closed: false, chunks: BTreeMap::new(), total: None, expires_at };
                t.sessions.insert(id.clone(), session);
            }
        });
        Ok(ids)
    }

    /// Turns a fully received upload that could not be written into a closed
    /// session, so its id can be handed back for a retry through `finish`.
    pub(super) fn adopt(&self, temp: &Path, len: u64) -> std::io::Result<String> {
        let id = self.create(false)?;
        std::fs::rename(temp, self.data_path(&id))?;
        self.update(&id, |s| {
            s.offset = len;
            s.closed = true;
        });
        Ok(id)
    }

    /// A live session; an expired one is removed and reads as absent.
    pub(super) fn get(&self, id: &str) -> Option<Session> {
        let found = self.table.read(|t| t.sessions.get(id).cloned())?;
        if found.expires_at <= now_ms() {
            self.remove(id);
            return None;
        }
        Some(found)
    }

    pub(super) fn update(&self, id: &str, f: impl FnOnce(&mut Session)) {
        self.table.update(|t| t.sessions.get_mut(id).map(f));
    }

    /// Forgets a session and deletes its bytes.
    pub(super) fn remove(&self, id: &str) {
        let known = self.table.update(|t| t.sessions.remove(id)).is_some();
        self.live.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        if known {
            let _ = std::fs::remove_dir_all(self.session_dir(id));
        }
    }

    pub(super) fn lock(&self, id: &str) -> Arc<tokio::sync::Mutex<Running>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner()).entry(id.to_owned()).or_default().clone()
    }

    fn purge_expired(&self) {
        let now = now_ms();
        let expired: Vec<String> = self
            .table
            .read(|t| t.sessions.iter().filter(|(_, s)| s.expires_at <= now).map(|(id, _)| id.clone()).collect());
        for id in expired {
            self.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_session_is_complete_only_without_gaps() {
        let mut s = Session {
            concurrent: true,
            offset: 0,
            closed: true,
            chunks: BTreeMap::new(),
            total: Some(10),
            expires_at: 0,
        };
        s.chunks.insert(4, 6);
        assert!(!s.complete());
        s.chunks.insert(0, 4);
        assert!(s.complete());
    }
}
