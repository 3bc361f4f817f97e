//! Upload sessions: `createUploadSession`, then fragment `PUT`s to the
//! pre-authenticated `uploadUrl` (no bearer allowed there), status `GET`,
//! cancel `DELETE`. Sessions and their part files live in the state folder,
//! so an upload can continue after the emulator restarts with the same data.

use super::body::{copy_to, drain, CopyError};
use super::commit::{commit_file, Conflict, Received};
use super::error::{GraphError, GraphResult};
use super::folders::read_json;
use super::items::drive_item;
use super::names;
use super::paths::ItemRef;
use super::upload::{content_length, upload_target};
use super::{blocking, tagged};
use crate::hashing::Hashing;
use crate::origin::Origin;
use crate::persist::Persisted;
use crate::tokens::Service;
use crate::App;
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::AsyncSeekExt;

/// Every fragment but the last must be a multiple of 320 KiB.
const FRAGMENT_UNIT: u64 = 327_680;
/// Fragments must stay under 60 MiB.
const MAX_FRAGMENT: u64 = 60 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    remote: String,
    behavior: Conflict,
    /// The total every fragment must state; set by `fileSize` or the first fragment.
    total: Option<u64>,
    received: u64,
    expires: DateTime<Utc>,
    /// `fileSystemInfo.lastModifiedDateTime`, applied to the stored file.
    modified: Option<DateTime<Utc>>,
    /// `fileSystemInfo.createdDateTime`, kept as the item's.
    #[serde(default)]
    created: Option<DateTime<Utc>>,
    /// Every byte arrived but the commit failed (`--fault empty-next-expected-ranges`):
    /// the session expects nothing and never completes.
    #[serde(default)]
    stuck: bool,
}

impl Session {
    fn status(&self) -> Value {
        let ranges = if self.stuck { json!([]) } else { json!([format!("{}-", self.received)]) };
        json!({
            "expirationDateTime": self.expires.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "nextExpectedRanges": ranges,
        })
    }
}

#[derive(Default, Serialize, Deserialize)]
struct SessionTable {
    sessions: HashMap<String, Session>,
}

pub(super) struct Sessions {
    table: Persisted<SessionTable>,
    dir: PathBuf,
    lifetime: chrono::Duration,
    /// One async lock per session: fragments of one session are taken one at a time.
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The hashes of each session's bytes so far, fed as fragments arrive, so the
    /// last fragment does not read the whole file again. Not kept across restarts:
    /// a session without one is hashed from its part file at commit.
    hashing: Mutex<HashMap<String, Hashing>>,
}

impl Sessions {
    pub(super) fn open(state_dir: &Path, lifetime_secs: u64) -> std::io::Result<Self> {
        let dir = state_dir.join("graph-sessions");
        std::fs::create_dir_all(&dir)?;
        let sessions = Self {
            table: Persisted::load(state_dir.join("graph-sessions.json"))?,
            dir,
            lifetime: chrono::Duration::seconds(
                i64::try_from(lifetime_secs).unwrap_or(i64::MAX / 1000).min(i64::MAX / 1000),
            ),
            locks: Mutex::new(HashMap::new()),
            hashing: Mutex::new(HashMap::new()),
        };
        sessions.prune()?;
        Ok(sessions)
    }

    /// Drops expired sessions and part files no session owns.
    fn prune(&self) -> std::io::Result<()> {
        let now = Utc::now();
        let live: Vec<String> = self.table.update(|t| {
            t.sessions.retain(|_, s| s.expires > now);
            t.sessions.keys().cloned().collect()
        });
        for entry in std::fs::read_dir(&self.dir)? {
            let path = entry?.path();
            let owned = path.file_stem().and_then(|s| s.to_str()).is_some_and(|s| live.iter().any(|id| id == s));
            if !owned {
                let _ = std::fs::remove_file(&path);
            }
        }
        Ok(())
    }

    fn part(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.part"))
    }

