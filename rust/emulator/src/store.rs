//! The stored files: plain files under `DATA/onedrive/` and `DATA/dropbox/`, so a
//! test can compare bytes directly. Both services are case-insensitive and
//! case-preserving, so lookups match each path component without regard to case.

use crate::tokens::Service;
use dkcloud_hash::FileHashes;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("invalid path: {0}")]
    Invalid(String),
    #[error("not found")]
    NotFound,
    #[error("a file is in the way of a folder in the path")]
    NotAFolder,
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// An existing file or folder.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Where it is on disk.
    pub fs_path: PathBuf,
    /// Its remote path with the stored case, `/` for the root, `/a/b.jpg` otherwise.
    pub remote: String,
    pub is_dir: bool,
}

/// One child of a folder, as a listing needs it.
#[derive(Debug, Clone)]
pub struct ChildInfo {
    pub name: String,
    pub fs_path: PathBuf,
    pub is_dir: bool,
    pub size: u64,
    pub modified: SystemTime,
}

#[derive(Clone)]
struct CachedHashes {
    size: u64,
    modified: SystemTime,
    hashes: FileHashes,
}

pub struct Store {
    data_dir: PathBuf,
    state_dir: PathBuf,
    quota: u64,
    used: Mutex<HashMap<Service, u64>>,
    hash_cache: Mutex<HashMap<PathBuf, CachedHashes>>,
}

/// Splits a remote path into components, refusing what could escape the store
/// or that neither service allows (`.`/`..`, NUL, backslash, empty names are skipped).
pub(crate) fn components(remote: &str) -> Result<Vec<String>, PathError> {
    let mut out = Vec::new();
    for part in remote.split('/') {
        if part.is_empty() {
            continue;
        }
        if part == "." || part == ".." {
            return Err(PathError::Invalid(format!("'{part}' is not allowed in a path")));
        }
        if part.contains('\0') || part.contains('\\') {
            return Err(PathError::Invalid("control characters and backslashes are not allowed".into()));
        }
        if part.len() > 255 {
            return Err(PathError::Invalid("a name is longer than 255 bytes".into()));
        }
        out.push(part.to_owned());
    }
    Ok(out)
}

/// `/a/b` from components.
pub(crate) fn join_remote(parts: &[String]) -> String {
    if parts.is_empty() {
        "/".to_owned()
    } else {
        parts.iter().map(|p| format!("/{p}")).collect()
    }
}

impl Store {
    pub fn open(data_dir: &Path, quota: u64) -> io::Result<Self> {
        let state_dir = data_dir.join(".emulator");
        fs::create_dir_all(state_dir.join("tmp"))?;
        let store = Self {
            data_dir: data_dir.to_owned(),
            state_dir,
            quota,
            used: Mutex::new(HashMap::new()),
            hash_cache: Mutex::new(HashMap::new()),
        };
        for service in [Service::OneDrive, Service::Dropbox] {
            let root = store.root(service);
            fs::create_dir_all(&root)?;
            let total = dir_size(&root)?;
            store.used.lock().unwrap_or_else(|p| p.into_inner()).insert(service, total);
        }
        Ok(store)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Folder for the emulator's own state (tokens, sessions); never visible remotely.
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    pub fn root(&self, service: Service) -> PathBuf {
        self.data_dir.join(service.folder())
    }

    pub fn quota(&self) -> u64 {
        self.quota
    }

    pub fn used(&self, service: Service) -> u64 {
        *self.used.lock().unwrap_or_else(|p| p.into_inner()).get(&service).unwrap_or(&0)
    }

    /// Bytes still free for `service`.
    pub fn remaining(&self, service: Service) -> u64 {
        self.quota.saturating_sub(self.used(service))
    }

    /// Finds an existing entry, matching each component case-insensitively.
    pub fn lookup(&self, service: Service, remote: &str) -> Result<Option<Entry>, PathError> {
        let parts = components(remote)?;
        let mut fs_path = self.root(service);
        let mut actual = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            if !fs_path.is_dir() {
                return Ok(None);
            }
            match find_child(&fs_path, part)? {
                Some(name) => {
                    fs_path.push(&name);
                    actual.push(name);
                }
                None => return Ok(None),
            }
            if i + 1 < parts.len() && !fs_path.is_dir() {
                return Err(PathError::NotAFolder);
            }
        }
        let is_dir = fs_path.is_dir();
        Ok(Some(Entry { fs_path, remote: join_remote(&actual), is_dir }))
    }

    /// Where a new entry at `remote` goes: existing parent folders keep their
    /// stored case, missing ones are created with the case given.
    /// Returns the on-disk path and the remote path with stored case.
    pub fn prepare_parent(&self, service: Service, remote: &str) -> Result<(PathBuf, String), PathError> {
        let parts = components(remote)?;
        let Some((name, parents)) = parts.split_last() else {
            return Err(PathError::Invalid("the root cannot be written".into()));
        };
        let mut fs_path = self.root(service);
        let mut actual = Vec::with_capacity(parts.len());
        for part in parents {
            match find_child(&fs_path, part)? {
                Some(existing) => {
                    fs_path.push(&existing);
                    if !fs_path.is_dir() {
                        return Err(PathError::NotAFolder);
                    }
                    actual.push(existing);
                }
                None => {
                    fs_path.push(part);
                    fs::create_dir(&fs_path)?;
                    actual.push(part.clone());
                }
            }
        }
        let final_name = find_child(&fs_path, name)?.unwrap_or_else(|| name.clone());
        fs_path.push(&final_name);
        actual.push(final_name);
        Ok((fs_path, join_remote(&actual)))
    }

