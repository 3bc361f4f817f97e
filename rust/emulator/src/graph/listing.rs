//! `GET .../children` with `$select`, `$top`, `$orderby` and paging through
//! `@odata.nextLink` (whose `$skiptoken` is the offset of the next page).

use super::error::{GraphError, GraphResult};
use super::items::{self, drive_item};
use super::paths::ItemRef;
use super::{blocking, query_value, resolve};
use crate::origin::Origin;
use crate::store::{ChildInfo, Entry};
use crate::App;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::cmp::Ordering;

const DEFAULT_PAGE: usize = 200;
const MAX_PAGE: usize = 1000;

fn number(query: &[(String, String)], key: &str) -> GraphResult<Option<usize>> {
    query_value(query, key)
        .map(|v| {
            v.trim().parse::<usize>().map_err(|_| GraphError::invalid_request(format!("Invalid {key} value '{v}'.")))
        })
        .transpose()
}

type Comparison = Box<dyn Fn(&ChildInfo, &ChildInfo) -> Ordering + Send>;

/// The comparison `$orderby` asks for (`name`, `size` or `lastModifiedDateTime`, `asc`/`desc`).
fn ordering(value: Option<&str>) -> GraphResult<Comparison> {
    let Some(value) = value else {
        return Ok(Box::new(|_, _| Ordering::Equal));
    };
    let mut words = value.split_whitespace();
    let field = words.next().unwrap_or("");
    let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(GraphError::invalid_request(format!("Invalid $orderby direction '{other}'."))),
    };
    let cmp: fn(&ChildInfo, &ChildInfo) -> Ordering = match field {
        "name" => |a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        "size" => |a, b| a.size.cmp(&b.size),
        "lastModifiedDateTime" => |a, b| a.modified.cmp(&b.modified),
        other => return Err(GraphError::invalid_request(format!("$orderby is not supported on '{other}'."))),
    };
    Ok(Box::new(move |a, b| if descending { cmp(b, a) } else { cmp(a, b) }))
}

/// The same URL with `$skiptoken` set to `offset`, other parameters kept as sent.
fn next_link(base: &str, uri: &Uri, offset: usize) -> String {
    let mut params: Vec<String> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            percent_encoding::percent_decode_str(key).decode_utf8_lossy() != "$skiptoken"
        })
        .map(str::to_owned)
        .collect();
    params.push(format!("$skiptoken={offset}"));
    format!("{base}{}?{}", uri.path(), params.join("&"))
}

pub(super) async fn list(
    app: &App,
    origin: &Origin,
    uri: &Uri,
    item: ItemRef,
    query: Vec<(String, String)>,
) -> GraphResult<Response> {
    let origin = origin.clone();
    let base = origin.to_string();
    let uri = uri.clone();
    blocking(app, move |app| {
        let folder = items::existing(&app.store, &resolve(app, &item)?)?;
        if !folder.is_dir {
            return Err(GraphError::not_found());
        }
        let top = number(&query, "$top")?.unwrap_or(DEFAULT_PAGE);
        if top == 0 || top > MAX_PAGE {
            return Err(GraphError::invalid_request(format!("$top must be between 1 and {MAX_PAGE}.")));
        }
        let skip = number(&query, "$skiptoken")?.unwrap_or(0);
        let order = ordering(query_value(&query, "$orderby"))?;
        let fields = query_value(&query, "$select").map(items::parse_select);

        let mut children = app.store.children(&folder.fs_path)?;
        // A stable sort keeps the store's name order among equal keys.
        children.sort_by(|a, b| order(a, b));
        let parent = folder.remote.trim_end_matches('/');
        let mut value = Vec::new();
        for child in children.iter().skip(skip).take(top) {
            let entry = Entry {
                fs_path: child.fs_path.clone(),
                remote: format!("{parent}/{}", child.name),
                is_dir: child.is_dir,
            };
            value.push(items::select(drive_item(app, &entry, &origin)?, fields.as_deref()));
        }
        let mut body = json!({
            "@odata.context": format!("{base}/v1.0/$metadata#Collection(driveItem)"),
            "value": value,
        });
        if skip.saturating_add(top) < children.len() {
            body["@odata.nextLink"] = json!(next_link(&base, &uri, skip + top));
        }
        Ok(Json(body).into_response())
    })
    .await
}
