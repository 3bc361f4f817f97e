//! Filling upload sessions: `start`, `append_v2` (with its optional
//! `content_hash`) and the deprecated `append`. Sequential sessions take
//! their bytes in order; concurrent ones take 4 MiB-aligned chunks in any
//! order, assembled at finish (see [`super::finish`]).

use super::args::{tag_of, ArgSource};
use super::body::{self, declared_over, receive, Hashing, ReceiveError, MAX_REQUEST_BODY};
use super::commit::check_content_hash;
use super::errors::{nested, respond, void, ApiError, ApiResult, Route, SessionFailure};
use super::session_store::{Running, MAX_FILE};
use super::{content_call, refuse, rpc_call};
use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::SeekFrom;
use tokio::io::AsyncSeekExt;

const START: Route = Route { name: "files/upload_session/start", kind: "dropbox.upload_session_start" };
const APPEND: Route = Route { name: "files/upload_session/append_v2", kind: "dropbox.append_v2" };
/// The deprecated v1 append: a bare cursor as argument, no `close`, `null` result.
const APPEND_V1: Route = Route { name: "files/upload_session/append", kind: "dropbox.append" };
const START_BATCH: Route =
    Route { name: "files/upload_session/start_batch", kind: "dropbox.upload_session_start_batch" };

/// `UploadSessionStartBatchArg.num_sessions` is `UInt64(min_value=1, max_value=1000)`.
const MAX_BATCH_SESSIONS: u64 = 1000;

/// Concurrent sessions take chunks in multiples of this (except the last).
const CHUNK_UNIT: u64 = 4 * 1024 * 1024;

#[derive(Deserialize)]
struct StartArg {
    #[serde(default)]
    close: bool,
    #[serde(default)]
    session_type: Option<Value>,
    /// `UploadSessionStartArg.content_hash`: the hash of this call's bytes.
    #[serde(default)]
    content_hash: Option<String>,
}

#[derive(Deserialize)]
struct StartBatchArg {
    num_sessions: Value,
    #[serde(default)]
    session_type: Option<Value>,
}

#[derive(Deserialize)]
pub(super) struct Cursor {
    pub session_id: String,
    pub offset: u64,
}

#[derive(Deserialize)]
struct AppendArg {
    cursor: Cursor,
    #[serde(default)]
    close: bool,
    /// `UploadSessionAppendArg.content_hash`: the hash of this call's bytes.
    #[serde(default)]
    content_hash: Option<String>,
}

/// A session failure as `append_v2` reports it (and `start`, whose own union
/// shares `payload_too_large`).
pub(super) fn top(f: SessionFailure) -> ApiError {
    ApiError::Endpoint(f.to_value())
}

/// A session failure as `finish` reports it.
pub(super) fn lookup_failed(f: SessionFailure) -> ApiError {
    ApiError::Endpoint(nested("lookup_failed", f.to_value()))
}

pub(super) enum AppendError {
    Session(SessionFailure),
    Api(ApiError),
}

impl AppendError {
    pub(super) fn into_api(self, wrap: fn(SessionFailure) -> ApiError) -> ApiError {
        match self {
            AppendError::Session(f) => wrap(f),
            AppendError::Api(e) => e,
        }
    }
}

impl From<std::io::Error> for AppendError {
    fn from(e: std::io::Error) -> Self {
        AppendError::Api(e.into())
    }
}

fn too_large(room: u64) -> SessionFailure {
    if room < MAX_REQUEST_BODY {
        SessionFailure::TooLarge
    } else {
        SessionFailure::PayloadTooLarge
    }
}

