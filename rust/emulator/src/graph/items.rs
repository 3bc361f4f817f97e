//! Item ids and the driveItem JSON of stored files and folders.
//!
//! Ids are derived from the lowercased remote path (the store is
//! case-insensitive), so they are stable across restarts without a database;
//! an item moved or renamed keeps its id through a small persisted table
//! (`graph-items.json`), which also keeps `fileSystemInfo` times clients set.
//! The id -> path map is a cache, rebuilt by walking the store for an unknown id.

use super::error::{GraphError, GraphResult};
use crate::origin::Origin;
use crate::persist::Persisted;
use crate::store::{Entry, Store};
use crate::tokens::Service;
use crate::{App, ONEDRIVE_DRIVE_ID};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

fn id_prefix() -> String {
    ONEDRIVE_DRIVE_ID.to_uppercase()
}

pub(super) fn root_id() -> String {
    format!("{}!101", id_prefix())
}

/// The id of the item at `remote` (`/` is the root).
pub(super) fn item_id(remote: &str) -> String {
    let key = remote.trim_end_matches('/').to_lowercase();
    if key.is_empty() {
        return root_id();
    }
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02X}")).collect();
    format!("{}!{hex}", id_prefix())
}

/// What the emulator keeps about an item beyond the stored file, by lowercased
/// remote path: the id it had before a move or rename (Graph keeps ids), and the
/// `fileSystemInfo` times a client set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    /// Folders only: a file's `lastModifiedDateTime` is its modification time on disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<DateTime<Utc>>,
}

impl Record {
    fn is_empty(&self) -> bool {
        self.id.is_none() && self.created.is_none() && self.modified.is_none()
    }
}

#[derive(Default, Serialize, Deserialize)]
struct ItemTable {
    items: HashMap<String, Record>,
}

fn key(remote: &str) -> String {
    remote.trim_end_matches('/').to_lowercase()
}

