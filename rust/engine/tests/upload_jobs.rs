//! Upload jobs end to end against the emulator: folders, parallel files,
//! conflicts, bad inputs, progress, cancel, resume.

mod transfer_support;

use dkcloud_engine::upload::{ConflictPolicy, FileOutcome, FileReport, JobEvents, Progress, Summary, UploadJob, UploadOptions};
use dkcloud_engine::ServiceKind;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;
use transfer_support::*;

#[derive(Default)]
struct Collect {
    progress: Mutex<Vec<Progress>>,
    files: Mutex<Vec<FileReport>>,
}

impl JobEvents for Collect {
    fn progress(&self, p: &Progress) {
        self.progress.lock().unwrap().push(p.clone());
    }
    fn file_done(&self, r: &FileReport) {
        self.files.lock().unwrap().push(r.clone());
    }
}

impl Collect {
    fn outcome_of(&self, name: &str) -> FileOutcome {
        let files = self.files.lock().unwrap();
        let found: Vec<_> = files.iter().filter(|r| r.local.file_name().is_some_and(|n| n == name)).collect();
        assert_eq!(found.len(), 1, "one report for {name}: {files:?}");
        found[0].outcome.clone()
    }

    fn kind_of(&self, name: &str) -> Option<dkcloud_engine::ErrorKind> {
        let files = self.files.lock().unwrap();
        files.iter().find(|r| r.local.file_name().is_some_and(|n| n == name)).and_then(|r| r.error_kind)
    }
}

fn options(journal: &std::path::Path) -> UploadOptions {
    UploadOptions { jobs: 4, chunk_size: Some(4 * MIB), journal_dir: Some(journal.to_owned()), ..Default::default() }
}

async fn run(env: &Env, kind: ServiceKind, sources: Vec<PathBuf>, dest: &str, opts: UploadOptions) -> (Summary, Arc<Collect>) {
    let events = Arc::new(Collect::default());
    let job = UploadJob { remote: env.remote(kind), sources, destination: dest.into(), options: opts };
    let summary = job.run(events.clone(), CancellationToken::new()).await.unwrap();
    (summary, events)
}

fn assert_stored(env: &Env, kind: ServiceKind, remote: &str, data: &[u8]) {
    let stored = std::fs::read(env.stored(kind, remote)).unwrap_or_else(|e| panic!("{remote} on {kind}: {e}"));
    assert!(stored == data, "{remote} on {kind} differs from the local file");
}

