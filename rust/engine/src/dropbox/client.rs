//! Dropbox's HTTP plumbing: the client for RPC calls, the `Dropbox-API-Arg`
//! header, error unions, paths and entries. The calls themselves are in
//! [`super::service`] (account, space usage, listing, folders, metadata),
//! [`super::upload`] and [`super::batch`].

use super::types::{ApiError, Metadata};
use crate::registration::{RegistrationOrigin, RegistrationProblem};
use crate::http::{Auth, Reply, Transport};
use crate::remote::{normalize, RemoteEntry};
use crate::{Error, Result, ServiceKind};
use reqwest::header::CONTENT_TYPE;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

/// Dropbox's two API hosts reached through one transport, shared by the
/// service object and its commit batcher.
#[derive(Debug, Clone)]
pub(crate) struct DropboxClient {
    pub(super) transport: Transport,
    /// RPC host, e.g. `https://api.dropboxapi.com`.
    pub(super) api: String,
    /// Content host, e.g. `https://content.dropboxapi.com`.
    pub(super) content: String,
}

/// JSON for the `Dropbox-API-Arg` header: every character from U+007F up is
/// written as `\uXXXX` (surrogate pairs above U+FFFF), as Dropbox requires.
pub(crate) fn header_arg<T: Serialize>(arg: &T) -> Result<String> {
    let json = serde_json::to_string(arg).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if (c as u32) < 0x7F {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    Ok(out)
}

/// The chain of `.tag`s of an error union, outermost first
/// (`path/conflict/folder` as `["path", "conflict", "folder"]`).
pub(super) fn tags(error: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = error;
    while let Some(tag) = current.get(".tag").and_then(|t| t.as_str()) {
        out.push(tag.to_owned());
        match current.get(tag) {
            Some(inner) if inner.is_object() => current = inner,
            _ => break,
        }
    }
    out
}

/// The first number called `key` anywhere in an error (`correct_offset`).
pub(super) fn find_u64(v: &serde_json::Value, key: &str) -> Option<u64> {
    match v {
        serde_json::Value::Object(map) => {
            map.get(key).and_then(|x| x.as_u64()).or_else(|| map.values().find_map(|x| find_u64(x, key)))
        }
        _ => None,
    }
}

/// An endpoint's error (409) or any other failure, as (tags, error JSON).
pub(super) fn api_error(reply: &Reply) -> (Vec<String>, serde_json::Value) {
    match serde_json::from_slice::<ApiError>(&reply.body) {
        Ok(e) => (tags(&e.error), e.error),
        Err(_) => (Vec::new(), serde_json::Value::Null),
    }
}

pub(super) fn service_error(reply: &Reply) -> Error {
    let (code, message) = match serde_json::from_slice::<ApiError>(&reply.body) {
        // auth.stone's AuthError: the token lacks a permission the endpoint needs.
        Ok(e) if reply.status == 401 && tags(&e.error).first().is_some_and(|t| t == "missing_scope") => {
            let scope = e.error.get("required_scope").and_then(|s| s.as_str()).unwrap_or("").to_owned();
            return Error::Registration {
                service: ServiceKind::Dropbox,
                problem: RegistrationProblem::MissingPermission { scope },
                origin: RegistrationOrigin::Own,
                detail: e.error_summary,
            };
        }
        Ok(e) => {
            let t = tags(&e.error);
            let code = if t.is_empty() { e.error_summary.clone() } else { t.join("/") };
            (code, e.error_summary)
        }
        Err(_) => (String::new(), String::from_utf8_lossy(&reply.body).chars().take(200).collect()),
    };
    Error::Service { service: ServiceKind::Dropbox, status: reply.status, code, message }
}

/// Dropbox names the root `""`; every other path starts with `/`.
pub(super) fn api_path(path: &str) -> String {
    let p = normalize(path);
    if p == "/" {
        String::new()
    } else {
        p
    }
}

pub(super) fn entry(m: Metadata) -> RemoteEntry {
    RemoteEntry {
        path: m.path_display.clone().unwrap_or_else(|| format!("/{}", m.name)),
        is_folder: m.tag == "folder",
        size: m.size,
        hash: m.content_hash,
        web_url: None,
        name: m.name,
    }
}

impl DropboxClient {
    /// An RPC call with a JSON argument (`None`: the `null` argument).
    pub(super) async fn rpc<T: Serialize>(
        &self,
        endpoint: &str,
        arg: Option<&T>,
        cancel: &CancellationToken,
    ) -> Result<Reply> {
        let url = format!("{}/2/{endpoint}", self.api);
        let body = match arg {
            Some(a) => serde_json::to_vec(a).map_err(|e| Error::InvalidInput(e.to_string()))?,
            None => b"null".to_vec(),
        };
        let client = self.transport.client().clone();
        self.transport
            .send(cancel, Auth::Bearer, endpoint, |_| {
                Ok(client.post(&url).header(CONTENT_TYPE, "application/json").body(body.clone()))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn header_args_escape_everything_from_del_up() {
        let arg = json!({"path": "/Fotos/Ä\u{7f}😀.jpg"});
        let s = header_arg(&arg).unwrap();
        assert_eq!(s, r#"{"path":"/Fotos/\u00c4\u007f\ud83d\ude00.jpg"}"#);
        assert!(s.is_ascii());
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, arg);
    }

    #[test]
    fn error_tags_follow_the_union_nesting() {
        let e = json!({".tag": "path", "path": {".tag": "conflict", "conflict": {".tag": "folder"}}});
        assert_eq!(tags(&e), ["path", "conflict", "folder"]);
        let e = json!({".tag": "lookup_failed", "lookup_failed": {".tag": "incorrect_offset", "correct_offset": 42}});
        assert_eq!(tags(&e), ["lookup_failed", "incorrect_offset"]);
        assert_eq!(find_u64(&e, "correct_offset"), Some(42));
    }

    #[test]
    fn the_root_is_the_empty_path() {
        assert_eq!(api_path("/"), "");
        assert_eq!(api_path("a/b/"), "/a/b");
    }
}
