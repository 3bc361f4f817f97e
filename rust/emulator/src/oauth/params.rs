//! Request parameters of the OAuth endpoints: query strings and form bodies
//! are parsed leniently (never a framework rejection), so every malformed
//! request gets the service's own error instead of a generic one.

use axum::http::{header, HeaderMap};
use base64::Engine as _;
use std::collections::HashMap;

/// `application/x-www-form-urlencoded` pairs; a repeated name keeps its last value.
pub(super) struct Params(HashMap<String, String>);

impl Params {
    pub(super) fn parse(encoded: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(encoded).into_owned().collect())
    }

    pub(super) fn from_query(raw: Option<&str>) -> Self {
        Self::parse(raw.unwrap_or("").as_bytes())
    }

    /// A parameter's value; an empty value counts as absent, as both services treat it.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// `client_id` and `client_secret` from `Authorization: Basic base64(id:secret)`.
pub(super) fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Whether a space-separated scope list contains `wanted` (scope names are case-insensitive).
pub(super) fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split_whitespace().any(|s| s.eq_ignore_ascii_case(wanted))
}
