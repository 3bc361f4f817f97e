//! Dropbox uploads: every file goes through an upload session (start, then
//! append_v2 chunks, the last one closing it) and is committed by the
//! [`Batcher`]. A small file is one `start` with `close` plus its share of a
//! batch commit, which costs the same number of requests as `files/upload`
//! but takes the namespace write lock together with other files.
//!
//! A lost answer is recovered from Dropbox's `incorrect_offset` /
//! `correct_offset`; a session that is gone (`not_found`) is started again.
//! The file's stamp is checked after the last chunk and before the commit,
//! so a file that changed while it was being read is never committed.

use super::batch::Batcher;
use super::client::{api_error, api_path, entry, find_u64, header_arg, service_error, DropboxClient};
use super::types::{AppendArg, CommitInfo, Cursor, FinishEntry, Metadata, StartArg, StartResult};
use crate::http::{Auth, Reply};
use crate::remote::{OpenSession, RemoteEntry, UploadSpec, Uploaded, WireConflict};
use super::profile::PROFILE;
use crate::hashing::RunningHash;
use crate::http::{range_body, SentHook};
use crate::{Error, Result, ServiceKind};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use std::sync::Arc;

const MAX_NEW_SESSIONS: u32 = 3;

/// The chunk size used for a requested one.
pub(crate) fn chunk_size(requested: u64) -> u64 {
    PROFILE.chunks.size_for(requested)
}

fn sent_hook(spec: &UploadSpec<'_>) -> SentHook {
    let observer = spec.observer.clone();
    Arc::new(move |offset| observer.sent(offset))
}

/// Where a session stands.
pub(super) struct Session {
    pub id: String,
    pub offset: u64,
    pub closed: bool,
}

impl Session {
    fn note(&self) -> OpenSession {
        OpenSession::Dropbox { session_id: self.id.clone(), offset: self.offset, closed: self.closed }
    }
}

/// What an append told us.
enum Appended {
    To(u64),
    /// The session is closed (by an append whose answer we lost).
    Closed,
    Gone,
}

pub(super) async fn upload(c: &DropboxClient, batcher: &Batcher, spec: UploadSpec<'_>) -> Result<Uploaded> {
    let size = spec.stamp.size;
    if size > PROFILE.max_file_size {
        return Err(Error::File {
            path: spec.local.display().to_string(),
            message: format!("{size} bytes is more than Dropbox's limit of {} bytes", PROFILE.max_file_size),
        });
    }
    let mut hash = RunningHash::new(PROFILE.hash);
    let mut session = match &spec.resume {
        Some(OpenSession::Dropbox { session_id, offset, closed }) => {
            Some(Session { id: session_id.clone(), offset: *offset, closed: *closed })
        }
        _ => None,
    };
    let mut bytes_sent = 0u64;
    let mut new_sessions = 0;
    loop {
        let mut s = match session.take() {
            Some(s) if s.closed => s,
            Some(s) => match append(c, &spec, &s.id, s.offset, s.offset, false, &mut bytes_sent).await? {
                // An empty append asks where the session stands without sending data.
                Appended::To(offset) => Session { offset, ..s },
                Appended::Closed => Session { closed: true, ..s },
                Appended::Gone => continue,
            },
            None => {
                another_session(&mut new_sessions, &spec)?;
                start(c, &spec, &mut bytes_sent).await?
            }
        };
        spec.observer.session(Some(&s.note()));
        if !send_rest(c, &spec, &mut s, &mut hash, &mut bytes_sent).await? {
            spec.observer.session(None);
            continue;
        }
        hash.advance_to(spec.local, size).await?;
        spec.observer.sent(size);
        if let Err(e) = spec.stamp.check_unchanged(spec.local).await {
            spec.observer.session(None);
            return Err(e);
        }
        match commit(batcher, &spec, &s).await? {
            Ok(meta) => {
                spec.observer.session(None);
                let entry = verified(&spec, meta, &hash)?;
                return Ok(Uploaded { entry, bytes_sent });
            }
            Err(failure) => {
                let t = super::client::tags(&failure);
                spec.observer.session(None);
                if t.iter().any(|x| x == "conflict") {
                    return Err(Error::Conflict { service: ServiceKind::Dropbox, path: spec.remote_path.to_owned() });
                }
                if t.first().is_some_and(|x| x == "lookup_failed") {
                    // The session expired or does not hold the whole file: send it again.
                    tracing::debug!(path = spec.remote_path, failure = %t.join("/"), "starting a new session");
                    continue;
                }
                return Err(Error::Service {
                    service: ServiceKind::Dropbox,
                    status: 409,
                    code: t.join("/"),
                    message: format!("{}: the commit failed", spec.remote_path),
                });
            }
        }
    }
}

