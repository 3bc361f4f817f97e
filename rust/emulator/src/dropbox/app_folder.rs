//! App-folder apps (`access = "app_folder"` in `--registrations`): Dropbox's developer
//! guide ("App permissions": "App folder – a dedicated folder named after your app is
//! created within the Apps folder of a user's Dropbox. Your app gets read and write
//! access to this folder only") — the app sees `/Apps/<app name>` as its root: every
//! path it sends is taken relative to that folder (`""` in `list_folder` is the folder
//! itself), and `path_lower`/`path_display` in answers are relative to it.
//!
//! Done at the edge of the routes, so the routes themselves keep one view of the
//! namespace: arguments (`Dropbox-API-Arg`, `?arg=`, JSON bodies) get the folder put
//! in front of their `path` fields, answers (JSON bodies, `Dropbox-API-Result`) have it
//! taken off. Known gap: an `id:` of an entry outside the folder is not refused.

use super::serve::ascii_json;
use crate::tokens::{bearer_of, Service};
use crate::App;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

const ARG: HeaderName = HeaderName::from_static("dropbox-api-arg");
const RESULT: HeaderName = HeaderName::from_static("dropbox-api-result");
/// RPC arguments and JSON answers are small; anything larger passes untouched.
const JSON_LIMIT: usize = 16 << 20;

/// `/Apps/<name>` when the request's token belongs to an app-folder app.
fn folder_of(app: &App, headers: &HeaderMap) -> Option<String> {
    let regs = app.registrations.as_ref()?;
    let token = headers.get(header::AUTHORIZATION)?.to_str().ok().and_then(bearer_of)?;
    let grant = app.tokens.grant(token)?;
    let reg = regs.dropbox(&grant.client_id)?;
    (reg.access == crate::registrations::Access::AppFolder).then(|| format!("/Apps/{}", reg.name()))
}

pub(super) async fn confine(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(folder) = folder_of(&app, request.headers()) else {
        return next.run(request).await;
    };
    // Dropbox makes the folder when the app is linked; here, on its first call.
    let _ = app.store.create_dirs(Service::Dropbox, &folder);
    let list_root = request.uri().path() == "/2/files/list_folder";
    let (mut parts, body) = request.into_parts();
    let mut content_call = false;
    if let Some(arg) = parts.headers.get(&ARG).and_then(|v| v.to_str().ok()) {
        content_call = true;
        if let Some(v) = rewritten(arg.as_bytes(), |v| into_folder(v, &folder, list_root)) {
            if let Ok(value) = HeaderValue::from_str(&ascii_json(&v)) {
                parts.headers.insert(ARG, value);
            }
        }
    }
    if let Some(query) = parts.uri.query().filter(|q| q.contains("arg=")) {
        content_call = true;
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .map(|(k, v)| match rewritten(v.as_bytes(), |j| into_folder(j, &folder, list_root)) {
                Some(j) if k == "arg" => (k, j.to_string()),
                _ => (k, v),
            })
            .collect();
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        if let Ok(uri) = format!("{}?{query}", parts.uri.path()).parse() {
            parts.uri = uri;
        }
    }
    let body = if content_call { body } else { rewrite_body(body, |v| into_folder(v, &folder, list_root)).await };
    parts.headers.remove(header::CONTENT_LENGTH);
    let response = next.run(Request::from_parts(parts, body)).await;
    out_of_folder_response(response, &folder).await
}

async fn out_of_folder_response(response: Response, folder: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    if let Some(result) = parts.headers.get(&RESULT).and_then(|v| v.to_str().ok()) {
        if let Some(v) = rewritten(result.as_bytes(), |v| out_of_folder(v, folder)) {
            if let Ok(value) = HeaderValue::from_str(&ascii_json(&v)) {
                parts.headers.insert(RESULT, value);
            }
        }
    }
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_json {
        return Response::from_parts(parts, body);
    }
    let body = rewrite_body(body, |v| out_of_folder(v, folder)).await;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

/// A JSON body changed by `f`; any other body as it was.
async fn rewrite_body(body: Body, f: impl FnOnce(&mut Value)) -> Body {
    match to_bytes(body, JSON_LIMIT).await {
        Ok(bytes) => match rewritten(&bytes, f) {
            Some(v) => Body::from(v.to_string()),
            None => Body::from(bytes),
        },
        Err(_) => Body::empty(),
    }
}

/// `bytes` as JSON changed by `f`, or `None` when they are not JSON.
fn rewritten(bytes: &[u8], f: impl FnOnce(&mut Value)) -> Option<Value> {
    let mut v: Value = serde_json::from_slice(bytes).ok()?;
    f(&mut v);
    Some(v)
}

/// Puts `folder` in front of every `path` field that is a path (`/...`, or `""` where
/// it means the root).
fn into_folder(v: &mut Value, folder: &str, root_allowed: bool) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(s) if key == "path" && s.starts_with('/') => *s = format!("{folder}{s}"),
                    Value::String(s) if key == "path" && s.is_empty() && root_allowed => *s = folder.to_owned(),
                    other => into_folder(other, folder, root_allowed),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| into_folder(i, folder, root_allowed)),
        _ => {}
    }
}

/// Takes `folder` off the front of every `path_lower` and `path_display`, and drops the
/// folder's own entry from lists (a recursive `list_folder` of `""` lists the root's
/// contents, never the root).
fn out_of_folder(v: &mut Value, folder: &str) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(s) if key == "path_lower" || key == "path_display" => {
                        let inside = s.len() > folder.len()
                            && s.is_char_boundary(folder.len())
                            && s[..folder.len()].eq_ignore_ascii_case(folder)
                            && s[folder.len()..].starts_with('/');
                        if inside {
                            *s = s[folder.len()..].to_owned();
                        }
                    }
                    other => out_of_folder(other, folder),
                }
            }
        }
        Value::Array(items) => {
            items.retain(|i| !i["path_lower"].as_str().is_some_and(|p| p.eq_ignore_ascii_case(folder)));
            items.iter_mut().for_each(|i| out_of_folder(i, folder));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_go_into_the_folder_and_come_out_of_it() {
        let mut arg = json!({"entries": [{"commit": {"path": "/a.jpg"}}], "path": ""});
        into_folder(&mut arg, "/Apps/dk", true);
        assert_eq!(arg, json!({"entries": [{"commit": {"path": "/Apps/dk/a.jpg"}}], "path": "/Apps/dk"}));
        let mut answer = json!({"entries": [{"path_lower": "/apps/dk/a.jpg", "path_display": "/Apps/dk/a.jpg"}]});
        out_of_folder(&mut answer, "/Apps/dk");
        assert_eq!(answer, json!({"entries": [{"path_lower": "/a.jpg", "path_display": "/a.jpg"}]}));
    }
}
