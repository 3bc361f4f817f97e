//! What a job is asked to do, and what it reports per file and at the end.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What to do when the remote name is already taken.
///
/// Whatever the policy, a remote file with identical content (same size and
/// service hash) is left alone and reported as
/// [`FileOutcome::SkippedIdentical`]. For a different file of that name:
/// - `Rename`: keep both; the service picks a new name (`photo 1.jpg`),
///   reported as [`FileOutcome::KeptBoth`].
/// - `Replace`: overwrite the remote file ([`FileOutcome::Replaced`]).
/// - `Skip` (default): leave it; reported as [`FileOutcome::SkippedExisting`]
///   (not an error: nothing was lost, but the local file is not stored).
/// - `Fail`: a per-file error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConflictPolicy {
    Rename,
    Replace,
    #[default]
    Skip,
    Fail,
}

impl std::str::FromStr for ConflictPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "rename" => Ok(Self::Rename),
            "replace" => Ok(Self::Replace),
            "skip" => Ok(Self::Skip),
            "fail" => Ok(Self::Fail),
            other => Err(format!("unknown conflict policy '{other}' (expected rename, replace, skip or fail)")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// Files transferred at the same time.
    pub jobs: usize,
    /// Bytes per request; `None` for the service's default (OneDrive 10 MiB,
    /// Dropbox 32 MiB). Rounded to what the service accepts.
    pub chunk_size: Option<u64>,
    pub conflict: ConflictPolicy,
    /// Plan and report without creating or uploading anything.
    pub dry_run: bool,
    /// Folder of the resume journals; `None` for `$XDG_STATE_HOME/dkcloud/jobs`.
    pub journal_dir: Option<PathBuf>,
    /// Resize and re-encode photos before upload; `None` uploads files as they are.
    pub prepare: Option<dkcloud_prepare::PrepareOptions>,
    /// Who asked for the job, kept in its record so it can be listed and resumed.
    pub origin: JobOrigin,
    /// Files and folders left out ([`super::filter`]); kept in the record, so a resume leaves out the same.
    pub filter: super::filter::FilterSet,
}

/// Who asked for a job: what its record tells a front end listing unfinished jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobOrigin {
    /// The front end: `cli`, `digikam`, `showfoto`; empty when it did not say.
    pub started_by: String,
    /// The account the job acts as (never a token); `None` when it has no
    /// saved login (a borrowed access token).
    pub account: Option<AccountRef>,
}

/// An account as a job's record names it: enough to act as it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRef {
    /// The service's stable account id.
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl AccountRef {
    /// The email, else the name: what a list of jobs shows.
    pub fn label(&self) -> String {
        crate::remote::email_or_name(&self.name, self.email.as_deref())
    }
}

/// Files uploaded at once unless asked otherwise. Chosen from
/// `tests/bench/peers.sh` (2026-12-03, 40 ms, 50 MiB/s, medians of 3): 8
/// against 4 took the 2,000 small files in 15 s instead of 27 s (OneDrive)
/// and 25 s instead of 38 s (Dropbox), and was as fast on 200 photos and on
/// one 512 MiB file; round trips, not bytes, bound many small files.
pub const DEFAULT_JOBS: usize = 8;

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            jobs: DEFAULT_JOBS,
            chunk_size: None,
            conflict: ConflictPolicy::default(),
            dry_run: false,
            journal_dir: None,
            prepare: None,
            origin: JobOrigin::default(),
            filter: Default::default(),
        }
    }
}

/// Photos re-encoded as JPEG at `quality` (1 to 100), scaled to fit in
/// `max_dimension` pixels with their aspect kept.
pub fn resized_photos(max_dimension: u32, quality: u32) -> crate::Result<dkcloud_prepare::PrepareOptions> {
    if !(1..=100).contains(&quality) {
        return Err(crate::Error::InvalidInput(format!("JPEG quality must be 1 to 100, not {quality}")));
    }
    if max_dimension == 0 {
        return Err(crate::Error::InvalidInput("the maximum dimension must be at least 1 pixel".into()));
    }
    Ok(dkcloud_prepare::PrepareOptions {
        resize: Some(max_dimension),
        quality: quality as u8,
        original: false,
        strip_location: false,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum FileOutcome {
    /// Stored under a name that was free.
    Uploaded,
    /// Stored over a different file of the same name.
    Replaced,
    /// Stored beside a different file of the same name, under the new name
    /// in [`FileReport::remote`].
    KeptBoth,
    /// Finished by an earlier run of the same job (from its journal).
    AlreadyUploaded,
    SkippedIdentical,
    /// The name is taken by different content and the policy is `Skip`.
    SkippedExisting,
    /// Dry run: would be uploaded.
    WouldUpload,
    /// The service never stores a file of this name (Dropbox's `desktop.ini`,
    /// `thumbs.db`, ...); nothing was sent. Not a failure: running again would
    /// not change it. The reason reads "Dropbox does not store files named ...".
    NotStored(String),
    Failed(String),
    Cancelled,
    /// Left out by the job's filter ([`super::filter`]), with the rule's reason;
    /// a folder left out is reported once, its contents not walked.
    Excluded(String),
}

/// One file's result, as reported to [`JobEvents::file_done`](super::JobEvents::file_done).
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub local: PathBuf,
    /// The remote path (as stored, when the service renamed it).
    pub remote: Option<String>,
    pub outcome: FileOutcome,
    /// Bytes sent for this file in this run.
    pub bytes_sent: u64,
    /// What the user should know (e.g. a RAW file uploaded as the original).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// What kind of failure, when the outcome is `Failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<crate::ErrorKind>,
    /// The remote path this file shares with a file of the job that came
    /// first (by case, Unicode normalisation or a conversion's `.jpg`): it
    /// was given its own name instead, `remote` (see [`crate::names::DistinctNames`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_clash: Option<String>,
}

impl FileReport {
    /// A report of `outcome` with nothing sent and nothing more to say.
    pub fn simple(local: &std::path::Path, remote: Option<&str>, outcome: FileOutcome) -> Self {
        let error_kind = matches!(outcome, FileOutcome::Failed(_)).then_some(crate::ErrorKind::LocalFile);
        Self {
            local: local.to_owned(),
            remote: remote.map(str::to_owned),
            outcome,
            bytes_sent: 0,
            notices: Vec::new(),
            error_kind,
            name_clash: None,
        }
    }
}

/// Totals of a job (results themselves are streamed, not kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub uploaded: u64,
    pub replaced: u64,
    pub kept_both: u64,
    pub already_uploaded: u64,
    pub skipped_identical: u64,
    pub skipped_existing: u64,
    pub would_upload: u64,
    /// Files the service never stores under their name ([`FileOutcome::NotStored`]).
    pub not_stored: u64,
    /// Files and folders the filter left out.
    pub excluded: u64,
    pub failed: u64,
    /// Folders this run created (not those that were there already).
    pub folders_created: u64,
    /// Bytes sent over the network (retries included).
    pub bytes_sent: u64,
    /// Size of the files uploaded.
    pub bytes_uploaded: u64,
    pub elapsed_ms: u64,
    pub cancelled: bool,
    /// Cancelled to be continued later: open upload sessions were kept, and
    /// a resume goes on from what the service holds.
    pub suspended: bool,
    /// The destination folder's page on the service's web site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_web_url: Option<String>,
}

impl Summary {
    /// Files whose bytes are now stored (new, replaced or kept beside another).
    pub fn stored(&self) -> u64 {
        self.uploaded + self.replaced + self.kept_both
    }
}
