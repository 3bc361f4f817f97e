//! The web pages the services' web addresses lead to (not API endpoints): no
//! token needed, never faulted by chaos.
//! - `GET /_web/onedrive/{path}`: where a driveItem's `webUrl` points;
//! - `GET /home/{path}`: Dropbox has no web URL in its API, but a folder's web
//!   address is `https://www.dropbox.com/home{path}`; with the emulator as the
//!   `www` host that is this route. In a team space (`--dropbox-team-space`)
//!   the web site shows the team's root, so the member's own files are below
//!   its home folder (`/home/<user name>/...`); the team's other folders are
//!   not modelled (404).
//!
//! The path is percent-encoded and looked up case-insensitively. A folder's
//! page lists its children with their sizes, a file's page names it with its
//! size, and nothing at the path gives a 404 page.

pub(crate) mod links;
pub(crate) use crate::addresses::{encode_path, onedrive_url, DROPBOX_PREFIX, ONEDRIVE_PREFIX};
use crate::oauth::html::{escape, page};
use crate::stats::RequestKind;
use crate::store::{Entry, PathError};
use crate::tokens::Service;
use crate::App;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use percent_encoding::percent_decode_str;
use std::fmt::Write as _;

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route(ONEDRIVE_PREFIX, get(onedrive))
        .route("/_web/onedrive/", get(onedrive))
        .route("/_web/onedrive/{*path}", get(onedrive))
        .route(DROPBOX_PREFIX, get(dropbox))
        .route("/home/", get(dropbox))
        .route("/home/{*path}", get(dropbox))
}

async fn onedrive(State(app): State<App>, uri: Uri) -> Response {
    show(app, Service::OneDrive, uri).await
}

async fn dropbox(State(app): State<App>, uri: Uri) -> Response {
    show(app, Service::Dropbox, uri).await
}

fn prefix(service: Service) -> &'static str {
    match service {
        Service::OneDrive => ONEDRIVE_PREFIX,
        Service::Dropbox => DROPBOX_PREFIX,
    }
}

fn service_name(service: Service) -> &'static str {
    match service {
        Service::OneDrive => "OneDrive",
        Service::Dropbox => "Dropbox",
    }
}

/// A path-absolute link to the page of `remote`.
fn href(app: &App, service: Service, remote: &str) -> String {
    let shown = match service {
        Service::Dropbox if app.config.dropbox_team_space => format!("{}{remote}", crate::dropbox::team_home_path()),
        _ => remote.to_owned(),
    };
    format!("{}{}", prefix(service), encode_path(&shown))
}

/// The store path a Dropbox web path shows: in a team space, the part below
/// the member's home folder (`None` outside it).
fn dropbox_home_relative(app: &App, web_path: &str) -> Option<String> {
    if !app.config.dropbox_team_space {
        return Some(web_path.to_owned());
    }
    let home = crate::dropbox::team_home_path();
    let head = web_path.get(..home.len())?;
    let rest = &web_path[home.len()..];
    (head.eq_ignore_ascii_case(&home) && (rest.is_empty() || rest.starts_with('/'))).then(|| rest.to_owned())
}

async fn show(app: App, service: Service, uri: Uri) -> Response {
    let raw = uri.path().strip_prefix(prefix(service)).unwrap_or_default().to_owned();
    let decoded = percent_decode_str(&raw).decode_utf8().ok().and_then(|remote| match service {
        Service::Dropbox => dropbox_home_relative(&app, &remote),
        Service::OneDrive => Some(remote.into_owned()),
    });
    let mut resp = match decoded.ok_or(()) {
        Ok(remote) => {
            let remote = if remote.is_empty() { "/".to_owned() } else { remote };
            let worker = app.clone();
            match tokio::task::spawn_blocking(move || render(&worker, service, &remote)).await {
                Ok(Ok(resp)) => resp,
                Ok(Err(e)) => failure(&e.to_string()),
                Err(e) => failure(&e.to_string()),
            }
        }
        Err(_) => not_found(service, &raw),
    };
    let kind = match service {
        Service::OneDrive => "web.onedrive",
        Service::Dropbox => "web.dropbox",
    };
    resp.extensions_mut().insert(RequestKind(kind));
    resp
}

