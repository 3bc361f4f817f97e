//! What the rest of the engine needs from a cloud service, behind one
//! object-safe trait so that jobs, the CLI and the plugin hold a
//! `Arc<dyn Remote>` whatever the service.
//!
//! Remote paths are absolute, `/`-separated, and `/` is the root.

use crate::hashing::HashKind;
use crate::profile::ServiceProfile;
use crate::sharing::{LinkRequest, SharedLink};
use crate::stamp::FileStamp;
use crate::{Result, ServiceKind};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::path::Path;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub email: Option<String>,
}

impl Account {
    /// The email, else the name: what an account list shows.
    pub fn short_label(&self) -> String {
        email_or_name(&self.name, self.email.as_deref())
    }
}

/// `email` when it is known and says more than `name`, else `name`.
pub(crate) fn email_or_name(name: &str, email: Option<&str>) -> String {
    match email {
        Some(e) if !e.is_empty() && e != name => e.to_owned(),
        _ => name.to_owned(),
    }
}

/// "Name <email>", or the name alone.
pub(crate) fn name_with_email(name: &str, email: Option<&str>) -> String {
    match email {
        Some(e) if !e.is_empty() && e != name => format!("{name} <{e}>"),
        _ => name.to_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub used: u64,
    /// `None` when the service reports no fixed allocation.
    pub total: Option<u64>,
}

/// A file or folder on the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteEntry {
    pub name: String,
    /// Full path as the service spells it (its case), when it reports one.
    pub path: String,
    pub is_folder: bool,
    pub size: u64,
    /// QuickXorHash (OneDrive) or content_hash (Dropbox) of a file.
    pub hash: Option<String>,
    /// Its page on the service's web site, when the service reports one.
    pub web_url: Option<String>,
}

/// A folder made (or found) by [`Remote::create_folder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub entry: RemoteEntry,
    /// False when the folder (and its parents) existed already.
    pub created: bool,
}

/// One page of a folder listing; pass `next` back for the following page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub entries: Vec<RemoteEntry>,
    pub next: Option<String>,
}

/// What the service does when the target name is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireConflict {
    Fail,
    Rename,
    Replace,
}

/// An upload session left open, as recorded in a job's journal so that a
/// later run can continue it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "service", rename_all = "lowercase")]
pub enum OpenSession {
    /// A Graph upload URL (pre-authorised: it is a credential, keep it private).
    OneDrive { upload_url: String },
    /// A Dropbox session; `closed` once the last chunk was appended.
    Dropbox { session_id: String, offset: u64, closed: bool },
    /// A Dropbox session taking `chunk`-sized pieces in parallel; `done`
    /// holds the offsets of the pieces it confirmed.
    #[serde(rename = "dropbox_concurrent")]
    DropboxConcurrent { session_id: String, chunk: u64, done: Vec<u64>, closed: bool },
}

/// Told about an upload as it goes: bytes sent (absolute offset in the
/// file) and the session to remember (`None`: nothing left to resume).
pub trait UploadObserver: Send + Sync {
    fn sent(&self, offset: u64);
    fn session(&self, session: Option<&OpenSession>);
    /// All bytes are sent and the file only waits for a (batched) commit.
    fn waiting_for_commit(&self) {}
    /// Whether a cancel means "later" (the host quits): the open session
    /// stays, for a later run to continue, instead of being deleted.
    fn keep_session_on_cancel(&self) -> bool {
        false
    }
}

/// One file to upload.
pub struct UploadSpec<'a> {
    pub local: &'a Path,
    /// Size and mtime when the job looked at the file; the upload fails
    /// rather than store a copy of a file that no longer matches it.
    pub stamp: FileStamp,
    /// Full remote path of the file, parent folders already created.
    pub remote_path: &'a str,
    pub conflict: WireConflict,
    /// Bytes per request; each service rounds it to what it accepts.
    pub chunk_size: u64,
    /// The user asked for no particular size: the service may grow requests
    /// beyond `chunk_size` to keep the link busy (see each service's uploads).
    pub adapt_chunks: bool,
    /// A session from an earlier run to continue.
    pub resume: Option<OpenSession>,
    pub observer: std::sync::Arc<dyn UploadObserver>,
    pub cancel: &'a CancellationToken,
}

