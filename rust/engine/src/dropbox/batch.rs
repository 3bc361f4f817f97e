//! Commits of finished upload sessions, gathered into `finish_batch_v2`
//! calls: one call takes the namespace's write lock once for up to 1000
//! files, which is what keeps Dropbox from answering
//! `too_many_write_operations` to parallel uploads.
//!
//! A batch is sent when it is full, when every upload in flight has its
//! commit in it (nothing else could join: a lone file is committed at once),
//! when no new commit arrived for [`IDLE`], or when its oldest commit has
//! waited [`MAX_AGE`].

use super::client::{service_error, DropboxClient};
use super::types::{FinishBatchArg, FinishBatchResult, FinishEntry, Metadata};
use crate::http::{cancellable, Pacer, PacerConfig};
use crate::{Error, Result, ServiceKind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub(crate) const MAX_ENTRIES: usize = 1000;
const IDLE: Duration = Duration::from_millis(300);
const MAX_AGE: Duration = Duration::from_secs(3);

/// One file's commit outcome: its metadata, or the entry's `failure` union.
pub(crate) type EntryOutcome = std::result::Result<Metadata, serde_json::Value>;

struct Pending {
    entry: FinishEntry,
    reply: oneshot::Sender<Result<EntryOutcome>>,
}

pub(crate) struct Batcher {
    client: DropboxClient,
    tx: Mutex<Option<mpsc::Sender<Pending>>>,
    /// Uploads running now, from their start to their outcome (see [`Batcher::in_flight`]).
    in_flight: Arc<AtomicUsize>,
}

/// Counts one upload as in flight until dropped.
pub(crate) struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl std::fmt::Debug for Batcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").finish_non_exhaustive()
    }
}

impl Batcher {
    pub(crate) fn new(client: DropboxClient) -> Self {
        Self { client, tx: Mutex::new(None), in_flight: Arc::default() }
    }

    /// Marks one upload as running: while it is, a batch waits for its
    /// commit (up to [`IDLE`]) instead of going out at once.
    pub(crate) fn in_flight(&self) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.in_flight.clone())
    }

    /// The committer task is started on first use and ends when the
    /// [`Batcher`] is dropped.
    fn sender(&self) -> mpsc::Sender<Pending> {
        let mut slot = self.tx.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = slot.as_ref().filter(|tx| !tx.is_closed()) {
            return tx.clone();
        }
        let (tx, rx) = mpsc::channel(MAX_ENTRIES);
        tokio::spawn(run(self.client.clone(), rx, self.in_flight.clone()));
        *slot = Some(tx.clone());
        tx
    }

    /// Queues one closed session for commit and waits for its outcome. An
    /// entry refused for namespace contention (`too_many_write_operations`,
    /// "retry uploading this file") is queued again after a back-off: its
    /// session is still closed and whole.
    pub(crate) async fn commit(&self, entry: FinishEntry, cancel: &CancellationToken) -> Result<EntryOutcome> {
        let pacer = contention_pacer();
        let mut retry = 0;
        loop {
            let outcome = self.commit_once(entry.clone(), cancel).await?;
            match &outcome {
                Err(failure) if is_contention(failure) && retry + 1 < pacer.max_attempts() => {
                    retry += 1;
                    let wait = pacer.backoff(retry);
                    tracing::debug!(path = %entry.commit.path, retry, "too_many_write_operations: committing again in {wait:?}");
                    cancellable(cancel, tokio::time::sleep(wait)).await?;
                }
                _ => return Ok(outcome),
            }
        }
    }

    async fn commit_once(&self, entry: FinishEntry, cancel: &CancellationToken) -> Result<EntryOutcome> {
        let (reply, outcome) = oneshot::channel();
        let tx = self.sender();
        cancellable(cancel, tx.send(Pending { entry, reply }))
            .await?
            .map_err(|_| stopped())?;
        cancellable(cancel, outcome).await?.map_err(|_| stopped())?
    }
}

/// Back-off for writes refused by namespace contention: from 0.5 s, doubling to
/// 8 s, eight attempts in all (about half a minute at most).
pub(super) fn contention_pacer() -> Pacer {
    Pacer::new(PacerConfig {
        base: Duration::from_millis(500),
        cap: Duration::from_secs(8),
        max_attempts: 8,
        ..PacerConfig::default()
    })
}

