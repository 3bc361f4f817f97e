//! Calls to the emulator's Dropbox routes as a client written from Dropbox's
//! HTTP docs would make them.
#![allow(dead_code)]

use crate::common::{Harness, TOKEN};
use reqwest::StatusCode;
use serde_json::Value;

/// JSON for the `Dropbox-API-Arg` header: everything above U+007E escaped as
/// `\uXXXX` (UTF-16 surrogate pairs beyond the BMP), as Dropbox requires.
pub fn header_arg(arg: &Value) -> String {
    let mut out = String::new();
    for c in arg.to_string().chars() {
        if (c as u32) < 0x7f {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// The body as JSON, or as a JSON string when it is plain text.
async fn answer(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.expect("response body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// An RPC call with a JSON argument.
pub async fn rpc(h: &Harness, route: &str, arg: Value) -> (StatusCode, Value) {
    let resp =
        h.client.post(h.url(&format!("/2/{route}"))).bearer_auth(TOKEN).json(&arg).send().await.expect("rpc call");
    answer(resp).await
}

/// A content call: argument in `Dropbox-API-Arg`, data as the body.
pub async fn content(h: &Harness, route: &str, arg: Value, data: Vec<u8>) -> (StatusCode, Value) {
    let resp = h
        .client
        .post(h.url(&format!("/2/{route}")))
        .bearer_auth(TOKEN)
        .header("Dropbox-API-Arg", header_arg(&arg))
        .header("Content-Type", "application/octet-stream")
        .body(data)
        .send()
        .await
        .expect("content call");
    answer(resp).await
}

pub async fn upload(h: &Harness, path: &str, data: &[u8]) -> (StatusCode, Value) {
    content(h, "files/upload", serde_json::json!({ "path": path }), data.to_vec()).await
}

pub fn tag(v: &Value) -> &str {
    v[".tag"].as_str().unwrap_or_default()
}

/// The tag chain of a 409 body's `error`, e.g. `path/conflict/file`.
pub fn error_tags(body: &Value) -> String {
    let mut tags = Vec::new();
    let mut current = &body["error"];
    while let Some(t) = current[".tag"].as_str() {
        tags.push(t.to_owned());
        current = if current[t].is_object() { &current[t] } else { &current["reason"] };
    }
    tags.join("/")
}

/// Starts a sequential session with `first` and returns its id.
pub async fn start_session(h: &Harness, first: &[u8], close: bool) -> String {
    let (status, body) =
        content(h, "files/upload_session/start", serde_json::json!({ "close": close }), first.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["session_id"].as_str().expect("session_id").to_owned()
}

pub async fn append(h: &Harness, session: &str, offset: u64, data: &[u8], close: bool) -> (StatusCode, Value) {
    let arg = serde_json::json!({ "cursor": { "session_id": session, "offset": offset }, "close": close });
    content(h, "files/upload_session/append_v2", arg, data.to_vec()).await
}

pub async fn finish(h: &Harness, session: &str, offset: u64, path: &str, data: &[u8]) -> (StatusCode, Value) {
    let arg = serde_json::json!({ "cursor": { "session_id": session, "offset": offset }, "commit": { "path": path } });
    content(h, "files/upload_session/finish", arg, data.to_vec()).await
}

pub fn hash(data: &[u8]) -> String {
    dkcloud_hash::content_hash_hex(data)
}
