//! The few HTML pages the authorize endpoints show a browser.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page; `body` is HTML already (escape what came from the request).
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title></head>\n\
         <body><h1>{t}</h1>\n{body}\n<p><small>dkcloud emulator</small></p></body></html>\n",
        t = escape(title)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// An error shown in the browser instead of a redirect (400), for requests whose
/// redirect URI cannot be trusted or is missing.
pub(crate) fn error_page(title: &str, message: &str) -> Response {
    page(StatusCode::BAD_REQUEST, title, &format!("<p id=\"error\">{}</p>", escape(message)))
}
