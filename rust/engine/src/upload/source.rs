//! Reading local files for upload: byte ranges streamed from disk (memory
//! does not grow with file size), the running hash of what has been sent,
//! and the size + modification-time stamp that tells whether a file changed
//! while it was being uploaded.

use crate::http::{Activity, ActivityStream};
use crate::{Error, Result};
use bytes::{Bytes, BytesMut};
use dkcloud_hash::{ContentHasher, QuickXorHasher};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Bytes read from disk per step of a stream.
const READ_STEP: usize = 256 * 1024;

fn file_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::File { path: path.display().to_string(), message: e.to_string() }
}

/// Size and modification time of a file at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    /// Nanoseconds since the Unix epoch (0 when the platform has no mtime).
    pub mtime_ns: i64,
}

impl FileStamp {
    pub fn of(meta: &std::fs::Metadata) -> Self {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        Self { size: meta.len(), mtime_ns }
    }

    pub async fn read(path: &Path) -> Result<Self> {
        let meta = tokio::fs::metadata(path).await.map_err(|e| file_error(path, e))?;
        Ok(Self::of(&meta))
    }

    pub fn modified(&self) -> Option<SystemTime> {
        (self.mtime_ns > 0).then(|| UNIX_EPOCH + std::time::Duration::from_nanos(self.mtime_ns as u64))
    }

    /// The stamp as an RFC 3339 UTC time, for the services' "modified" fields.
    pub fn modified_rfc3339(&self) -> Option<String> {
        self.modified().map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    /// Errors unless the file still has this stamp.
    pub async fn check_unchanged(&self, path: &Path) -> Result<()> {
        let now = Self::read(path).await?;
        if now != *self {
            return Err(Error::FileChanged { path: path.display().to_string() });
        }
        Ok(())
    }
}

/// Which content hash a service reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashKind {
    QuickXor,
    DropboxContent,
}

#[derive(Clone)]
enum Hasher {
    QuickXor(QuickXorHasher),
    Dropbox(ContentHasher),
}

/// The hash of a file's first `pos` bytes, advanced by reading from disk.
#[derive(Clone)]
pub struct RunningHash {
    kind: HashKind,
    hasher: Hasher,
    pos: u64,
}

impl RunningHash {
    pub fn new(kind: HashKind) -> Self {
        let hasher = match kind {
            HashKind::QuickXor => Hasher::QuickXor(QuickXorHasher::new()),
            HashKind::DropboxContent => Hasher::Dropbox(ContentHasher::new()),
        };
        Self { kind, hasher, pos: 0 }
    }

    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Feeds bytes that start exactly at the current position.
    pub fn feed(&mut self, data: &[u8]) {
        match &mut self.hasher {
            Hasher::QuickXor(h) => h.update(data),
            Hasher::Dropbox(h) => h.update(data),
        }
        self.pos += data.len() as u64;
    }

    /// Brings the hash to cover exactly `[0, target)` of the file, reading
    /// only from disk (a server that went back means starting over).
    pub async fn advance_to(&mut self, path: &Path, target: u64) -> Result<()> {
        if target < self.pos {
            *self = Self::new(self.kind);
        }
        if target == self.pos {
            return Ok(());
        }
        let mut file = tokio::fs::File::open(path).await.map_err(|e| file_error(path, e))?;
        file.seek(std::io::SeekFrom::Start(self.pos)).await.map_err(|e| file_error(path, e))?;
        let mut buf = vec![0u8; READ_STEP];
        while self.pos < target {
            let want = (target - self.pos).min(READ_STEP as u64) as usize;
            let n = file.read(&mut buf[..want]).await.map_err(|e| file_error(path, e))?;
            if n == 0 {
                return Err(Error::FileChanged { path: path.display().to_string() });
            }
            self.feed(&buf[..n]);
        }
        Ok(())
    }

    /// The service's textual form: base64 QuickXorHash or hex content_hash.
    pub fn finish(&self) -> String {
        match &self.hasher {
            Hasher::QuickXor(h) => h.finish_base64(),
            Hasher::Dropbox(h) => h.clone().finish_hex(),
        }
    }
}

/// Reads `[start, end)` of a file into memory (small files, last fragments).
pub async fn read_range(path: &Path, start: u64, end: u64) -> Result<Bytes> {
    let mut file = tokio::fs::File::open(path).await.map_err(|e| file_error(path, e))?;
    file.seek(std::io::SeekFrom::Start(start)).await.map_err(|e| file_error(path, e))?;
    let len = usize::try_from(end.saturating_sub(start)).map_err(|e| file_error(path, e))?;
    let mut buf = BytesMut::zeroed(len);
    file.read_exact(&mut buf).await.map_err(|e| file_error(path, format!("cannot read: {e}")))?;
    Ok(buf.freeze())
}

/// Called with the absolute file offset reached while a range streams out.
pub type SentHook = Arc<dyn Fn(u64) + Send + Sync>;

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
pub fn range_body(path: &Path, start: u64, end: u64, activity: &Activity, sent: SentHook) -> reqwest::Body {
    let state = RangeState { path: path.to_owned(), file: None, pos: start, end, activity: activity.clone(), sent };
    let stream = futures_util::stream::try_unfold(state, |mut st| async move {
        if st.pos >= st.end {
            return Ok(None);
        }
        match next_piece(&mut st).await {
            Ok(piece) => {
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
pub fn bytes_body(data: Bytes, start: u64, activity: &Activity, sent: SentHook) -> reqwest::Body {
    let pieces: Vec<Bytes> = (0..data.len()).step_by(READ_STEP).map(|i| data.slice(i..(i + READ_STEP).min(data.len()))).collect();
    let mut pos = start;
    let stream = futures_util::stream::iter(pieces.into_iter().map(move |piece| {
        pos += piece.len() as u64;
        sent(pos);
        Ok::<Bytes, std::io::Error>(piece)
    }));
    reqwest::Body::wrap_stream(ActivityStream::new(stream, activity.clone()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn running_hash_matches_whole_file_hashes_and_can_go_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        let data: Vec<u8> = (0..1_000_003u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut q = RunningHash::new(HashKind::QuickXor);
        q.advance_to(&path, 300_000).await.unwrap();
        q.advance_to(&path, data.len() as u64).await.unwrap();
        assert_eq!(q.finish(), dkcloud_hash::quickxor_base64(&data));
        let mut d = RunningHash::new(HashKind::DropboxContent);
        d.advance_to(&path, 500).await.unwrap();
        d.advance_to(&path, 100).await.unwrap();
        d.advance_to(&path, data.len() as u64).await.unwrap();
        assert_eq!(d.finish(), dkcloud_hash::content_hash_hex(&data));
    }

    #[tokio::test]
    async fn a_stamp_notices_a_rewrite_of_the_same_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, b"abcd").unwrap();
        let stamp = FileStamp::read(&path).await.unwrap();
        stamp.check_unchanged(&path).await.unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, b"wxyz").unwrap();
        assert!(stamp.check_unchanged(&path).await.is_err());
    }
}