/// `remote` itself or anything below it.
fn is_within(key_: &str, prefix: &str) -> bool {
    key_ == prefix || prefix.is_empty() || key_.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

impl ItemTable {
    /// The id of `remote`: a kept one, else the path-derived one unless a moved
    /// item already carries it (then a fresh one, which `fix` is told to keep).
    fn id_of(&self, remote: &str) -> (String, bool) {
        let k = key(remote);
        if k.is_empty() {
            return (root_id(), false);
        }
        if let Some(id) = self.items.get(&k).and_then(|r| r.id.clone()) {
            return (id, false);
        }
        let taken = |id: &str| self.items.iter().any(|(other, r)| *other != k && r.id.as_deref() == Some(id));
        let mut id = item_id(remote);
        let mut n = 0u32;
        while taken(&id) {
            n += 1;
            id = item_id(&format!("{remote}\u{0}{n}"));
        }
        (id, n > 0)
    }
}

pub(super) struct Ids {
    known: Mutex<HashMap<String, String>>,
    table: Persisted<ItemTable>,
}

impl Ids {
    pub(super) fn open(state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self { known: Mutex::default(), table: Persisted::load(state_dir.join("graph-items.json"))? })
    }

    /// The id of the item at `remote`, remembered for [`Ids::resolve`].
    pub(super) fn remember(&self, remote: &str) -> String {
        let (id, fresh) = self.table.read(|t| t.id_of(remote));
        let id = if fresh {
            self.table.update(|t| {
                let (id, _) = t.id_of(remote);
                t.items.entry(key(remote)).or_default().id = Some(id.clone());
                id
            })
        } else {
            id
        };
        self.known.lock().unwrap_or_else(|p| p.into_inner()).insert(id.clone(), remote.to_owned());
        id
    }

    /// The remote path of an id, or `None` if no stored item has it.
    pub(super) fn resolve(&self, store: &Store, id: &str) -> std::io::Result<Option<String>> {
        if id.eq_ignore_ascii_case(&root_id()) {
            return Ok(Some("/".to_owned()));
        }
        let cached = self.known.lock().unwrap_or_else(|p| p.into_inner()).get(id).cloned();
        if let Some(remote) = cached {
            // The cache may be stale after a move; trust it only if the path still has this id.
            if self.table.read(|t| t.id_of(&remote).0) == id
                && store.lookup(Service::OneDrive, &remote).ok().flatten().is_some()
            {
                return Ok(Some(remote));
            }
        }
        // Unknown (e.g. after a restart): walk the store, learning every id on the way.
        let mut found = None;
        let mut stack = vec![(String::new(), store.root(Service::OneDrive))];
        while let Some((remote, dir)) = stack.pop() {
            for child in store.children(&dir)? {
                let child_remote = format!("{remote}/{}", child.name);
                if self.remember(&child_remote) == id {
                    found = Some(child_remote.clone());
                }
                if child.is_dir {
                    stack.push((child_remote, child.fs_path));
                }
            }
        }
        Ok(found)
    }

    pub(super) fn record(&self, remote: &str) -> Record {
        self.table.read(|t| t.items.get(&key(remote)).cloned().unwrap_or_default())
    }

    /// Keeps `fileSystemInfo` times set by a client.
    pub(super) fn set_times(&self, remote: &str, created: Option<DateTime<Utc>>, folder_modified: Option<DateTime<Utc>>) {
        if created.is_none() && folder_modified.is_none() {
            return;
        }
        self.table.update(|t| {
            let r = t.items.entry(key(remote)).or_default();
            if created.is_some() {
                r.created = created;
            }
            if folder_modified.is_some() {
                r.modified = folder_modified;
            }
        });
    }

    /// Forgets what was kept about `remote` and everything below it (it was deleted or replaced).
    pub(super) fn forget(&self, remote: &str) {
        let prefix = key(remote);
        if self.table.read(|t| t.items.keys().any(|k| is_within(k, &prefix))) {
            self.table.update(|t| t.items.retain(|k, _| !is_within(k, &prefix)));
        }
    }

    /// After `from` was moved to `to`: the item and everything below it keep their
    /// ids and times. `below` lists the paths under `from`, relative (`/x/y`), taken before the move.
    pub(super) fn moved(&self, from: &str, to: &str, below: &[String]) {
        let from = from.trim_end_matches('/');
        let to = to.trim_end_matches('/');
        let mut ids = Vec::new();
        self.table.update(|t| {
            let mut carried = Vec::new();
            for rel in std::iter::once("").chain(below.iter().map(String::as_str)) {
                let old = format!("{from}{rel}");
                let (id, _) = t.id_of(&old);
                let mut record = t.items.get(&key(&old)).cloned().unwrap_or_default();
                record.id = Some(id.clone());
                carried.push((format!("{to}{rel}"), record));
                ids.push((id, format!("{to}{rel}")));
            }
            let prefix = key(from);
            t.items.retain(|k, _| !is_within(k, &prefix));
            for (remote, record) in carried {
                t.items.insert(key(&remote), record);
            }
            // A moved item whose id is its new path's own needs no record.
            t.items.retain(|k, r| {
                if r.id.as_deref().is_some_and(|id| id == item_id(k)) {
                    r.id = None;
                }
                !r.is_empty()
            });
        });
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        for (id, remote) in ids {
            known.insert(id, remote);
        }
    }
}

fn timestamp(t: SystemTime) -> String {
    utc_timestamp(&DateTime::<Utc>::from(t))
}

fn utc_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn mime_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "heic" => "image/heic",
        "tif" | "tiff" => "image/tiff",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "txt" => "text/plain",
        "json" => "application/json",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// `/drive/root:` for the root's children, `/drive/root:/a/b` deeper down.
fn parent_path(parent_remote: &str) -> String {
    format!("/drive/root:{}", parent_remote.trim_end_matches('/'))
}

/// The `eTag` and `cTag` of an item: both change whenever the content or the
/// modification time does.
pub(super) fn tags(id: &str, modified: SystemTime, size: u64) -> (String, String) {
    let version = modified.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0) ^ size as u128;
    (format!("\"{{{id}}},{version}\""), format!("\"c:{{{id}}},{version}\""))
}