/// Counts a new session for `spec`; an error once sessions kept disappearing.
pub(super) fn another_session(new_sessions: &mut u32, spec: &UploadSpec<'_>) -> Result<()> {
    *new_sessions += 1;
    if *new_sessions > MAX_NEW_SESSIONS + 1 {
        return Err(Error::Network {
            service: ServiceKind::Dropbox,
            message: format!("{}: the upload session kept disappearing", spec.remote_path),
        });
    }
    Ok(())
}

/// Appends until the session holds the whole file and is closed; `false`
/// when the session is gone and a new one is needed.
async fn send_rest(
    c: &DropboxClient,
    spec: &UploadSpec<'_>,
    s: &mut Session,
    hash: &mut RunningHash,
    bytes_sent: &mut u64,
) -> Result<bool> {
    let size = spec.stamp.size;
    let requested = chunk_size(spec.chunk_size);
    let mut chunk = requested;
    while !s.closed {
        spec.observer.sent(s.offset);
        let end = (s.offset + chunk).min(size);
        let close = end == size;
        // Hashing what goes out overlaps with sending it.
        let hashing = std::mem::replace(hash, RunningHash::new(PROFILE.hash)).advance_in_background(spec.local, end);
        let started = std::time::Instant::now();
        let appended = append(c, spec, &s.id, s.offset, end, close, bytes_sent).await;
        RunningHash::join_background(hash, hashing, spec.local).await?;
        match appended? {
            Appended::To(offset) => {
                if spec.adapt_chunks && offset == end {
                    chunk = PROFILE.chunks.grown(requested, end - s.offset, started.elapsed());
                }
                s.offset = offset;
                s.closed = close && offset == end;
            }
            Appended::Closed if s.offset == size || end == size => {
                s.offset = size;
                s.closed = true;
            }
            Appended::Closed | Appended::Gone => return Ok(false),
        }
        spec.observer.session(Some(&s.note()));
    }
    Ok(true)
}

/// A content-host call whose body is `[start, end)` of the file; `hook`
/// hears the bytes go out.
pub(super) async fn content_call(
    c: &DropboxClient,
    spec: &UploadSpec<'_>,
    endpoint: &str,
    arg: String,
    start: u64,
    end: u64,
    hook: SentHook,
) -> Result<Reply> {
    let url = format!("{}/2/{endpoint}", c.content);
    let client = c.transport.client().clone();
    c.transport
        .send(spec.cancel, Auth::Bearer, endpoint, |activity| {
            Ok(client
                .post(&url)
                .header("Dropbox-API-Arg", arg.as_str())
                .header(CONTENT_TYPE, "application/octet-stream")
                .header(CONTENT_LENGTH, end - start)
                .body(range_body(spec.local, start, end, activity, hook.clone())))
        })
        .await
}

async fn start(c: &DropboxClient, spec: &UploadSpec<'_>, bytes_sent: &mut u64) -> Result<Session> {
    let size = spec.stamp.size;
    let end = chunk_size(spec.chunk_size).min(size);
    let close = end == size;
    let mut damaged_before = false;
    let reply = loop {
        let content_hash = Some(RunningHash::of_range(PROFILE.hash, spec.local, 0, end).await?);
        let arg = header_arg(&StartArg { close, session_type: None, content_hash })?;
        let reply = content_call(c, spec, "files/upload_session/start", arg, 0, end, sent_hook(spec)).await?;
        if !arrived_damaged(&reply) {
            break reply;
        }
        resend_damaged(spec, &mut damaged_before)?;
    };
    if !reply.is_success() {
        return Err(service_error(&reply));
    }
    *bytes_sent += end;
    let r: StartResult = reply.json(ServiceKind::Dropbox)?;
    Ok(Session { id: r.session_id, offset: end, closed: close })
}

