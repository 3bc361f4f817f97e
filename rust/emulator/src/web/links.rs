//! What a sharing link opens, without a token and never faulted by chaos:
//! - `/_links/{token}` (every link's address; Dropbox's `/scl/fi/{token}/{name}`
//!   and `/scl/fo/{token}/{name}` lead to the same place): a shared file's
//!   bytes (`?dl=1` as an attachment), a shared folder's page listing its
//!   children, each child reachable below it (`/_links/{token}/{child path}`);
//! - a link with a password first answers 401 with a small form; POSTing the
//!   right `password` serves the item and sets a cookie for its children;
//! - an expired link answers 410, a revoked one (or one whose item is gone) 404.

use crate::links::{SharedLink, PREFIX};
use crate::oauth::html::{escape, page};
use crate::stats::RequestKind;
use crate::store::{Entry, PathError};
use crate::tokens::Service;
use crate::web::{encode_path, failure};
use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use percent_encoding::percent_decode_str;
use std::fmt::Write as _;

/// The largest password form accepted.
const FORM_LIMIT: usize = 64 * 1024;

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/_links/{token}", get(open).post(open))
        .route("/_links/{token}/{*sub}", get(open).post(open))
        .route("/scl/fi/{token}/{name}", get(open).post(open))
        .route("/scl/fo/{token}/{name}", get(open).post(open))
}

/// The link's token and the path below it (`/` for the shared item itself).
fn token_and_sub(path: &str) -> Option<(String, String)> {
    if let Some(rest) = path.strip_prefix("/scl/fi/").or_else(|| path.strip_prefix("/scl/fo/")) {
        let token = rest.split('/').next()?;
        return Some((token.to_owned(), "/".to_owned()));
    }
    let rest = path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let (token, sub) = rest.split_once('/').unwrap_or((rest, ""));
    let sub = percent_decode_str(sub).decode_utf8().ok()?;
    Some((token.to_owned(), format!("/{}", sub.trim_matches('/'))))
}

async fn open(State(app): State<App>, method: Method, uri: Uri, headers: HeaderMap, body: Body) -> Response {
    let mut resp = answer(&app, &method, &uri, &headers, body).await;
    resp.extensions_mut().insert(RequestKind("links.open"));
    resp
}

async fn answer(app: &App, method: &Method, uri: &Uri, headers: &HeaderMap, body: Body) -> Response {
    let Some((token, sub)) = token_and_sub(uri.path()) else {
        return gone_page(StatusCode::NOT_FOUND, "This link does not exist.");
    };
    let Some(link) = app.links.by_token(&token) else {
        return gone_page(StatusCode::NOT_FOUND, "This link does not exist or was removed.");
    };
    if link.expired() {
        return gone_page(StatusCode::GONE, "This link has expired.");
    }
    let mut cookie = None;
    if let Some(proof) = link.password_proof() {
        let known = has_cookie(headers, &cookie_name(&link), &proof);
        if !known {
            if *method != Method::POST {
                return password_form(StatusCode::UNAUTHORIZED, uri, None);
            }
            let given = form_password(body).await.unwrap_or_default();
            if !link.password_matches(&given) {
                return password_form(StatusCode::UNAUTHORIZED, uri, Some("That password is not right."));
            }
            cookie = Some(format!("{}={proof}; Path=/; HttpOnly; SameSite=Lax", cookie_name(&link)));
        }
    }
    let download = uri.query().is_some_and(|q| q.split('&').any(|p| p == "dl=1"));
    let mut resp = match target(app, &link, &sub).await {
        Ok(Some(entry)) if entry.is_dir => folder_page(app, &link, &sub, entry).await,
        Ok(Some(entry)) => file(headers, &entry, download).await,
        Ok(None) => gone_page(StatusCode::NOT_FOUND, "The shared item is no longer there."),
        Err(e) => failure(&e.to_string()),
    };
    if let Some(c) = cookie {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    resp
}

fn cookie_name(link: &SharedLink) -> String {
    format!("dkcloud_link_{}", link.token)
}

fn has_cookie(headers: &HeaderMap, name: &str, value: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(k, v)| k == name && v == value)
}

async fn form_password(body: Body) -> Option<String> {
    let bytes = axum::body::to_bytes(body, FORM_LIMIT).await.ok()?;
    url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "password").map(|(_, v)| v.into_owned())
}

