//! Upload sessions: `start`, `append_v2` and `finish` (content routes) and
//! `finish_batch_v2` (RPC). Sequential sessions take their bytes in order;
//! concurrent ones take 4 MiB-aligned chunks in any order, assembled at finish.

use super::args::{tag_of, ArgSource};
use super::body::{self, declared_over, receive, ReceiveError, MAX_REQUEST_BODY};
use super::commit::{commit_file, Commit, CommitArg, CommitError};
use super::errors::{nested, respond, void, ApiError, ApiResult, Route, SessionFailure};
use super::session_store::{Running, Session, MAX_FILE};
use super::{content_call, refuse, rpc_call};
use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use dkcloud_hash::FileHashes;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::{Read, SeekFrom, Write};
use std::path::PathBuf;
use tokio::io::AsyncSeekExt;

const START: Route = Route { name: "files/upload_session/start", kind: "dropbox.upload_session_start" };
const APPEND: Route = Route { name: "files/upload_session/append_v2", kind: "dropbox.append_v2" };
const FINISH: Route = Route { name: "files/upload_session/finish", kind: "dropbox.finish" };
const BATCH: Route = Route { name: "files/upload_session/finish_batch_v2", kind: "dropbox.finish_batch_v2" };

/// Concurrent sessions take chunks in multiples of this (except the last).
const CHUNK_UNIT: u64 = 4 * 1024 * 1024;
const MAX_BATCH: usize = 1000;

#[derive(Deserialize)]
struct StartArg {
    #[serde(default)]
    close: bool,
    #[serde(default)]
    session_type: Option<Value>,
}

#[derive(Deserialize)]
struct Cursor {
    session_id: String,
    offset: u64,
}

#[derive(Deserialize)]
struct AppendArg {
    cursor: Cursor,
    #[serde(default)]
    close: bool,
}

#[derive(Deserialize)]
struct FinishArg {
    cursor: Cursor,
    commit: CommitArg,
}

#[derive(Deserialize)]
struct BatchArg {
    entries: Vec<FinishArg>,
}

/// A session failure as `append_v2` reports it (and `start`, whose own union
/// shares `payload_too_large`).
fn top(f: SessionFailure) -> ApiError {
    ApiError::Endpoint(f.to_value())
}

/// A session failure as `finish` reports it.
fn lookup_failed(f: SessionFailure) -> ApiError {
    ApiError::Endpoint(nested("lookup_failed", f.to_value()))
}

enum AppendError {
    Session(SessionFailure),
    Api(ApiError),
}