fn render(app: &App, service: Service, remote: &str) -> std::io::Result<Response> {
    let entry = match app.store.lookup(service, remote) {
        Ok(Some(entry)) => entry,
        Ok(None) | Err(PathError::Invalid(_) | PathError::NotFound | PathError::NotAFolder) => {
            return Ok(not_found(service, remote));
        }
        Err(PathError::Io(e)) => return Err(e),
    };
    if entry.is_dir {
        folder_page(app, service, &entry)
    } else {
        file_page(app, service, &entry)
    }
}

/// The remote path of the folder holding `remote` (`/` for the root's children).
fn parent_of(remote: &str) -> &str {
    match remote.rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((parent, _)) => parent,
    }
}

fn up_link(app: &App, service: Service, remote: &str) -> String {
    let parent = parent_of(remote);
    format!("<p><a id=\"parent\" href=\"{}\">{}</a></p>\n", escape(&href(app, service, parent)), escape(parent))
}

fn folder_page(app: &App, service: Service, folder: &Entry) -> std::io::Result<Response> {
    let mut body = String::new();
    if folder.remote != "/" {
        body.push_str(&up_link(app, service, &folder.remote));
    }
    let children = app.store.children(&folder.fs_path)?;
    if children.is_empty() {
        body.push_str("<p id=\"empty\">This folder is empty.</p>\n");
    }
    body.push_str("<ul id=\"children\">\n");
    let base = folder.remote.trim_end_matches('/');
    for child in children {
        let remote = format!("{base}/{}", child.name);
        let (class, size) =
            if child.is_dir { ("folder", crate::store::dir_size(&child.fs_path)?) } else { ("file", child.size) };
        let _ = writeln!(
            body,
            "<li class=\"{class}\"><a class=\"name\" href=\"{}\">{}</a> <span class=\"size\">{size} bytes</span></li>",
            escape(&href(app, service, &remote)),
            escape(&child.name),
        );
    }
    body.push_str("</ul>");
    let title = format!("{} - {}", folder.remote, service_name(service));
    Ok(page(StatusCode::OK, &title, &body))
}

fn file_page(app: &App, service: Service, file: &Entry) -> std::io::Result<Response> {
    let size = std::fs::metadata(&file.fs_path)?.len();
    let name = file.remote.rsplit('/').next().unwrap_or_default();
    let mut body = up_link(app, service, &file.remote);
    let _ = write!(
        body,
        "<p id=\"file\"><span class=\"name\">{}</span> <span class=\"size\">{size} bytes</span></p>",
        escape(name)
    );
    let title = format!("{} - {}", file.remote, service_name(service));
    Ok(page(StatusCode::OK, &title, &body))
}

fn not_found(service: Service, remote: &str) -> Response {
    let message = format!("Nothing is at {remote} in {}.", service_name(service));
    page(StatusCode::NOT_FOUND, "Not found", &format!("<p id=\"error\">{}</p>", escape(&message)))
}

pub(crate) fn failure(message: &str) -> Response {
    page(StatusCode::INTERNAL_SERVER_ERROR, "Error", &format!("<p id=\"error\">{}</p>", escape(message)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Origin;

    #[test]
    fn paths_are_encoded_per_segment() {
        assert_eq!(encode_path("/"), "/");
        assert_eq!(encode_path(""), "/");
        assert_eq!(encode_path("/Pictures/Trip"), "/Pictures/Trip");
        assert_eq!(encode_path("/a b/c#d?.jpg"), "/a%20b/c%23d%3F.jpg");
        assert_eq!(encode_path("/Été/x"), "/%C3%89t%C3%A9/x");
    }

    #[test]
    fn web_addresses_put_the_path_under_the_prefix() {
        let origin = Origin("http://127.0.0.1:8080".into());
        assert_eq!(onedrive_url(&origin, "/"), "http://127.0.0.1:8080/_web/onedrive/");
        assert_eq!(onedrive_url(&origin, "/Pictures/Trip"), "http://127.0.0.1:8080/_web/onedrive/Pictures/Trip");
    }
}
