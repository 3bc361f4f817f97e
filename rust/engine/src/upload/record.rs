//! The record of what a job is: `<id>.job.json` beside its journal
//! (`<id>.jsonl`), so that an unfinished job can be listed, resumed and
//! discarded after the process that ran it is gone.
//!
//! It holds the service, the account (id and name, never a token), the
//! sources, the destination, the options that change what is stored, which
//! front end started it, when, and how its last run ended. It is written
//! (atomically, mode 0600) when a run starts, in state `running`, and again
//! when the run ends. A run that never wrote its end (killed, crashed, the
//! host quit) stays `running` with the process id of a process that is gone
//! ([`super::keeper`] writes it for a running job).

use super::filter::FilterSet;
use super::options::{AccountRef, ConflictPolicy, JobOrigin, UploadOptions};
use crate::fsio::write_atomic_private;
use crate::{Error, Result, ServiceKind};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when the format changes in a way older readers would misread.
const VERSION: u32 = 1;
const SUFFIX: &str = ".job.json";

/// How a job's last run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndState {
    /// Started and not ended: running now, or killed/crashed (its process is gone).
    Running,
    /// Every file has its final result and none failed: nothing left to offer.
    Finished,
    /// It ran to its end but some files failed: running it again retries them.
    Incomplete,
    Cancelled,
    /// It stopped as a whole before its files did (the folder could not be made, ...).
    Failed,
    /// It was dropped before its end (the host quit, or a bug stopped it).
    Interrupted,
}

/// The options that change what is stored and how it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedOptions {
    pub conflict: ConflictPolicy,
    #[serde(default)]
    pub chunk_size: Option<u64>,
    pub jobs: usize,
    #[serde(default)]
    pub prepare: Option<RecordedPrepare>,
    /// The filter rules; a record written before filters existed has none.
    #[serde(default, skip_serializing_if = "FilterSet::is_empty")]
    pub filter: FilterSet,
}

/// [`dkcloud_prepare::PrepareOptions`], all of it: the prepared-file cache
/// is keyed by the options, so a resumed job must rebuild them exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedPrepare {
    pub resize: Option<u32>,
    pub quality: u8,
    pub original: bool,
    pub strip_location: bool,
}

impl RecordedOptions {
    fn of(options: &UploadOptions) -> Self {
        Self {
            conflict: options.conflict,
            chunk_size: options.chunk_size,
            jobs: options.jobs,
            prepare: options.prepare.as_ref().map(|p| RecordedPrepare {
                resize: p.resize,
                quality: p.quality,
                original: p.original,
                strip_location: p.strip_location,
            }),
            filter: options.filter.clone(),
        }
    }

    /// The job's options again, its journal in `journal_dir`.
    pub fn to_options(&self, journal_dir: Option<PathBuf>, origin: JobOrigin) -> UploadOptions {
        UploadOptions {
            jobs: self.jobs.max(1),
            chunk_size: self.chunk_size,
            conflict: self.conflict,
            dry_run: false,
            journal_dir,
            prepare: self.prepare.as_ref().map(|p| dkcloud_prepare::PrepareOptions {
                resize: p.resize,
                quality: p.quality,
                original: p.original,
                strip_location: p.strip_location,
            }),
            origin,
            filter: self.filter.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub version: u32,
    /// The journal's name: stable for the same service, sources and destination.
    pub id: String,
    pub service: ServiceKind,
    #[serde(default)]
    pub account: Option<AccountRef>,
    /// Absolute paths, as the job walked them.
    pub sources: Vec<PathBuf>,
    pub destination: String,
    pub options: RecordedOptions,
    #[serde(default)]
    pub started_by: String,
    /// Unix seconds: when the job was first started (a resumed run keeps it).
    pub started_at: i64,
    /// Unix seconds: when this record was last written.
    pub updated_at: i64,
    pub state: EndState,
    /// Why the last run stopped, when it failed as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The process that ran (or runs) the job, and when it started (clock
    /// ticks after boot; 0 when unknown): a later process given the same id is
    /// not taken for it.
    #[serde(default)]
    pub pid: u32,
    #[serde(default)]
    pub pid_started: u64,
}

pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Where job `id`'s record is.
pub fn record_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}{SUFFIX}"))
}

