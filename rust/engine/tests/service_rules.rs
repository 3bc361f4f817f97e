//! The services' own rules, met before anything is sent or answered as they
//! document it, end to end against the emulator holding to them (issue 22):
//! OneDrive's trailing `.` and control characters, the names Dropbox never
//! stores and its backslash, `too_many_write_operations`, an upload session
//! that expects nothing more, and the local times of small OneDrive uploads.

mod transfer_support;

use dkcloud_engine::upload::{FileOutcome, FileReport, JobEvents, Summary, UploadJob, UploadOptions};
use dkcloud_engine::ServiceKind;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;
use transfer_support::*;

#[derive(Default)]
struct Files(Mutex<Vec<FileReport>>);

impl JobEvents for Files {
    fn file_done(&self, r: &FileReport) {
        self.0.lock().unwrap().push(r.clone());
    }
}

impl Files {
    fn outcome_of(&self, name: &str) -> FileOutcome {
        let files = self.0.lock().unwrap();
        let found: Vec<_> = files.iter().filter(|r| r.local.file_name().is_some_and(|n| n == name)).collect();
        assert_eq!(found.len(), 1, "one report for {name:?}: {files:?}");
        found[0].outcome.clone()
    }
}

async fn run(env: &Env, kind: ServiceKind, source: &str, dest: &str) -> (Summary, Arc<Files>) {
    let journal = tempfile::tempdir().unwrap();
    let options = UploadOptions { jobs: 4, journal_dir: Some(journal.path().to_owned()), ..Default::default() };
    let sources: Vec<PathBuf> = vec![env.local.path().join(source)];
    let events = Arc::new(Files::default());
    let job = UploadJob { remote: env.remote(kind), sources, destination: dest.into(), options };
    let summary = job.run(events.clone(), CancellationToken::new()).await.unwrap();
    (summary, events)
}

fn assert_stored(env: &Env, kind: ServiceKind, remote: &str, data: &[u8]) {
    let stored = std::fs::read(env.stored(kind, remote)).unwrap_or_else(|e| panic!("{remote} on {kind}: {e}"));
    assert!(stored == data, "{remote} on {kind} differs from the local file");
}

