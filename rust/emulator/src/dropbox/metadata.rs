//! What Dropbox says about a stored file or folder: stable ids, a `rev` that
//! changes on every write, times, size and `content_hash`. Ids and revs live in
//! a small state file; entries that appeared on disk some other way get theirs
//! the first time they are seen.

use crate::persist::Persisted;
use crate::store::Entry;
use crate::tokens::random_token;
use crate::App;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Record {
    pub id: String,
    pub rev: String,
    /// Unix seconds of the last write through the API.
    pub server_modified: i64,
}

#[derive(Default, Serialize, Deserialize)]
struct Items {
    /// Feeds revs, so that every write gets a new one.
    writes: u64,
    /// By lowercased path (`/photos/a.jpg`).
    by_path: HashMap<String, Record>,
}

pub(crate) struct Catalog {
    items: Persisted<Items>,
}

fn next_rev(items: &mut Items) -> String {
    items.writes += 1;
    // Real revs are at least 9 lowercase hex digits.
    format!("{:012x}", 0x5d1c_0000_0000u64 + items.writes)
}

fn fresh(items: &mut Items) -> Record {
    Record { id: format!("id:{}", random_token(16)), rev: next_rev(items), server_modified: crate::tokens::now_unix() }
}

impl Catalog {
    pub(super) fn open(state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self { items: Persisted::load(state_dir.join("dropbox-items.json"))? })
    }

    /// The records of existing entries, creating the missing ones in one save.
    pub(super) fn records(&self, paths_lower: &[String]) -> Vec<Record> {
        let known: Option<Vec<Record>> =
            self.items.read(|s| paths_lower.iter().map(|p| s.by_path.get(p).cloned()).collect());
        if let Some(all) = known {
            return all;
        }
        self.items.update(|s| {
            paths_lower
                .iter()
                .map(|p| match s.by_path.get(p) {
                    Some(r) => r.clone(),
                    None => {
                        let r = fresh(s);
                        s.by_path.insert(p.clone(), r.clone());
                        r
                    }
                })
                .collect()
        })
    }

    /// A new entry was created at this path: new id and rev.
    pub(super) fn created(&self, path_lower: &str) -> Record {
        self.items.update(|s| {
            let r = fresh(s);
            s.by_path.insert(path_lower.to_owned(), r.clone());
            r
        })
    }

    /// An existing file was rewritten: same id, new rev.
    pub(super) fn rewritten(&self, path_lower: &str) -> Record {
        self.items.update(|s| {
            let rev = next_rev(s);
            let r = match s.by_path.get(path_lower) {
                Some(old) => Record { id: old.id.clone(), rev, server_modified: crate::tokens::now_unix() },
                None => {
                    Record { id: format!("id:{}", random_token(16)), rev, server_modified: crate::tokens::now_unix() }
                }
            };
            s.by_path.insert(path_lower.to_owned(), r.clone());
            r
        })
    }

    /// The lowercased path of the entry with this `id:...`.
    pub(super) fn path_of_id(&self, id: &str) -> Option<String> {
        self.items.read(|s| s.by_path.iter().find(|(_, r)| r.id == id).map(|(p, _)| p.clone()))
    }

    /// The lowercased path of the file whose current rev is `rev` (only
    /// current revisions are kept).
    pub(super) fn path_of_rev(&self, rev: &str) -> Option<String> {
        self.items.read(|s| s.by_path.iter().find(|(_, r)| r.rev == rev).map(|(p, _)| p.clone()))
    }

    /// The entry at this path, and everything under it, is gone.
    pub(super) fn forget(&self, path_lower: &str) {
        let prefix = format!("{path_lower}/");
        self.items.update(|s| s.by_path.retain(|p, _| p != path_lower && !p.starts_with(&prefix)));
    }
}

/// Dropbox timestamps: UTC, whole seconds, `2015-05-12T15:50:38Z`.
pub(crate) fn timestamp(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn timestamp_unix(secs: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The lowercased form Dropbox reports as `path_lower`.
pub(crate) fn lower(remote: &str) -> String {
    remote.to_lowercase()
}

fn name_of(remote: &str) -> String {
    remote.rsplit('/').next().unwrap_or("").to_owned()
}

/// Metadata of stored entries, in order: `{".tag": "file"|"folder", ...}`.
/// Blocking (reads the disk, may hash files not hashed before).
pub(crate) fn describe(app: &App, entries: &[Entry]) -> std::io::Result<Vec<Value>> {
    let keys: Vec<String> = entries.iter().map(|e| lower(&e.remote)).collect();
    let records = app.dropbox.catalog.records(&keys);
    entries
        .iter()
        .zip(records)
        .map(|(entry, record)| {
            let mut m = Map::new();
            m.insert(".tag".into(), json!(if entry.is_dir { "folder" } else { "file" }));
            m.insert("name".into(), json!(name_of(&entry.remote)));
            m.insert("path_lower".into(), json!(lower(&entry.remote)));
            m.insert("path_display".into(), json!(entry.remote));
            m.insert("id".into(), json!(record.id));
            if !entry.is_dir {
                let meta = std::fs::metadata(&entry.fs_path)?;
                let hashes = app.store.hashes(&entry.fs_path)?;
                m.insert("client_modified".into(), json!(timestamp(meta.modified()?)));
                m.insert("server_modified".into(), json!(timestamp_unix(record.server_modified)));
                m.insert("rev".into(), json!(record.rev));
                m.insert("size".into(), json!(hashes.size));
                m.insert("is_downloadable".into(), json!(true));
                m.insert("content_hash".into(), json!(hashes.content_hash));
            }
            Ok(Value::Object(m))
        })
        .collect()
}

/// Metadata of one entry.
pub(crate) fn describe_one(app: &App, entry: &Entry) -> std::io::Result<Value> {
    Ok(describe(app, std::slice::from_ref(entry))?.remove(0))
}

/// The same metadata where the type is fixed by the route (upload, finish,
/// create_folder), which Dropbox sends without `.tag`.
pub(crate) fn untagged(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.remove(".tag");
    }
    v
}
