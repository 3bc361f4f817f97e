//! The resume journal of one job: JSON lines appended as the job goes, so a
//! killed process loses nothing written before it died.
//!
//! A job is identified by its service, destination and sources; the journal
//! of a rerun of the same job is the same file. Records:
//! - `{"open": {...}}`: a file's upload session (to continue it later);
//! - `{"closed": {"local": ...}}`: that session is over;
//! - `{"done": {...}}`: a file (path, size, mtime) is stored by a run of the job;
//! - `{"present": {...}}`: a run found the file already there (identical):
//!   stored, as far as an offer to resume counts, but a later run checks it
//!   again and says "already there", not "uploaded by an earlier run".
//!
//! A line that cannot be read (cut by a crash or a full disk, even inside a
//! multi-byte character, or from a newer version) is skipped with one note
//! per read: the file it named is then found again on the service (the
//! "already there" check). A failed write warns once per run
//! ([`OnceWarning`]); the next record starts on a line of its own.
//!
//! Only a 64-bit digest of each finished file's (path, size, mtime) is kept
//! in memory, so a 100,000-file job needs under 2 MiB for it; open sessions
//! are few (one per parallel transfer at most).

use crate::stamp::FileStamp;
use crate::remote::OpenSession;
use crate::{Error, Result, ServiceKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use crate::fsio::OnceWarning;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FileKey {
    local: PathBuf,
    #[serde(flatten)]
    stamp: FileStamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct OpenRecord {
    #[serde(flatten)]
    key: FileKey,
    remote: String,
    session: OpenSession,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Record {
    Open(OpenRecord),
    Closed { local: PathBuf },
    Done {
        #[serde(flatten)]
        key: FileKey,
        remote: String,
    },
    Present {
        #[serde(flatten)]
        key: FileKey,
        remote: String,
    },
}

/// A session recorded by an earlier run.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub stamp: FileStamp,
    pub remote: String,
    pub session: OpenSession,
}

/// Where records go, and whether the last one was cut short by a failed write.
struct Writer {
    out: Box<dyn Write + Send>,
    torn: bool,
}

pub(crate) struct Journal {
    path: PathBuf,
    writer: Mutex<Writer>,
    warning: Arc<OnceWarning>,
    /// Finished files: digest of (path, size, mtime) -> digest of where it was stored.
    done: Mutex<HashMap<u64, u64>>,
    open: Mutex<HashMap<PathBuf, Recorded>>,
}

fn digest(local: &Path, stamp: &FileStamp) -> u64 {
    let mut h = Sha256::new();
    h.update(local.as_os_str().as_encoded_bytes());
    h.update(stamp.size.to_le_bytes());
    h.update(stamp.mtime_ns.to_le_bytes());
    let d = h.finalize();
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// A remote path's digest; both services ignore case in names.
fn remote_digest(remote: &str) -> u64 {
    let d = Sha256::digest(remote.to_lowercase().as_bytes());
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// The job's name: the same sources, destination and service give the same journal.
pub(crate) fn job_id(service: ServiceKind, sources: &[PathBuf], destination: &str) -> String {
    let mut h = Sha256::new();
    h.update(service.to_string().as_bytes());
    h.update([0]);
    h.update(destination.as_bytes());
    for s in sources {
        h.update([0]);
        h.update(s.as_os_str().as_encoded_bytes());
    }
    h.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// `$XDG_STATE_HOME/dkcloud/jobs`, or `~/.local/state/dkcloud/jobs`.
pub(crate) fn default_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            let home = std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::Config("neither XDG_STATE_HOME nor HOME is set; give a journal folder".into()))?;
            PathBuf::from(home).join(".local/state")
        }
    };
    Ok(base.join("dkcloud").join("jobs"))
}

/// What a journal holds: finished files and open sessions.
#[derive(Default)]
pub(crate) struct Contents {
    /// Finished files: digest of (path, size, mtime) -> digest of where it was stored.
    done: HashMap<u64, u64>,
    /// Files found already there: digests of (path, size, mtime).
    present: std::collections::HashSet<u64>,
    open: HashMap<PathBuf, Recorded>,
    /// Lines that could not be read and were skipped.
    skipped: u64,
    /// The last line is cut (no newline at its end): the next record starts a new line.
    torn_end: bool,
}

impl Contents {
    /// Reads the journal `dir/<id>.jsonl` without changing it; an absent one
    /// is empty. Lines are read as bytes: one that is not a record (cut short,
    /// not UTF-8, unknown) is skipped, and said once.
    pub(crate) fn read(dir: &Path, id: &str) -> Result<Self> {
        let path = journal_path(dir, id);
        let io = |e: std::io::Error| Error::File { path: path.display().to_string(), message: e.to_string() };
        let mut contents = Self::default();
        let existing = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(contents),
            Err(e) => return Err(io(e)),
        };
        let mut reader = std::io::BufReader::new(existing);
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
                break;
            }
            contents.torn_end = line.last() != Some(&b'\n');
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Record>(&line) {
                Ok(record) => contents.apply(record),
                Err(_) => contents.skipped += 1,
            }
        }
        if contents.skipped > 0 {
            tracing::warn!(
                "the resume journal {} has {} unreadable line(s) (cut short by a crash or a full disk), skipped; \
                 the files they named are checked on the service again",
                path.display(),
                contents.skipped
            );
        }
        Ok(contents)
    }

    fn apply(&mut self, record: Record) {
        match record {
            Record::Open(r) => {
                let recorded = Recorded { stamp: r.key.stamp, remote: r.remote, session: r.session };
                self.open.insert(r.key.local, recorded);
            }
            Record::Closed { local } => {
                self.open.remove(&local);
            }
            Record::Done { key, remote } => {
                self.open.remove(&key.local);
                self.done.insert(digest(&key.local, &key.stamp), remote_digest(&remote));
            }
            Record::Present { key, .. } => {
                self.present.insert(digest(&key.local, &key.stamp));
            }
        }
    }

    /// Lines that could not be read and were skipped.
    #[cfg(test)]
    fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Whether this file, as it is, was stored (wherever it went).
    #[cfg(test)]
    fn is_done(&self, local: &Path, stamp: &FileStamp) -> bool {
        self.done.contains_key(&digest(local, stamp))
    }

    /// Whether this file, as it is, is on the service: stored by the job or
    /// found there by one of its runs.
    pub(crate) fn is_stored(&self, local: &Path, stamp: &FileStamp) -> bool {
        let d = digest(local, stamp);
        self.done.contains_key(&d) || self.present.contains(&d)
    }

    /// The sessions left open, to continue or to cancel.
    pub(crate) fn open_sessions(&self) -> impl Iterator<Item = &Recorded> {
        self.open.values()
    }
}