    fn lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.locks.lock().unwrap_or_else(|p| p.into_inner()).entry(id.to_owned()).or_default().clone()
    }

    /// The session if it exists and has not expired (an expired one is removed).
    fn live(&self, id: &str) -> GraphResult<Session> {
        let session = self.table.read(|t| t.sessions.get(id).cloned()).ok_or_else(GraphError::session_not_found)?;
        if session.expires <= Utc::now() {
            self.remove(id);
            return Err(GraphError::session_not_found());
        }
        Ok(session)
    }

    fn save(&self, id: &str, session: Session) {
        self.table.update(|t| t.sessions.insert(id.to_owned(), session));
    }

    fn remove(&self, id: &str) {
        self.table.update(|t| t.sessions.remove(id));
        let _ = std::fs::remove_file(self.part(id));
        self.locks.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        self.hashing.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }

    /// The running hashes of the session's first `offset` bytes, taken out (a fresh
    /// one at 0); none when they are not known.
    fn take_hashing(&self, id: &str, offset: u64) -> Option<Hashing> {
        let known = self.hashing.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        match known {
            Some(h) if h.size() == offset => Some(h),
            _ if offset == 0 => Some(Hashing::default()),
            _ => None,
        }
    }

    fn keep_hashing(&self, id: &str, hashing: Hashing) {
        self.hashing.lock().unwrap_or_else(|p| p.into_inner()).insert(id.to_owned(), hashing);
    }

    fn next_expiry(&self) -> DateTime<Utc> {
        Utc::now() + self.lifetime
    }
}

/// The options of `{"item": {...}}` in a createUploadSession body.
struct SessionOptions {
    behavior: Conflict,
    file_size: Option<u64>,
    modified: Option<DateTime<Utc>>,
    created: Option<DateTime<Utc>>,
}

/// `default_behavior`: `fail` for a new name, `replace` when the URL names an
/// existing file by id (that is how Graph says "update this file").
fn session_options(body: Option<Value>, default_behavior: Conflict) -> GraphResult<SessionOptions> {
    let item = match body.as_ref().and_then(|b| b.get("item")) {
        None => {
            return Ok(SessionOptions { behavior: default_behavior, file_size: None, modified: None, created: None })
        }
        Some(item) if item.is_object() => item,
        Some(_) => return Err(GraphError::invalid_request("'item' must be an object.")),
    };
    if let Some(name) = item.get("name") {
        names::check_name(name.as_str().ok_or_else(|| GraphError::invalid_request("'name' must be a string."))?)?;
    }
    let file_size = item
        .get("fileSize")
        .map(|v| v.as_u64().ok_or_else(|| GraphError::invalid_request("'fileSize' must be a non-negative integer.")))
        .transpose()?;
    let time = |field: &str| {
        item.pointer(&format!("/fileSystemInfo/{field}"))
            .map(|v| {
                v.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc)).ok_or_else(
                    || GraphError::invalid_request(format!("'{field}' must be an ISO 8601 date and time.")),
                )
            })
            .transpose()
    };
    let (modified, created) = (time("lastModifiedDateTime")?, time("createdDateTime")?);
    let behavior = Conflict::from_json(item)?.unwrap_or(default_behavior);
    Ok(SessionOptions { behavior, file_size, modified, created })
}

/// `POST .../createUploadSession`.
pub(super) async fn create(app: &App, origin: &Origin, item: ItemRef, body: Body) -> GraphResult<Response> {
    let default_behavior = if item.rel.is_none() { Conflict::Replace } else { Conflict::Fail };
    let options = session_options(read_json(body).await?, default_behavior)?;
    let remote = blocking(app, move |app| {
        let (remote, old_size) = upload_target(app, &item)?;
        names::check_path(&remote)?;
        match app.store.lookup(Service::OneDrive, &remote)? {
            Some(existing) if existing.is_dir || options.behavior == Conflict::Fail => {
                return Err(GraphError::name_exists(remote.rsplit('/').next().unwrap_or(&remote)));
            }
            _ => {}
        }
        if options.file_size.is_some_and(|size| size > app.store.remaining(Service::OneDrive) + old_size) {
            return Err(GraphError::quota());
        }
        Ok(remote)
    })
    .await?;
    let sessions = &app.graph.sessions;
    let id = crate::tokens::random_token(24);
    tokio::fs::write(sessions.part(&id), b"").await?;
    let session = Session {
        remote,
        behavior: options.behavior,
        total: options.file_size,
        received: 0,
        expires: sessions.next_expiry(),
        modified: options.modified,
        created: options.created,
        stuck: false,
    };
    let mut answer = session.status();
    answer["uploadUrl"] = json!(format!("{}/_upload/graph/{id}", upload_origin(app, origin)));
    sessions.save(&id, session);
    Ok(Json(answer).into_response())
}

/// Where upload URLs point. OneDrive issues them on a host other than Graph's
/// (createUploadSession: `https://sn3302.up.1drv.com/up/...`), and clients
/// decide by host whether to send the token, so the emulator does too, on the
/// same scheme and port: `--upload-host NAME`, else, when the client reached
/// it by a loopback name, the other name of the same loopback address every
/// resolver knows (`localhost` for `127.0.0.1` or `[::1]`, and back). Any
/// other host has no alias the emulator could know of: the Graph host.
fn upload_origin(app: &App, graph: &Origin) -> String {
    let Ok(mut url) = url::Url::parse(graph.as_str()) else {
        return graph.to_string();
    };
    let host = match app.config.upload_host.as_deref() {
        Some(host) => host.to_owned(),
        None => match loopback_alias(&url, app.config.listen.ip()) {
            Some(alias) => alias,
            None => return graph.to_string(),
        },
    };
    match url.set_host(Some(&host)) {
        Ok(()) => url.origin().ascii_serialization(),
        Err(_) => graph.to_string(),
    }
}

