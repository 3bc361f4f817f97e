//! The scenarios every service passes alike, written once (after rclone's
//! `fstest/fstests`): each is a function taking a [`Service`] descriptor, and
//! [`conformance_tests!`] makes one named test per scenario in the service's
//! own test file (`transfer_onedrive`, `transfer_dropbox`), next to the tests
//! only that service has.
#![allow(dead_code)] // each service's test file uses its own descriptor

use crate::transfer_support::{start, Env, MIB};
use dkcloud_engine::testing::remote::{OpenSession, Remote, UploadObserver, UploadSpec, Uploaded, WireConflict};
use dkcloud_engine::testing::stamp::FileStamp;
use dkcloud_engine::{Error, ServiceKind};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// What the shared scenarios need to know of one service.
pub struct Service {
    pub kind: ServiceKind,
    /// The chunk size of whole-file uploads (conflicts, empty files).
    pub chunk: u64,
    /// The hash the service reports for a file's bytes.
    pub hash: fn(&[u8]) -> String,
    /// A small file: its size, where it goes, the chunk size asked for, and
    /// the requests it takes (kind, count; `0`: never).
    pub small: Small,
    /// A 25 MiB file sent in chunks.
    pub large: Large,
}

pub struct Small {
    pub size: u64,
    pub target: &'static str,
    pub chunk: u64,
    pub requests: &'static [(&'static str, u64)],
}

pub struct Large {
    pub chunk: u64,
    pub requests: &'static [(&'static str, u64)],
    /// What only this service tells its observer: the sessions announced
    /// (for the journal) and the highest offset confirmed.
    pub observed: fn(&[Option<OpenSession>], u64),
}

fn quickxor(data: &[u8]) -> String {
    dkcloud_hash::quickxor_base64(data)
}

fn content_hash(data: &[u8]) -> String {
    dkcloud_hash::content_hash_hex(data)
}

pub const ONEDRIVE: Service = Service {
    kind: ServiceKind::OneDrive,
    chunk: MIB,
    hash: quickxor,
    // Below the simple-upload limit: one PUT, no session.
    small: Small {
        size: 300_000,
        target: "/Photos/a.jpg",
        chunk: 10 * MIB,
        requests: &[("graph.simple_upload", 1), ("graph.create_upload_session", 0)],
    },
    large: Large { chunk: 5 * MIB, requests: &[("graph.upload_fragment", 5)], observed: onedrive_session_observed },
};

/// The session was announced for the journal, then cleared; every byte was confirmed.
fn onedrive_session_observed(sessions: &[Option<OpenSession>], max_offset: u64) {
    assert_eq!(max_offset, 25 * MIB);
    assert!(matches!(sessions.first(), Some(Some(OpenSession::OneDrive { .. }))));
    assert_eq!(sessions.last(), Some(&None));
}

pub const DROPBOX: Service = Service {
    kind: ServiceKind::Dropbox,
    chunk: 4 * MIB,
    hash: content_hash,
    // One session start that closes at once, one batch commit.
    small: Small {
        size: 100_000,
        target: "/Fotos/Ärger 😀 ü.jpg",
        chunk: 8 * MIB,
        requests: &[("dropbox.upload_session_start", 1), ("dropbox.append_v2", 0), ("dropbox.finish_batch_v2", 1)],
    },
    large: Large {
        chunk: 4 * MIB,
        requests: &[("dropbox.upload_session_start", 1), ("dropbox.append_v2", 6)],
        observed: |_, _| {},
    },
};

/// Generates one `#[tokio::test]` per shared scenario for `$service`.
macro_rules! conformance_tests {
    ($service:expr) => {
        conformance_tests!($service; account_and_quota_are_read, small_file_is_stored_byte_identical_and_verified,
            large_file_is_sent_in_chunks_and_stored_byte_identical, zero_byte_file_is_uploaded,
            conflict_fail_refuses_replace_overwrites_rename_keeps_both);
    };
    ($service:expr; $($scenario:ident),+) => {
        $(
            #[tokio::test]
            async fn $scenario() {
                conformance::$scenario(&$service).await
            }
        )+
    };
}

/// What an upload told its observer (the service-specific tests use it too).
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) sessions: Mutex<Vec<Option<OpenSession>>>,
    pub(crate) max_offset: Mutex<u64>,
}

impl UploadObserver for Recorder {
    fn sent(&self, offset: u64) {
        let mut m = self.max_offset.lock().unwrap();
        *m = (*m).max(offset);
    }
    fn session(&self, session: Option<&OpenSession>) {
        self.sessions.lock().unwrap().push(session.cloned());
    }
}

fn remote(env: &Env, service: &Service) -> Arc<dyn Remote> {
    env.remote(service.kind)
}

