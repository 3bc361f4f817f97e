//! Documented transient answers on demand, for tests that need one at a known
//! point rather than by chance (`--chaos-rate`): `--fault KIND[=COUNT]` gives
//! the next COUNT occasions of KIND that answer (default 1).
//!
//! - `too-many-write-operations`: a Dropbox write call (`files/upload*`,
//!   `create_folder*`, ...) answers 429 `too_many_write_operations` with
//!   `Retry-After: 1` before it is handled (auth.stone `RateLimitError`).
//! - `batch-entry-contention`: an entry of `finish_batch_v2` fails with
//!   `too_many_write_operations` (files.stone `UploadSessionFinishError`);
//!   its session stays as it was, so the same commit can be retried.
//! - `create-folder-contention`: `create_folder_v2` answers 409
//!   `path/too_many_write_operations/` (files.stone `CreateFolderError.path`,
//!   a `WriteError`), creating nothing.
//! - `empty-next-expected-ranges`: the last fragment of a OneDrive upload
//!   session is refused with 500 `generalException` ("Assertion Failure While
//!   Processing") after its bytes arrived, and the session then expects nothing:
//!   its status answers `"nextExpectedRanges": []` and any fragment 416
//!   (OneDrive/onedrive-api-docs#71).
//! - `damaged-chunk`: the bytes of a sequential Dropbox session's `start` or
//!   `append_v2` arrive with their first byte changed, as by a fault on the
//!   way; with the call's `content_hash` that is `content_hash_mismatch`
//!   ("The content received by the Dropbox server in this call does not match
//!   the provided content hash", files.stone) and nothing is kept, without it
//!   the damaged bytes are kept.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduled {
    TooManyWriteOperations,
    BatchEntryContention,
    CreateFolderContention,
    EmptyNextExpectedRanges,
    DamagedChunk,
}

const ALL: [(Scheduled, &str); 5] = [
    (Scheduled::TooManyWriteOperations, "too-many-write-operations"),
    (Scheduled::BatchEntryContention, "batch-entry-contention"),
    (Scheduled::CreateFolderContention, "create-folder-contention"),
    (Scheduled::EmptyNextExpectedRanges, "empty-next-expected-ranges"),
    (Scheduled::DamagedChunk, "damaged-chunk"),
];

/// How many of each kind are still to come.
#[derive(Debug, Default)]
pub struct ScheduledFaults {
    left: [AtomicU64; 5],
}

impl ScheduledFaults {
    /// Reads `KIND[=COUNT]` options; an unknown kind or count is an error naming it.
    pub fn parse(specs: &[String]) -> Result<Self, String> {
        let faults = Self::default();
        for spec in specs {
            let (name, count) = match spec.split_once('=') {
                Some((n, c)) => (n, c.parse::<u64>().map_err(|_| format!("--fault {spec}: COUNT must be a number"))?),
                None => (spec.as_str(), 1),
            };
            let index = ALL.iter().position(|(_, n)| *n == name).ok_or_else(|| {
                let known: Vec<&str> = ALL.iter().map(|(_, n)| *n).collect();
                format!("--fault {spec}: unknown kind (known: {})", known.join(", "))
            })?;
            faults.left[index].fetch_add(count, Ordering::Relaxed);
        }
        Ok(faults)
    }

    /// Whether this occasion of `kind` gets the fault (counting it down).
    pub fn take(&self, kind: Scheduled) -> bool {
        let index = ALL.iter().position(|(k, _)| *k == kind).unwrap_or(0);
        self.left[index].fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1)).is_ok()
    }

    pub fn name(kind: Scheduled) -> &'static str {
        ALL.iter().find(|(k, _)| *k == kind).map_or("", |(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_each_kind_apart() {
        let f = ScheduledFaults::parse(&["batch-entry-contention=2".into(), "empty-next-expected-ranges".into()]).unwrap();
        assert!(f.take(Scheduled::BatchEntryContention));
        assert!(f.take(Scheduled::BatchEntryContention));
        assert!(!f.take(Scheduled::BatchEntryContention));
        assert!(!f.take(Scheduled::TooManyWriteOperations));
        assert!(f.take(Scheduled::EmptyNextExpectedRanges));
        assert!(ScheduledFaults::parse(&["nope".into()]).unwrap_err().contains("known: too-many-write-operations"));
        assert!(ScheduledFaults::parse(&["batch-entry-contention=x".into()]).is_err());
    }
}
