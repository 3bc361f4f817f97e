//! Helpers shared by the Graph contract tests (`graph_*.rs`).
#![allow(dead_code)]

use crate::common::{self, Harness, TOKEN};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const DRIVE: &str = "/v1.0/me/drive";
/// Every fragment but the last must be a multiple of this.
pub const UNIT: usize = 327_680;

pub async fn get(h: &Harness, path: &str) -> (StatusCode, Value) {
    let resp = h.client.get(h.url(path)).bearer_auth(TOKEN).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Simple upload to `root:/{path}:/content` with an optional query string.
pub async fn upload(h: &Harness, path: &str, query: &str, data: &[u8]) -> (StatusCode, Value) {
    let url = h.url(&format!("{DRIVE}/root:/{path}:/content{query}"));
    let resp = h.client.put(url).bearer_auth(TOKEN).body(data.to_vec()).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub async fn post_json(h: &Harness, path: &str, body: &Value) -> (StatusCode, Value) {
    let resp = h.client.post(h.url(path)).bearer_auth(TOKEN).json(body).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// `createUploadSession` for `root:/{path}:`; returns the status and body.
pub async fn create_session(h: &Harness, path: &str, body: &Value) -> (StatusCode, Value) {
    post_json(h, &format!("{DRIVE}/root:/{path}:/createUploadSession"), body).await
}

/// Creates a session that must succeed; returns its upload URL.
pub async fn session_url(h: &Harness, path: &str, body: &Value) -> String {
    let (status, json) = create_session(h, path, body).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json["uploadUrl"].as_str().expect("uploadUrl").to_owned()
}

/// PUTs `data` as the fragment starting at `start` of a `total`-byte file (no bearer).
pub async fn fragment(h: &Harness, url: &str, data: &[u8], start: usize, total: usize) -> (StatusCode, Value) {
    let range = format!("bytes {}-{}/{}", start, start + data.len() - 1, total);
    let resp = h.client.put(url).header("Content-Range", range).body(data.to_vec()).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Uploads `data` through `url` in fragments of `chunk` bytes; returns the last answer.
pub async fn upload_all(h: &Harness, url: &str, data: &[u8], chunk: usize) -> (StatusCode, Value) {
    let mut last = (StatusCode::IM_A_TEAPOT, Value::Null);
    for start in (0..data.len()).step_by(chunk) {
        let end = (start + chunk).min(data.len());
        last = fragment(h, url, &data[start..end], start, data.len()).await;
        if end < data.len() {
            assert_eq!(last.0, StatusCode::ACCEPTED, "{}", last.1);
            assert_eq!(last.1["nextExpectedRanges"][0], format!("{end}-"));
        }
    }
    last
}

pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

pub fn inner_code(body: &Value) -> &str {
    body["error"]["innerError"]["code"].as_str().unwrap_or("")
}

/// Stops the emulator and starts a new one on the same address and data folder.
pub async fn restart(h: Harness) -> Harness {
    common::restart(h).await
}

/// Sends a raw HTTP/1.1 request (for URLs a client library would normalize)
/// and returns what comes back, the status line first.
pub async fn raw(h: &Harness, head: &str, body: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(h.emu.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends the head and part of a body, then drops the connection.
pub async fn raw_cut_short(h: &Harness, head: &str, partial: &[u8]) {
    let mut stream = tokio::net::TcpStream::connect(h.emu.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(partial).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
}

/// Every file below the data folder (stored files and emulator state), for
/// checking that a refused request wrote nothing.
pub fn all_files(h: &Harness) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![h.dir.path().to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.to_string_lossy().ends_with(".json") {
                out.push(p.strip_prefix(h.dir.path()).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