impl JobRecord {
    pub fn new(
        id: &str,
        service: ServiceKind,
        sources: &[PathBuf],
        destination: &str,
        options: &UploadOptions,
    ) -> Self {
        let now = now_secs();
        Self {
            version: VERSION,
            id: id.to_owned(),
            service,
            account: options.origin.account.clone(),
            sources: sources.to_vec(),
            destination: destination.to_owned(),
            options: RecordedOptions::of(options),
            started_by: options.origin.started_by.clone(),
            started_at: now,
            updated_at: now,
            state: EndState::Running,
            error: None,
            pid: std::process::id(),
            pid_started: process_state(std::process::id()).map_or(0, |(_, started)| started),
        }
    }

    /// The first characters of the id: what front ends show and users type.
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(8)]
    }

    /// Whether the job is worth offering again: its last run did not finish
    /// every file (see [`EndState`]).
    pub fn is_unfinished(&self) -> bool {
        self.state != EndState::Finished
    }

    /// Whether a live process is running the job now (resuming or
    /// discarding it then would race that process).
    pub fn is_running_now(&self) -> bool {
        self.state == EndState::Running && process_alive(self.pid, self.pid_started)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| crate::fsio::io_error(path, "cannot read the job record", e))?;
        let record: Self = serde_json::from_slice(&bytes)
            .map_err(|e| crate::fsio::file_error(path, format!("not a job record: {e}")))?;
        if record.version > VERSION {
            return Err(crate::fsio::file_error(path, "written by a newer dkcloud"));
        }
        Ok(record)
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = record_path(dir, &self.id);
        let bytes =
            serde_json::to_vec_pretty(self).map_err(|e| Error::InvalidInput(format!("cannot record the job: {e}")))?;
        std::fs::create_dir_all(dir).map_err(|e| crate::fsio::io_error(dir, "cannot make the jobs folder", e))?;
        // On a full disk the temporary file cannot be made; the record's own blocks still hold it.
        write_atomic_private(&path, &bytes)
            .or_else(|e| crate::fsio::overwrite_in_place(&path, &bytes).map_err(|_| e))
            .map_err(|e| crate::fsio::io_error(&path, "cannot write the job record", e))
    }
}

/// Every readable record in `dir`; an unreadable one is skipped with a
/// warning (one bad file must not hide the others), other files are ignored.
pub(crate) fn all_records(dir: &Path) -> Result<Vec<JobRecord>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(crate::fsio::io_error(dir, "cannot read the jobs folder", e)),
    };
    let mut records = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Temporary files of an atomic write start with a dot.
        if name.starts_with('.') || !name.ends_with(SUFFIX) {
            continue;
        }
        match JobRecord::load(&entry.path()) {
            Ok(record) => records.push(record),
            Err(e) => tracing::warn!("skipping a job record: {e}"),
        }
    }
    records.sort_by(|a, b| a.started_at.cmp(&b.started_at).then_with(|| a.id.cmp(&b.id)));
    Ok(records)
}

/// Whether process `pid`, started at `started` (0: whenever), is alive (a zombie is not).
fn process_alive(pid: u32, started: u64) -> bool {
    if pid == 0 {
        return false;
    }
    match process_state(pid) {
        Some((state, since)) => !matches!(state, 'Z' | 'X') && (started == 0 || since == started),
        // No /proc to ask: only this process is known to be alive.
        None => pid == std::process::id(),
    }
}

/// A process's state letter and start time, from `/proc/PID/stat`.
fn process_state(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces:
    // state is the first, the start time the 20th.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    Some((state, fields.get(19)?.parse().ok()?))
}

