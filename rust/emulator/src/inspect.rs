//! Inspection endpoints for tests (not part of either real service):
//! - `GET /_emulator/files` lists stored files of both services with sizes and hashes
//!   (`?service=onedrive|dropbox` to narrow it);
//! - `GET /_emulator/stats` gives request counts by kind and injected faults;
//! - `GET /_emulator/links` lists sharing links (service, item id, token, access,
//!   expiry, whether a password is set; never the password);
//! - `GET /_emulator/authorize_requests` lists the authorize requests of both
//!   OAuth servers with their parameters (`?service=` to narrow it);
//! - `GET /_emulator/health` answers `ok`.

use crate::stats::RequestKind;
use crate::tokens::Service;
use crate::App;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/_emulator/files", get(files))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/links", get(links))
        .route("/_emulator/authorize_requests", get(authorize_requests))
        .route("/_emulator/health", get(|| async { "ok" }))
}

#[derive(Deserialize)]
struct FilesQuery {
    service: Option<Service>,
}

async fn files(State(app): State<App>, Query(q): Query<FilesQuery>) -> Response {
    let services = match q.service {
        Some(s) => vec![s],
        None => vec![Service::OneDrive, Service::Dropbox],
    };
    let app2 = app.clone();
    let listed = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<serde_json::Value>> {
        let mut out = Vec::new();
        for service in services {
            for (remote, fs_path) in app2.store.all_files(service)? {
                let h = app2.store.hashes(&fs_path)?;
                out.push(json!({
                    "service": service, "path": remote, "size": h.size,
                    "quickXorHash": h.quickxor, "contentHash": h.content_hash,
                }));
            }
        }
        Ok(out)
    })
    .await;
    let mut resp = match listed {
        Ok(Ok(files)) => Json(json!({ "files": files })).into_response(),
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    resp.extensions_mut().insert(RequestKind("emulator.files"));
    resp
}

async fn links(State(app): State<App>, Query(q): Query<FilesQuery>) -> Response {
    let links: Vec<serde_json::Value> = app
        .links
        .all(q.service)
        .iter()
        .map(|l| {
            json!({
                "service": l.service, "itemId": l.item_id, "token": l.token, "type": l.link_type,
                "access": l.access, "scope": l.scope, "expires": l.expires, "hasPassword": l.has_password(),
                "expired": l.expired(),
            })
        })
        .collect();
    let mut resp = Json(json!({ "links": links })).into_response();
    resp.extensions_mut().insert(RequestKind("emulator.links"));
    resp
}

async fn authorize_requests(State(app): State<App>, Query(q): Query<FilesQuery>) -> Response {
    let requests: Vec<serde_json::Value> = app
        .oauth
        .authorize_requests()
        .into_iter()
        .filter(|(service, _)| q.service.is_none_or(|s| s == *service))
        .map(|(service, params)| {
            let params: serde_json::Map<String, serde_json::Value> =
                params.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
            json!({ "service": service, "params": params })
        })
        .collect();
    let mut resp = Json(json!({ "requests": requests })).into_response();
    resp.extensions_mut().insert(RequestKind("emulator.authorize_requests"));
    resp
}

async fn stats(State(app): State<App>) -> Response {
    let mut resp = Json(app.stats.snapshot()).into_response();
    resp.extensions_mut().insert(RequestKind("emulator.stats"));
    resp
}
