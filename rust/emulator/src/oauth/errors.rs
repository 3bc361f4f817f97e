//! Error bodies of the two token endpoints.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A random GUID-shaped id, as Microsoft puts in `trace_id` and `correlation_id`.
pub(super) fn guid() -> String {
    let b: [u8; 16] = rand::random();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Microsoft identity's error: HTTP 400 `{error, error_description, error_codes,
/// timestamp, trace_id, correlation_id}`; the description starts with `AADSTS<code>: `.
pub(super) fn microsoft(error: &str, code: u32, message: &str) -> Response {
    let now = chrono::Utc::now();
    let trace_id = guid();
    let correlation_id = guid();
    let timestamp = now.format("%Y-%m-%d %H:%M:%SZ").to_string();
    let description = format!(
        "AADSTS{code}: {message}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"
    );
    let body = json!({
        "error": error,
        "error_description": description,
        "error_codes": [code],
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
    });
    no_store((StatusCode::BAD_REQUEST, Json(body)).into_response())
}

/// Microsoft's answer to a request that lacks a parameter.
pub(super) fn microsoft_missing(name: &str) -> Response {
    microsoft("invalid_request", 900144, &format!("The request body must contain the following parameter: '{name}'."))
}

/// Dropbox's OAuth error: HTTP 400 `{"error", "error_description"}`.
pub(super) fn dropbox(error: &str, description: &str) -> Response {
    no_store((StatusCode::BAD_REQUEST, Json(json!({"error": error, "error_description": description}))).into_response())
}

/// Token responses must not be cached (RFC 6749 section 5.1); both services send these.
pub(super) fn no_store(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}
