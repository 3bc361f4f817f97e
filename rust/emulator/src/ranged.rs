//! Sending a stored file's bytes, for every download the emulator serves
//! (Graph's pre-authenticated URLs, Dropbox's `files/download` and temporary
//! links): the whole file, or the one byte range a `Range` header asks for
//! (206, RFC 9110), streamed from disk in pieces; `If-None-Match` against the
//! `ETag` answers 304, and `If-Range` falls back to the whole file when it no
//! longer matches.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::SeekFrom;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// How much is read from disk per piece of the response body.
const PIECE: usize = 256 * 1024;

/// The part of a file a request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    Whole,
    /// From `start` to `end`, both included.
    Part {
        start: u64,
        end: u64,
    },
    /// The range lies wholly past the end (416).
    Unsatisfiable,
}

/// The span a `Range` header value asks for in a file of `size` bytes. A header
/// that is not a single `bytes=` range is ignored (the whole file is sent), as
/// RFC 9110 allows; several ranges are answered with the whole file as well.
pub(crate) fn requested_span(range: Option<&str>, size: u64) -> Span {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Span::Whole;
    };
    let spec = spec.trim();
    if spec.contains(',') {
        return Span::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Span::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    match (first.trim().is_empty(), last.trim().is_empty()) {
        // `bytes=-N`: the last N bytes.
        (true, false) => match number(last) {
            None => Span::Whole,
            Some(0) => Span::Unsatisfiable,
            Some(_) if size == 0 => Span::Unsatisfiable,
            Some(n) => Span::Part { start: size - n.min(size), end: size - 1 },
        },
        // `bytes=A-`: from A to the end.
        (false, true) => match number(first) {
            Some(start) if start >= size => Span::Unsatisfiable,
            Some(start) => Span::Part { start, end: size - 1 },
            None => Span::Whole,
        },
        (false, false) => match (number(first), number(last)) {
            (Some(start), Some(end)) if start > end => Span::Whole,
            (Some(start), Some(_)) if start >= size => Span::Unsatisfiable,
            (Some(start), Some(end)) => Span::Part { start, end: end.min(size - 1) },
            _ => Span::Whole,
        },
        (true, true) => Span::Whole,
    }
}

/// True when an `If-None-Match` or `If-Range` value names `etag` (weak
/// comparison for the first, as RFC 9110 says; `*` matches any).
fn etag_listed(value: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    value.split(',').any(|candidate| candidate.trim() == "*" || bare(candidate) == bare(etag))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The response carrying `file` (`size` bytes) for a request with `request`
/// headers; `head` holds what every answer about the file carries
/// (`Content-Type`, `ETag`, `Dropbox-API-Result`, ...).
pub(crate) async fn file_response(
    request: &HeaderMap,
    mut file: tokio::fs::File,
    size: u64,
    head: HeaderMap,
) -> std::io::Result<Response> {
    let etag = header_str(&head, &header::ETAG).map(str::to_owned);
    if let (Some(etag), Some(wanted)) = (&etag, header_str(request, &header::IF_NONE_MATCH)) {
        if etag_listed(wanted, etag) {
            let mut resp = StatusCode::NOT_MODIFIED.into_response();
            resp.headers_mut().extend(head);
            resp.headers_mut().remove(header::CONTENT_TYPE);
            return Ok(resp);
        }
    }
    // A range asked "if the file is still this one" applies only while it is.
    let range_applies = match header_str(request, &header::IF_RANGE) {
        None => true,
        Some(condition) => etag.as_deref().is_some_and(|e| condition.trim() == e && !e.starts_with("W/")),
    };
    let range = if range_applies { header_str(request, &header::RANGE) } else { None };
    let span = requested_span(range, size);
    let (status, start, len) = match span {
        Span::Whole => (StatusCode::OK, 0, size),
        Span::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        Span::Unsatisfiable => {
            let mut resp = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            let headers = resp.headers_mut();
            headers.insert(header::CONTENT_RANGE, value(&format!("bytes */{size}")));
            headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            return Ok(resp);
        }
    };
    if start > 0 {
        file.seek(SeekFrom::Start(start)).await?;
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), PIECE);
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.extend(head);
    headers.insert(header::CONTENT_LENGTH, value(&len.to_string()));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Span::Part { start, end } = span {
        headers.insert(header::CONTENT_RANGE, value(&format!("bytes {start}-{end}/{size}")));
    }
    Ok(resp)
}

/// A header value from text that is known to be visible ASCII.
pub(crate) fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        let span = |r: &str, size| requested_span(Some(r), size);
        assert_eq!(span("bytes=0-9", 100), Span::Part { start: 0, end: 9 });
        assert_eq!(span("bytes=90-200", 100), Span::Part { start: 90, end: 99 });
        assert_eq!(span("bytes=10-", 100), Span::Part { start: 10, end: 99 });
        assert_eq!(span("bytes=-30", 100), Span::Part { start: 70, end: 99 });
        assert_eq!(span("bytes=-300", 100), Span::Part { start: 0, end: 99 });
        assert_eq!(span("bytes=100-", 100), Span::Unsatisfiable);
        assert_eq!(span("bytes=100-120", 100), Span::Unsatisfiable);
        assert_eq!(span("bytes=-0", 100), Span::Unsatisfiable);
        assert_eq!(span("bytes=-5", 0), Span::Unsatisfiable);
        assert_eq!(span("bytes=0-", 0), Span::Unsatisfiable);
        // Not understood, or more than one range: the whole file.
        assert_eq!(span("bytes=9-3", 100), Span::Whole);
        assert_eq!(span("bytes=0-1,5-6", 100), Span::Whole);
        assert_eq!(span("items=0-9", 100), Span::Whole);
        assert_eq!(span("bytes=a-b", 100), Span::Whole);
        assert_eq!(span("bytes=-", 100), Span::Whole);
        assert_eq!(requested_span(None, 100), Span::Whole);
    }

    #[test]
    fn etags_compare_weakly_for_if_none_match() {
        assert!(etag_listed("\"abc\"", "\"abc\""));
        assert!(etag_listed("W/\"abc\", \"x\"", "\"abc\""));
        assert!(etag_listed("*", "\"abc\""));
        assert!(!etag_listed("\"abd\"", "\"abc\""));
    }
}
