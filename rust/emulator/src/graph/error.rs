//! Graph's error answer: `{"error":{"code","message","innererror":{...}}}`.

use crate::store::PathError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The detailed code Graph puts in `innererror.code` (`fragmentOverlap`, ...).
    pub inner: Option<&'static str>,
}

pub type GraphResult<T> = Result<T, GraphError>;

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), inner: None }
    }

    pub fn with_inner(mut self, inner: &'static str) -> Self {
        self.inner = Some(inner);
        self
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalidRequest", message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "itemNotFound", "The resource could not be found.")
    }

    pub fn name_exists(name: &str) -> Self {
        Self::new(StatusCode::CONFLICT, "nameAlreadyExists", format!("An item named '{name}' already exists."))
    }

    pub fn quota() -> Self {
        Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "quotaLimitReached",
            "Insufficient Space Available: the user has reached their quota limit.",
        )
    }

    pub fn session_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "itemNotFound", "The upload session was not found or has expired.")
            .with_inner("uploadSessionNotFound")
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            format!("An unspecified error has occurred: {e}"),
        )
    }
}

impl From<PathError> for GraphError {
    fn from(e: PathError) -> Self {
        match e {
            PathError::Invalid(m) => GraphError::invalid_request(m),
            PathError::NotFound => GraphError::not_found(),
            // A file where the path needs a folder: the name is taken by an item
            // of the wrong kind, which Graph reports as a conflict.
            PathError::NotAFolder => GraphError::new(
                StatusCode::CONFLICT,
                "nameAlreadyExists",
                "A file is in the way of a folder in the path.",
            ),
            PathError::Io(e) => GraphError::internal(e),
        }
    }
}

impl From<std::io::Error> for GraphError {
    fn from(e: std::io::Error) -> Self {
        GraphError::internal(e)
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut inner = json!({
            "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "request-id": crate::tokens::random_token(12),
        });
        if let Some(code) = self.inner {
            inner["code"] = json!(code);
        }
        let body = json!({"error": {"code": self.code, "message": self.message, "innererror": inner}});
        (self.status, axum::Json(body)).into_response()
    }
}