/// Whether the service refused a call's bytes for not matching the call's
/// `content_hash` (damaged on the way, or the file changed under us).
pub(super) fn arrived_damaged(reply: &crate::http::Reply) -> bool {
    reply.status == 409 && api_error(reply).0.first().is_some_and(|t| t == "content_hash_mismatch")
}

/// Allows one resend of bytes that arrived damaged; a second time the file
/// itself is taken to be changing.
pub(super) fn resend_damaged(spec: &UploadSpec<'_>, damaged_before: &mut bool) -> Result<()> {
    if std::mem::replace(damaged_before, true) {
        return Err(Error::FileChanged { path: spec.local.display().to_string() });
    }
    tracing::debug!(path = spec.remote_path, "Dropbox received damaged bytes; sending them again");
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn append(
    c: &DropboxClient,
    spec: &UploadSpec<'_>,
    id: &str,
    offset: u64,
    end: u64,
    close: bool,
    bytes_sent: &mut u64,
) -> Result<Appended> {
    let cursor = Cursor { session_id: id.to_owned(), offset };
    let mut damaged_before = false;
    let reply = loop {
        // An empty append only asks where the session stands.
        let content_hash = match end > offset {
            true => Some(RunningHash::of_range(PROFILE.hash, spec.local, offset, end).await?),
            false => None,
        };
        let arg = header_arg(&AppendArg { cursor: &cursor, close, content_hash })?;
        let reply = content_call(c, spec, "files/upload_session/append_v2", arg, offset, end, sent_hook(spec)).await?;
        if !arrived_damaged(&reply) {
            break reply;
        }
        resend_damaged(spec, &mut damaged_before)?;
    };
    if reply.is_success() {
        *bytes_sent += end - offset;
        return Ok(Appended::To(end));
    }
    if reply.status == 409 {
        let (t, error) = api_error(&reply);
        match t.first().map(String::as_str) {
            Some("incorrect_offset") => {
                if let Some(correct) = find_u64(&error, "correct_offset") {
                    return Ok(Appended::To(correct));
                }
            }
            Some("closed") => return Ok(Appended::Closed),
            Some("not_found") => return Ok(Appended::Gone),
            _ => {}
        }
    }
    Err(service_error(&reply))
}

pub(super) async fn commit(
    batcher: &Batcher,
    spec: &UploadSpec<'_>,
    s: &Session,
) -> Result<super::batch::EntryOutcome> {
    let (mode, autorename) = match spec.conflict {
        WireConflict::Fail => ("add", false),
        WireConflict::Rename => ("add", true),
        WireConflict::Replace => ("overwrite", false),
    };
    let entry = FinishEntry {
        cursor: Cursor { session_id: s.id.clone(), offset: spec.stamp.size },
        commit: CommitInfo {
            path: api_path(spec.remote_path),
            mode,
            autorename,
            client_modified: spec.stamp.modified_rfc3339(),
            mute: false,
        },
    };
    // The bytes are all sent; the caller's slot is free while the commit waits.
    spec.observer.waiting_for_commit();
    batcher.commit(entry, spec.cancel).await
}

pub(super) fn verified(spec: &UploadSpec<'_>, meta: Metadata, hash: &RunningHash) -> Result<RemoteEntry> {
    let e = entry(meta);
    let local = hash.finish();
    match &e.hash {
        Some(stored) if *stored == local && e.size == spec.stamp.size => Ok(e),
        Some(stored) => Err(Error::HashMismatch {
            service: ServiceKind::Dropbox,
            path: e.path.clone(),
            local,
            stored: format!("{stored} ({} bytes)", e.size),
        }),
        None => {
            tracing::warn!(path = %e.path, "Dropbox reported no content_hash; the upload is not verified");
            Ok(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_whole_blocks_under_150_mib() {
        use super::super::profile::CHUNK_UNIT;
        assert_eq!(chunk_size(5 * 1024 * 1024), CHUNK_UNIT);
        assert_eq!(chunk_size(48 * 1024 * 1024), 48 * 1024 * 1024);
        assert_eq!(chunk_size(0), CHUNK_UNIT);
        assert!(chunk_size(u64::MAX) < 150 * 1024 * 1024);
    }
}