    /// Creates every missing folder of `remote`; returns the final folder entry.
    pub fn create_dirs(&self, service: Service, remote: &str) -> Result<Entry, PathError> {
        let (fs_path, remote) = self.prepare_parent(service, remote)?;
        if fs_path.exists() && !fs_path.is_dir() {
            return Err(PathError::NotAFolder);
        }
        fs::create_dir_all(&fs_path)?;
        Ok(Entry { fs_path, remote, is_dir: true })
    }

    /// A fresh temporary file for incoming bytes (on the same file system as the store).
    pub fn temp_path(&self) -> PathBuf {
        self.state_dir.join("tmp").join(crate::tokens::random_token(12))
    }

    /// Moves a fully received temporary file into place, replacing what was
    /// there, sets its modification time, and records its size and hashes.
    pub fn commit_file(
        &self,
        service: Service,
        temp: &Path,
        dest: &Path,
        modified: Option<SystemTime>,
        hashes: FileHashes,
    ) -> io::Result<()> {
        let old_size = fs::metadata(dest).ok().filter(|m| m.is_file()).map(|m| m.len()).unwrap_or(0);
        if let Some(t) = modified {
            let f = fs::OpenOptions::new().write(true).open(temp)?;
            f.set_modified(t)?;
        }
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(temp, dest)?;
        let meta = fs::metadata(dest)?;
        {
            let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
            let u = used.entry(service).or_insert(0);
            *u = u.saturating_sub(old_size) + meta.len();
        }
        self.hash_cache.lock().unwrap_or_else(|p| p.into_inner()).insert(
            dest.to_owned(),
            CachedHashes { size: meta.len(), modified: meta.modified()?, hashes },
        );
        Ok(())
    }

    /// Deletes a file or folder (recursively) and updates the usage figure.
    pub fn remove(&self, service: Service, entry: &Entry) -> io::Result<()> {
        let size = if entry.is_dir { dir_size(&entry.fs_path)? } else { fs::metadata(&entry.fs_path)?.len() };
        if entry.is_dir {
            fs::remove_dir_all(&entry.fs_path)?;
        } else {
            fs::remove_file(&entry.fs_path)?;
        }
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let u = used.entry(service).or_insert(0);
        *u = u.saturating_sub(size);
        Ok(())
    }

    /// Hashes of a stored file, computed once per (size, modification time).
    pub fn hashes(&self, fs_path: &Path) -> io::Result<FileHashes> {
        let meta = fs::metadata(fs_path)?;
        let modified = meta.modified()?;
        if let Some(c) = self.hash_cache.lock().unwrap_or_else(|p| p.into_inner()).get(fs_path) {
            if c.size == meta.len() && c.modified == modified {
                return Ok(c.hashes.clone());
            }
        }
        let hashes = dkcloud_hash::hash_reader(fs::File::open(fs_path)?)?;
        self.hash_cache.lock().unwrap_or_else(|p| p.into_inner()).insert(
            fs_path.to_owned(),
            CachedHashes { size: meta.len(), modified, hashes: hashes.clone() },
        );
        Ok(hashes)
    }

    /// The children of a folder, sorted by name.
    pub fn children(&self, dir: &Path) -> io::Result<Vec<ChildInfo>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else { continue };
            let meta = entry.metadata()?;
            out.push(ChildInfo {
                name,
                fs_path: entry.path(),
                is_dir: meta.is_dir(),
                size: if meta.is_dir() { 0 } else { meta.len() },
                modified: meta.modified()?,
            });
        }
        out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Every stored file of a service as (remote path, on-disk path), depth first.
    pub fn all_files(&self, service: Service) -> io::Result<Vec<(String, PathBuf)>> {
        let mut out = Vec::new();
        let mut stack = vec![(String::new(), self.root(service))];
        while let Some((remote, dir)) = stack.pop() {
            for child in self.children(&dir)? {
                let child_remote = format!("{remote}/{}", child.name);
                if child.is_dir {
                    stack.push((child_remote, child.fs_path));
                } else {
                    out.push((child_remote, child.fs_path));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// The stored name of `dir`'s child matching `name` case-insensitively (an exact
/// match wins).
fn find_child(dir: &Path, name: &str) -> io::Result<Option<String>> {
    if dir.join(name).symlink_metadata().is_ok() {
        return Ok(Some(name.to_owned()));
    }
    if !dir.is_dir() {
        return Ok(None);
    }
    let wanted = name.to_lowercase();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if let Ok(candidate) = entry.file_name().into_string() {
            if candidate.to_lowercase() == wanted {
                return Ok(Some(candidate));
            }
        }
    }
    Ok(None)
}

/// Total size of the files below a folder.
pub(crate) fn dir_size(dir: &Path) -> io::Result<u64> {
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert!(components("/a/../b").is_err());
        assert!(components("./a").is_err());
        assert!(components("a\\b").is_err());
        assert_eq!(components("//a///b/").unwrap(), vec!["a", "b"]);
    }
}