/// A verified upload: the stored file's hash equals the local file's.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub entry: RemoteEntry,
    /// Bytes this call sent (less than the size when a session was resumed).
    pub bytes_sent: u64,
}

pub trait Remote: Send + Sync {
    /// What dkcloud knows about the service: hash, limits, chunk rules.
    fn profile(&self) -> &'static ServiceProfile;
    fn kind(&self) -> ServiceKind {
        self.profile().kind
    }
    fn hash_kind(&self) -> HashKind {
        self.profile().hash
    }
    /// The largest file the service stores.
    fn max_file_size(&self) -> u64 {
        self.profile().max_file_size
    }
    /// Whether names differing only in case are the same file.
    fn case_insensitive(&self) -> bool {
        true
    }

    fn account<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Account>>;
    fn quota<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Quota>>;
    /// One page of a folder's children; `cursor` is the previous page's `next`.
    fn list_page<'a>(
        &'a self,
        path: &'a str,
        cursor: Option<String>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Page>>;
    /// Creates a folder and any missing parents; an existing folder is fine.
    fn create_folder<'a>(&'a self, path: &'a str, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Folder>>;
    /// The entry's page on the service's web site.
    fn web_url(&self, entry: &RemoteEntry) -> Option<String> {
        entry.web_url.clone()
    }
    /// The entry at `path`, or `None` if nothing is there.
    fn resolve<'a>(&'a self, path: &'a str, cancel: &'a CancellationToken)
        -> BoxFuture<'a, Result<Option<RemoteEntry>>>;
    /// Uploads one file (continuing `spec.resume` when given) and verifies it.
    fn upload<'a>(&'a self, spec: UploadSpec<'a>) -> BoxFuture<'a, Result<Uploaded>>;
    /// A link to the file or folder at `path` that works without signing in:
    /// a new one, or the service's existing one (`reused`, with its own settings).
    fn share_link<'a>(
        &'a self,
        path: &'a str,
        request: &'a LinkRequest,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<SharedLink>>;
    /// Abandons a journaled session that will not be continued.
    fn discard_session<'a>(&'a self, session: &'a OpenSession) -> BoxFuture<'a, ()>;
    /// Waits for background cleanup (sessions deleted after a cancel) to end.
    fn settle(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

/// Every entry of a folder, all pages.
pub async fn list_all(remote: &dyn Remote, path: &str, cancel: &CancellationToken) -> Result<Vec<RemoteEntry>> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = remote.list_page(path, cursor, cancel).await?;
        out.extend(page.entries);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// `/a/b` + `c` = `/a/b/c`.
pub(crate) fn join(parent: &str, name: &str) -> String {
    let parent = parent.trim_end_matches('/');
    format!("{parent}/{name}")
}

/// Splits a normalised path into parent and name (`/a/b` -> `/a`, `b`).
pub(crate) fn split(path: &str) -> (&str, &str) {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", name)) => ("/", name),
        Some((parent, name)) => (parent, name),
        None => ("/", path),
    }
}

/// Turns user input (`a/b/`, `/a//b`, `\`) into `/a/b` (`/` for the root).
pub(crate) fn normalize(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_joined_and_split() {
        assert_eq!(normalize(""), "/");
        assert_eq!(normalize("a//b/"), "/a/b");
        assert_eq!(normalize("/./Photos"), "/Photos");
        assert_eq!(join("/", "x"), "/x");
        assert_eq!(join("/a", "x"), "/a/x");
        assert_eq!(split("/a/b"), ("/a", "b"));
        assert_eq!(split("/b"), ("/", "b"));
    }
}
