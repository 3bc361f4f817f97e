//! OneDrive uploads: one PUT for small files, upload sessions above that.
//!
//! Sessions send fragments that are multiples of 320 KiB, without the
//! Authorization header (the upload URL is pre-authorised), follow the
//! server's `nextExpectedRanges` after a 416 or a lost answer, start a new
//! session when the old one is gone (404), and are deleted on cancel.
//! The last fragment is read into memory and the file's stamp checked before
//! it is sent, because that fragment commits the file: a file that changed
//! while it was being read is never stored.
//!
//! Every upload carries the local file's `fileSystemInfo` (modified and, where
//! the file system keeps it, created): sessions in `createUploadSession`'s
//! item; a simple PUT cannot carry it, so a `PATCH` of the new item follows,
//! as rclone does. (A session for every small file would cost the same two
//! requests, but the PUT keeps one round trip before the bytes go and makes
//! the file at once; see docs/cli.md, "Modified times on OneDrive".)

use super::client::{parse_error, service_error, OneDrive};
use super::types::{CreateSession, DriveItem, FileSystemInfo, SessionItem, TimesUpdate, UploadSession};
use crate::http::Auth;
use crate::remote::{OpenSession, Remote, RemoteEntry, UploadSpec, Uploaded, WireConflict};
use super::profile::{FRAGMENT_UNIT, PROFILE, SIMPLE_LIMIT};
use crate::hashing::RunningHash;
use crate::http::{bytes_body, range_body, read_range, SentHook};
use crate::{Error, Result, ServiceKind};
use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Times a job may lose its session (404) and start a new one.
const MAX_NEW_SESSIONS: u32 = 3;
/// How long deleting an abandoned session may take.
const CANCEL_CLEANUP: Duration = Duration::from_secs(10);

/// The fragment size used for a requested chunk size.
pub fn fragment_size(requested: u64) -> u64 {
    PROFILE.chunks.size_for(requested)
}

fn behavior(c: WireConflict) -> &'static str {
    match c {
        WireConflict::Fail => "fail",
        WireConflict::Rename => "rename",
        WireConflict::Replace => "replace",
    }
}

fn sent_hook(spec: &UploadSpec<'_>) -> SentHook {
    let observer = spec.observer.clone();
    Arc::new(move |offset| observer.sent(offset))
}

pub(super) async fn upload(g: &OneDrive, spec: UploadSpec<'_>) -> Result<Uploaded> {
    let size = spec.stamp.size;
    if size > PROFILE.max_file_size {
        return Err(Error::File {
            path: spec.local.display().to_string(),
            message: format!("{size} bytes is more than OneDrive's limit of {} bytes", PROFILE.max_file_size),
        });
    }
    match &spec.resume {
        Some(OpenSession::OneDrive { .. }) if size > SIMPLE_LIMIT => session_upload(g, &spec).await,
        Some(other) => {
            discard(g, other).await;
            spec.observer.session(None);
            simple_or_session(g, &spec).await
        }
        None => simple_or_session(g, &spec).await,
    }
}

async fn simple_or_session(g: &OneDrive, spec: &UploadSpec<'_>) -> Result<Uploaded> {
    if spec.stamp.size <= SIMPLE_LIMIT {
        simple(g, spec).await
    } else {
        session_upload(g, spec).await
    }
}

async fn simple(g: &OneDrive, spec: &UploadSpec<'_>) -> Result<Uploaded> {
    let size = spec.stamp.size;
    let data = read_range(spec.local, 0, size).await?;
    spec.stamp.check_unchanged(spec.local).await?;
    let mut hash = RunningHash::new(PROFILE.hash);
    hash.feed(&data);
    let url = format!("{}?@microsoft.graph.conflictBehavior={}", g.item_url(spec.remote_path, "/content"), behavior(spec.conflict));
    let client = g.transport.client().clone();
    let hook = sent_hook(spec);
    let reply = g
        .transport
        .send(spec.cancel, Auth::Bearer, "upload a file", |activity| {
            Ok(client
                .put(&url)
                .header(CONTENT_TYPE, "application/octet-stream")
                .header(CONTENT_LENGTH, size)
                .body(bytes_body(data.clone(), 0, activity, hook.clone())))
        })
        .await?;
    match reply.status {
        200 | 201 => {
            let item: DriveItem = reply.json(ServiceKind::OneDrive)?;
            let entry = verified(g, spec, item, &hash).await?;
            set_times(g, spec, &entry.path).await;
            Ok(Uploaded { entry, bytes_sent: size })
        }
        409 => Err(Error::Conflict { service: ServiceKind::OneDrive, path: spec.remote_path.to_owned() }),
        _ => Err(service_error(&reply)),
    }
}

