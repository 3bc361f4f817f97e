//! Reading a call's argument: JSON in the body for RPC routes; JSON in the
//! `Dropbox-API-Arg` header (or the `arg` URL parameter) for content routes,
//! whose body is the raw file data. Also the path patterns Dropbox enforces.

use super::errors::{ApiError, ApiResult};
use axum::body::Body;
use axum::http::{header, HeaderMap, Uri};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// RPC bodies are small; the largest is a 1000-entry `finish_batch_v2`.
const RPC_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Where an argument came from, named as Dropbox names it in its messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ArgSource {
    Body,
    Header,
    Query,
}

impl ArgSource {
    pub(super) fn label(self) -> &'static str {
        match self {
            ArgSource::Body => "request body",
            ArgSource::Header => "HTTP header \"Dropbox-API-Arg\"",
            ArgSource::Query => "URL parameter \"arg\"",
        }
    }
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers.get(header::CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
}

fn is_cors_hack(ct: &str) -> bool {
    ct.eq_ignore_ascii_case("text/plain; charset=dropbox-cors-hack")
}

fn bad_content_type(ct: &str, expected: &str) -> ApiError {
    ApiError::BadInput(format!("Bad HTTP \"Content-Type\" header: \"{ct}\".  Expecting one of {expected}."))
}

/// Decodes `bytes` as the JSON argument `T`.
fn decode<T: DeserializeOwned>(bytes: &[u8], source: ArgSource) -> ApiResult<T> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|_| ApiError::BadInput(format!("{}: could not decode input as JSON", source.label())))?;
    serde_json::from_value(value).map_err(|e| ApiError::BadInput(format!("{}: {e}", source.label())))
}

async fn rpc_body(headers: &HeaderMap, body: Body) -> ApiResult<Option<axum::body::Bytes>> {
    let bytes = axum::body::to_bytes(body, RPC_BODY_LIMIT)
        .await
        .map_err(|_| ApiError::BadInput("request body: too large or cut short".into()))?;
    match content_type(headers) {
        None if bytes.is_empty() => Ok(None),
        Some(ct) if is_json(&ct) || is_cors_hack(&ct) => Ok(Some(bytes)),
        ct => Err(bad_content_type(
            ct.as_deref().unwrap_or(""),
            "\"application/json\", \"application/json; charset=utf-8\", \"text/plain; charset=dropbox-cors-hack\"",
        )),
    }
}

fn is_json(ct: &str) -> bool {
    ct.split(';').next().is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The JSON body of an RPC route.
pub(crate) async fn rpc_arg<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> ApiResult<T> {
    match rpc_body(headers, body).await? {
        Some(bytes) => decode(&bytes, ArgSource::Body),
        None => Err(ApiError::BadInput("request body: could not decode input as JSON".into())),
    }
}

/// Routes without an argument take no body, or the JSON `null`.
pub(crate) async fn rpc_no_arg(headers: &HeaderMap, body: Body) -> ApiResult<()> {
    match rpc_body(headers, body).await? {
        Some(bytes) if !bytes.iter().all(u8::is_ascii_whitespace) => decode::<Value>(&bytes, ArgSource::Body)?
            .is_null()
            .then_some(())
            .ok_or_else(|| ApiError::BadInput("request body: expected null, got value".into())),
        _ => Ok(()),
    }
}

/// The argument of a content route, and checks the body's declared type.
pub(crate) fn content_arg<T: DeserializeOwned>(headers: &HeaderMap, uri: &Uri) -> ApiResult<(T, ArgSource)> {
    if let Some(ct) = content_type(headers) {
        let essence = ct.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/octet-stream") && !is_cors_hack(&ct) {
            return Err(bad_content_type(
                &ct,
                "\"application/octet-stream\", \"text/plain; charset=dropbox-cors-hack\"",
            ));
        }
    }
    if let Some(value) = headers.get("dropbox-api-arg") {
        // HTTP headers carry ASCII; Dropbox wants everything above U+007E
        // escaped as \uXXXX, which the JSON decoder turns back into text.
        if !value.as_bytes().is_ascii() {
            return Err(ApiError::BadInput(format!(
                "{}: characters above U+007E must be escaped as \\uXXXX",
                ArgSource::Header.label()
            )));
        }
        return Ok((decode(value.as_bytes(), ArgSource::Header)?, ArgSource::Header));
    }
    let query = uri.query().unwrap_or("");
    let arg = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "arg").map(|(_, v)| v));
    match arg {
        Some(arg) => Ok((decode(arg.as_bytes(), ArgSource::Query)?, ArgSource::Query)),
        None => {
            Err(ApiError::BadInput("Must provide HTTP header \"Dropbox-API-Arg\" or URL parameter \"arg\".".into()))
        }
    }
}