/// The stored entry a link (and a path below a shared folder) leads to.
async fn target(app: &App, link: &SharedLink, sub: &str) -> std::io::Result<Option<Entry>> {
    let app = app.clone();
    let link = link.clone();
    let sub = sub.to_owned();
    tokio::task::spawn_blocking(move || {
        let shared = match link.service {
            Service::OneDrive => crate::graph::item_path(&app, &link.item_id)?,
            Service::Dropbox => app.dropbox.path_of_id(&link.item_id),
        };
        let Some(shared) = shared else { return Ok(None) };
        // `sub` cannot climb out: the store refuses `..` components.
        let remote = format!("{}/{}", shared.trim_end_matches('/'), sub.trim_matches('/'));
        match app.store.lookup(link.service, &remote) {
            Ok(Some(entry)) => Ok(Some(entry)),
            Ok(None) | Err(PathError::Invalid(_) | PathError::NotFound | PathError::NotAFolder) => Ok(None),
            Err(PathError::Io(e)) => Err(e),
        }
    })
    .await
    .map_err(std::io::Error::other)?
}

async fn file(headers: &HeaderMap, entry: &Entry, download: bool) -> Response {
    let name = entry.remote.rsplit('/').next().unwrap_or_default().to_owned();
    let served = async {
        let file = tokio::fs::File::open(&entry.fs_path).await?;
        let len = file.metadata().await?.len();
        let mut head = HeaderMap::new();
        head.insert(header::CONTENT_TYPE, HeaderValue::from_static(crate::graph::mime_type(&name)));
        head.insert(header::CONTENT_DISPOSITION, disposition(&name, download));
        crate::ranged::file_response(headers, file, len, head).await
    };
    served.await.unwrap_or_else(|e| failure(&e.to_string()))
}

/// `inline` (or `attachment`) with the name in ASCII and in UTF-8 (RFC 6266).
fn disposition(name: &str, download: bool) -> HeaderValue {
    let kind = if download { "attachment" } else { "inline" };
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    crate::ranged::value(&format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
}

async fn folder_page(app: &App, link: &SharedLink, sub: &str, folder: Entry) -> Response {
    let app = app.clone();
    let token = link.token.clone();
    let name = folder_name(link, sub);
    let sub = sub.to_owned();
    let listed = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut body = String::new();
        let children = app.store.children(&folder.fs_path)?;
        if children.is_empty() {
            body.push_str("<p id=\"empty\">This folder is empty.</p>\n");
        }
        body.push_str("<ul id=\"children\">\n");
        let here = if sub == "/" { String::new() } else { encode_path(&sub) };
        for child in children {
            let (class, size) =
                if child.is_dir { ("folder", crate::store::dir_size(&child.fs_path)?) } else { ("file", child.size) };
            let href = format!("{PREFIX}/{token}{here}{}", encode_path(&child.name));
            let _ = writeln!(
                body,
                "<li class=\"{class}\"><a class=\"name\" href=\"{}\">{}</a> <span class=\"size\">{size} bytes</span></li>",
                escape(&href),
                escape(&child.name),
            );
        }
        body.push_str("</ul>");
        Ok(body)
    })
    .await;
    match listed {
        Ok(Ok(body)) => page(StatusCode::OK, &format!("{name} (shared)"), &body),
        Ok(Err(e)) => failure(&e.to_string()),
        Err(e) => failure(&e.to_string()),
    }
}

fn folder_name(link: &SharedLink, sub: &str) -> String {
    match sub.trim_matches('/').rsplit('/').next() {
        Some(last) if !last.is_empty() => last.to_owned(),
        _ => format!("Shared folder {}", &link.token[..link.token.len().min(6)]),
    }
}

fn password_form(status: StatusCode, uri: &Uri, problem: Option<&str>) -> Response {
    let mut body = String::new();
    if let Some(p) = problem {
        let _ = writeln!(body, "<p id=\"error\">{}</p>", escape(p));
    }
    let _ = write!(
        body,
        "<p>This link is protected by a password.</p>\n<form id=\"password\" method=\"post\" action=\"{}\">\
         <input type=\"password\" name=\"password\" autofocus> <button type=\"submit\">Continue</button></form>",
        escape(&uri.to_string())
    );
    page(status, "Enter the password", &body)
}

fn gone_page(status: StatusCode, message: &str) -> Response {
    page(status, "Link unavailable", &format!("<p id=\"error\">{}</p>", escape(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_addresses_give_token_and_path_below() {
        assert_eq!(token_and_sub("/_links/abc"), Some(("abc".into(), "/".into())));
        assert_eq!(token_and_sub("/_links/abc/Sub%20A/x.jpg"), Some(("abc".into(), "/Sub A/x.jpg".into())));
        assert_eq!(token_and_sub("/scl/fi/abc/x.jpg"), Some(("abc".into(), "/".into())));
        assert_eq!(token_and_sub("/scl/fo/abc/Trip"), Some(("abc".into(), "/".into())));
        assert_eq!(token_and_sub("/other"), None);
    }

    #[test]
    fn dispositions_keep_unicode_names() {
        let v = disposition("Été 1.jpg", true);
        assert_eq!(v.to_str().unwrap(), "attachment; filename=\"_t_ 1.jpg\"; filename*=UTF-8''%C3%89t%C3%A9%201%2Ejpg");
    }
}
