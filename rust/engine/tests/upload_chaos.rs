//! Under the emulator's chaos mode (throttling, 5xx, resets mid-body,
//! stalls), every file still arrives byte-identical, exactly once.

mod transfer_support;

use dkcloud_engine::testing::upload::NoEvents;
use dkcloud_engine::upload::{UploadJob, UploadOptions};
use dkcloud_engine::ServiceKind;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use transfer_support::*;

async fn every_file_arrives_once_despite_chaos(kind: ServiceKind, seed: u64) {
    let env = start_with(|c| {
        c.chaos_rate = 0.3;
        c.chaos_seed = seed;
        c.stall_ms = 1500;
    })
    .await;
    let journal = tempfile::tempdir().unwrap();
    let sizes = [0, 1, 1000, 300_000, 3 * MIB, 4 * MIB + 1, 5 * MIB, 9 * MIB + 12_345, 700, 64_000, 2 * MIB, 11 * MIB];
    let mut expected = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        let rel = format!("Chaos/{}/f{i:02}.bin", i % 3);
        expected.push((format!("/Dest/{rel}"), env.make_file(&rel, *size, i as u64 + 100)));
    }
    let job = UploadJob {
        remote: env.remote(kind),
        sources: vec![env.local.path().join("Chaos")],
        destination: "/Dest".into(),
        options: UploadOptions { jobs: 4, chunk_size: Some(4 * MIB), journal_dir: Some(journal.path().into()), ..Default::default() },
    };
    let summary = job.run(Arc::new(NoEvents), CancellationToken::new()).await.unwrap();
    assert_eq!((summary.uploaded, summary.failed), (sizes.len() as u64, 0), "{summary:?}");
    for (remote, data) in &expected {
        let stored = std::fs::read(env.stored(kind, remote)).unwrap();
        assert!(stored == *data, "{remote} differs");
    }
    let stored = env.files(kind).await;
    assert_eq!(stored.len(), sizes.len(), "exactly one copy of each: {stored:?}");
    let stats = env.stats().await;
    let faults: u64 = stats["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("chaos."))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum();
    assert!(faults >= 5, "the chaos mode injected faults: {stats}");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_files_arrive_once_despite_chaos() {
    every_file_arrives_once_despite_chaos(ServiceKind::OneDrive, 11).await;
}

#[tokio::test]
async fn dropbox_files_arrive_once_despite_chaos() {
    every_file_arrives_once_despite_chaos(ServiceKind::Dropbox, 12).await;
}

/// Hands out refused tokens first (a fresh token the service does not know
/// yet), then the good one; counts the refreshes asked of it.
struct RefusedFirst {
    refused: usize,
    refreshes: std::sync::atomic::AtomicUsize,
}

impl RefusedFirst {
    fn token(&self, n: usize) -> String {
        if n < self.refused { format!("refused-{n}") } else { TOKEN.into() }
    }
}

impl dkcloud_engine::testing::token::TokenProvider for RefusedFirst {
    fn access_token(&self) -> futures_util::future::BoxFuture<'_, dkcloud_engine::Result<String>> {
        Box::pin(async move { Ok(self.token(0)) })
    }

    fn refresh_after_unauthorized<'a>(
        &'a self,
        _rejected: &'a str,
    ) -> futures_util::future::BoxFuture<'a, dkcloud_engine::Result<String>> {
        let n = self.refreshes.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(self.token(n)) })
    }
}

async fn a_refused_fresh_token_is_refreshed_once_more(kind: ServiceKind) {
    let env = start().await;
    let remote = |refused: usize| {
        let tokens = Arc::new(RefusedFirst { refused, refreshes: Default::default() });
        let e = env.endpoints();
        let remote: Arc<dyn dkcloud_engine::testing::remote::Remote> = match kind {
            ServiceKind::OneDrive => {
                Arc::new(dkcloud_engine::testing::onedrive::OneDrive::new(env.http.clone(), &e.graph, tokens.clone()))
            }
            ServiceKind::Dropbox => Arc::new(dkcloud_engine::testing::dropbox::Dropbox::new(
                env.http.clone(),
                &e.dropbox_api,
                &e.dropbox_content,
                tokens.clone(),
            )),
        };
        (remote, tokens)
    };
    let cancel = CancellationToken::new();
    // The token is refused, and so is the first one a refresh gives: one more refresh.
    let (twice, tokens) = remote(2);
    twice.account(&cancel).await.unwrap();
    assert_eq!(tokens.refreshes.load(std::sync::atomic::Ordering::SeqCst), 2);
    // Bounded: a third refused token is the answer, not a loop.
    let (always, tokens) = remote(usize::MAX);
    let refused = always.account(&cancel).await.unwrap_err();
    assert!(matches!(refused, dkcloud_engine::Error::Auth { .. } | dkcloud_engine::Error::Service { .. }), "{refused:?}");
    assert_eq!(tokens.refreshes.load(std::sync::atomic::Ordering::SeqCst), 2);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_a_refused_fresh_token_is_refreshed_once_more() {
    a_refused_fresh_token_is_refreshed_once_more(ServiceKind::OneDrive).await;
}

#[tokio::test]
async fn dropbox_a_refused_fresh_token_is_refreshed_once_more() {
    a_refused_fresh_token_is_refreshed_once_more(ServiceKind::Dropbox).await;
}
