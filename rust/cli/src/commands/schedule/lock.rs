//! One run of a job at a time: an exclusive `flock` on the job's lock file,
//! held for the whole run and released by the kernel when the process ends,
//! however it ends (a killed run never leaves a stale lock behind).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::Path;

/// Held while it lives.
pub(crate) struct JobLock {
    _file: File,
}

pub(crate) enum Attempt {
    Held(JobLock),
    /// Another process holds it; what it wrote about itself (pid, start).
    Busy(String),
}

pub(crate) fn try_lock(path: &Path) -> std::io::Result<Attempt> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
    // SAFETY: flock on a descriptor this function owns; no memory is shared.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(err);
        }
        let mut holder = String::new();
        file.read_to_string(&mut holder)?;
        return Ok(Attempt::Busy(holder.trim().to_owned()));
    }
    // The note is for the next run's message; the lock holds without it (a full disk).
    let started = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC");
    let noted = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| writeln!(file, "pid {}, started {started}", std::process::id()));
    if let Err(e) = noted {
        tracing::debug!("cannot note the lock's holder in {}: {e}", path.display());
    }
    Ok(Attempt::Held(JobLock { _file: file }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/job.lock");
        let Attempt::Held(first) = try_lock(&path).unwrap() else { panic!("the first lock is taken") };
        match try_lock(&path).unwrap() {
            Attempt::Busy(holder) => assert!(holder.starts_with(&format!("pid {}, started ", std::process::id())), "{holder}"),
            Attempt::Held(_) => panic!("two holders at once"),
        }
        drop(first);
        assert!(matches!(try_lock(&path).unwrap(), Attempt::Held(_)));
    }
}
