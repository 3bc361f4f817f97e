//! The content hash each service reports (QuickXorHash for OneDrive,
//! content_hash for Dropbox), computed as a file's bytes go by.

use crate::fsio::file_error;
use crate::{Error, Result};
use dkcloud_hash::{ContentHasher, QuickXorHasher};
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Bytes read from disk per step.
const READ_STEP: usize = 256 * 1024;

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
pub(crate) struct RunningHash {
    kind: HashKind,
    hasher: Hasher,
    pos: u64,
}

impl RunningHash {
    pub(crate) fn new(kind: HashKind) -> Self {
        let hasher = match kind {
            HashKind::QuickXor => Hasher::QuickXor(QuickXorHasher::new()),
            HashKind::DropboxContent => Hasher::Dropbox(ContentHasher::new()),
        };
        Self { kind, hasher, pos: 0 }
    }

    /// Feeds bytes that start exactly at the current position.
    pub(crate) fn feed(&mut self, data: &[u8]) {
        match &mut self.hasher {
            Hasher::QuickXor(h) => h.update(data),
            Hasher::Dropbox(h) => h.update(data),
        }
        self.pos += data.len() as u64;
    }

    /// Brings the hash to cover exactly `[0, target)` of the file, reading
    /// only from disk (a server that went back means starting over).
    pub(crate) async fn advance_to(&mut self, path: &Path, target: u64) -> Result<()> {
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

    /// The hash of the bytes `[start, end)` of the file at `path`, as if
    /// they were a file of their own (what a service checks one request by).
    pub(crate) async fn of_range(kind: HashKind, path: &Path, start: u64, end: u64) -> Result<String> {
        let mut hash = Self::new(kind);
        let mut file = tokio::fs::File::open(path).await.map_err(|e| file_error(path, e))?;
        file.seek(std::io::SeekFrom::Start(start)).await.map_err(|e| file_error(path, e))?;
        let mut buf = vec![0u8; READ_STEP];
        while start + hash.pos < end {
            let want = (end - start - hash.pos).min(READ_STEP as u64) as usize;
            let n = file.read(&mut buf[..want]).await.map_err(|e| file_error(path, e))?;
            if n == 0 {
                return Err(Error::FileChanged { path: path.display().to_string() });
            }
            hash.feed(&buf[..n]);
        }
        Ok(hash.finish())
    }

    /// Brings the hash to `target` on another task (while the bytes are being
    /// sent, say); the task hands the hash back with the outcome.
    pub(crate) fn advance_in_background(mut self, path: &Path, target: u64) -> tokio::task::JoinHandle<(Self, Result<()>)> {
        let path = path.to_owned();
        tokio::spawn(async move {
            let done = self.advance_to(&path, target).await;
            (self, done)
        })
    }

    /// The hash brought to `target` by [`RunningHash::advance_in_background`], back in `slot`.
    pub(crate) async fn join_background(
        slot: &mut Self,
        task: tokio::task::JoinHandle<(Self, Result<()>)>,
        path: &Path,
    ) -> Result<()> {
        let (hash, done) = task.await.map_err(|e| file_error(path, format!("hashing stopped: {e}")))?;
        *slot = hash;
        done
    }

    /// The service's textual form: base64 QuickXorHash or hex content_hash.
    pub(crate) fn finish(&self) -> String {
        match &self.hasher {
            Hasher::QuickXor(h) => h.finish_base64(),
            Hasher::Dropbox(h) => h.clone().finish_hex(),
        }
    }
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
}
