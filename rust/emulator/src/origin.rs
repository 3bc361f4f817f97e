//! The origin (scheme and authority) a client reached the emulator at, for every
//! absolute URL the emulator hands out: upload-session URLs, paging links,
//! download redirects, `webUrl`s and the device-login page.
//!
//! The scheme is the one served (`https` with `--tls-cert`). The authority comes
//! from the request URI (HTTP/2's `:authority`, or an HTTP/1.1 absolute-form
//! target), else from the `Host` header, else from the local address of the
//! connection, so the port is always the one the client used.

use crate::App;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Uri};
use std::convert::Infallible;
use std::net::SocketAddr;

/// The local address of the connection a request arrived on; the accept loop
/// puts it into every request's extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalAddr(pub SocketAddr);

/// `http://HOST:PORT` or `https://HOST:PORT`, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin(pub String);

impl Origin {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The origin of a request, from its parts (see the module comment for the order).
pub(crate) fn origin_of(scheme: &str, uri: &Uri, headers: &HeaderMap, local: Option<SocketAddr>) -> Origin {
    let authority = uri
        .authority()
        .and_then(|a| usable(a.as_str()))
        .or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok()).and_then(usable))
        .map(str::to_owned)
        .or_else(|| local.map(|a| a.to_string()))
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    Origin(format!("{scheme}://{authority}"))
}

/// `host[:port]` of an authority if it is safe to put in a URL (user info dropped).
fn usable(authority: &str) -> Option<&str> {
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let fine = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    (!host.is_empty() && host.chars().all(fine)).then_some(host)
}

impl FromRequestParts<App> for Origin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let local = parts.extensions.get::<LocalAddr>().map(|l| l.0);
        Ok(origin_of(app.scheme, &parts.uri, &parts.headers, local))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(host) = host {
            h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        }
        h
    }

    #[test]
    fn the_uri_authority_wins_then_host_then_the_local_address() {
        let local: SocketAddr = "127.0.0.1:4711".parse().unwrap();
        let h2: Uri = "https://localhost:8443/v1.0/me".parse().unwrap();
        assert_eq!(origin_of("https", &h2, &headers(None), Some(local)).0, "https://localhost:8443");
        assert_eq!(origin_of("https", &h2, &headers(Some("other:1")), Some(local)).0, "https://localhost:8443");
        let path_only: Uri = "/v1.0/me".parse().unwrap();
        assert_eq!(origin_of("http", &path_only, &headers(Some("h.test:99")), Some(local)).0, "http://h.test:99");
        assert_eq!(origin_of("http", &path_only, &headers(None), Some(local)).0, "http://127.0.0.1:4711");
        assert_eq!(origin_of("http", &path_only, &headers(None), None).0, "http://127.0.0.1");
    }

    #[test]
    fn unsafe_hosts_are_ignored_and_user_info_dropped() {
        let local: SocketAddr = "[::1]:80".parse().unwrap();
        let path_only: Uri = "/".parse().unwrap();
        assert_eq!(origin_of("http", &path_only, &headers(Some("a/b")), Some(local)).0, "http://[::1]:80");
        assert_eq!(origin_of("http", &path_only, &headers(Some("")), Some(local)).0, "http://[::1]:80");
        let with_user: Uri = "http://user@h.test:5/x".parse().unwrap();
        assert_eq!(origin_of("http", &with_user, &headers(None), None).0, "http://h.test:5");
    }
}
