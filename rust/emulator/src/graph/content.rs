//! Item metadata, deletion and downloads. `GET .../content` answers, as Graph
//! does, with a 302 to a short-lived pre-authenticated URL that serves the bytes
//! (the same URL as the item's `@microsoft.graph.downloadUrl`), with byte ranges.
//!
//! A download URL carries the item id and an expiry, signed with a key kept in
//! the state folder, so URLs handed out stay good across a restart with the
//! same data and no table of them is needed.

use super::error::{GraphError, GraphResult};
use super::items::{self, drive_item};
use super::paths::ItemRef;
use super::{blocking, query_value, resolve, tagged};
use crate::origin::Origin;
use crate::tokens::Service;
use crate::App;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::Path;

/// How long a download URL stays valid (Graph's last from minutes to about an hour).
const DOWNLOAD_URL_LIFETIME_SECS: i64 = 3600;
const KEY_LEN: usize = 32;

/// Signs and checks download URLs.
pub(super) struct Downloads {
    key: [u8; KEY_LEN],
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// HMAC-SHA-256 (RFC 2104) over `message`.
fn hmac(key: &[u8; KEY_LEN], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..KEY_LEN].copy_from_slice(key);
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

impl Downloads {
    /// Loads the signing key from `state_dir` (`graph-download-key.json`), creating it on first use.
    pub(super) fn open(state_dir: &Path) -> std::io::Result<Self> {
        let path = state_dir.join("graph-download-key.json");
        let invalid =
            || std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{} is not a signing key", path.display()));
        let mut key = [0u8; KEY_LEN];
        match std::fs::read(&path) {
            Ok(bytes) => {
                let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
                let hex = value.get("key").and_then(|k| k.as_str()).filter(|h| h.len() == 2 * KEY_LEN && h.is_ascii());
                let hex = hex.ok_or_else(invalid)?;
                for (i, byte) in key.iter_mut().enumerate() {
                    *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| invalid())?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                rand::fill(&mut key[..]);
                let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                let tmp = path.with_extension("json.tmp");
                std::fs::write(&tmp, serde_json::json!({ "key": hex }).to_string())?;
                std::fs::rename(&tmp, &path)?;
            }
            Err(e) => return Err(e),
        }
        Ok(Self { key })
    }

    fn token(&self, id: &str, expires: i64) -> String {
        let payload = format!("{id}\n{expires}");
        let mac = hmac(&self.key, payload.as_bytes());
        format!("{}.{}", b64().encode(payload), b64().encode(&mac[..20]))
    }

    /// A fresh download URL for the item `id` at `origin`.
    pub(super) fn url(&self, origin: &Origin, id: &str) -> String {
        let expires = chrono::Utc::now().timestamp() + DOWNLOAD_URL_LIFETIME_SECS;
        format!("{origin}/_download/graph/{}", self.token(id, expires))
    }

