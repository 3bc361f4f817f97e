//! Large Dropbox files through a concurrent upload session: several chunks
//! in flight at once (offsets and sizes multiples of 4 MiB, only the closing
//! chunk shorter), so one file keeps the link as busy as many do. The closing
//! chunk goes last, once every other chunk is confirmed; the journal records
//! which chunks were, so a later run sends only the rest. The commit goes
//! through the batcher like every other Dropbox file.
//!
//! Nothing of a chunk counts until its answer comes, so chunks are sized
//! from the link ([`LinkRate`]): about what it carries in
//! [`REQUEST_TIME`] (a chunk then takes a few seconds with the others in
//! flight), one 4 MiB block until a chunk has been measured, never above the
//! requested size. On a slow link a stop loses seconds of sending, not minutes.

use super::batch::Batcher;
use super::client::{api_error, header_arg, service_error, DropboxClient};
use super::profile::PROFILE;
use super::types::{AppendArg, Cursor, SessionType, StartArg, StartResult};
use super::upload::{another_session, chunk_size, commit, content_call, verified, Session};
use crate::hashing::RunningHash;
use crate::profile::REQUEST_TIME;
use crate::remote::{OpenSession, UploadSpec, Uploaded};
use crate::{Error, Result, ServiceKind};
use futures_util::stream::{self, StreamExt};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Chunks in flight at once.
const IN_FLIGHT: usize = 4;

/// What the link carried lately (bytes a second, all chunks in flight
/// together; 0 before a chunk was measured), shared by a service object's uploads.
#[derive(Debug, Default)]
pub(super) struct LinkRate(AtomicU64);

impl LinkRate {
    /// A chunk of `bytes` took `took`, sharing the link with the others in flight.
    fn measured(&self, bytes: u64, took: std::time::Duration) {
        let rate = bytes as f64 / took.as_secs_f64().max(0.001) * IN_FLIGHT as f64;
        self.0.store(rate as u64, Ordering::Relaxed);
    }

    /// The chunk of a new session when `requested` is the most wanted.
    fn chunk(&self, requested: u64) -> u64 {
        let rate = self.0.load(Ordering::Relaxed);
        let fits = if rate == 0 { PROFILE.chunks.unit } else { (rate as f64 * REQUEST_TIME.as_secs_f64()) as u64 };
        chunk_size(fits).min(chunk_size(requested))
    }
}

/// Whether `spec` goes through a concurrent session: a file of several
/// chunks whose chunk size is the engine's to choose (an explicit size asks
/// for the classic one-after-another session), or a journaled concurrent session.
pub(super) fn suits(spec: &UploadSpec<'_>) -> bool {
    matches!(spec.resume, Some(OpenSession::DropboxConcurrent { .. }))
        || (spec.adapt_chunks && spec.stamp.size > 2 * chunk_size(spec.chunk_size))
}

/// A concurrent session and the chunks it confirmed.
struct Open {
    id: String,
    chunk: u64,
    done: Mutex<BTreeSet<u64>>,
    closed: bool,
}

impl Open {
    fn note(&self) -> OpenSession {
        let done = self.done.lock().unwrap_or_else(|p| p.into_inner()).iter().copied().collect();
        OpenSession::DropboxConcurrent { session_id: self.id.clone(), chunk: self.chunk, done, closed: self.closed }
    }

    fn is_done(&self, offset: u64) -> bool {
        self.done.lock().unwrap_or_else(|p| p.into_inner()).contains(&offset)
    }
}

/// What sending the chunks came to.
enum Sent {
    Complete,
    /// The session is gone (expired, or unknown): a new one is needed.
    Gone,
}

pub(super) async fn upload(
    c: &DropboxClient,
    batcher: &Batcher,
    rate: &LinkRate,
    spec: UploadSpec<'_>,
) -> Result<Uploaded> {
    let size = spec.stamp.size;
    // The whole file's hash is computed on another task while the chunks go out.
    let mut hashing = Some(RunningHash::new(PROFILE.hash).advance_in_background(spec.local, size));
    let mut hash = RunningHash::new(PROFILE.hash);
    let mut open = match &spec.resume {
        Some(OpenSession::DropboxConcurrent { session_id, chunk, done, closed }) => Some(Open {
            id: session_id.clone(),
            chunk: *chunk,
            done: Mutex::new(done.iter().copied().collect()),
            closed: *closed,
        }),
        _ => None,
    };
    let sent_total = Arc::new(AtomicU64::new(0));
    let mut new_sessions = 0;
    loop {
        let mut s = match open.take() {
            Some(s) => s,
            None => {
                another_session(&mut new_sessions, &spec)?;
                start(c, &spec, rate.chunk(spec.chunk_size)).await?
            }
        };
        spec.observer.session(Some(&s.note()));
        if let Sent::Gone = send_chunks(c, &spec, &mut s, &sent_total, rate).await? {
            spec.observer.session(None);
            continue;
        }
        if let Some(task) = hashing.take() {
            RunningHash::join_background(&mut hash, task, spec.local).await?;
        }
        spec.observer.sent(size);
        if let Err(e) = spec.stamp.check_unchanged(spec.local).await {
            spec.observer.session(None);
            return Err(e);
        }
        let committed = Session { id: s.id.clone(), offset: size, closed: true };
        let outcome = commit(batcher, &spec, &committed).await?;
        spec.observer.session(None);
        let failure = match outcome {
            Ok(meta) => {
                let bytes_sent = sent_total.load(Ordering::Relaxed);
                return Ok(Uploaded { entry: verified(&spec, meta, &hash)?, bytes_sent });
            }
            Err(failure) => failure,
        };
        let t = super::client::tags(&failure);
        if t.iter().any(|x| x == "conflict") {
            return Err(Error::Conflict { service: ServiceKind::Dropbox, path: spec.remote_path.to_owned() });
        }
        if t.first().is_none_or(|x| x != "lookup_failed") {
            return Err(Error::Service {
                service: ServiceKind::Dropbox,
                status: 409,
                code: t.join("/"),
                message: format!("{}: the commit failed", spec.remote_path),
            });
        }
        // The session expired or lacks a chunk: send the file again.
        tracing::debug!(path = spec.remote_path, failure = %t.join("/"), "starting a new concurrent session");
    }
}