/// Where the journal of job `id` is.
pub(crate) fn journal_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.jsonl"))
}

impl Journal {
    /// Opens (or creates) the journal `dir/<id>.jsonl` and reads what it holds.
    pub(crate) fn open(dir: &Path, id: &str) -> Result<Self> {
        let io = |e: std::io::Error| Error::File { path: dir.display().to_string(), message: e.to_string() };
        crate::fsio::create_private_dir(dir).map_err(io)?;
        let path = journal_path(dir, id);
        // Open records hold OneDrive upload URLs, which are credentials.
        let file = crate::fsio::open_private_append(&path).map_err(io)?;
        Self::with_writer(dir, id, Box::new(file), Arc::new(OnceWarning::default()))
    }

    /// The journal `dir/<id>.jsonl` as read, its new records going to `out`;
    /// `warning` is shared with whatever else writes the job's state.
    pub(crate) fn with_writer(
        dir: &Path,
        id: &str,
        out: Box<dyn Write + Send>,
        warning: Arc<OnceWarning>,
    ) -> Result<Self> {
        let Contents { done, open, torn_end, .. } = Contents::read(dir, id)?;
        Ok(Self {
            path: journal_path(dir, id),
            writer: Mutex::new(Writer { out, torn: torn_end }),
            warning,
            done: Mutex::new(done),
            open: Mutex::new(open),
        })
    }

