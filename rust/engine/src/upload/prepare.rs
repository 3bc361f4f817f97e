//! Photo preparation inside a job: each file is resized and re-encoded (by
//! `dkcloud-prepare`) just before its upload, so the next files are prepared
//! while earlier ones are on the wire. At most one decoded image per core is in
//! memory at a time.
//!
//! Prepared files go to a cache folder named after the source file, its stamp
//! and the options: a job that is interrupted and run again finds the same
//! bytes under the same path, so its open upload session can be continued.

use crate::fsio::file_error;
use crate::stamp::FileStamp;
use crate::{Error, Result};
use dkcloud_prepare::{Destination, PrepareOptions, Prepared};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub(super) struct Preparer {
    options: PrepareOptions,
    cache: PathBuf,
    decoders: Arc<Semaphore>,
}

/// A file ready to upload in place of its source.
pub(super) struct PreparedFile {
    pub path: PathBuf,
    pub stamp: FileStamp,
    pub notices: Vec<String>,
    /// The cache folder to remove once the upload is done (none for untouched files).
    cached: Option<PathBuf>,
}

impl PreparedFile {
    /// Drops the cached copy; called once the upload has its final result.
    pub(super) fn discard(&self) {
        if let Some(dir) = &self.cached {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Preparer {
    pub(super) fn new(options: PrepareOptions, cache: PathBuf) -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self { options, cache, decoders: Arc::new(Semaphore::new(cores)) }
    }

    /// The name the file will have remotely (`.jpg` once converted), without decoding it.
    pub(super) fn planned_name(&self, local: &Path) -> Result<String> {
        dkcloud_prepare::planned_name(local, &self.options).map_err(|e| file_error(local, e))
    }

    pub(super) async fn prepare(&self, local: &Path, stamp: FileStamp) -> Result<PreparedFile> {
        let dir = self.cache.join(self.key(local, stamp));
        if let Some(ready) = Self::cached(&dir).await {
            return Ok(ready);
        }
        let _decoder = self.decoders.clone().acquire_owned().await.map_err(|_| Error::Cancelled)?;
        let options = self.options.clone();
        let (source, target) = (local.to_owned(), dir.clone());
        let converted = tokio::task::spawn_blocking(move || convert_into(&source, &options, &target))
            .await
            .map_err(|e| file_error(local, format!("preparation stopped: {e}")))??;
        Ok(match converted {
            Outcome::Converted(ready) => ready,
            // Untouched (original, video, an undecodable RAW): upload the source itself.
            Outcome::Untouched { notices } => {
                PreparedFile { path: local.to_owned(), stamp, notices, cached: None }
            }
        })
    }

    /// A complete earlier preparation of the same file with the same options.
    async fn cached(dir: &Path) -> Option<PreparedFile> {
        let notices = tokio::fs::read_to_string(dir.join("notices")).await.ok()?;
        let mut entries = tokio::fs::read_dir(dir).await.ok()?;
        while let Ok(Some(entry)) = entries.next_entry().await {
            let name = entry.file_name().into_string().ok()?;
            if name != "notices" {
                let path = entry.path();
                return Some(PreparedFile {
                    stamp: FileStamp::read(&path).await.ok()?,
                    path,
                    notices: notices.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect(),
                    cached: Some(dir.to_owned()),
                });
            }
        }
        None
    }

    fn key(&self, local: &Path, stamp: FileStamp) -> String {
        let mut h = Sha256::new();
        h.update(local.as_os_str().as_encoded_bytes());
        h.update(format!("{stamp:?}{:?}", self.options).as_bytes());
        h.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Converts `source` into `dir` (written under a temporary name, then renamed,
/// so a crash never leaves a half-written file that looks complete).
fn convert_into(source: &Path, options: &PrepareOptions, dir: &Path) -> Result<Outcome> {
    let prepared: Prepared =
        dkcloud_prepare::prepare_file(source, options, &Destination::Memory).map_err(|e| file_error(source, e))?;
    let dkcloud_prepare::Payload::Bytes(bytes) = prepared.payload else {
        return Ok(Outcome::Untouched { notices: prepared.notices });
    };
    let staging = dir.with_extension("partial");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)?;
    std::fs::write(staging.join(&prepared.remote_name), &bytes)?;
    std::fs::write(staging.join("notices"), prepared.notices.join("\n"))?;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::rename(&staging, dir)?;
    let path = dir.join(&prepared.remote_name);
    Ok(Outcome::Converted(PreparedFile {
        stamp: FileStamp::of(&std::fs::metadata(&path)?),
        path,
        notices: prepared.notices,
        cached: Some(dir.to_owned()),
    }))
}

enum Outcome {
    Converted(PreparedFile),
    Untouched { notices: Vec<String> },
}
