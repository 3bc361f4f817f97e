//! The fallback token store: `tokens.json` in the config folder, mode 0600
//! from the moment it exists. Written to a temporary file (created 0600) and
//! renamed over the old one, so a crash never leaves half a file and no other
//! user can read it even for an instant.

use super::tokens::secret_key;
use super::TokenSet;
use crate::fsio::{io_error as file_error, write_atomic_private};
use crate::{Result, ServiceKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct FileStore {
    path: PathBuf,
    /// Serialises read-modify-write within this process (parallel refreshes
    /// of different accounts).
    lock: Mutex<()>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore").field("path", &self.path).finish()
    }
}

type TokenFile = BTreeMap<String, TokenSet>;

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        Self { path, lock: Mutex::new(()) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self, service: ServiceKind, account_id: &str) -> Result<Option<TokenSet>> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.read()?.remove(&secret_key(service, account_id)))
    }

    pub fn save(&self, service: ServiceKind, account_id: &str, tokens: &TokenSet) -> Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.read()?;
        all.insert(secret_key(service, account_id), tokens.clone());
        self.write(&all)
    }

    pub fn delete(&self, service: ServiceKind, account_id: &str) -> Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.read()?;
        if all.remove(&secret_key(service, account_id)).is_some() {
            self.write(&all)?;
        }
        Ok(())
    }

    fn read(&self) -> Result<TokenFile> {
        match std::fs::read(&self.path) {
            // The parse error is described without the file's content: it holds tokens.
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| crate::Error::File {
                path: self.path.display().to_string(),
                message: format!(
                    "the token file is damaged (line {}, column {}); delete it and log in again",
                    e.line(),
                    e.column()
                ),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TokenFile::new()),
            Err(e) => Err(file_error(&self.path, "cannot read the token file", e)),
        }
    }

    fn write(&self, all: &TokenFile) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        crate::config::Paths::new(dir).ensure_dir()?;
        let json =
            serde_json::to_vec_pretty(all).map_err(|e| crate::Error::Config(format!("cannot encode tokens: {e}")))?;
        write_atomic_private(&self.path, &json).map_err(|e| file_error(&self.path, "cannot write the token file", e))
    }
}
