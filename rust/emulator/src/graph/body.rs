//! Streaming request bodies to disk without holding them in memory.

use axum::body::Body;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

/// Bodies of refused requests are read and dropped up to this size, so that a
/// client still sending gets our answer instead of a reset connection.
const DRAIN_LIMIT: u64 = 128 * 1024 * 1024;

pub(super) async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > DRAIN_LIMIT {
            break;
        }
    }
}

#[derive(Debug)]
pub(super) enum CopyError {
    /// More than the allowed number of bytes arrived (the rest is not read).
    TooLarge,
    /// The client went away or the body broke off.
    Broken,
    Io(std::io::Error),
}

/// Appends the body to `file`, calling `observe` on each chunk (for hashing);
/// stops with `TooLarge` once more than `max` bytes arrive. Returns the byte count.
pub(super) async fn copy_to(
    body: Body,
    file: &mut tokio::fs::File,
    max: u64,
    mut observe: impl FnMut(&[u8]),
) -> Result<u64, CopyError> {
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| CopyError::Broken)?;
        written += chunk.len() as u64;
        if written > max {
            return Err(CopyError::TooLarge);
        }
        observe(&chunk);
        file.write_all(&chunk).await.map_err(CopyError::Io)?;
    }
    file.flush().await.map_err(CopyError::Io)?;
    Ok(written)
}