/// Appends the body at `offset`, the end of a sequential session's data (the
/// caller holds the session's lock and checked the cursor); returns the new
/// length. A body that breaks off or is too large leaves the data as it was.
pub(super) async fn append_bytes(
    app: &App,
    id: &str,
    offset: u64,
    body: Body,
    running: &mut Running,
    expected_hash: Option<&str>,
) -> Result<u64, AppendError> {
    let path = app.dropbox.sessions.data_path(id);
    let mut file =
        tokio::fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path).await?;
    // Bytes past `offset` are leftovers of an append that broke off.
    file.set_len(offset).await?;
    file.seek(SeekFrom::Start(offset)).await?;
    let room = MAX_FILE.saturating_sub(offset);
    let mut hashing = running.hashing_at(offset);
    match receive(body, &mut file, room.min(MAX_REQUEST_BODY), hashing.as_mut()).await {
        Ok(n) => {
            if n > 0 && app.scheduled.take(crate::scheduled::Scheduled::DamagedChunk) {
                app.stats.count(crate::scheduled::ScheduledFaults::name(crate::scheduled::Scheduled::DamagedChunk));
                damage(&mut file, offset).await?;
                // The running hash saw the bytes as sent; the session holds them damaged.
                hashing = None;
            }
            if let Some(expected) = expected_hash {
                if content_hash_of(&path, offset, n).await? != expected {
                    file.set_len(offset).await?;
                    return Err(AppendError::Api(ApiError::Endpoint(void("content_hash_mismatch"))));
                }
            }
            running.set_hashing(hashing);
            Ok(offset + n)
        }
        Err(e) => {
            let _ = file.set_len(offset).await;
            Err(match e {
                ReceiveError::TooLarge => AppendError::Session(too_large(room)),
                ReceiveError::Broken(why) => AppendError::Api(ApiError::BadInput(format!("request body: {why}"))),
            })
        }
    }
}

/// The Dropbox content hash of `len` bytes of `path` from `offset`.
/// Changes the byte at `at`, as a fault on the way would have.
async fn damage(file: &mut tokio::fs::File, at: u64) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut byte = [0u8; 1];
    file.seek(SeekFrom::Start(at)).await?;
    file.read_exact(&mut byte).await?;
    file.seek(SeekFrom::Start(at)).await?;
    file.write_all(&[!byte[0]]).await?;
    file.flush().await
}

async fn content_hash_of(path: &std::path::Path, offset: u64, len: u64) -> std::io::Result<String> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Seek};
        let mut file = std::fs::File::open(path)?;
        file.seek(SeekFrom::Start(offset))?;
        let mut hasher = dkcloud_hash::ContentHasher::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            let n = file.read(&mut buf[..want])?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            left -= n as u64;
        }
        Ok(hasher.finish_hex())
    })
    .await
    .map_err(std::io::Error::other)?
}

/// `session_type` of a start call: absent or `sequential` is false, `concurrent` true.
fn is_concurrent(session_type: Option<&Value>, source: ArgSource) -> ApiResult<bool> {
    match session_type.filter(|v| !v.is_null()).map(tag_of) {
        None | Some(Some("sequential")) => Ok(false),
        Some(Some("concurrent")) => Ok(true),
        Some(Some(other)) => {
            Err(ApiError::BadInput(format!("{}: session_type: unknown tag '{other}'", source.label())))
        }
        Some(None) => Err(ApiError::BadInput(format!("{}: session_type: expected a union tag", source.label()))),
    }
}

pub(crate) async fn start_batch(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(START_BATCH, start_sessions(&app, &headers, body).await)
}

/// `upload_session/start_batch`: empty sessions, filled with `append_v2` and
/// committed with `finish` or `finish_batch_v2` like those from `start`. Its
/// error union is `Void`, so a bad count is a 400.
async fn start_sessions(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: StartBatchArg = rpc_call(app, headers, body).await?;
    let label = ArgSource::Body.label();
    let count = match arg.num_sessions.as_u64() {
        Some(n) if (1..=MAX_BATCH_SESSIONS).contains(&n) => n,
        Some(n) => {
            return Err(ApiError::BadInput(format!(
                "{label}: num_sessions: {n} is not within 1 and {MAX_BATCH_SESSIONS}"
            )))
        }
        None => {
            return Err(ApiError::BadInput(format!(
                "{label}: num_sessions: expected an integer from 1 to {MAX_BATCH_SESSIONS}, got {}",
                arg.num_sessions
            )))
        }
    };
    let concurrent = is_concurrent(arg.session_type.as_ref(), ArgSource::Body)?;
    let ids = app.dropbox.sessions.create_many(concurrent, count as usize)?;
    Ok(json!({ "session_ids": ids }))
}

