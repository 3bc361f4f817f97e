//! The size + modification-time stamp that tells whether a local file
//! changed while it was being uploaded.

use crate::fsio::file_error;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

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

#[cfg(test)]
mod tests {
    use super::*;

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