    /// What warns (once) when the job's state cannot be written.
    pub(crate) fn warning(&self) -> Arc<OnceWarning> {
        self.warning.clone()
    }

    pub(crate) fn is_done(&self, local: &Path, stamp: &FileStamp) -> bool {
        self.done.lock().unwrap_or_else(|p| p.into_inner()).contains_key(&digest(local, stamp))
    }

    /// Whether this file, as it is, was stored at `remote` (not elsewhere,
    /// as a kept-both copy under another name).
    pub(crate) fn is_done_at(&self, local: &Path, stamp: &FileStamp, remote: &str) -> bool {
        self.done.lock().unwrap_or_else(|p| p.into_inner()).get(&digest(local, stamp)) == Some(&remote_digest(remote))
    }

    /// The session an earlier run left open for this file, taken out of the journal's memory.
    pub(crate) fn take_open(&self, local: &Path) -> Option<Recorded> {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).remove(local)
    }

    fn append(&self, record: &Record) {
        let Ok(record) = serde_json::to_vec(record) else { return };
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        // After a cut line the record starts a line of its own (an empty line is skipped).
        let mut line = Vec::with_capacity(record.len() + 2);
        if writer.torn {
            line.push(b'\n');
        }
        line.extend_from_slice(&record);
        line.push(b'\n');
        // One write per record: a crash leaves at most one partial last line.
        match writer.out.write_all(&line) {
            Ok(()) => writer.torn = false,
            Err(e) => {
                writer.torn = true;
                self.warning.warn(&format!("cannot write the resume journal {}", self.path.display()), &e);
            }
        }
    }

    pub(crate) fn opened(&self, local: &Path, stamp: FileStamp, remote: &str, session: &OpenSession) {
        self.append(&Record::Open(OpenRecord {
            key: FileKey { local: local.to_owned(), stamp },
            remote: remote.to_owned(),
            session: session.clone(),
        }));
    }

    pub(crate) fn closed(&self, local: &Path) {
        self.append(&Record::Closed { local: local.to_owned() });
    }

    /// The file is already on the service, identical (nothing was sent).
    pub(crate) fn found_there(&self, local: &Path, stamp: FileStamp, remote: &str) {
        self.append(&Record::Present { key: FileKey { local: local.to_owned(), stamp }, remote: remote.to_owned() });
    }

    pub(crate) fn finished(&self, local: &Path, stamp: FileStamp, remote: &str) {
        self.done.lock().unwrap_or_else(|p| p.into_inner()).insert(digest(local, &stamp), remote_digest(remote));
        self.append(&Record::Done { key: FileKey { local: local.to_owned(), stamp }, remote: remote.to_owned() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reopened_journal_knows_finished_files_and_open_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = FileStamp { size: 10, mtime_ns: 5 };
        let session = OpenSession::OneDrive { upload_url: "http://127.0.0.1:1/_upload/x".into() };
        {
            let j = Journal::open(dir.path(), "job").unwrap();
            j.finished(Path::new("/a"), stamp, "/R/a");
            j.opened(Path::new("/b"), stamp, "/R/b", &session);
            j.opened(Path::new("/c"), stamp, "/R/c", &session);
            j.closed(Path::new("/c"));
        }
        // A crash mid-write leaves a partial line.
        let path = dir.path().join("job.jsonl");
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"done\": {\"loc").unwrap();
        let j = Journal::open(dir.path(), "job").unwrap();
        assert!(j.is_done(Path::new("/a"), &stamp));
        assert!(!j.is_done(Path::new("/a"), &FileStamp { size: 10, mtime_ns: 6 }));
        let b = j.take_open(Path::new("/b")).unwrap();
        assert_eq!((b.remote.as_str(), b.session), ("/R/b", session));
        assert!(j.take_open(Path::new("/c")).is_none());
    }

    /// A disk with `room` bytes left: a write takes what fits, then fails as a full disk does.
    struct FullDisk {
        file: std::fs::File,
        room: usize,
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
            }
            let n = buf.len().min(self.room);
            self.file.write_all(&buf[..n])?;
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            self.file.flush()
        }
    }

    #[test]
    fn a_line_cut_inside_a_character_by_a_full_disk_is_skipped_and_the_next_record_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = FileStamp { size: 10, mtime_ns: 5 };
        let (first, second) = (Path::new("/p/Été 2024/a.jpg"), Path::new("/p/Été 2024/b.jpg"));
        let path = dir.path().join("job.jsonl");
        let first_line = serde_json::to_vec(&Record::Done {
            key: FileKey { local: first.to_owned(), stamp },
            remote: "/R/Été 2024/a.jpg".into(),
        })
        .unwrap();
        // Room for the first record and the second up to the middle of its "É".
        let cut = first_line.len() + 1 + "{\"done\":{\"local\":\"/p/".len() + 1;
        {
            let file = crate::fsio::open_private_append(&path).unwrap();
            let disk = FullDisk { file, room: cut };
            let j = Journal::with_writer(dir.path(), "job", Box::new(disk), Default::default()).unwrap();
            j.finished(first, stamp, "/R/Été 2024/a.jpg");
            j.finished(second, stamp, "/R/Été 2024/b.jpg");
            j.finished(Path::new("/p/c.jpg"), stamp, "/R/c.jpg");
            assert!(j.is_done(second, &stamp), "this run knows what it stored");
        }
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), cut);
        assert!(std::str::from_utf8(&bytes).is_err(), "the cut is inside a character");
        // Space returns: the journal opens, skips the cut line, and goes on on a new line.
        let contents = Contents::read(dir.path(), "job").unwrap();
        assert_eq!(contents.skipped(), 1);
        assert!(contents.is_done(first, &stamp) && !contents.is_done(second, &stamp));
        let j = Journal::open(dir.path(), "job").unwrap();
        assert!(j.is_done(first, &stamp) && !j.is_done(second, &stamp));
        j.finished(second, stamp, "/R/Été 2024/b.jpg");
        drop(j);
        let contents = Contents::read(dir.path(), "job").unwrap();
        assert_eq!(contents.skipped(), 1, "only the cut line is lost");
        assert!(contents.is_done(first, &stamp) && contents.is_done(second, &stamp));
    }

    #[cfg(unix)]
    #[test]
    fn a_journal_and_its_folder_are_private_even_when_made_loose_before() {
        use std::os::unix::fs::PermissionsExt as _;
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("jobs");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        drop(Journal::open(&dir, "job").unwrap());
        assert_eq!((mode(&dir), mode(&dir.join("job.jsonl"))), (0o700, 0o600));
        // A journal written by an earlier version, world-readable.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(dir.join("job.jsonl"), std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(Journal::open(&dir, "job").unwrap());
        assert_eq!((mode(&dir), mode(&dir.join("job.jsonl"))), (0o700, 0o600));
    }

    #[test]
    fn a_file_found_there_is_stored_for_an_offer_but_not_done_for_a_rerun() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = FileStamp { size: 10, mtime_ns: 5 };
        Journal::open(dir.path(), "job").unwrap().found_there(Path::new("/a"), stamp, "/R/a");
        let contents = Contents::read(dir.path(), "job").unwrap();
        assert!(contents.is_stored(Path::new("/a"), &stamp));
        assert!(!contents.is_done(Path::new("/a"), &stamp));
        assert!(!Journal::open(dir.path(), "job").unwrap().is_done(Path::new("/a"), &stamp));
    }

    #[test]
    fn the_same_job_gets_the_same_id() {
        let s = vec![PathBuf::from("/p/a"), PathBuf::from("/p/b")];
        assert_eq!(job_id(ServiceKind::OneDrive, &s, "/X"), job_id(ServiceKind::OneDrive, &s, "/X"));
        assert_ne!(job_id(ServiceKind::OneDrive, &s, "/X"), job_id(ServiceKind::Dropbox, &s, "/X"));
        assert_ne!(job_id(ServiceKind::OneDrive, &s, "/X"), job_id(ServiceKind::OneDrive, &s, "/Y"));
    }
}
