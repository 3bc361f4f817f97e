//! Small JSON state files that survive a restart of the emulator.

use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A value kept in memory and written to `path` after every change
/// (write to a temporary file, then rename, so a crash never leaves half a file).
pub(crate) struct Persisted<T> {
    path: PathBuf,
    inner: Mutex<T>,
}

impl<T: Serialize + DeserializeOwned + Default> Persisted<T> {
    pub(crate) fn load(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let path = path.into();
        let value = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not valid emulator state: {e}", path.display()),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => T::default(),
            Err(e) => return Err(e),
        };
        Ok(Self { path, inner: Mutex::new(value) })
    }

    pub(crate) fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// Changes the value and saves it before returning.
    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let result = f(&mut guard);
        if let Err(e) = write_atomically(&self.path, &*guard) {
            tracing::error!("cannot save {}: {e}", self.path.display());
        }
        result
    }
}

fn write_atomically<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