/// The driveItem of an existing entry; its `webUrl` is the emulator's page for it
/// (see [`crate::web`]) at the origin the client reached, and a file's
/// `@microsoft.graph.downloadUrl` a pre-authenticated URL there.
pub(super) fn drive_item(app: &App, entry: &Entry, origin: &Origin) -> std::io::Result<Value> {
    let store = &app.store;
    let ids = &app.graph.ids;
    let meta = fs::metadata(&entry.fs_path)?;
    let modified = meta.modified()?;
    let created = meta.created().unwrap_or(modified);
    let id = ids.remember(&entry.remote);
    let record = ids.record(&entry.remote);
    let is_root = entry.remote == "/";
    let name = if is_root { "root".to_owned() } else { entry.remote.rsplit('/').next().unwrap_or_default().to_owned() };
    let size = if entry.is_dir { crate::store::dir_size(&entry.fs_path)? } else { meta.len() };
    let (etag, ctag) = tags(&id, modified, size);
    let fs_created = record.created.map_or_else(|| timestamp(created), |t| utc_timestamp(&t));
    let fs_modified = match record.modified.filter(|_| entry.is_dir) {
        Some(t) => utc_timestamp(&t),
        None => timestamp(modified),
    };
    let mut item = json!({
        "id": id,
        "name": name,
        "size": size,
        "createdDateTime": timestamp(created),
        "lastModifiedDateTime": timestamp(modified),
        "eTag": etag,
        "cTag": ctag,
        "webUrl": crate::web::onedrive_url(origin, &entry.remote),
        "createdBy": {"user": {"displayName": crate::USER_NAME, "id": ONEDRIVE_DRIVE_ID}},
        "lastModifiedBy": {"user": {"displayName": crate::USER_NAME, "id": ONEDRIVE_DRIVE_ID}},
        "fileSystemInfo": {"createdDateTime": fs_created, "lastModifiedDateTime": fs_modified},
    });
    let mut parent = json!({"driveId": ONEDRIVE_DRIVE_ID, "driveType": "personal"});
    if !is_root {
        let parent_remote = match entry.remote.rsplit_once('/') {
            Some(("", _)) | None => "/",
            Some((p, _)) => p,
        };
        parent["id"] = json!(ids.remember(parent_remote));
        parent["path"] = json!(parent_path(parent_remote));
    }
    item["parentReference"] = parent;
    if entry.is_dir {
        let child_count = fs::read_dir(&entry.fs_path)?.count();
        item["folder"] = json!({"childCount": child_count, "view": {"viewType": "thumbnails", "sortBy": "name", "sortOrder": "ascending"}});
        if is_root {
            item["root"] = json!({});
        }
    } else {
        let hashes = store.hashes(&entry.fs_path)?;
        item["file"] = json!({"mimeType": mime_type(&name), "hashes": {"quickXorHash": hashes.quickxor}});
        item["@microsoft.graph.downloadUrl"] = json!(app.graph.downloads.url(origin, &id));
    }
    Ok(item)
}

/// `$select`: keeps only the named properties (and always `id`).
pub(super) fn select(item: Value, fields: Option<&[String]>) -> Value {
    let (Some(fields), Value::Object(obj)) = (fields, &item) else {
        return item;
    };
    let kept: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| *k == "id" || fields.iter().any(|f| f == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(kept)
}

/// The `$select` list of a query string value.
pub(super) fn parse_select(value: &str) -> Vec<String> {
    value.split(',').map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect()
}

/// Looks up an existing entry or answers `itemNotFound`.
pub(super) fn existing(store: &Store, remote: &str) -> GraphResult<Entry> {
    store.lookup(Service::OneDrive, remote)?.ok_or_else(GraphError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_case_insensitive() {
        assert_eq!(item_id("/A/b.jpg"), item_id("/a/B.JPG"));
        assert_ne!(item_id("/a/b.jpg"), item_id("/a/c.jpg"));
        assert_eq!(item_id("/"), root_id());
        assert!(item_id("/x").starts_with("E1F0C0DE0D51A3B7!"));
    }

    #[test]
    fn select_keeps_named_fields_and_id() {
        let v = json!({"id": "1", "name": "a", "size": 3});
        assert_eq!(select(v, Some(&["name".to_owned()])), json!({"id": "1", "name": "a"}));
    }
}