async fn start(c: &DropboxClient, spec: &UploadSpec<'_>, chunk: u64) -> Result<Open> {
    let arg = header_arg(&StartArg { close: false, session_type: Some(SessionType::Concurrent), content_hash: None })?;
    let reply = content_call(c, spec, "files/upload_session/start", arg, 0, 0, Arc::new(|_| {})).await?;
    if !reply.is_success() {
        return Err(service_error(&reply));
    }
    let r: StartResult = reply.json(ServiceKind::Dropbox)?;
    Ok(Open { id: r.session_id, chunk, done: Mutex::new(BTreeSet::new()), closed: false })
}

/// Sends every chunk the session lacks, then the closing one.
async fn send_chunks(
    c: &DropboxClient,
    spec: &UploadSpec<'_>,
    s: &mut Open,
    total: &Arc<AtomicU64>,
    rate: &LinkRate,
) -> Result<Sent> {
    if s.closed {
        return Ok(Sent::Complete);
    }
    let size = spec.stamp.size;
    // The closing chunk is what is left after the whole chunks (empty when
    // the size is a multiple of the chunk).
    let last = size / s.chunk * s.chunk;
    let pending: Vec<u64> = (0..last).step_by(s.chunk as usize).filter(|o| !s.is_done(*o)).collect();
    let results: Vec<Result<bool>> = stream::iter(pending)
        .map(|offset| append(c, spec, s, offset, (offset + s.chunk).min(last), false, total, Some(rate)))
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    for r in results {
        if !r? {
            return Ok(Sent::Gone);
        }
    }
    if !append(c, spec, s, last, size, true, total, None).await? {
        return Ok(Sent::Gone);
    }
    s.closed = true;
    spec.observer.session(Some(&s.note()));
    Ok(Sent::Complete)
}

/// One chunk; `false` when the session is gone. The session's note in the
/// journal is updated as each chunk is confirmed; `rate` hears how long it took.
#[allow(clippy::too_many_arguments)]
async fn append(
    c: &DropboxClient,
    spec: &UploadSpec<'_>,
    s: &Open,
    offset: u64,
    end: u64,
    close: bool,
    total: &Arc<AtomicU64>,
    rate: Option<&LinkRate>,
) -> Result<bool> {
    let cursor = Cursor { session_id: s.id.clone(), offset };
    // The service checks this chunk's bytes against its hash (content_hash_mismatch).
    let content_hash = Some(RunningHash::of_range(PROFILE.hash, spec.local, offset, end).await?);
    let arg = header_arg(&AppendArg { cursor: &cursor, close, content_hash })?;
    // Progress counts bytes sent across all chunks; a resend counts again.
    let (observer, sum, last_seen) = (spec.observer.clone(), total.clone(), Arc::new(AtomicU64::new(offset)));
    let hook = Arc::new(move |at: u64| {
        let before = last_seen.swap(at, Ordering::Relaxed);
        let now = sum.fetch_add(at.saturating_sub(before), Ordering::Relaxed) + at.saturating_sub(before);
        observer.sent(now);
    });
    let started = std::time::Instant::now();
    let reply = content_call(c, spec, "files/upload_session/append_v2", arg, offset, end, hook).await?;
    if reply.is_success() {
        if let Some(rate) = rate {
            rate.measured(end - offset, started.elapsed());
        }
        if !close {
            s.done.lock().unwrap_or_else(|p| p.into_inner()).insert(offset);
            spec.observer.session(Some(&s.note()));
        }
        return Ok(true);
    }
    if reply.status == 409 {
        let (t, _) = api_error(&reply);
        match t.first().map(String::as_str) {
            Some("not_found") => return Ok(false),
            // A closing chunk whose answer was lost: the session is complete.
            Some("closed") if close => return Ok(true),
            _ => {}
        }
    }
    Err(service_error(&reply))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn chunks_follow_the_link_in_whole_blocks_up_to_the_requested_size() {
        let rate = LinkRate::default();
        assert_eq!(rate.chunk(32 * MIB), 4 * MIB, "one block until a chunk was measured");
        // Four chunks of 4 MiB in 8 s each: 2 MiB/s in all.
        rate.measured(4 * MIB, Duration::from_secs(8));
        assert_eq!(rate.chunk(32 * MIB), 4 * MIB);
        // 20 MiB/s: a second's worth, in whole blocks.
        rate.measured(4 * MIB, Duration::from_millis(800));
        assert_eq!(rate.chunk(32 * MIB), 20 * MIB);
        rate.measured(32 * MIB, Duration::from_millis(100));
        assert_eq!(rate.chunk(32 * MIB), 32 * MIB, "never above the requested size");
        assert_eq!(rate.chunk(8 * MIB), 8 * MIB);
    }
}
