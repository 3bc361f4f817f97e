//! Redirect URIs: only the loopback form is accepted (no app registration is
//! modelled, so this is what stands between a code and an attacker's site),
//! and results are appended to the URI's own query string.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use url::{Host, Url};

/// `http://localhost[:port][/path]` or `http://127.0.0.1[:port][/path]`, nothing else:
/// no other host, no `https`, no user info (`http://x@localhost` hides intent), no fragment
/// (RFC 6749 section 3.1.2).
pub(super) fn loopback(raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    let host_ok = match url.host()? {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip == std::net::Ipv4Addr::LOCALHOST,
        Host::Ipv6(_) => false,
    };
    let clean =
        url.scheme() == "http" && url.username().is_empty() && url.password().is_none() && url.fragment().is_none();
    (host_ok && clean).then_some(url)
}

/// 302 to `url` with `params` added to whatever query it already has.
pub(super) fn found(mut url: Url, params: &[(&str, &str)]) -> Response {
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in params {
            query.append_pair(name, value);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_loopback_hosts_pass() {
        for ok in ["http://localhost", "http://localhost:8400/cb", "http://127.0.0.1:53682/", "http://LOCALHOST/x?y=1"]
        {
            assert!(loopback(ok).is_some(), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "http://192.168.1.5/",
            "http://localhost.evil.example/",
            "http://evil.example@localhost/",
            "http://localhost/#frag",
            "https://localhost/",
            "ftp://localhost/",
            "http://[::1]/",
            "not a url",
        ] {
            assert!(loopback(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn results_join_an_existing_query() {
        let resp = found(loopback("http://localhost:1/cb?a=b").unwrap(), &[("code", "c 1"), ("state", "x&y")]);
        assert_eq!(resp.status(), StatusCode::FOUND);
        assert_eq!(resp.headers()[header::LOCATION], "http://localhost:1/cb?a=b&code=c+1&state=x%26y");
    }
}
