//! Streaming a content route's body to disk while hashing it: an upload is
//! never held in memory, and a body that is cut short or too large is reported
//! so the caller can throw the partial bytes away.

use axum::body::Body;
use axum::http::{header, HeaderMap};
use dkcloud_hash::{ContentHasher, FileHashes, QuickXorHasher};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

/// The most file data one request may carry (150 MiB).
pub(crate) const MAX_REQUEST_BODY: u64 = 150 * 1024 * 1024;

/// Both hashes of a byte stream, fed as it arrives.
#[derive(Clone, Default)]
pub(crate) struct Hashing {
    quickxor: QuickXorHasher,
    content: ContentHasher,
    size: u64,
}

impl Hashing {
    pub fn update(&mut self, data: &[u8]) {
        self.quickxor.update(data);
        self.content.update(data);
        self.size += data.len() as u64;
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a part hashed on its own (a concurrent session's chunk, which
    /// starts on a 4 MiB boundary); false when the hash so far does not end on one.
    pub fn append_part(&mut self, part: &Hashing) -> bool {
        if self.content.append_part(&part.content).is_err() {
            return false;
        }
        self.quickxor.append_part(&part.quickxor);
        self.size += part.size;
        true
    }

    pub fn finish(self) -> FileHashes {
        FileHashes { size: self.size, quickxor: self.quickxor.finish_base64(), content_hash: self.content.finish_hex() }
    }
}

#[derive(Debug)]
pub(crate) enum ReceiveError {
    /// More than `limit` bytes were sent (the rest was read and discarded).
    TooLarge,
    /// The client's body broke off, or the disk failed.
    Broken(String),
}

/// True when the declared `Content-Length` is already over `limit`.
pub(crate) fn declared_over(headers: &HeaderMap, limit: u64) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit)
}

/// Appends the body to `file` (at its current position), feeding `hashing`;
/// returns the number of bytes written.
pub(crate) async fn receive(
    body: Body,
    file: &mut tokio::fs::File,
    limit: u64,
    mut hashing: Option<&mut Hashing>,
) -> Result<u64, ReceiveError> {
    let mut stream = body.into_data_stream();
    let mut out = tokio::io::BufWriter::with_capacity(1 << 20, file);
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ReceiveError::Broken(e.to_string()))?;
        if written + chunk.len() as u64 > limit {
            drain_stream(stream).await;
            return Err(ReceiveError::TooLarge);
        }
        if let Some(h) = hashing.as_deref_mut() {
            h.update(&chunk);
        }
        out.write_all(&chunk).await.map_err(|e| ReceiveError::Broken(e.to_string()))?;
        written += chunk.len() as u64;
    }
    out.flush().await.map_err(|e| ReceiveError::Broken(e.to_string()))?;
    Ok(written)
}

/// Reads and discards a body we refuse, so the client sees our answer rather
/// than a reset connection; returns how many bytes it had.
pub(crate) async fn drain(body: Body) -> u64 {
    drain_stream(body.into_data_stream()).await
}

async fn drain_stream(mut stream: axum::body::BodyDataStream) -> u64 {
    let mut total = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        total += chunk.len() as u64;
    }
    total
}
