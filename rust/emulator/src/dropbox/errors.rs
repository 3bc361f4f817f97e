//! Dropbox's error answers: an endpoint's own failures are HTTP 409 with a JSON
//! error union and an `error_summary`; malformed calls are HTTP 400 with a
//! plain-text explanation naming the API function.

use crate::stats::RequestKind;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// One Dropbox route: its documented name and the kind it is counted as.
#[derive(Clone, Copy)]
pub(crate) struct Route {
    pub name: &'static str,
    pub kind: &'static str,
}

pub(crate) enum ApiError {
    /// HTTP 400; the text follows `Error in call to API function "<route>": `.
    BadInput(String),
    /// HTTP 409 with this endpoint error union.
    Endpoint(Value),
    /// An answer made elsewhere (the bearer check's 400/401).
    Ready(Box<Response>),
    /// Something broke on our side (disk); HTTP 500.
    Internal(String),
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// A union member without a value: `{".tag": tag}`.
pub(crate) fn void(tag: &str) -> Value {
    json!({ ".tag": tag })
}

/// A union member whose value is itself a union: `{".tag": tag, tag: inner}`.
pub(crate) fn nested(tag: &str, inner: Value) -> Value {
    json!({ ".tag": tag, tag: inner })
}

/// `WriteError`, the reason a file or folder could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WriteFailure {
    MalformedPath,
    /// `file`, `folder` or `file_ancestor`.
    Conflict(&'static str),
    InsufficientSpace,
    /// A name Dropbox will not save (`desktop.ini`, ...).
    DisallowedName,
    /// Contention for the namespace's write lock: retry.
    TooManyWriteOperations,
}

/// Names Dropbox refuses with `disallowed_name` ("Dropbox will not save the file
/// or folder because of its name", files.stone `WriteError`), compared in
/// lowercase; the list is rclone's (backend/dropbox, its issues #108, #6786).
const DISALLOWED_NAMES: [&str; 6] = ["desktop.ini", "thumbs.db", ".ds_store", "icon\r", ".dropbox", ".dropbox.attr"];

/// Whether any component of `remote` is a name Dropbox does not save.
pub(crate) fn has_disallowed_name(remote: &str) -> bool {
    remote.split('/').any(|part| DISALLOWED_NAMES.contains(&part.to_lowercase().as_str()))
}

impl WriteFailure {
    pub(super) fn to_value(&self) -> Value {
        match self {
            WriteFailure::MalformedPath => void("malformed_path"),
            WriteFailure::Conflict(what) => nested("conflict", void(what)),
            WriteFailure::InsufficientSpace => void("insufficient_space"),
            WriteFailure::DisallowedName => void("disallowed_name"),
            WriteFailure::TooManyWriteOperations => void("too_many_write_operations"),
        }
    }
}

/// `LookupError`, the reason an existing path could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LookupFailure {
    MalformedPath,
    NotFound,
    NotFile,
    NotFolder,
}

impl LookupFailure {
    pub(super) fn to_value(self) -> Value {
        void(match self {
            LookupFailure::MalformedPath => "malformed_path",
            LookupFailure::NotFound => "not_found",
            LookupFailure::NotFile => "not_file",
            LookupFailure::NotFolder => "not_folder",
        })
    }
}

/// `UploadSessionLookupError` (and the concurrent-session members of its
/// extensions), why a session cannot take this call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionFailure {
    NotFound,
    IncorrectOffset(u64),
    Closed,
    NotClosed,
    TooLarge,
    PayloadTooLarge,
    ConcurrentInvalidOffset,
    ConcurrentInvalidDataSize,
}

impl SessionFailure {
    pub(super) fn to_value(self) -> Value {
        match self {
            SessionFailure::IncorrectOffset(n) => json!({".tag": "incorrect_offset", "correct_offset": n}),
            other => void(match other {
                SessionFailure::NotFound => "not_found",
                SessionFailure::Closed => "closed",
                SessionFailure::NotClosed => "not_closed",
                SessionFailure::TooLarge => "too_large",
                SessionFailure::PayloadTooLarge => "payload_too_large",
                SessionFailure::ConcurrentInvalidOffset => "concurrent_session_invalid_offset",
                _ => "concurrent_session_invalid_data_size",
            }),
        }
    }
}

/// `error_summary`: the chain of tags, then `/..`. Clients must not parse it
/// (they match on `.tag`), but people read it in logs.
pub(crate) fn summary(error: &Value) -> String {
    let mut tags = Vec::new();
    let mut current = error;
    while let Some(tag) = current.get(".tag").and_then(Value::as_str) {
        tags.push(tag.to_owned());
        // A union-valued member sits under its tag; a struct-valued member is
        // inlined, and its nested union (e.g. `reason`) is another field.
        let next = current.get(tag).filter(|v| v.get(".tag").is_some()).or_else(|| {
            current.as_object()?.iter().find(|(k, v)| k.as_str() != ".tag" && v.get(".tag").is_some()).map(|(_, v)| v)
        });
        match next {
            Some(n) => current = n,
            None => break,
        }
    }
    format!("{}/..", tags.join("/"))
}

fn plain(status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// The final answer of a route, counted under its kind.
pub(crate) fn respond(route: Route, result: ApiResult<Value>) -> Response {
    let mut resp = match result {
        Ok(body) => axum::Json(body).into_response(),
        Err(ApiError::BadInput(detail)) => {
            plain(StatusCode::BAD_REQUEST, format!("Error in call to API function \"{}\": {detail}", route.name))
        }
        Err(ApiError::Endpoint(error)) => {
            let body = json!({ "error_summary": summary(&error), "error": error });
            (StatusCode::CONFLICT, axum::Json(body)).into_response()
        }
        Err(ApiError::Ready(resp)) => *resp,
        Err(ApiError::Internal(what)) => {
            tracing::error!("dropbox {}: {what}", route.name);
            plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error".into())
        }
    };
    resp.extensions_mut().insert(RequestKind(route.kind));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_follows_nested_and_inlined_unions() {
        let lookup = nested("path", LookupFailure::NotFound.to_value());
        assert_eq!(summary(&lookup), "path/not_found/..");
        let upload =
            json!({".tag": "path", "reason": WriteFailure::Conflict("file").to_value(), "upload_session_id": "x"});
        assert_eq!(summary(&upload), "path/conflict/file/..");
        assert_eq!(summary(&SessionFailure::IncorrectOffset(5).to_value()), "incorrect_offset/..");
    }
}
