//! Item ids and the driveItem JSON of stored files and folders.
//!
//! Ids are derived from the lowercased remote path (the store is
//! case-insensitive), so they are stable across restarts without a database;
//! the id -> path map is a cache, rebuilt by walking the store for an unknown id.

use super::error::{GraphError, GraphResult};
use crate::origin::Origin;
use crate::store::{Entry, Store};
use crate::tokens::Service;
use crate::ONEDRIVE_DRIVE_ID;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::sync::Mutex;
use std::time::SystemTime;

fn id_prefix() -> String {
    ONEDRIVE_DRIVE_ID.to_uppercase()
}

pub fn root_id() -> String {
    format!("{}!101", id_prefix())
}

/// The id of the item at `remote` (`/` is the root).
pub fn item_id(remote: &str) -> String {
    let key = remote.trim_end_matches('/').to_lowercase();
    if key.is_empty() {
        return root_id();
    }
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02X}")).collect();
    format!("{}!{hex}", id_prefix())
}

#[derive(Default)]
pub struct Ids {
    known: Mutex<HashMap<String, String>>,
}

impl Ids {
    pub fn remember(&self, remote: &str) -> String {
        let id = item_id(remote);
        self.known.lock().unwrap_or_else(|p| p.into_inner()).insert(id.clone(), remote.to_owned());
        id
    }

    /// The remote path of an id, or `None` if no stored item has it.
    pub fn resolve(&self, store: &Store, id: &str) -> std::io::Result<Option<String>> {
        if id.eq_ignore_ascii_case(&root_id()) {
            return Ok(Some("/".to_owned()));
        }
        if let Some(remote) = self.known.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
            return Ok(Some(remote.clone()));
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
}

fn timestamp(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn mime_type(name: &str) -> &'static str {
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

/// The driveItem of an existing entry; its `webUrl` is the emulator's page for it
/// (see [`crate::web`]) at the origin the client reached.
pub fn drive_item(store: &Store, ids: &Ids, entry: &Entry, origin: &Origin) -> std::io::Result<Value> {
    let meta = fs::metadata(&entry.fs_path)?;
    let modified = meta.modified()?;
    let created = meta.created().unwrap_or(modified);
    let id = ids.remember(&entry.remote);
    let is_root = entry.remote == "/";
    let name = if is_root { "root".to_owned() } else { entry.remote.rsplit('/').next().unwrap_or_default().to_owned() };
    let size = if entry.is_dir { crate::store::dir_size(&entry.fs_path)? } else { meta.len() };
    // Both tags change whenever the content or the modification time does.
    let version = modified.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0) ^ size as u128;
    let mut item = json!({
        "id": id,
        "name": name,
        "size": size,
        "createdDateTime": timestamp(created),
        "lastModifiedDateTime": timestamp(modified),
        "eTag": format!("\"{{{id}}},{version}\""),
        "cTag": format!("\"c:{{{id}}},{version}\""),
        "webUrl": crate::web::onedrive_url(origin, &entry.remote),
        "createdBy": {"user": {"displayName": crate::USER_NAME, "id": ONEDRIVE_DRIVE_ID}},
        "lastModifiedBy": {"user": {"displayName": crate::USER_NAME, "id": ONEDRIVE_DRIVE_ID}},
        "fileSystemInfo": {"createdDateTime": timestamp(created), "lastModifiedDateTime": timestamp(modified)},
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
    }
    Ok(item)
}

/// `$select`: keeps only the named properties (and always `id`).
pub fn select(item: Value, fields: Option<&[String]>) -> Value {
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
pub fn parse_select(value: &str) -> Vec<String> {
    value.split(',').map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect()
}

/// Looks up an existing entry or answers `itemNotFound`.
pub fn existing(store: &Store, remote: &str) -> GraphResult<Entry> {
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
