//! Errors about local files, and writing a private file atomically.

use crate::Error;
use std::io::Write as _;
use std::path::Path;

/// An error about the local file at `path`.
pub(crate) fn file_error(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::File { path: path.display().to_string(), message: message.to_string() }
}

/// `what` went wrong with `path`, because of `e`.
pub(crate) fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    file_error(path, format!("{what}: {e}"))
}

/// Replaces `path` with `bytes` through a temporary file created with mode
/// 0600, then re-asserts 0600 on the result (the rename keeps the temporary
/// file's mode; this also repairs a file someone loosened by hand).
pub(crate) fn write_atomic_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // A random name: two writers (two processes, or two objects) never share it.
    let tmp = dir.join(format!(".{name}.{:016x}.tmp", rand::random::<u64>()));
    let result = write_private(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    set_private(path)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // A leftover temporary file from a crashed run keeps its old mode on open.
    set_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens `path` for appending, creating it with mode 0600; an existing file
/// is made 0600 too.
pub(crate) fn open_private_append(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    set_private(path)?;
    Ok(file)
}

/// Creates the folder `dir` (and its parents) and makes it 0700.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(unix)]
fn set_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Warns once about the job's state files (journal, record) not being
/// written: a full disk fails every write alike, and one line says it.
#[derive(Default)]
pub(crate) struct OnceWarning(std::sync::atomic::AtomicBool);

impl OnceWarning {
    pub(crate) fn warn(&self, what: &str, error: &dyn std::fmt::Display) {
        if !self.0.swap(true, std::sync::atomic::Ordering::Relaxed) {
            tracing::warn!(
                "{what}: {error}. The upload goes on; what this run could not record is checked on the \
                 service by the next run (further warnings about it are not shown)"
            );
        }
    }
}

/// Rewrites the existing file `path` in place: on a full disk, where a
/// temporary file cannot be made, the blocks a small file already has can
/// still hold its new bytes.
pub(crate) fn overwrite_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}
