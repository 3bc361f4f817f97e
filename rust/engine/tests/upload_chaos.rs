//! Under the emulator's chaos mode (throttling, 5xx, resets mid-body,
//! stalls), every file still arrives byte-identical, exactly once.

mod transfer_support;

use dkcloud_engine::upload::{NoEvents, UploadJob, UploadOptions};
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
