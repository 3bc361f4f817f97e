//! Temporary links (`files/get_temporary_link`): a random token naming a file
//! by its id, valid for four hours, kept in a state file so links survive a
//! restart. Expired links are remembered a day longer, so that they answer
//! 410 Gone (as Dropbox documents) rather than 404.

use crate::persist::Persisted;
use crate::tokens::random_token;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// "This link will expire in four hours and afterwards you will get 410 Gone."
pub(crate) const LINK_LIFETIME_MS: u64 = 4 * 3600 * 1000;

/// How long an expired link still answers 410 before it is forgotten.
const REMEMBER_EXPIRED_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Link {
    /// The file's `id:...`; a rewritten file keeps it, a deleted one loses it.
    pub file_id: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

impl Link {
    pub(super) fn expired(&self) -> bool {
        self.expires_at <= now_ms()
    }
}

#[derive(Default, Serialize, Deserialize)]
struct Table {
    links: HashMap<String, Link>,
}

pub(crate) struct Links {
    table: Persisted<Table>,
    lifetime_ms: AtomicU64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Links {
    pub(super) fn open(state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            table: Persisted::load(state_dir.join("dropbox-links.json"))?,
            lifetime_ms: AtomicU64::new(LINK_LIFETIME_MS),
        })
    }

    pub(super) fn set_lifetime_ms(&self, ms: u64) {
        self.lifetime_ms.store(ms, Ordering::Relaxed);
    }

    /// A new link to the file with this id; returns its token.
    pub(super) fn issue(&self, file_id: &str) -> String {
        let token = random_token(32);
        let lifetime = i64::try_from(self.lifetime_ms.load(Ordering::Relaxed)).unwrap_or(i64::MAX);
        let now = now_ms();
        let link = Link { file_id: file_id.to_owned(), expires_at: now.saturating_add(lifetime) };
        self.table.update(|t| {
            t.links.retain(|_, l| l.expires_at.saturating_add(REMEMBER_EXPIRED_MS) > now);
            t.links.insert(token.clone(), link);
        });
        token
    }

    /// The link with this token, expired or not.
    pub(super) fn get(&self, token: &str) -> Option<Link> {
        self.table.read(|t| t.links.get(token).cloned())
    }
}