/// The other name of the loopback address `url` names, if it names one.
fn loopback_alias(url: &url::Url, listening: std::net::IpAddr) -> Option<String> {
    match url.host()? {
        url::Host::Ipv4(ip) if ip.is_loopback() => Some("localhost".into()),
        url::Host::Ipv6(ip) if ip.is_loopback() => Some("localhost".into()),
        url::Host::Domain(name) if name.eq_ignore_ascii_case("localhost") => {
            Some(if listening.is_ipv6() { "[::1]".into() } else { "127.0.0.1".into() })
        }
        _ => None,
    }
}

/// A parsed `Content-Range: bytes START-END/TOTAL`.
#[derive(Debug, Clone, Copy)]
struct ContentRange {
    start: u64,
    end: u64,
    total: u64,
}

fn parse_content_range(headers: &HeaderMap) -> GraphResult<ContentRange> {
    let bad = || GraphError::invalid_request("A Content-Range header of the form 'bytes START-END/TOTAL' is required.");
    let value = headers.get(header::CONTENT_RANGE).and_then(|v| v.to_str().ok()).ok_or_else(bad)?;
    let spec = value.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (range, total) = spec.split_once('/').ok_or_else(bad)?;
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let number = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
    let (start, end, total) = (number(start)?, number(end)?, number(total)?);
    if end < start || end >= total {
        return Err(GraphError::invalid_request(format!(
            "The range {start}-{end} does not fit a file of {total} bytes."
        ))
        .with_inner("invalidRange"));
    }
    Ok(ContentRange { start, end, total })
}

fn length_mismatch(message: String) -> GraphError {
    GraphError::invalid_request(message).with_inner("fragmentLengthMismatch")
}

/// Every check a fragment must pass before its bytes are read.
fn check_fragment(session: &Session, headers: &HeaderMap) -> GraphResult<ContentRange> {
    let range = parse_content_range(headers)?;
    let len = content_length(headers).ok_or_else(|| {
        GraphError::new(StatusCode::LENGTH_REQUIRED, "invalidRequest", "A Content-Length header is required.")
    })?;
    let declared = range.end - range.start + 1;
    if len != declared {
        return Err(length_mismatch(format!(
            "Content-Length {len} does not match the Content-Range length {declared}."
        )));
    }
    if let Some(total) = session.total.filter(|&t| t != range.total) {
        return Err(length_mismatch(format!(
            "The total {} differs from the file size {total} of this session.",
            range.total
        )));
    }
    if len >= MAX_FRAGMENT {
        return Err(GraphError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalidRequest",
            format!("A fragment must be smaller than {MAX_FRAGMENT} bytes."),
        ));
    }
    if range.start < session.received {
        return Err(GraphError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "invalidRange",
            format!(
                "The fragment starting at {} overlaps bytes already received (next expected: {}).",
                range.start, session.received
            ),
        )
        .with_inner("fragmentOverlap"));
    }
    if range.start > session.received {
        return Err(GraphError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "invalidRange",
            format!("Fragments must arrive in order: expected byte {}, got {}.", session.received, range.start),
        )
        .with_inner("fragmentOutOfOrder"));
    }
    if range.end + 1 != range.total && len % FRAGMENT_UNIT != 0 {
        return Err(GraphError::invalid_request(format!(
            "The fragment size must be a multiple of 320 KiB ({FRAGMENT_UNIT} bytes), except for the last fragment."
        )));
    }
    Ok(range)
}

/// Upload URLs are pre-authenticated: Graph documents that a bearer token there may be refused.
fn refuse_authorization(headers: &HeaderMap) -> GraphResult<()> {
    if headers.contains_key(header::AUTHORIZATION) {
        return Err(GraphError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Upload URLs are pre-authenticated: do not send an Authorization header.",
        ));
    }
    Ok(())
}

/// `PUT uploadUrl`: one fragment.
pub(super) async fn put_fragment(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    origin: Origin,
    body: Body,
) -> Response {
    tagged("graph.upload_fragment", fragment(&app, &id, &headers, origin, body).await)
}

