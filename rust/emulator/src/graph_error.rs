//! Graph's error answer, as real responses carry it (learn.microsoft.com/graph/errors):
//! `{"error":{"code","message","innerError":{"code"?,"date","request-id","client-request-id"}}}`.
//! Every Graph error of the emulator (handlers, the bearer check, injected faults)
//! is a [`GraphError`]; [`echo_client_request_id`] puts the request's own
//! `client-request-id` into the body, as the service does.

use crate::store::PathError;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The request header a Graph client may send to correlate its requests; the
/// service echoes it in `innerError` and in the response header of that name.
pub(crate) const CLIENT_REQUEST_ID: &str = "client-request-id";

/// A rendered Graph error body, kept on the response until
/// [`echo_client_request_id`] has seen the request.
#[derive(Clone)]
struct RenderedError(Value);

#[derive(Debug)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The detailed code Graph puts in `innererror.code` (`fragmentOverlap`, ...).
    pub inner: Option<&'static str>,
}

pub(crate) type GraphResult<T> = Result<T, GraphError>;

impl GraphError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), inner: None }
    }

    pub(crate) fn with_inner(mut self, inner: &'static str) -> Self {
        self.inner = Some(inner);
        self
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalidRequest", message)
    }

    pub(crate) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "itemNotFound", "The resource could not be found.")
    }

    pub(crate) fn name_exists(name: &str) -> Self {
        Self::new(StatusCode::CONFLICT, "nameAlreadyExists", format!("An item named '{name}' already exists."))
    }

    pub(crate) fn quota() -> Self {
        Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "quotaLimitReached",
            "Insufficient Space Available: the user has reached their quota limit.",
        )
    }

    pub(crate) fn session_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "itemNotFound", "The upload session was not found or has expired.")
            .with_inner("uploadSessionNotFound")
    }

    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
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

/// The one place a Graph error body is made. Without a `client-request-id` from
/// the client the service makes one up, like `request-id`.
fn error_body(code: &str, message: &str, inner_code: Option<&str>) -> Value {
    let mut inner = json!({
        "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "request-id": uuid_like(),
        CLIENT_REQUEST_ID: uuid_like(),
    });
    if let Some(code) = inner_code {
        inner["code"] = json!(code);
    }
    json!({"error": {"code": code, "message": message, "innerError": inner}})
}

/// A random id shaped like the GUIDs Graph uses for request ids.
fn uuid_like() -> String {
    let mut b = [0u8; 16];
    rand::fill(&mut b[..]);
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let body = error_body(self.code, &self.message, self.inner);
        let mut resp = (self.status, axum::Json(body.clone())).into_response();
        resp.extensions_mut().insert(RenderedError(body));
        resp
    }
}

/// Middleware: a Graph error answer carries the request's `client-request-id`
/// (in `innerError` and as a response header) when the request had one.
pub(crate) async fn echo_client_request_id(req: Request, next: Next) -> Response {
    let sent = req.headers().get(CLIENT_REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let resp = next.run(req).await;
    let Some(id) = sent else {
        return resp;
    };
    let Some(RenderedError(mut body)) = resp.extensions().get::<RenderedError>().cloned() else {
        return resp;
    };
    body["error"]["innerError"][CLIENT_REQUEST_ID] = json!(id);
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    if let Ok(v) = HeaderValue::from_str(&id) {
        parts.headers.insert(CLIENT_REQUEST_ID, v);
    }
    let mut out = axum::Json(body).into_response();
    *out.status_mut() = parts.status;
    for (name, value) in parts.headers.iter() {
        out.headers_mut().insert(name.clone(), value.clone());
    }
    out
}
