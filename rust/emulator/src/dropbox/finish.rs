//! Committing upload sessions: `finish` (a content route, whose body is the
//! last bytes) and `finish_batch_v2` (RPC, up to 1000 closed sessions at once,
//! each with its own success or failure).

use super::args::ArgSource;
use super::body::{self, declared_over, Hashing, MAX_REQUEST_BODY};
use super::commit::{commit_file, Commit, CommitArg, CommitError};
use super::errors::{nested, respond, void, ApiError, ApiResult, Route, SessionFailure};
use super::session_store::{Running, Session};
use super::sessions::{append_bytes, lookup_failed, Cursor};
use super::{content_call, refuse, rpc_call};
use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use dkcloud_hash::FileHashes;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::PathBuf;

const FINISH: Route = Route { name: "files/upload_session/finish", kind: "dropbox.finish" };
const BATCH: Route = Route { name: "files/upload_session/finish_batch_v2", kind: "dropbox.finish_batch_v2" };
const MAX_BATCH: usize = 1000;

#[derive(Deserialize)]
struct FinishArg {
    cursor: Cursor,
    commit: CommitArg,
}

#[derive(Deserialize)]
struct BatchArg {
    entries: Vec<FinishArg>,
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
        let end =
            append_bytes(app, &id, session.offset, body, &mut running, None).await.map_err(|e| e.into_api(lookup_failed))?;
        sessions.update(&id, |s| {
            s.offset = end;
            s.closed = true;
        });
        session.offset = end;
        session.closed = true;
    }
    commit_session(app, &id, &session, arg.cursor.offset, &running, &commit).await
}

/// Concurrent: all chunks, in order, in one temporary file. The chunks were
/// hashed as they arrived (`known`); after a restart they are hashed here.
fn assemble(app: &App, id: &str, session: &Session, known: Option<Hashing>) -> std::io::Result<(PathBuf, FileHashes)> {
    let temp = app.store.temp_path();
    let mut out = std::fs::File::create(&temp)?;
    let mut hashing = known.clone().unwrap_or_default();
    let mut buf = vec![0u8; 1 << 20];
    for &offset in session.chunks.keys() {
        let mut chunk = std::fs::File::open(app.dropbox.sessions.chunk_path(id, offset))?;
        if known.is_some() {
            // File to file in the kernel (copy_file_range), no pass through here.
            std::io::copy(&mut chunk, &mut out)?;
            continue;
        }
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
async fn commit_session(
    app: &App,
    id: &str,
    session: &Session,
    cursor_offset: u64,
    running: &Running,
    commit: &Commit,
) -> ApiResult<Value> {
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
        let known = running.joined_chunk_hashes(session);
        tokio::task::spawn_blocking(move || assemble(&app2, &id2, &session2, known))
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
        // Namespace contention: this entry is not committed, its session stays as it was.
        if app.scheduled.take(crate::scheduled::Scheduled::BatchEntryContention) {
            results.push(json!({ ".tag": "failure", "failure": void("too_many_write_operations") }));
            continue;
        }
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