/// `too_many_write_operations`, alone or inside a `WriteError` (`path/...`).
pub(super) fn is_contention(error: &serde_json::Value) -> bool {
    super::client::tags(error).iter().any(|t| t == "too_many_write_operations")
}

fn stopped() -> Error {
    Error::Network { service: ServiceKind::Dropbox, message: "the commit queue stopped".into() }
}

async fn run(client: DropboxClient, mut rx: mpsc::Receiver<Pending>, in_flight: Arc<AtomicUsize>) {
    while let Some(first) = rx.recv().await {
        let oldest = Instant::now();
        let mut batch = vec![first];
        while batch.len() < MAX_ENTRIES {
            // Commits already queued join without waiting.
            if let Ok(p) = rx.try_recv() {
                batch.push(p);
                continue;
            }
            // Every running upload waits in this batch: no other commit can come.
            if batch.len() >= in_flight.load(Ordering::SeqCst) {
                break;
            }
            let deadline = (Instant::now() + IDLE).min(oldest + MAX_AGE);
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(p)) => batch.push(p),
                Ok(None) | Err(_) => break,
            }
        }
        commit_batch(&client, batch).await;
    }
}

async fn commit_batch(client: &DropboxClient, batch: Vec<Pending>) {
    let entries: Vec<FinishEntry> = batch.iter().map(|p| p.entry.clone()).collect();
    // Commits are short and shared by many files: one file's cancel must not stop them.
    let never = CancellationToken::new();
    let outcome = client
        .rpc("files/upload_session/finish_batch_v2", Some(&FinishBatchArg { entries: &entries }), &never)
        .await
        .and_then(|reply| {
            if !reply.is_success() {
                return Err(service_error(&reply));
            }
            let r: FinishBatchResult = reply.json(ServiceKind::Dropbox)?;
            if r.entries.len() != batch.len() {
                return Err(Error::Service {
                    service: ServiceKind::Dropbox,
                    status: reply.status,
                    code: "unexpectedResponse".into(),
                    message: format!("{} results for {} commits", r.entries.len(), batch.len()),
                });
            }
            Ok(r.entries)
        });
    match outcome {
        Ok(results) => {
            for (pending, value) in batch.into_iter().zip(results) {
                let _ = pending.reply.send(Ok(entry_outcome(value)));
            }
        }
        Err(e) => {
            let text = e.to_string();
            for pending in batch {
                let _ = pending.reply.send(Err(match &e {
                    Error::Service { status, code, message, .. } => Error::Service {
                        service: ServiceKind::Dropbox,
                        status: *status,
                        code: code.clone(),
                        message: message.clone(),
                    },
                    _ => Error::Network { service: ServiceKind::Dropbox, message: text.clone() },
                }));
            }
        }
    }
}

/// `{".tag": "success", ...metadata}` or `{".tag": "failure", "failure": {...}}`.
fn entry_outcome(value: serde_json::Value) -> EntryOutcome {
    match value.get(".tag").and_then(|t| t.as_str()) {
        Some("success") => serde_json::from_value::<Metadata>(value.clone()).map_err(|_| value),
        _ => Err(value.get("failure").cloned().unwrap_or(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batch_entries_map_to_metadata_or_their_failure() {
        let ok = entry_outcome(json!({".tag": "success", "name": "a.jpg", "path_display": "/P/a.jpg", "size": 3, "content_hash": "ab"}));
        let m = ok.unwrap();
        assert_eq!((m.name.as_str(), m.size, m.content_hash.as_deref()), ("a.jpg", 3, Some("ab")));
        let failed = entry_outcome(json!({".tag": "failure", "failure": {".tag": "path", "path": {".tag": "conflict", "conflict": {".tag": "file"}}}}));
        assert_eq!(super::super::client::tags(&failed.unwrap_err()), ["path", "conflict", "file"]);
    }

    #[test]
    fn contention_is_recognised_alone_and_inside_a_write_error() {
        assert!(is_contention(&json!({".tag": "too_many_write_operations"})));
        assert!(is_contention(&json!({".tag": "path", "path": {".tag": "too_many_write_operations"}})));
        assert!(!is_contention(&json!({".tag": "path", "path": {".tag": "disallowed_name"}})));
    }
}