/// A record with every option set, for tests.
#[cfg(test)]
pub(super) fn sample(id: &str) -> JobRecord {
    let options = UploadOptions {
        jobs: 3,
        chunk_size: Some(4 << 20),
        conflict: ConflictPolicy::Replace,
        prepare: Some(dkcloud_prepare::PrepareOptions {
            resize: Some(2048),
            quality: 85,
            original: false,
            strip_location: true,
        }),
        origin: JobOrigin {
            started_by: "cli".into(),
            account: Some(AccountRef { id: "abc".into(), name: "Ann".into(), email: Some("ann@example.com".into()) }),
        },
        ..Default::default()
    };
    JobRecord::new(id, ServiceKind::Dropbox, &[PathBuf::from("/p/Trip")], "/Backup", &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_with_every_option() {
        let dir = tempfile::tempdir().unwrap();
        let record = sample("0123456789abcdef01234567");
        record.save(dir.path()).unwrap();
        let back = JobRecord::load(&record_path(dir.path(), &record.id)).unwrap();
        assert_eq!(back, record);
        assert_eq!(back.short_id(), "01234567");
        let options = back.options.to_options(None, JobOrigin::default());
        assert_eq!(
            options.prepare,
            Some(dkcloud_prepare::PrepareOptions {
                resize: Some(2048),
                quality: 85,
                original: false,
                strip_location: true
            })
        );
        assert_eq!((options.jobs, options.chunk_size, options.conflict), (3, Some(4 << 20), ConflictPolicy::Replace));
    }

    #[cfg(unix)]
    #[test]
    fn a_record_is_written_whole_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut record = sample("aa");
        record.save(dir.path()).unwrap();
        record.state = EndState::Cancelled;
        record.save(dir.path()).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("aa.job.json")], "no temporary file is left");
        let meta = std::fs::metadata(record_path(dir.path(), "aa")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(JobRecord::load(&record_path(dir.path(), "aa")).unwrap().state, EndState::Cancelled);
    }

    #[test]
    fn listing_skips_a_corrupt_record_and_ignores_other_files() {
        let dir = tempfile::tempdir().unwrap();
        sample("good").save(dir.path()).unwrap();
        std::fs::write(record_path(dir.path(), "corrupt"), b"{\"version\": 1, \"id\": ").unwrap();
        std::fs::write(dir.path().join("good.jsonl"), b"{}\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"hello").unwrap();
        std::fs::write(dir.path().join(".good.job.json.1234.tmp"), b"half").unwrap();
        std::fs::create_dir(dir.path().join("prepared")).unwrap();
        let records = all_records(dir.path()).unwrap();
        assert_eq!(records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["good"]);
        assert!(all_records(&dir.path().join("absent")).unwrap().is_empty());
    }

    #[test]
    fn unknown_fields_are_tolerated_and_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut value = serde_json::to_value(sample("x")).unwrap();
        value["something_new"] = serde_json::json!({"a": 1});
        std::fs::write(record_path(dir.path(), "x"), serde_json::to_vec(&value).unwrap()).unwrap();
        assert_eq!(JobRecord::load(&record_path(dir.path(), "x")).unwrap().id, "x");
        value["version"] = serde_json::json!(VERSION + 1);
        std::fs::write(record_path(dir.path(), "x"), serde_json::to_vec(&value).unwrap()).unwrap();
        assert!(JobRecord::load(&record_path(dir.path(), "x")).is_err());
    }

    #[test]
    fn a_gone_process_or_a_later_one_with_its_id_is_not_running_the_job() {
        let me = std::process::id();
        let (_, started) = process_state(me).expect("/proc");
        assert!(started > 0);
        assert!(!process_alive(0, 0));
        assert!(process_alive(me, started) && process_alive(me, 0));
        assert!(!process_alive(me, started + 1), "another process that was given the same id");
        // Far above any pid_max.
        assert!(!process_alive(u32::MAX - 1, 0));
    }
}