async fn nested_folder_keeps_its_structure(kind: ServiceKind) {
    let env = start().await;
    let journal = tempfile::tempdir().unwrap();
    let a = env.make_file("Album/a.jpg", 200_000, 1);
    let b = env.make_file("Album/2024/b.jpg", 1_000_000, 2);
    let c = env.make_file("Album/2024/Summer/c.mov", 9 * MIB, 3);
    let z = env.make_file("Album/2024/zero.txt", 0, 4);
    std::fs::create_dir_all(env.local.path().join("Album/empty")).unwrap();
    let (summary, events) = run(&env, kind, vec![env.local.path().join("Album")], "/Backup", options(journal.path())).await;
    assert_eq!((summary.uploaded, summary.failed), (4, 0), "{summary:?}");
    assert_eq!(summary.bytes_uploaded, 200_000 + 1_000_000 + 9 * MIB);
    assert_stored(&env, kind, "/Backup/Album/a.jpg", &a);
    assert_stored(&env, kind, "/Backup/Album/2024/b.jpg", &b);
    assert_stored(&env, kind, "/Backup/Album/2024/Summer/c.mov", &c);
    assert_stored(&env, kind, "/Backup/Album/2024/zero.txt", &z);
    assert!(env.stored(kind, "/Backup/Album/empty").is_dir());
    assert_eq!(env.files(kind).await.len(), 4);
    // Progress: bounded rate, and the last event has everything done.
    let progress = events.progress.lock().unwrap().clone();
    let last = progress.last().unwrap();
    assert_eq!((last.files_done, last.bytes_done, last.bytes_total), (4, summary.bytes_uploaded, summary.bytes_uploaded));
    assert!(last.walk_done);
    let allowed = summary.elapsed_ms / 100 + 3;
    assert!(progress.len() as u64 <= allowed, "{} progress events in {} ms", progress.len(), summary.elapsed_ms);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_nested_folder_keeps_its_structure() {
    nested_folder_keeps_its_structure(ServiceKind::OneDrive).await;
}

#[tokio::test]
async fn dropbox_nested_folder_keeps_its_structure() {
    nested_folder_keeps_its_structure(ServiceKind::Dropbox).await;
}

/// Every remote folder is created, once, before any file's bytes or commit
/// go out: a folder creation while commits run adds to Dropbox's namespace
/// lock contention. Read from the emulator's request timeline.
async fn folders_are_made_before_any_file_is_sent(kind: ServiceKind) {
    let env = start().await;
    let journal = tempfile::tempdir().unwrap();
    let mut stored = Vec::new();
    for (i, rel) in ["one/Trip/a.jpg", "one/Trip/Day1/b.jpg", "one/Trip/Day2/c.jpg", "one/Trip/Day2/Evening/d.jpg", "two/Trip/Day1/e.jpg"]
        .into_iter()
        .enumerate()
    {
        let data = env.make_file(rel, 300_000 + i as u64 * 1_000, i as u64);
        stored.push((format!("/Backup/{}", rel.split_once('/').unwrap().1), data));
    }
    let sources = vec![env.local.path().join("one/Trip"), env.local.path().join("two/Trip")];
    let (summary, _) = run(&env, kind, sources, "/Backup", options(journal.path())).await;
    assert_eq!((summary.uploaded, summary.failed), (5, 0), "{summary:?}");
    for (remote, data) in &stored {
        assert_stored(&env, kind, remote, data);
    }
    let (folder_kind, file_kinds): (&str, &[&str]) = match kind {
        ServiceKind::OneDrive => {
            ("graph.create_folder", &["graph.simple_upload", "graph.create_upload_session", "graph.upload_fragment"])
        }
        ServiceKind::Dropbox => (
            "dropbox.create_folder_v2",
            &["dropbox.upload", "dropbox.upload_session_start", "dropbox.append_v2", "dropbox.finish", "dropbox.finish_batch_v2"],
        ),
    };
    let timeline = env.stats().await["timeline"].as_array().unwrap().clone();
    let at = |span: &serde_json::Value, key: &str| span[key].as_u64().unwrap();
    let folders: Vec<_> = timeline.iter().filter(|s| s["kind"] == folder_kind).collect();
    let sends: Vec<_> = timeline.iter().filter(|s| file_kinds.iter().any(|k| s["kind"] == *k)).collect();
    // /Backup, Trip, Day1, Day2, Evening: Trip and Day1 of the second source are the first's.
    assert_eq!(folders.len(), 5, "{timeline:?}");
    let last_folder = folders.iter().map(|s| at(s, "answered")).max().unwrap();
    let first_send = sends.iter().map(|s| at(s, "arrived")).min().expect("files were sent");
    assert!(last_folder < first_send, "a file went out before the last folder was made: {timeline:?}");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_folders_are_made_before_any_file_is_sent() {
    folders_are_made_before_any_file_is_sent(ServiceKind::OneDrive).await;
}

#[tokio::test]
async fn dropbox_folders_are_made_before_any_file_is_sent() {
    folders_are_made_before_any_file_is_sent(ServiceKind::Dropbox).await;
}

/// The Dropbox folder's address a job reports opens the folder's page: `/home`
/// and the path from the root the web site shows, which in a team space is
/// the team's root, with the member's files below `root_info.home_path`.
async fn dropbox_folder_address_opens_its_page(team_space: bool, expected_path: &str) {
    let env = start_with(|c| c.dropbox_team_space = team_space).await;
    let journal = tempfile::tempdir().unwrap();
    env.make_file("My Trip/a.jpg", 1_000, 1);
    let remote = Arc::new(env.dropbox().with_web(&env.endpoints().dropbox_www));
    let job = UploadJob {
        remote,
        sources: vec![env.local.path().join("My Trip")],
        destination: "/Backup".into(),
        options: options(journal.path()),
    };
    let summary = job.run(Arc::new(Collect::default()), CancellationToken::new()).await.unwrap();
    assert_eq!(summary.uploaded, 1, "{summary:?}");
    let url = summary.folder_web_url.expect("an address");
    assert_eq!(url, format!("{}{expected_path}", env.emu.base_url()));
    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status(), 200, "{url}");
    assert!(page.text().await.unwrap().contains("My Trip"), "{url}");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn dropbox_folder_address_of_a_personal_account_opens_its_page() {
    dropbox_folder_address_opens_its_page(false, "/home/Backup").await;
}

#[tokio::test]
async fn dropbox_folder_address_in_a_team_space_goes_through_the_members_home() {
    dropbox_folder_address_opens_its_page(true, "/home/Emulator%20User/Backup").await;
}

/// Each Dropbox session call carries its bytes' `content_hash`, so bytes
/// damaged on the way are refused (`content_hash_mismatch`) and sent again,
/// rather than stored and found wrong only after the commit.
#[tokio::test]
async fn dropbox_chunks_damaged_on_the_way_are_sent_again() {
    let env = start_with(|c| c.faults = vec!["damaged-chunk=2".into()]).await;
    let journal = tempfile::tempdir().unwrap();
    let small = env.make_file("Trip/small.jpg", 300_000, 1);
    let large = env.make_file("Trip/large.mov", 9 * MIB, 2);
    let (summary, _) = run(&env, ServiceKind::Dropbox, vec![env.local.path().join("Trip")], "/", options(journal.path())).await;
    assert_eq!((summary.uploaded, summary.failed), (2, 0), "{summary:?}");
    assert_stored(&env, ServiceKind::Dropbox, "/Trip/small.jpg", &small);
    assert_stored(&env, ServiceKind::Dropbox, "/Trip/large.mov", &large);
    assert_eq!(env.count("damaged-chunk").await, 2, "both faults were met");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn many_dropbox_files_share_few_batch_commits() {
    let env = start().await;
    let journal = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for i in 0..40u64 {
        expected.push(env.make_file(&format!("Many/f{i:02}.jpg"), 5_000 + i * 700, i));
    }
    let (summary, _) = run(&env, ServiceKind::Dropbox, vec![env.local.path().join("Many")], "/", options(journal.path())).await;
    assert_eq!(summary.uploaded, 40);
    for (i, data) in expected.iter().enumerate() {
        assert_stored(&env, ServiceKind::Dropbox, &format!("/Many/f{i:02}.jpg"), data);
    }
    let batches = env.count("dropbox.finish_batch_v2").await;
    assert!(batches < 10, "{batches} finish_batch_v2 calls for 40 files");
    env.emu.shutdown().await;
}

async fn conflict_policies_do_what_they_say(kind: ServiceKind) {
    let env = start().await;
    let journal = tempfile::tempdir().unwrap();
    let same = env.make_file("In/same.jpg", 3000, 1);
    let changed = env.make_file("In/changed.jpg", 3000, 2);
    let fresh = env.make_file("In/fresh.jpg", 3000, 3);
    // The remote already has same.jpg (identical) and changed.jpg (different content).
    let old = transfer_support::make_file(&env.stored(kind, "/Out/In/changed.jpg"), 2500, 9);
    transfer_support::make_file(&env.stored(kind, "/Out/In/same.jpg"), 0, 0);
    std::fs::write(env.stored(kind, "/Out/In/same.jpg"), &same).unwrap();
    let src = vec![env.local.path().join("In")];

    let mut opts = options(journal.path());
    opts.conflict = ConflictPolicy::Skip;
    let (s, ev) = run(&env, kind, src.clone(), "/Out", opts.clone()).await;
    assert_eq!((s.uploaded, s.skipped_identical, s.skipped_existing), (1, 1, 1), "{s:?}");
    assert_eq!(ev.outcome_of("changed.jpg"), FileOutcome::SkippedExisting);
    assert_stored(&env, kind, "/Out/In/changed.jpg", &old);
    assert_stored(&env, kind, "/Out/In/fresh.jpg", &fresh);

    let other_journal = tempfile::tempdir().unwrap();
    opts.journal_dir = Some(other_journal.path().to_owned());
    opts.conflict = ConflictPolicy::Fail;
    let (s, ev) = run(&env, kind, src.clone(), "/Out", opts.clone()).await;
    // Identical files are already there under every policy; only the different one fails.
    assert_eq!((s.failed, s.skipped_identical, s.uploaded), (1, 2, 0), "{s:?}");
    assert!(matches!(ev.outcome_of("changed.jpg"), FileOutcome::Failed(m) if m.contains("already exists")));
    assert_eq!(ev.kind_of("changed.jpg"), Some(dkcloud_engine::ErrorKind::Conflict));

    let third = tempfile::tempdir().unwrap();
    opts.journal_dir = Some(third.path().to_owned());
    opts.conflict = ConflictPolicy::Replace;
    let (s, ev) = run(&env, kind, src.clone(), "/Out", opts.clone()).await;
    assert_eq!((s.replaced, s.skipped_identical, s.uploaded), (1, 2, 0), "{s:?}");
    assert_eq!(ev.outcome_of("changed.jpg"), FileOutcome::Replaced);
    assert_eq!(ev.outcome_of("same.jpg"), FileOutcome::SkippedIdentical);
    assert_stored(&env, kind, "/Out/In/changed.jpg", &changed);

    let fourth = tempfile::tempdir().unwrap();
    opts.journal_dir = Some(fourth.path().to_owned());
    opts.conflict = ConflictPolicy::Rename;
    let edited = env.make_file("In/fresh.jpg", 3100, 33);
    let (s, ev) = run(&env, kind, src, "/Out", opts).await;
    assert_eq!((s.kept_both, s.skipped_identical, s.uploaded), (1, 2, 0), "{s:?}");
    assert_eq!(ev.outcome_of("fresh.jpg"), FileOutcome::KeptBoth);
    let renamed = ev.files.lock().unwrap().iter().find(|r| r.local.ends_with("fresh.jpg")).unwrap().remote.clone().unwrap();
    assert_ne!(renamed, "/Out/In/fresh.jpg");
    assert_stored(&env, kind, &renamed, &edited);
    // Identical files are never sent again, so only the edited one gets a second copy.
    assert_eq!(env.files(kind).await.len(), 4, "rename keeps both copies of the edited file, no copies of identical ones");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_conflict_policies_do_what_they_say() {
    conflict_policies_do_what_they_say(ServiceKind::OneDrive).await;
}

#[tokio::test]
async fn dropbox_conflict_policies_do_what_they_say() {
    conflict_policies_do_what_they_say(ServiceKind::Dropbox).await;
}

#[tokio::test]
async fn a_finished_job_run_again_sends_nothing() {
    let env = start().await;
    let journal = tempfile::tempdir().unwrap();
    env.make_file("Set/a.jpg", 5000, 1);
    env.make_file("Set/b.jpg", 6 * MIB, 2);
    let src = vec![env.local.path().join("Set")];
    let (first, _) = run(&env, ServiceKind::OneDrive, src.clone(), "/J", options(journal.path())).await;
    assert_eq!(first.uploaded, 2);
    let before = env.stats().await["request_body_bytes"].as_u64().unwrap();
    let (again, _) = run(&env, ServiceKind::OneDrive, src, "/J", options(journal.path())).await;
    assert_eq!((again.already_uploaded, again.uploaded), (2, 0), "{again:?}");
    assert_eq!(env.stats().await["request_body_bytes"].as_u64().unwrap(), before);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn bad_inputs_fail_alone_and_the_rest_uploads() {
    let env = start().await;
    let journal = tempfile::tempdir().unwrap();
    let good = env.make_file("Mixed/good.jpg", 4000, 1);
    let zero = env.make_file("Mixed/zero.jpg", 0, 2);
    env.make_file("Mixed/CON.txt", 10, 3);
    std::fs::create_dir_all(env.local.path().join("Mixed/sub")).unwrap();
    std::os::unix::fs::symlink(env.local.path().join("Mixed"), env.local.path().join("Mixed/sub/loop")).unwrap();
    let locked = env.local.path().join("Mixed/locked.jpg");
    make_file(&locked, 100, 4);
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let missing = env.local.path().join("nowhere.jpg");
    let (s, ev) = run(&env, ServiceKind::OneDrive, vec![env.local.path().join("Mixed"), missing], "/In", options(journal.path())).await;
    assert_stored(&env, ServiceKind::OneDrive, "/In/Mixed/good.jpg", &good);
    assert_stored(&env, ServiceKind::OneDrive, "/In/Mixed/zero.jpg", &zero);
    assert!(matches!(ev.outcome_of("nowhere.jpg"), FileOutcome::Failed(m) if m.contains("cannot be read")));
    assert!(matches!(ev.outcome_of("loop"), FileOutcome::Failed(m) if m.contains("loop")));
    assert!(matches!(ev.outcome_of("CON.txt"), FileOutcome::Failed(m) if m.contains("reserves")));
    // Root reads any file whatever its mode, so "unreadable" can only be checked as another user.
    let root = std::fs::File::open(&locked).is_ok();
    if root {
        assert_eq!(ev.outcome_of("locked.jpg"), FileOutcome::Uploaded);
    } else {
        assert!(matches!(ev.outcome_of("locked.jpg"), FileOutcome::Failed(m) if m.contains("cannot be read")));
    }
    let expected_failures = if root { 3 } else { 4 };
    assert_eq!((s.failed, s.uploaded), (expected_failures, if root { 3 } else { 2 }), "{s:?}");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn dry_run_reports_without_uploading() {
    let env = start().await;
    let journal = tempfile::tempdir().unwrap();
    env.make_file("D/a.jpg", 100, 1);
    env.make_file("D/b.jpg", 100, 2);
    let mut opts = options(journal.path());
    opts.dry_run = true;
    let (s, _) = run(&env, ServiceKind::Dropbox, vec![env.local.path().join("D")], "/X", opts).await;
    assert_eq!((s.would_upload, s.uploaded), (2, 0));
    assert!(env.files(ServiceKind::Dropbox).await.is_empty());
    assert!(!env.stored(ServiceKind::Dropbox, "/X").exists());
    env.emu.shutdown().await;
}