async fn fragment(app: &App, id: &str, headers: &HeaderMap, origin: Origin, body: Body) -> GraphResult<Response> {
    let sessions = &app.graph.sessions;
    let lock = sessions.lock(id);
    let _turn = lock.lock().await;
    let checked = refuse_authorization(headers).and_then(|()| {
        let session = sessions.live(id)?;
        let range = check_fragment(&session, headers)?;
        Ok((session, range))
    });
    let (mut session, range) = match checked {
        Ok(v) => v,
        Err(e) => {
            drain(body).await;
            return Err(e);
        }
    };
    let mut hashing = sessions.take_hashing(id, session.received);
    append(&sessions.part(id), session.received, range.end - range.start + 1, body, hashing.as_mut()).await?;
    session.received = range.end + 1;
    session.total = Some(range.total);
    // Each fragment extends the session's life.
    session.expires = sessions.next_expiry();
    if session.received < range.total {
        let answer = session.status();
        if let Some(hashing) = hashing {
            sessions.keep_hashing(id, hashing);
        }
        sessions.save(id, session);
        return Ok((StatusCode::ACCEPTED, Json(answer)).into_response());
    }
    if app.scheduled.take(crate::scheduled::Scheduled::EmptyNextExpectedRanges) {
        session.stuck = true;
        sessions.save(id, session);
        if let Some(hashing) = hashing {
            sessions.keep_hashing(id, hashing);
        }
        return Err(GraphError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            "Assertion Failure While Processing",
        ));
    }
    finish(app, id, session, hashing, origin).await
}

/// Appends exactly `len` body bytes to the part file at `offset`, feeding
/// `hashing`; on any failure the part file is cut back to `offset`, so a
/// broken fragment leaves nothing (and `hashing` is to be dropped).
async fn append(part: &Path, offset: u64, len: u64, body: Body, mut hashing: Option<&mut Hashing>) -> GraphResult<()> {
    let mut file = tokio::fs::OpenOptions::new().write(true).create(true).truncate(false).open(part).await?;
    // Also drops leftovers of an earlier fragment that broke off mid-body.
    file.set_len(offset).await?;
    file.seek(SeekFrom::Start(offset)).await?;
    let observe = |chunk: &[u8]| {
        if let Some(h) = hashing.as_mut() {
            h.update(chunk);
        }
    };
    let outcome = match copy_to(body, &mut file, len, observe).await {
        Ok(n) if n == len => return Ok(()),
        Ok(n) => length_mismatch(format!("The fragment body has {n} bytes, its Content-Range says {len}.")),
        Err(CopyError::TooLarge) => {
            length_mismatch(format!("The fragment body is longer than its Content-Range ({len} bytes)."))
        }
        Err(CopyError::Broken) => length_mismatch("The fragment body was cut short.".to_owned()),
        Err(CopyError::Io(e)) => GraphError::internal(e),
    };
    file.set_len(offset).await?;
    Err(outcome)
}

/// The last fragment arrived: store the file, end the session either way.
async fn finish(app: &App, id: &str, session: Session, hashing: Option<Hashing>, origin: Origin) -> GraphResult<Response> {
    let part = app.graph.sessions.part(id);
    let result = blocking(app, move |app| {
        let hashes = match hashing.filter(|h| Some(h.size()) == session.total) {
            Some(known) => known.finish(),
            None => dkcloud_hash::hash_reader(std::fs::File::open(&part)?)?,
        };
        let file = Received { temp: &part, size: hashes.size, hashes, modified: session.modified.map(Into::into) };
        let (entry, created) = commit_file(app, &session.remote, session.behavior, file)?;
        app.graph.ids.set_times(&entry.remote, session.created, None);
        let status = if created { StatusCode::CREATED } else { StatusCode::OK };
        Ok((status, Json(drive_item(app, &entry, &origin)?)).into_response())
    })
    .await;
    app.graph.sessions.remove(id);
    result
}

/// `GET uploadUrl`: where the upload stands.
pub(super) async fn get_status(State(app): State<App>, UrlPath(id): UrlPath<String>, headers: HeaderMap) -> Response {
    let result = refuse_authorization(&headers)
        .and_then(|()| app.graph.sessions.live(&id))
        .map(|s| Json(s.status()).into_response());
    tagged("graph.upload_status", result)
}

/// `DELETE uploadUrl`: cancels the session and drops its bytes.
pub(super) async fn cancel(State(app): State<App>, UrlPath(id): UrlPath<String>, headers: HeaderMap) -> Response {
    let result = async {
        refuse_authorization(&headers)?;
        let lock = app.graph.sessions.lock(&id);
        let _turn = lock.lock().await;
        app.graph.sessions.live(&id)?;
        app.graph.sessions.remove(&id);
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    tagged("graph.upload_cancel", result)
}