/// How a run of fragments on one session ended.
enum SessionEnd {
    Done(DriveItem),
    /// The session no longer exists (expired, or committed by an answer we lost).
    Gone,
    /// The session expects nothing more and made no file ([`Stand::Stuck`]).
    Stuck,
}

/// New sessions a file may start after one got stuck: one.
const MAX_STUCK_RESTARTS: u32 = 1;

/// Deletes a stuck session in the background (it would only expire).
fn discard_stuck(g: &OneDrive, url: &str) {
    let (g2, url) = (g.clone(), url.to_owned());
    g.cleanup(async move {
        let _ = tokio::time::timeout(CANCEL_CLEANUP, delete_session(&g2, &url)).await;
    });
}

async fn session_upload(g: &OneDrive, spec: &UploadSpec<'_>) -> Result<Uploaded> {
    let mut hash = RunningHash::new(PROFILE.hash);
    let mut resume_url = match &spec.resume {
        Some(OpenSession::OneDrive { upload_url }) => Some(upload_url.clone()),
        _ => None,
    };
    let mut bytes_sent = 0u64;
    let mut new_sessions = 0;
    let mut stuck = 0;
    loop {
        let resumed = match resume_url.take() {
            Some(url) => match status(g, &url, spec.cancel).await? {
                Stand::At(offset) => Some((url, offset)),
                Stand::Stuck => {
                    discard_stuck(g, &url);
                    None
                }
                Stand::Gone => None,
            },
            None => None,
        };
        let (url, offset) = match resumed {
            Some(found) => found,
            None => {
                new_sessions += 1;
                if new_sessions > MAX_NEW_SESSIONS + 1 {
                    return Err(Error::Network {
                        service: ServiceKind::OneDrive,
                        message: format!("{}: the upload session kept disappearing", spec.remote_path),
                    });
                }
                (create_session(g, spec).await?, 0)
            }
        };
        spec.observer.session(Some(&OpenSession::OneDrive { upload_url: url.clone() }));
        match fragments(g, spec, &url, offset, &mut hash, &mut bytes_sent).await {
            Ok(SessionEnd::Done(item)) => {
                spec.observer.session(None);
                let entry = verified(g, spec, item, &hash).await?;
                return Ok(Uploaded { entry, bytes_sent });
            }
            Ok(SessionEnd::Stuck) => {
                spec.observer.session(None);
                discard_stuck(g, &url);
                stuck += 1;
                if stuck > MAX_STUCK_RESTARTS {
                    return Err(Error::Service {
                        service: ServiceKind::OneDrive,
                        status: 500,
                        code: "uploadSessionStuck".into(),
                        message: format!(
                            "{}: OneDrive refused the end of the file twice and its upload session expects nothing more; \
                             the file was not stored",
                            spec.remote_path
                        ),
                    });
                }
                tracing::debug!(path = spec.remote_path, "the upload session expects nothing more: starting a new one");
            }
            Ok(SessionEnd::Gone) => {
                spec.observer.session(None);
                // A lost answer to the last fragment leaves the file stored and the session gone.
                if spec.conflict != WireConflict::Rename {
                    if let Some(entry) = already_stored(g, spec, &mut hash).await? {
                        return Ok(Uploaded { entry, bytes_sent });
                    }
                }
            }
            // Stopped to be continued later: the session and its journal record stay.
            Err(Error::Cancelled) if spec.observer.keep_session_on_cancel() => return Err(Error::Cancelled),
            Err(e @ (Error::Cancelled | Error::Conflict { .. } | Error::File { .. } | Error::FileChanged { .. })) => {
                // Nothing of this session will be used: do not leave it behind. The
                // delete runs on its own so that a cancel returns at once
                // (see `Remote::settle` in `service.rs`).
                if !matches!(e, Error::Conflict { .. }) {
                    let g2 = g.clone();
                    g.cleanup(async move {
                        let _ = tokio::time::timeout(CANCEL_CLEANUP, delete_session(&g2, &url)).await;
                    });
                }
                spec.observer.session(None);
                return Err(e);
            }
            // Anything else keeps the session in the journal for a later run.
            Err(e) => return Err(e),
        }
    }
}