impl AppendError {
    fn into_api(self, wrap: fn(SessionFailure) -> ApiError) -> ApiError {
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
async fn append_bytes(app: &App, id: &str, offset: u64, body: Body, running: &mut Running) -> Result<u64, AppendError> {
    let path = app.dropbox.sessions.data_path(id);
    let mut file = tokio::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).await?;
    // Bytes past `offset` are leftovers of an append that broke off.
    file.set_len(offset).await?;
    file.seek(SeekFrom::Start(offset)).await?;
    let room = MAX_FILE.saturating_sub(offset);
    let mut hashing = running.hashing_at(offset);
    match receive(body, &mut file, room.min(MAX_REQUEST_BODY), hashing.as_mut()).await {
        Ok(n) => {
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

pub(crate) async fn start(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    respond(START, start_session(&app, &headers, &uri, body).await)
}

async fn start_session(app: &App, headers: &HeaderMap, uri: &Uri, body: Body) -> ApiResult<Value> {
    let (arg, source, body) = content_call::<StartArg>(app, headers, uri, body).await?;
    let concurrent = match arg.session_type.as_ref().map(tag_of) {
        None | Some(Some("sequential")) => false,
        Some(Some("concurrent")) => true,
        _ => {
            let e = ApiError::BadInput(format!("{}: session_type: unknown tag", source.label()));
            return Err(refuse(body, e).await);
        }
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
    match append_bytes(app, &id, 0, body, &mut running).await {
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
    let (arg, _, body) = content_call::<AppendArg>(app, headers, uri, body).await?;
    let sessions = &app.dropbox.sessions;
    let id = arg.cursor.session_id;
    let Some(session) = sessions.get(&id) else {
        return Err(refuse(body, top(SessionFailure::NotFound)).await);
    };
    if session.concurrent {
        return append_chunk(app, headers, &id, arg.cursor.offset, arg.close, body)
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
    if arg.cursor.offset != session.offset {
        return Err(refuse(body, top(SessionFailure::IncorrectOffset(session.offset))).await);
    }
    let end = append_bytes(app, &id, session.offset, body, &mut running).await.map_err(|e| e.into_api(top))?;
    sessions.update(&id, |s| {
        s.offset = end;
        s.closed = arg.close;
    });
    Ok(Value::Null)
}

/// One chunk of a concurrent session. It is received without the session's
/// lock (parallel chunks are the point), then filed under its offset.
async fn append_chunk(app: &App, headers: &HeaderMap, id: &str, offset: u64, close: bool, body: Body) -> Result<(), AppendError> {
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
    let received = receive(body, &mut file, room.min(MAX_REQUEST_BODY), None).await;
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
    let sessions = &app.dropbox.sessions;
    let lock = sessions.lock(id);
    let _guard = lock.lock().await;
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

pub(crate) async fn finish(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    respond(FINISH, finish_session(&app, &headers, &uri, body).await)
}

async fn finish_session(app: &App, headers: &HeaderMap, uri: &Uri, body: Body) -> ApiResult<Value> {
    let (arg, source, body) = content_call::<FinishArg>(app, headers, uri, body).await?;
    let commit = match arg.commit.check(source, "commit.") {
        Ok(c) => c,
        Err(e) => return Err(refuse(body, e).await),
    };
    let sessions = &app.dropbox.sessions;
    let id = arg.cursor.session_id;
    if sessions.get(&id).is_none() {
        return Err(refuse(body, lookup_failed(SessionFailure::NotFound)).await);
    }
    if declared_over(headers, MAX_REQUEST_BODY) {
        return Err(refuse(body, ApiError::Endpoint(void("payload_too_large"))).await);
    }
    let lock = sessions.lock(&id);
    let mut running = lock.lock().await;
    let Some(mut session) = sessions.get(&id) else {
        return Err(refuse(body, lookup_failed(SessionFailure::NotFound)).await);
    };
    if session.concurrent {
        if body::drain(body).await > 0 {
            return Err(ApiError::Endpoint(void("concurrent_session_data_not_allowed")));
        }
    } else if session.closed {
        if body::drain(body).await > 0 {
            return Err(lookup_failed(SessionFailure::Closed));
        }
        if arg.cursor.offset != session.offset {
            return Err(lookup_failed(SessionFailure::IncorrectOffset(session.offset)));
        }
    } else {
        if arg.cursor.offset != session.offset {
            return Err(refuse(body, lookup_failed(SessionFailure::IncorrectOffset(session.offset))).await);
        }
        let end = append_bytes(app, &id, session.offset, body, &mut running).await.map_err(|e| e.into_api(lookup_failed))?;
        sessions.update(&id, |s| {
            s.offset = end;
            s.closed = true;
        });
        session.offset = end;
        session.closed = true;
    }
    commit_session(app, &id, &session, arg.cursor.offset, &running, &commit).await
}

/// Concurrent: all chunks, in order, in one temporary file, hashed on the way.
fn assemble(app: &App, id: &str, session: &Session) -> std::io::Result<(PathBuf, FileHashes)> {
    let temp = app.store.temp_path();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&temp)?);
    let mut hashing = body::Hashing::default();
    let mut buf = vec![0u8; 1 << 20];
    for &offset in session.chunks.keys() {
        let mut chunk = std::fs::File::open(app.dropbox.sessions.chunk_path(id, offset))?;
        loop {
            let n = chunk.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hashing.update(&buf[..n]);
            out.write_all(&buf[..n])?;
        }
    }
    out.flush()?;
    Ok((temp, hashing.finish()))
}

/// Commits a session whose bytes are all there (the caller holds its lock and,
/// for a sequential session, checked the cursor). Failures are
/// `UploadSessionFinishError` values; on a write failure the session stays,
/// closed, so the commit can be retried elsewhere.
async fn commit_session(app: &App, id: &str, session: &Session, cursor_offset: u64, running: &Running, commit: &Commit) -> ApiResult<Value> {
    let sessions = &app.dropbox.sessions;
    let (temp, hashes) = if session.concurrent {
        if !session.closed {
            return Err(ApiError::Endpoint(void("concurrent_session_not_closed")));
        }
        if !session.complete() {
            return Err(ApiError::Endpoint(void("concurrent_session_missing_data")));
        }
        let total = session.total.unwrap_or(0);
        if cursor_offset != total {
            return Err(lookup_failed(SessionFailure::IncorrectOffset(total)));
        }
        let (app2, id2, session2) = (app.clone(), id.to_owned(), session.clone());
        tokio::task::spawn_blocking(move || assemble(&app2, &id2, &session2))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))??
    } else {
        let data = sessions.data_path(id);
        let hashes = match running.hashing_at(session.offset) {
            Some(h) => h.finish(),
            None => {
                let path = data.clone();
                tokio::task::spawn_blocking(move || dkcloud_hash::hash_reader(std::fs::File::open(path)?))
                    .await
                    .map_err(|e| ApiError::Internal(e.to_string()))??
            }
        };
        if !data.exists() {
            std::fs::File::create(&data)?;
        }
        (data, hashes)
    };
    let (app2, temp2, commit2) = (app.clone(), temp.clone(), commit.clone());
    let outcome = tokio::task::spawn_blocking(move || commit_file(&app2, &temp2, hashes, &commit2))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    match outcome {
        Ok(metadata) => {
            sessions.remove(id);
            Ok(metadata)
        }
        Err(failure) => {
            if session.concurrent {
                let _ = std::fs::remove_file(&temp);
            }
            sessions.update(id, |s| s.closed = true);
            match failure {
                CommitError::Write(w) => Err(ApiError::Endpoint(nested("path", w.to_value()))),
                CommitError::Io(e) => Err(e.into()),
            }
        }
    }
}

pub(crate) async fn finish_batch_v2(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    respond(BATCH, finish_batch(&app, &headers, body).await)
}

async fn finish_batch(app: &App, headers: &HeaderMap, body: Body) -> ApiResult<Value> {
    let arg: BatchArg = rpc_call(app, headers, body).await?;
    if arg.entries.len() > MAX_BATCH {
        return Err(ApiError::BadInput(format!(
            "request body: entries: list has more than {MAX_BATCH} items ({})",
            arg.entries.len()
        )));
    }
    let mut entries = Vec::with_capacity(arg.entries.len());
    for (i, entry) in arg.entries.into_iter().enumerate() {
        entries.push((entry.cursor, entry.commit.check(ArgSource::Body, &format!("entries[{i}].commit."))?));
    }
    let mut results = Vec::with_capacity(entries.len());
    for (cursor, commit) in entries {
        results.push(match finish_entry(app, &cursor, &commit).await {
            Ok(mut metadata) => {
                metadata[".tag"] = json!("success");
                metadata
            }
            Err(ApiError::Endpoint(failure)) => json!({ ".tag": "failure", "failure": failure }),
            Err(other) => return Err(other),
        });
    }
    Ok(json!({ "entries": results }))
}

/// One entry of a batch: like `finish` without data, and the session must be closed.
async fn finish_entry(app: &App, cursor: &Cursor, commit: &Commit) -> ApiResult<Value> {
    let sessions = &app.dropbox.sessions;
    let id = &cursor.session_id;
    if sessions.get(id).is_none() {
        return Err(lookup_failed(SessionFailure::NotFound));
    }
    let lock = sessions.lock(id);
    let running = lock.lock().await;
    let Some(session) = sessions.get(id) else {
        return Err(lookup_failed(SessionFailure::NotFound));
    };
    if !session.concurrent {
        if !session.closed {
            return Err(lookup_failed(SessionFailure::NotClosed));
        }
        if cursor.offset != session.offset {
            return Err(lookup_failed(SessionFailure::IncorrectOffset(session.offset)));
        }
    }
    commit_session(app, id, &session, cursor.offset, &running, commit).await
}
