//! Streaming a content route's body to disk while hashing it: an upload is
//! never held in memory, and a body that is cut short or too large is reported
//! so the caller can throw the partial bytes away.

use axum::body::Body;
use axum::http::{header, HeaderMap};
pub(crate) use crate::hashing::Hashing;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

/// The most file data one request may carry (150 MiB).
pub(crate) const MAX_REQUEST_BODY: u64 = 150 * 1024 * 1024;

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