/// The local file's times as Graph's `fileSystemInfo`.
async fn file_system_info(spec: &UploadSpec<'_>) -> Option<FileSystemInfo> {
    let created = tokio::fs::metadata(spec.local).await.ok().and_then(|m| m.created().ok()).map(|t| {
        chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    Some(FileSystemInfo { last_modified_date_time: spec.stamp.modified_rfc3339()?, created_date_time: created })
}

/// Gives a simply uploaded item the local file's times. The file is stored
/// either way: a refusal here is logged, not the file's failure.
async fn set_times(g: &OneDrive, spec: &UploadSpec<'_>, stored: &str) {
    let Some(info) = file_system_info(spec).await else { return };
    let body = match serde_json::to_vec(&TimesUpdate { file_system_info: info }) {
        Ok(b) => b,
        Err(_) => return,
    };
    let url = g.item_url(stored, "");
    let client = g.transport.client().clone();
    let sent = g
        .transport
        .send(spec.cancel, Auth::Bearer, "set the file's times", |_| {
            Ok(client.patch(&url).header(CONTENT_TYPE, "application/json").body(body.clone()))
        })
        .await;
    match sent {
        Ok(reply) if reply.status == 200 => {}
        Ok(reply) => tracing::warn!(path = stored, "OneDrive kept the upload time: {}", service_error(&reply)),
        Err(e) => tracing::warn!(path = stored, "OneDrive kept the upload time: {e}"),
    }
}

async fn create_session(g: &OneDrive, spec: &UploadSpec<'_>) -> Result<String> {
    let url = g.item_url(spec.remote_path, "/createUploadSession");
    let body = serde_json::to_vec(&CreateSession {
        item: SessionItem {
            conflict_behavior: behavior(spec.conflict),
            file_size: spec.stamp.size,
            file_system_info: file_system_info(spec).await,
        },
    })
    .map_err(|e| Error::InvalidInput(e.to_string()))?;
    let client = g.transport.client().clone();
    let reply = g
        .transport
        .send(spec.cancel, Auth::Bearer, "start an upload session", |_| {
            Ok(client.post(&url).header(CONTENT_TYPE, "application/json").body(body.clone()))
        })
        .await?;
    match reply.status {
        200 | 201 => reply
            .json::<UploadSession>(ServiceKind::OneDrive)?
            .upload_url
            .ok_or_else(|| Error::Service {
                service: ServiceKind::OneDrive,
                status: reply.status,
                code: "noUploadUrl".into(),
                message: "the upload session has no upload URL".into(),
            }),
        409 => Err(Error::Conflict { service: ServiceKind::OneDrive, path: spec.remote_path.to_owned() }),
        _ => Err(service_error(&reply)),
    }
}

/// Where a session stands, as its status says.
enum Stand {
    /// The next byte it wants.
    At(u64),
    /// It expects nothing (`"nextExpectedRanges": []`) and has not made the
    /// file: after a refused last fragment it never completes
    /// (OneDrive/onedrive-api-docs#71). Sending again only meets 416.
    Stuck,
    Gone,
}

/// Where the session stands.
async fn status(g: &OneDrive, url: &str, cancel: &CancellationToken) -> Result<Stand> {
    let client = g.transport.client().clone();
    let reply = g.transport.send(cancel, Auth::None, "ask for the upload status", |_| Ok(client.get(url))).await?;
    match reply.status {
        200 => Ok(match reply.json::<UploadSession>(ServiceKind::OneDrive)?.next_offset() {
            Some(offset) => Stand::At(offset),
            None => Stand::Stuck,
        }),
        404 | 410 => Ok(Stand::Gone),
        _ => Err(service_error(&reply)),
    }
}

/// The last fragment commits the file, so it is read into memory to check
/// the file's stamp first; at most this much of it (a multiple of 320 KiB).
const LAST_FRAGMENT_MAX: u64 = 32 * FRAGMENT_UNIT;

/// How many bytes to send from `offset`: `frag`, but split so the last
/// fragment stays small.
fn piece_len(remaining: u64, frag: u64) -> u64 {
    if remaining > frag {
        frag
    } else if remaining > LAST_FRAGMENT_MAX {
        (remaining - LAST_FRAGMENT_MAX).div_ceil(FRAGMENT_UNIT) * FRAGMENT_UNIT
    } else {
        remaining
    }
}

async fn fragments(
    g: &OneDrive,
    spec: &UploadSpec<'_>,
    url: &str,
    mut offset: u64,
    hash: &mut RunningHash,
    bytes_sent: &mut u64,
) -> Result<SessionEnd> {
    let size = spec.stamp.size;
    let requested = fragment_size(spec.chunk_size);
    let mut frag = requested;
    let client = g.transport.client().clone();
    let hook = sent_hook(spec);
    loop {
        if offset >= size {
            // Everything arrived but nothing was committed: ask again, once.
            match status(g, url, spec.cancel).await? {
                Stand::At(o) if o < size => offset = o,
                Stand::At(_) => {
                    return Err(Error::Service {
                        service: ServiceKind::OneDrive,
                        status: 200,
                        code: "uploadNotCommitted".into(),
                        message: "all bytes were received but the file was not created".into(),
                    })
                }
                Stand::Stuck => return Ok(SessionEnd::Stuck),
                Stand::Gone => return Ok(SessionEnd::Gone),
            }
        }
        spec.observer.sent(offset);
        let end = offset + piece_len(size - offset, frag);
        let last_piece: Option<(Bytes, RunningHash)> = if end == size {
            hash.advance_to(spec.local, offset).await?;
            let data = read_range(spec.local, offset, end).await?;
            spec.stamp.check_unchanged(spec.local).await?;
            let mut whole = hash.clone();
            whole.feed(&data);
            Some((data, whole))
        } else {
            None
        };
        // Hashing what goes out overlaps with sending it.
        let hashing = last_piece.is_none().then(|| {
            std::mem::replace(hash, RunningHash::new(PROFILE.hash)).advance_in_background(spec.local, end)
        });
        let range = format!("bytes {offset}-{}/{size}", end - 1);
        let started = std::time::Instant::now();
        let sent = g
            .transport
            .send(spec.cancel, Auth::None, "upload a fragment", |activity| {
                let body = match &last_piece {
                    Some((data, _)) => bytes_body(data.clone(), offset, activity, hook.clone()),
                    None => range_body(spec.local, offset, end, activity, hook.clone()),
                };
                Ok(client.put(url).header(CONTENT_LENGTH, end - offset).header(CONTENT_RANGE, range.as_str()).body(body))
            })
            .await;
        if let Some(task) = hashing {
            RunningHash::join_background(hash, task, spec.local).await?;
        }
        let reply = sent?;
        match reply.status {
            202 => {
                *bytes_sent += end - offset;
                if spec.adapt_chunks {
                    frag = PROFILE.chunks.grown(requested, end - offset, started.elapsed());
                }
                offset = reply.json::<UploadSession>(ServiceKind::OneDrive).ok().and_then(|s| s.next_offset()).unwrap_or(end);
            }
            200 | 201 => {
                *bytes_sent += end - offset;
                if let Some((_, whole)) = last_piece {
                    *hash = whole;
                }
                return Ok(SessionEnd::Done(reply.json(ServiceKind::OneDrive)?));
            }
            404 | 410 => return Ok(SessionEnd::Gone),
            409 => return Err(Error::Conflict { service: ServiceKind::OneDrive, path: spec.remote_path.to_owned() }),
            416 => match status(g, url, spec.cancel).await? {
                Stand::At(o) => offset = o,
                Stand::Stuck => return Ok(SessionEnd::Stuck),
                Stand::Gone => return Ok(SessionEnd::Gone),
            },
            _ if parse_error(&reply).inner.as_deref() == Some("fragmentOverlap") => match status(g, url, spec.cancel).await? {
                Stand::At(o) => offset = o,
                Stand::Stuck => return Ok(SessionEnd::Stuck),
                Stand::Gone => return Ok(SessionEnd::Gone),
            },
            // A refused last fragment may leave a session that expects nothing.
            _ if end == size => match status(g, url, spec.cancel).await? {
                Stand::Stuck => return Ok(SessionEnd::Stuck),
                _ => return Err(service_error(&reply)),
            },
            _ => return Err(service_error(&reply)),
        }
    }
}

/// The file at the target path, if it is exactly this local file.
async fn already_stored(g: &OneDrive, spec: &UploadSpec<'_>, hash: &mut RunningHash) -> Result<Option<RemoteEntry>> {
    let Some(existing) = g.resolve(spec.remote_path, spec.cancel).await? else {
        return Ok(None);
    };
    if existing.is_folder || existing.size != spec.stamp.size {
        return Ok(None);
    }
    hash.advance_to(spec.local, spec.stamp.size).await?;
    spec.stamp.check_unchanged(spec.local).await?;
    Ok((existing.hash.as_deref() == Some(hash.finish().as_str())).then_some(existing))
}

/// Compares the stored file's hash with the local one.
async fn verified(g: &OneDrive, spec: &UploadSpec<'_>, item: DriveItem, hash: &RunningHash) -> Result<RemoteEntry> {
    let parent = crate::remote::split(spec.remote_path).0.to_owned();
    let mut entry = super::client::entry(&parent, item);
    if entry.hash.is_none() {
        // Some drives fill the hash in a moment later.
        if let Some(again) = g.resolve(&entry.path, spec.cancel).await? {
            entry.hash = again.hash;
        }
    }
    let local = hash.finish();
    match &entry.hash {
        Some(stored) if *stored == local && entry.size == spec.stamp.size => Ok(entry),
        Some(stored) => Err(Error::HashMismatch {
            service: ServiceKind::OneDrive,
            path: entry.path.clone(),
            local,
            stored: format!("{stored} ({} bytes)", entry.size),
        }),
        None => {
            tracing::warn!(path = %entry.path, "OneDrive reported no hash; the upload is not verified");
            Ok(entry)
        }
    }
}

async fn delete_session(g: &OneDrive, url: &str) {
    let client = g.transport.client().clone();
    let never = CancellationToken::new();
    let _ = g.transport.send(&never, Auth::None, "cancel an upload session", |_| Ok(client.delete(url))).await;
}

/// Deletes a journaled session that will not be continued.
pub(super) async fn discard(g: &OneDrive, session: &OpenSession) {
    if let OpenSession::OneDrive { upload_url } = session {
        let _ = tokio::time::timeout(Duration::from_secs(5), delete_session(g, upload_url)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_fragment_stays_small_and_every_other_is_whole_units() {
        const MIB: u64 = 1024 * 1024;
        let frag = fragment_size(50 * MIB);
        assert_eq!(piece_len(100 * MIB, frag), frag);
        let first = piece_len(40 * MIB, frag);
        assert_eq!(first % FRAGMENT_UNIT, 0);
        assert!(40 * MIB - first <= LAST_FRAGMENT_MAX && 40 * MIB - first > 0);
        assert_eq!(piece_len(3 * MIB, frag), 3 * MIB);
        assert_eq!(piece_len(LAST_FRAGMENT_MAX, frag), LAST_FRAGMENT_MAX);
    }

    #[test]
    fn fragments_grow_to_a_second_of_the_link_but_never_below_the_request() {
        const MIB: u64 = 1024 * 1024;
        let requested = fragment_size(10 * MIB);
        // 10 MiB in 0.2 s: 50 MiB/s, so about 50 MiB per fragment.
        let grown = |r, b, t| PROFILE.chunks.grown(r, b, t);
        let next = grown(requested, 10 * MIB, Duration::from_millis(200));
        assert!((48 * MIB..=50 * MIB).contains(&next), "{next}");
        assert_eq!(next % FRAGMENT_UNIT, 0);
        assert_eq!(grown(requested, 10 * MIB, Duration::from_secs(10)), requested);
        assert!(grown(requested, 10 * MIB, Duration::from_millis(1)) < 60 * MIB);
    }

    #[test]
    fn fragments_are_whole_units_under_sixty_mib() {
        assert_eq!(fragment_size(10 * 1024 * 1024), 32 * FRAGMENT_UNIT);
        assert_eq!(fragment_size(1), FRAGMENT_UNIT);
        assert_eq!(fragment_size(5 * 1024 * 1024 + 5), 16 * FRAGMENT_UNIT);
        assert!(fragment_size(u64::MAX) < 60 * 1024 * 1024);
        assert_eq!(fragment_size(u64::MAX) % FRAGMENT_UNIT, 0);
    }
}