pub(crate) async fn start(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    respond(START, start_session(&app, &headers, &uri, body).await)
}

async fn start_session(app: &App, headers: &HeaderMap, uri: &Uri, body: Body) -> ApiResult<Value> {
    let (arg, source, body) = content_call::<StartArg>(app, headers, uri, body).await?;
    let concurrent = match is_concurrent(arg.session_type.as_ref(), source) {
        Ok(c) => c,
        Err(e) => return Err(refuse(body, e).await),
    };
    let expected = match check_content_hash(arg.content_hash.clone(), source, "") {
        Ok(h) => h,
        Err(e) => return Err(refuse(body, e).await),
    };
    let sessions = &app.dropbox.sessions;
    if concurrent {
        if arg.close {
            return Err(refuse(body, ApiError::Endpoint(void("concurrent_session_close_not_allowed"))).await);
        }
        if body::drain(body).await > 0 {
            return Err(ApiError::Endpoint(void("concurrent_session_data_not_allowed")));
        }
        return Ok(json!({ "session_id": sessions.create(true)? }));
    }
    if declared_over(headers, MAX_REQUEST_BODY) {
        return Err(refuse(body, top(SessionFailure::PayloadTooLarge)).await);
    }
    let id = sessions.create(false)?;
    let lock = sessions.lock(&id);
    let mut running = lock.lock().await;
    match append_bytes(app, &id, 0, body, &mut running, expected.as_deref()).await {
        Ok(end) => {
            sessions.update(&id, |s| {
                s.offset = end;
                s.closed = arg.close;
            });
            Ok(json!({ "session_id": id }))
        }
        Err(e) => {
            drop(running);
            sessions.remove(&id);
            Err(e.into_api(top))
        }
    }
}

pub(crate) async fn append_v2(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    respond(APPEND, append(&app, &headers, &uri, body).await)
}

async fn append(app: &App, headers: &HeaderMap, uri: &Uri, body: Body) -> ApiResult<Value> {
    let (arg, source, body) = content_call::<AppendArg>(app, headers, uri, body).await?;
    let expected = match check_content_hash(arg.content_hash, source, "") {
        Ok(h) => h,
        Err(e) => return Err(refuse(body, e).await),
    };
    append_to(app, headers, arg.cursor, arg.close, expected, body).await
}

pub(crate) async fn append_v1(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    respond(APPEND_V1, append_deprecated(&app, &headers, &uri, body).await)
}

/// `upload_session/append` (files.stone: deprecated by `append_v2`, still
/// served): the argument is the `UploadSessionCursor` itself, and its errors
/// are `UploadSessionLookupError`, as `append_v2`'s.
async fn append_deprecated(app: &App, headers: &HeaderMap, uri: &Uri, body: Body) -> ApiResult<Value> {
    let (cursor, _, body) = content_call::<Cursor>(app, headers, uri, body).await?;
    append_to(app, headers, cursor, false, None, body).await
}