/// A path argument after its pattern check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathArg {
    Root,
    /// Starts with `/`.
    Path(String),
    /// `id:...`
    Id(String),
    /// `ns:...` and `rev:...`: accepted by the pattern, but no such thing exists here.
    Elsewhere,
}

/// Which of Dropbox's path patterns an argument must match.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PathKind {
    /// `list_folder`: `""` is the root; ids allowed.
    ListRoot,
    /// `get_metadata`: paths, ids, `rev:`.
    Read,
    /// Where something is written: paths (and ids of existing entries).
    Write,
}

impl PathKind {
    fn pattern(self) -> &'static str {
        match self {
            PathKind::ListRoot => r"(/(.|[\r\n])*)?|id:.*|(ns:[0-9]+(/.*)?)",
            PathKind::Read => r"(/(.|[\r\n])*|id:.*)|(rev:[0-9a-f]{9,})|(ns:[0-9]+(/.*)?)",
            PathKind::Write => r"(/(.|[\r\n])*)|(ns:[0-9]+(/.*)?)|(id:.*)",
        }
    }
}

/// Checks `value` (the argument field `field`) against the pattern of `kind`.
pub(crate) fn check_path(value: &str, kind: PathKind, source: ArgSource, field: &str) -> ApiResult<PathArg> {
    let bad = || {
        ApiError::BadInput(format!("{}: {field}: '{value}' did not match pattern '{}'", source.label(), kind.pattern()))
    };
    if value.is_empty() {
        return match kind {
            PathKind::ListRoot => Ok(PathArg::Root),
            _ => Err(bad()),
        };
    }
    if value == "/" && matches!(kind, PathKind::ListRoot) {
        return Err(ApiError::BadInput(format!(
            "{}: {field}: Specify the root folder as an empty string rather than as \"/\".",
            source.label()
        )));
    }
    if value.starts_with('/') {
        return Ok(PathArg::Path(value.to_owned()));
    }
    if let Some(id) = value.strip_prefix("id:") {
        return if id.is_empty() { Err(bad()) } else { Ok(PathArg::Id(value.to_owned())) };
    }
    let is_ns = value.strip_prefix("ns:").is_some_and(|rest| {
        rest.split('/').next().is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    let is_rev = matches!(kind, PathKind::Read)
        && value
            .strip_prefix("rev:")
            .is_some_and(|r| r.len() >= 9 && r.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    if is_ns || is_rev {
        Ok(PathArg::Elsewhere)
    } else {
        Err(bad())
    }
}

/// A void union member as Dropbox accepts it: `"tag"` or `{".tag": "tag"}`.
pub(crate) fn tag_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get(".tag").and_then(Value::as_str),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns_are_enforced() {
        assert_eq!(check_path("", PathKind::ListRoot, ArgSource::Body, "path").ok(), Some(PathArg::Root));
        assert!(check_path("", PathKind::Write, ArgSource::Body, "path").is_err());
        assert!(check_path("/", PathKind::ListRoot, ArgSource::Body, "path").is_err());
        assert!(check_path("Photos", PathKind::Write, ArgSource::Body, "path").is_err());
        assert_eq!(check_path("ns:12/a", PathKind::Read, ArgSource::Body, "path").ok(), Some(PathArg::Elsewhere));
        assert!(check_path("rev:abc", PathKind::Read, ArgSource::Body, "path").is_err());
    }
}
