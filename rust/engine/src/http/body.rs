//! Request bodies read from local files: byte ranges streamed from disk
//! (memory does not grow with file size), each piece counted as activity for
//! the watchdog and as bytes sent.

use super::{Activity, ActivityStream};
use crate::fsio::file_error;
use crate::Result;
use bytes::{Bytes, BytesMut};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Bytes read from disk per step of a stream.
const READ_STEP: usize = 256 * 1024;

/// Reads `[start, end)` of a file into memory (small files, last fragments).
pub(crate) async fn read_range(path: &Path, start: u64, end: u64) -> Result<Bytes> {
    let mut file = tokio::fs::File::open(path).await.map_err(|e| file_error(path, e))?;
    file.seek(std::io::SeekFrom::Start(start)).await.map_err(|e| file_error(path, e))?;
    let len = usize::try_from(end.saturating_sub(start)).map_err(|e| file_error(path, e))?;
    let mut buf = BytesMut::zeroed(len);
    file.read_exact(&mut buf).await.map_err(|e| file_error(path, format!("cannot read: {e}")))?;
    Ok(buf.freeze())
}

/// Called with the absolute file offset reached while a range streams out.
pub(crate) type SentHook = Arc<dyn Fn(u64) + Send + Sync>;

struct RangeState {
    path: PathBuf,
    file: Option<tokio::fs::File>,
    pos: u64,
    end: u64,
    activity: Activity,
    sent: SentHook,
}

/// A request body of `[start, end)` streamed from disk, opened when first
/// polled, so that a retry simply builds another one.
pub(crate) fn range_body(path: &Path, start: u64, end: u64, activity: &Activity, sent: SentHook) -> reqwest::Body {
    let state = RangeState { path: path.to_owned(), file: None, pos: start, end, activity: activity.clone(), sent };
    let stream = futures_util::stream::try_unfold(state, |mut st| async move {
        if st.pos >= st.end {
            return Ok(None);
        }
        match next_piece(&mut st).await {
            Ok(piece) => {
                super::limit::throttle(piece.len(), &st.activity).await;
                st.pos += piece.len() as u64;
                (st.sent)(st.pos);
                Ok(Some((piece, st)))
            }
            Err(e) => {
                st.activity.fail_local(&st.path, e.to_string());
                Err(e)
            }
        }
    });
    let activity = activity.clone();
    reqwest::Body::wrap_stream(ActivityStream::new(Box::pin(stream), activity))
}

/// A request body of bytes already in memory, sent in steps so that the
/// inactivity watchdog and the progress hook see them go out.
pub(crate) fn bytes_body(data: Bytes, start: u64, activity: &Activity, sent: SentHook) -> reqwest::Body {
    let pieces: Vec<Bytes> = (0..data.len()).step_by(READ_STEP).map(|i| data.slice(i..(i + READ_STEP).min(data.len()))).collect();
    let state = (pieces.into_iter(), start, activity.clone(), sent);
    let stream = futures_util::stream::unfold(state, |(mut pieces, pos, activity, sent)| async move {
        let piece = pieces.next()?;
        super::limit::throttle(piece.len(), &activity).await;
        let pos = pos + piece.len() as u64;
        sent(pos);
        Some((Ok::<Bytes, std::io::Error>(piece), (pieces, pos, activity, sent)))
    });
    reqwest::Body::wrap_stream(ActivityStream::new(Box::pin(stream), activity.clone()))
}

async fn next_piece(st: &mut RangeState) -> std::io::Result<Bytes> {
    if st.file.is_none() {
        let mut f = tokio::fs::File::open(&st.path).await?;
        f.seek(std::io::SeekFrom::Start(st.pos)).await?;
        st.file = Some(f);
    }
    let file = st.file.as_mut().ok_or_else(|| std::io::Error::other("file not open"))?;
    let want = (st.end - st.pos).min(READ_STEP as u64) as usize;
    let mut buf = BytesMut::zeroed(want);
    let n = file.read(&mut buf).await?;
    if n == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the file became shorter while it was being uploaded",
        ));
    }
    buf.truncate(n);
    Ok(buf.freeze())
}