async fn put(
    env: &Env,
    remote: &dyn Remote,
    rel: &str,
    target: &str,
    conflict: WireConflict,
    chunk: u64,
    observer: Arc<Recorder>,
) -> dkcloud_engine::Result<Uploaded> {
    let local = env.local.path().join(rel);
    let stamp = FileStamp::read(&local).await.unwrap();
    let cancel = CancellationToken::new();
    remote
        .upload(UploadSpec {
            local: &local,
            stamp,
            remote_path: target,
            conflict,
            chunk_size: chunk,
            adapt_chunks: false,
            resume: None,
            observer,
            cancel: &cancel,
        })
        .await
}

pub async fn account_and_quota_are_read(service: &Service) {
    let env = start().await;
    let remote = remote(&env, service);
    let cancel = CancellationToken::new();
    let account = remote.account(&cancel).await.unwrap();
    assert_eq!(account.name, dkcloud_emulator::USER_NAME);
    assert_eq!(account.email.as_deref(), Some(dkcloud_emulator::USER_EMAIL));
    assert!(remote.quota(&cancel).await.unwrap().total.unwrap() > 0);
    env.emu.shutdown().await;
}

pub async fn small_file_is_stored_byte_identical_and_verified(service: &Service) {
    let env = start().await;
    let remote = remote(&env, service);
    let small = &service.small;
    let data = env.make_file("a.jpg", small.size, 1);
    let up = put(&env, &*remote, "a.jpg", small.target, WireConflict::Fail, small.chunk, Arc::default()).await.unwrap();
    assert_eq!(up.entry.hash.as_deref(), Some((service.hash)(&data).as_str()));
    assert_eq!(std::fs::read(env.stored(service.kind, small.target)).unwrap(), data);
    for &(kind, count) in small.requests {
        assert_eq!(env.count(kind).await, count, "{kind}");
    }
    env.emu.shutdown().await;
}

pub async fn large_file_is_sent_in_chunks_and_stored_byte_identical(service: &Service) {
    let env = start().await;
    let remote = remote(&env, service);
    let large = &service.large;
    let data = env.make_file("big.mov", 25 * MIB, 2);
    let rec = Arc::new(Recorder::default());
    let up = put(&env, &*remote, "big.mov", "/Videos/big.mov", WireConflict::Fail, large.chunk, rec.clone()).await.unwrap();
    assert_eq!(up.bytes_sent, 25 * MIB);
    assert_eq!(std::fs::read(env.stored(service.kind, "/Videos/big.mov")).unwrap(), data);
    for &(kind, count) in large.requests {
        assert_eq!(env.count(kind).await, count, "{kind}");
    }
    (large.observed)(&rec.sessions.lock().unwrap(), *rec.max_offset.lock().unwrap());
    env.emu.shutdown().await;
}

pub async fn zero_byte_file_is_uploaded(service: &Service) {
    let env = start().await;
    let remote = remote(&env, service);
    env.make_file("empty.txt", 0, 1);
    let up = put(&env, &*remote, "empty.txt", "/empty.txt", WireConflict::Fail, service.chunk, Arc::default()).await.unwrap();
    assert_eq!(up.entry.size, 0);
    let stored = env.stored(service.kind, "/empty.txt");
    assert!(stored.is_file());
    assert_eq!(std::fs::read(stored).unwrap().len(), 0);
    env.emu.shutdown().await;
}

pub async fn conflict_fail_refuses_replace_overwrites_rename_keeps_both(service: &Service) {
    let env = start().await;
    let remote = remote(&env, service);
    let chunk = service.chunk;
    env.make_file("one.jpg", 1000, 1);
    let second = env.make_file("two.jpg", 2000, 2);
    put(&env, &*remote, "one.jpg", "/c.jpg", WireConflict::Fail, chunk, Arc::default()).await.unwrap();
    let refused = put(&env, &*remote, "two.jpg", "/c.jpg", WireConflict::Fail, chunk, Arc::default()).await;
    assert!(matches!(refused, Err(Error::Conflict { .. })), "{refused:?}");
    put(&env, &*remote, "two.jpg", "/c.jpg", WireConflict::Replace, chunk, Arc::default()).await.unwrap();
    assert_eq!(std::fs::read(env.stored(service.kind, "/c.jpg")).unwrap(), second);
    let renamed = put(&env, &*remote, "one.jpg", "/c.jpg", WireConflict::Rename, chunk, Arc::default()).await.unwrap();
    assert_ne!(renamed.entry.name, "c.jpg");
    assert_eq!(env.files(service.kind).await.len(), 2);
    env.emu.shutdown().await;
}