async fn append_to(
    app: &App,
    headers: &HeaderMap,
    cursor: Cursor,
    close: bool,
    expected: Option<String>,
    body: Body,
) -> ApiResult<Value> {
    let sessions = &app.dropbox.sessions;
    let id = cursor.session_id;
    let Some(session) = sessions.get(&id) else {
        return Err(refuse(body, top(SessionFailure::NotFound)).await);
    };
    if session.concurrent {
        return append_chunk(app, headers, &id, cursor.offset, close, expected.as_deref(), body)
            .await
            .map(|()| Value::Null)
            .map_err(|e| e.into_api(top));
    }
    if declared_over(headers, MAX_REQUEST_BODY) {
        return Err(refuse(body, top(SessionFailure::PayloadTooLarge)).await);
    }
    let lock = sessions.lock(&id);
    let mut running = lock.lock().await;
    // Looked up again: an append that held the lock may have moved it on.
    let Some(session) = sessions.get(&id) else {
        return Err(refuse(body, top(SessionFailure::NotFound)).await);
    };
    if session.closed {
        return Err(refuse(body, top(SessionFailure::Closed)).await);
    }
    if cursor.offset != session.offset {
        return Err(refuse(body, top(SessionFailure::IncorrectOffset(session.offset))).await);
    }
    let end = append_bytes(app, &id, session.offset, body, &mut running, expected.as_deref())
        .await
        .map_err(|e| e.into_api(top))?;
    sessions.update(&id, |s| {
        s.offset = end;
        s.closed = close;
    });
    Ok(Value::Null)
}

/// One chunk of a concurrent session. It is received without the session's
/// lock (parallel chunks are the point), then filed under its offset.
async fn append_chunk(
    app: &App,
    headers: &HeaderMap,
    id: &str,
    offset: u64,
    close: bool,
    expected_hash: Option<&str>,
    body: Body,
) -> Result<(), AppendError> {
    if !offset.is_multiple_of(CHUNK_UNIT) {
        body::drain(body).await;
        return Err(AppendError::Session(SessionFailure::ConcurrentInvalidOffset));
    }
    if declared_over(headers, MAX_REQUEST_BODY) {
        body::drain(body).await;
        return Err(AppendError::Session(SessionFailure::PayloadTooLarge));
    }
    let temp = app.store.temp_path();
    let mut file = tokio::fs::File::create(&temp).await?;
    let room = MAX_FILE.saturating_sub(offset);
    // Hashed as it arrives, so that finishing needs no second pass over the file.
    let mut hashing = Hashing::default();
    let received = receive(body, &mut file, room.min(MAX_REQUEST_BODY), Some(&mut hashing)).await;
    drop(file);
    let discard = |f: SessionFailure| {
        let _ = std::fs::remove_file(&temp);
        AppendError::Session(f)
    };
    let len = match received {
        Ok(n) => n,
        Err(ReceiveError::TooLarge) => return Err(discard(too_large(room))),
        Err(ReceiveError::Broken(why)) => {
            let _ = std::fs::remove_file(&temp);
            return Err(AppendError::Api(ApiError::BadInput(format!("request body: {why}"))));
        }
    };
    if !close && !len.is_multiple_of(CHUNK_UNIT) {
        return Err(discard(SessionFailure::ConcurrentInvalidDataSize));
    }
    if expected_hash.is_some_and(|h| h != hashing.clone().finish().content_hash) {
        let _ = std::fs::remove_file(&temp);
        return Err(AppendError::Api(ApiError::Endpoint(void("content_hash_mismatch"))));
    }
    let sessions = &app.dropbox.sessions;
    let lock = sessions.lock(id);
    let mut running = lock.lock().await;
    let Some(session) = sessions.get(id) else {
        return Err(discard(SessionFailure::NotFound));
    };
    if session.total.is_some_and(|total| close || offset >= total) {
        return Err(discard(SessionFailure::Closed));
    }
    // The closing chunk is the last one: nothing may lie beyond its end.
    if close && session.chunks.iter().any(|(&o, &l)| o + l > offset + len) {
        return Err(discard(SessionFailure::ConcurrentInvalidOffset));
    }
    if len > 0 {
        tokio::fs::rename(&temp, sessions.chunk_path(id, offset)).await?;
        running.set_chunk_hashing(offset, hashing);
    } else {
        let _ = std::fs::remove_file(&temp);
    }
    sessions.update(id, |s| {
        if len > 0 {
            s.chunks.insert(offset, len);
        }
        if close {
            s.total = Some(offset + len);
            s.closed = true;
        }
    });
    Ok(())
}