#[tokio::test]
async fn an_album_ending_in_a_period_uploads_every_photo_to_onedrive() {
    let env = start().await;
    let a = env.make_file("Misc./a.jpg", 120_000, 1);
    let b = env.make_file("Misc./b.jpg", 5 * MIB, 2);
    let c = env.make_file("Misc./bell\u{7}.jpg", 1_000, 3);
    let d = env.make_file("Misc./ends with a period.", 1_000, 4);
    let (summary, _) = run(&env, ServiceKind::OneDrive, "Misc.", "/Backup").await;
    assert_eq!((summary.uploaded, summary.failed), (4, 0), "{summary:?}");
    assert_stored(&env, ServiceKind::OneDrive, "/Backup/Misc\u{FF0E}/a.jpg", &a);
    assert_stored(&env, ServiceKind::OneDrive, "/Backup/Misc\u{FF0E}/b.jpg", &b);
    assert_stored(&env, ServiceKind::OneDrive, "/Backup/Misc\u{FF0E}/bell\u{2407}.jpg", &c);
    assert_stored(&env, ServiceKind::OneDrive, "/Backup/Misc\u{FF0E}/ends with a period\u{FF0E}", &d);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn names_dropbox_never_stores_are_not_stored_and_not_failures() {
    let env = start().await;
    let photo = env.make_file("Trip/photo.jpg", 50_000, 1);
    let slash = env.make_file("Trip/a\\b.jpg", 2_000, 2);
    for name in ["desktop.ini", "Thumbs.db", ".DS_Store", "Icon\r"] {
        env.make_file(&format!("Trip/{name}"), 100, 3);
    }
    let (summary, files) = run(&env, ServiceKind::Dropbox, "Trip", "/").await;
    assert_eq!((summary.uploaded, summary.not_stored, summary.failed), (2, 4, 0), "{summary:?}");
    assert_eq!(files.outcome_of("desktop.ini"), FileOutcome::NotStored("Dropbox does not store files named desktop.ini".into()));
    assert!(matches!(files.outcome_of("Icon\r"), FileOutcome::NotStored(_)));
    assert_stored(&env, ServiceKind::Dropbox, "/Trip/photo.jpg", &photo);
    // The backslash is decided before sending: its full-width look-alike.
    assert_stored(&env, ServiceKind::Dropbox, "/Trip/a\u{FF3C}b.jpg", &slash);
    // Nothing of the refused names was sent: two sessions, no failed commits.
    assert_eq!(env.count("dropbox.upload_session_start").await + env.count("dropbox.upload").await, 2, "{}", env.stats().await);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_run_of_only_names_dropbox_never_stores_is_complete() {
    let env = start().await;
    env.make_file("Only/desktop.ini", 10, 1);
    env.make_file("Only/thumbs.db", 10, 2);
    let (summary, _) = run(&env, ServiceKind::Dropbox, "Only", "/").await;
    assert_eq!((summary.uploaded, summary.not_stored, summary.failed), (0, 2, 0), "{summary:?}");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn too_many_write_operations_is_retried_and_every_file_is_stored() {
    let env = start_with(|c| {
        c.faults = vec![
            "batch-entry-contention=3".into(),
            "create-folder-contention=2".into(),
            "too-many-write-operations=1".into(),
        ]
    })
    .await;
    let mut expected = Vec::new();
    for i in 0..6u64 {
        expected.push((format!("/Album/2024/f{i}.jpg"), env.make_file(&format!("Album/2024/f{i}.jpg"), 3_000 + i, i)));
    }
    let (summary, _) = run(&env, ServiceKind::Dropbox, "Album", "/").await;
    assert_eq!((summary.uploaded, summary.failed), (6, 0), "{summary:?}");
    for (remote, data) in &expected {
        assert_stored(&env, ServiceKind::Dropbox, remote, data);
    }
    assert!(env.stored(ServiceKind::Dropbox, "/Album/2024").is_dir());
    assert_eq!(env.count("chaos.too_many_write_operations").await, 1);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn an_upload_session_that_expects_nothing_is_restarted_once() {
    let env = start_with(|c| c.faults = vec!["empty-next-expected-ranges=1".into()]).await;
    let data = env.make_file("big.bin", 5 * MIB, 7);
    let (summary, _) = run(&env, ServiceKind::OneDrive, "big.bin", "/").await;
    assert_eq!((summary.uploaded, summary.failed), (1, 0), "{summary:?}");
    assert_stored(&env, ServiceKind::OneDrive, "/big.bin", &data);
    assert_eq!(env.count("graph.create_upload_session").await, 2, "{}", env.stats().await);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_second_stuck_session_ends_the_file_with_a_clear_error_and_no_resend_loop() {
    let env = start_with(|c| c.faults = vec!["empty-next-expected-ranges=5".into()]).await;
    env.make_file("big.bin", 5 * MIB, 7);
    let (summary, files) = run(&env, ServiceKind::OneDrive, "big.bin", "/").await;
    assert_eq!((summary.uploaded, summary.failed), (0, 1), "{summary:?}");
    let FileOutcome::Failed(reason) = files.outcome_of("big.bin") else { panic!("not failed") };
    assert!(reason.contains("expects nothing more"), "{reason}");
    // Two sessions, each: its fragments, the refused last one, one retry of it (416).
    let fragments = env.count("graph.upload_fragment").await;
    assert!(fragments <= 2 * 4, "{fragments} fragment PUTs");
    assert_eq!(env.count("graph.create_upload_session").await, 2);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_small_photo_keeps_its_local_times_on_onedrive() {
    let env = start().await;
    env.make_file("small.jpg", 100_000, 9);
    let local = env.local.path().join("small.jpg");
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    std::fs::File::options().write(true).open(&local).unwrap().set_modified(mtime).unwrap();
    let (summary, _) = run(&env, ServiceKind::OneDrive, "small.jpg", "/Photos").await;
    assert_eq!(summary.uploaded, 1, "{summary:?}");
    let item: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/v1.0/me/drive/root:/Photos/small.jpg", env.emu.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let modified = item["fileSystemInfo"]["lastModifiedDateTime"].as_str().unwrap();
    assert!(modified.starts_with("2020-09-13T12:26:40"), "{item}");
    // One PUT and one PATCH: no upload session for a small file.
    assert_eq!(env.count("graph.create_upload_session").await, 0);
    env.emu.shutdown().await;
}