    /// The item id a token was issued for, if it is genuine and not expired.
    fn check(&self, token: &str) -> Option<String> {
        let (payload_b64, mac_b64) = token.split_once('.')?;
        let payload = String::from_utf8(b64().decode(payload_b64).ok()?).ok()?;
        let mac = b64().decode(mac_b64).ok()?;
        let expected = hmac(&self.key, payload.as_bytes());
        // Constant-time comparison.
        if mac.len() != 20 || mac.iter().zip(&expected[..20]).fold(0u8, |acc, (a, b)| acc | (a ^ b)) != 0 {
            return None;
        }
        let (id, expires) = payload.rsplit_once('\n')?;
        let expires: i64 = expires.parse().ok()?;
        (expires > chrono::Utc::now().timestamp()).then(|| id.to_owned())
    }
}

pub(super) async fn metadata(
    app: &App,
    origin: &Origin,
    item: ItemRef,
    query: Vec<(String, String)>,
) -> GraphResult<Response> {
    let origin = origin.clone();
    blocking(app, move |app| {
        let entry = items::existing(&app.store, &resolve(app, &item)?)?;
        let value = drive_item(app, &entry, &origin)?;
        let fields = query_value(&query, "$select").map(items::parse_select);
        Ok(Json(items::select(value, fields.as_deref())).into_response())
    })
    .await
}

pub(super) async fn delete(app: &App, item: ItemRef) -> GraphResult<Response> {
    blocking(app, move |app| {
        let entry = items::existing(&app.store, &resolve(app, &item)?)?;
        if entry.remote == "/" {
            return Err(GraphError::new(StatusCode::FORBIDDEN, "accessDenied", "The root folder cannot be deleted."));
        }
        let _guard = app.graph.commit_lock.lock().unwrap_or_else(|p| p.into_inner());
        app.store.remove(Service::OneDrive, &entry)?;
        app.graph.ids.forget(&entry.remote);
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// Whether an `If-None-Match` / `If-Match` value lists one of the item's tags (or `*`).
/// Graph's tags contain commas, so the list is split only outside quotes.
pub(super) fn tag_listed(value: &str, tags: &(String, String)) -> bool {
    let mut listed = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                listed.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    listed.push(&value[start..]);
    listed.into_iter().map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == tags.0 || t == tags.1)
}

/// The tags of a stored entry, as its driveItem shows them.
pub(super) fn entry_tags(app: &App, entry: &crate::store::Entry) -> std::io::Result<(String, String)> {
    let meta = std::fs::metadata(&entry.fs_path)?;
    let size = if entry.is_dir { crate::store::dir_size(&entry.fs_path)? } else { meta.len() };
    Ok(items::tags(&app.graph.ids.remember(&entry.remote), meta.modified()?, size))
}

pub(super) async fn redirect(app: &App, headers: &HeaderMap, origin: &Origin, item: ItemRef) -> GraphResult<Response> {
    let base = origin.clone();
    let if_none_match = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    blocking(app, move |app| {
        let entry = items::existing(&app.store, &resolve(app, &item)?)?;
        if entry.is_dir {
            return Err(GraphError::invalid_request("A folder has no content to download."));
        }
        if let Some(value) = if_none_match {
            if tag_listed(&value, &entry_tags(app, &entry)?) {
                return Ok(StatusCode::NOT_MODIFIED.into_response());
            }
        }
        let id = app.graph.ids.remember(&entry.remote);
        let location = app.graph.downloads.url(&base, &id);
        Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
    })
    .await
}

/// `GET /_download/graph/{token}`: the bytes, no bearer needed, streamed from disk.
pub(super) async fn serve(State(app): State<App>, UrlPath(token): UrlPath<String>, headers: HeaderMap) -> Response {
    let result = async {
        let id = app.graph.downloads.check(&token).ok_or_else(GraphError::not_found)?;
        let entry = blocking(&app, move |app| {
            let remote = app.graph.ids.resolve(&app.store, &id)?.ok_or_else(GraphError::not_found)?;
            items::existing(&app.store, &remote)
        })
        .await?;
        if entry.is_dir {
            return Err(GraphError::not_found());
        }
        let file = tokio::fs::File::open(&entry.fs_path).await?;
        let len = file.metadata().await?.len();
        let name = entry.remote.rsplit('/').next().unwrap_or_default();
        let mut head = HeaderMap::new();
        head.insert(header::CONTENT_TYPE, HeaderValue::from_static(items::mime_type(name)));
        let mut resp = crate::ranged::file_response(&headers, file, len, head).await?;
        if resp.status() == StatusCode::RANGE_NOT_SATISFIABLE {
            // Graph explains a refused range in its own error body.
            let error = GraphError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "invalidRange",
                "The requested range is not satisfiable.",
            );
            let kept = std::mem::take(resp.headers_mut());
            resp = error.into_response();
            resp.headers_mut().extend(
                kept.into_iter().filter_map(|(k, v)| k.map(|k| (k, v))).filter(|(k, _)| *k != header::CONTENT_TYPE),
            );
        }
        Ok(resp)
    }
    .await;
    tagged("graph.download_content", result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_lists_split_outside_quotes() {
        let tags = ("\"{A!1},5\"".to_owned(), "\"c:{A!1},5\"".to_owned());
        assert!(tag_listed("\"{A!1},5\"", &tags));
        assert!(tag_listed("\"x,1\", \"c:{A!1},5\"", &tags));
        assert!(tag_listed("*", &tags));
        assert!(!tag_listed("\"{A!1},6\"", &tags));
    }

    #[test]
    fn tokens_are_signed_and_expire() {
        let d = Downloads { key: [7; KEY_LEN] };
        let t = d.token("ID!1", chrono::Utc::now().timestamp() + 60);
        assert_eq!(d.check(&t).as_deref(), Some("ID!1"));
        let other = Downloads { key: [8; KEY_LEN] };
        assert_eq!(other.check(&t), None);
        assert_eq!(d.check(&d.token("ID!1", chrono::Utc::now().timestamp() - 1)), None);
        assert_eq!(d.check("garbage"), None);
    }
}
