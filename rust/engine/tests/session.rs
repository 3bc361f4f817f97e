//! The engine's `Session`, the API every front end uses, against the emulator
//! over real HTTP: browser login (and the paste-the-code fallback when the
//! registered port is taken), the folder tree, folder creation, an upload
//! whose bytes land, and logout; an unfinished job listed and resumed.

use dkcloud_emulator::stand_in_browser::StandInBrowser;
use dkcloud_emulator::Config as EmuConfig;
use dkcloud_engine::config::{AppOverrides, Config, EnvOverrides, Paths, StoreKind};
use dkcloud_engine::testing::upload::record_path;
use dkcloud_engine::testing::upload::NoEvents;
use dkcloud_engine::upload::{unfinished_jobs, EndState, JobEnd, JobOrigin, JobRecord, UploadOptions};
use dkcloud_engine::{Endpoints, ErrorKind, LoginStep, ServiceKind, Session, TreeLimits};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

struct Setup {
    emu: dkcloud_emulator::RunningEmulator,
    config: Config,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

async fn setup() -> Setup {
    let data = tempfile::tempdir().expect("emulator data");
    let conf = tempfile::tempdir().expect("config dir");
    let emu = dkcloud_emulator::start(EmuConfig { data: Some(data.path().to_owned()), ..Default::default() })
        .await
        .expect("emulator starts");
    let mut config = Config::load(&Paths::new(conf.path()), &EnvOverrides::default()).expect("config");
    config.login.token_store = StoreKind::File;
    config.dropbox.redirect_port = 0;
    Setup { emu, config, _dirs: (data, conf) }
}

impl Setup {
    fn session(&self, service: ServiceKind) -> Session {
        Session::new(service, self.config.clone(), Endpoints::emulator(&self.emu.base_url())).expect("session")
    }
}

async fn log_in(session: &Session) -> dkcloud_engine::auth::Account {
    let browser = StandInBrowser::new();
    let opener = |url: &str| -> dkcloud_engine::Result<()> {
        browser.open(url);
        Ok(())
    };
    match session.login_in_browser(&opener, CancellationToken::new()).await.expect("login") {
        LoginStep::SignedIn(account) => account,
        other => panic!("expected a signed-in login, got {other:?}"),
    }
}

#[tokio::test]
async fn a_session_logs_in_makes_folders_uploads_and_logs_out() {
    let s = setup().await;
    for service in ServiceKind::ALL {
        let session = s.session(service);
        let err = session.remote().await.err().expect("no login yet");
        assert_eq!(err.kind(), ErrorKind::NotLoggedIn, "{err}");

        let account = log_in(&session).await;
        assert_eq!(account.service, service);
        assert_eq!(session.usable_accounts().await.expect("accounts"), vec![account.clone()]);
        let cancel = CancellationToken::new();
        assert!(!session.whoami(&cancel).await.expect("whoami").name.is_empty());

        let (path, folder) = session.create_folder("Photos//2026/Trip/", &cancel).await.expect("folder");
        assert_eq!(path, "/Photos/2026/Trip");
        assert!(folder.created);
        let (_, again) = session.create_folder("/Photos/2026/Trip", &cancel).await.expect("folder again");
        assert!(!again.created, "an existing folder is not reported as made");
        assert!(session.folder_exists("/Photos/2026/Trip", &cancel).await.expect("exists"));
        assert!(session.folder_exists("/", &cancel).await.expect("root exists"));
        assert!(!session.folder_exists("/Photos/Removed", &cancel).await.expect("missing"));
        let root = session.create_folder("/", &cancel).await.unwrap_err();
        assert_eq!(root.kind(), ErrorKind::Invalid);

        let tree = session.folder_tree(TreeLimits::default(), &cancel).await.expect("tree");
        assert_eq!(tree, ["/", "/Photos", "/Photos/2026", "/Photos/2026/Trip"]);
        let shallow = session.folder_tree(TreeLimits { depth: 1, folders: 500 }, &cancel).await.expect("tree");
        assert_eq!(shallow, ["/", "/Photos"]);

        let local = tempfile::tempdir().expect("photos");
        let photo = local.path().join("a.jpg");
        std::fs::write(&photo, b"not really a jpeg, but bytes to store").expect("write");
        let journal = local.path().join("journal");
        let options = UploadOptions { journal_dir: Some(journal), ..Default::default() };
        let job = session.upload_job(vec![photo.clone()], "Photos/2026/Trip", options).await.expect("job");
        assert_eq!(job.destination, "/Photos/2026/Trip");
        let summary = job.run(Arc::new(NoEvents), cancel.clone()).await.expect("upload");
        assert_eq!(summary.uploaded, 1, "{summary:?}");
        let listed = session.list("/Photos/2026/Trip", &cancel).await.expect("list");
        assert_eq!(listed.iter().map(|e| (e.name.as_str(), e.size)).collect::<Vec<_>>(), [("a.jpg", 37)]);
        let stored = s.emu.data_dir().join(service.id()).join("Photos/2026/Trip/a.jpg");
        assert_eq!(std::fs::read(stored).expect("stored"), std::fs::read(&photo).expect("local"));

        let nothing = session.upload_job(Vec::new(), "/x", UploadOptions::default()).await.err().expect("refused");
        assert_eq!(nothing.kind(), ErrorKind::Invalid);

        let report = session.logout().await.expect("logout");
        assert_eq!(report.account.id, account.id);
        assert!(session.usable_accounts().await.expect("accounts").is_empty());
        assert_eq!(session.remote().await.err().expect("logged out").kind(), ErrorKind::NotLoggedIn);
    }
}

/// The `force_reapprove` parameters Dropbox's authorize requests carried, in order.
async fn dropbox_reapprovals(s: &Setup) -> Vec<Option<String>> {
    let url = format!("{}/_emulator/authorize_requests?service=dropbox", s.emu.base_url());
    let seen: serde_json::Value = reqwest::get(url).await.expect("inspect").json().await.expect("json");
    seen["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| r["params"]["force_reapprove"].as_str().map(str::to_owned))
        .collect()
}

/// Dropbox OAuth guide: `force_reapprove` makes Dropbox ask again; without it a
/// second login may silently add the account the browser is signed in to again.
#[tokio::test]
async fn a_second_dropbox_login_asks_dropbox_to_approve_again() {
    let s = setup().await;
    let session = s.session(ServiceKind::Dropbox);
    log_in(&session).await;
    let first = dropbox_reapprovals(&s).await;
    assert!(!first.is_empty() && first.iter().all(Option::is_none), "the first account needs none: {first:?}");
    log_in(&session).await;
    let second = dropbox_reapprovals(&s).await.split_off(first.len());
    assert!(!second.is_empty() && second.iter().all(|r| r.as_deref() == Some("true")), "{second:?}");
}

#[tokio::test]
async fn a_taken_registered_port_falls_back_to_pasting_the_code() {
    let mut s = setup().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port to block");
    s.config.dropbox.redirect_port = taken.local_addr().expect("addr").port();
    let session = s.session(ServiceKind::Dropbox);
    let browser = StandInBrowser::new();
    let opener = |url: &str| -> dkcloud_engine::Result<()> {
        browser.open(url);
        Ok(())
    };
    let step = session.login_in_browser(&opener, CancellationToken::new()).await.expect("login starts");
    let LoginStep::PasteCode { url, instructions } = step else { panic!("expected the paste fallback: {step:?}") };
    assert!(url.starts_with(&s.emu.base_url()), "{url}");
    assert!(instructions.contains("paste"), "{instructions}");
    let wrong = session.finish_paste("not a code").await.unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::Invalid, "{wrong}");
    // The first login's page showed its own code; it belongs to that login only.
    browser.shown_code(Duration::from_secs(10)).await.expect("the first page showed a code");
    // A failed paste ends that login: a new one is needed.
    let step = session.login_in_browser(&opener, CancellationToken::new()).await.expect("login again");
    assert!(matches!(step, LoginStep::PasteCode { .. }));
    let code = browser.shown_code(Duration::from_secs(10)).await.expect("the page showed a code");
    let account = session.finish_paste(&code).await.expect("pasted code accepted");
    assert_eq!(session.account().expect("chosen").id, account.id);
    let none = session.finish_paste(&code).await.unwrap_err();
    assert_eq!(none.kind(), ErrorKind::LoginFailed, "{none}");
}

#[tokio::test]
async fn the_front_ends_registration_wins_over_the_file_but_not_over_the_environment() {
    let mut config = Config::default();
    config.onedrive.client_id = Some("from-file".into());
    let plugin = AppOverrides { client_id: Some(" from-plugin ".into()), tenant: Some("consumers".into()), ..Default::default() };
    let mut c = config.clone();
    c.override_app(ServiceKind::OneDrive, &plugin, &EnvOverrides::default());
    assert_eq!(c.onedrive.client_id.as_deref(), Some("from-plugin"));
    assert_eq!(c.onedrive.tenant.as_deref(), Some("consumers"));
    let env = EnvOverrides { onedrive_client_id: Some("from-env".into()), ..Default::default() };
    let mut c = config.clone();
    c.onedrive.client_id = Some("from-env".into());
    c.override_app(ServiceKind::OneDrive, &plugin, &env);
    assert_eq!(c.onedrive.client_id.as_deref(), Some("from-env"));
    let empty = AppOverrides { client_id: Some("  ".into()), ..Default::default() };
    let mut c = config.clone();
    c.override_app(ServiceKind::OneDrive, &empty, &EnvOverrides::default());
    assert_eq!(c.onedrive.client_id.as_deref(), Some("from-file"), "an empty setting keeps the file's");
    let mut c = config.clone();
    c.fill_app(ServiceKind::OneDrive, &plugin);
    assert_eq!(c.onedrive.client_id.as_deref(), Some("from-file"), "an import only fills what is missing");
    c.fill_app(ServiceKind::Dropbox, &plugin);
    assert_eq!(c.dropbox.client_id.as_deref(), Some("from-plugin"));
}

#[tokio::test]
async fn a_job_with_a_failed_file_stays_on_offer_until_a_resumed_run_finishes_it() {
    let s = setup().await;
    let session = s.session(ServiceKind::OneDrive);
    let account = log_in(&session).await;
    let local = tempfile::tempdir().expect("photos");
    let src = local.path().join("Trip");
    std::fs::create_dir_all(&src).expect("folder");
    std::fs::write(src.join("a.jpg"), vec![7u8; 5000]).expect("write");
    // A link back to its own folder: reported as a failed file.
    std::os::unix::fs::symlink(&src, src.join("loop")).expect("link");
    let journal = local.path().join("jobs");
    let origin = JobOrigin { started_by: "digikam".into(), account: None };
    let options = UploadOptions { journal_dir: Some(journal.clone()), origin, ..Default::default() };
    let job = session.upload_job(vec![src.clone()], "/Trip", options).await.expect("job");
    let summary = job.run(Arc::new(NoEvents), CancellationToken::new()).await.expect("run");
    assert_eq!((summary.uploaded, summary.failed), (1, 1), "{summary:?}");

    let jobs = unfinished_jobs(Some(&journal), Some(ServiceKind::OneDrive)).await.expect("list");
    assert_eq!(jobs.len(), 1);
    let listed = &jobs[0];
    assert_eq!(listed.record.state, EndState::Incomplete);
    assert_eq!((listed.files_done, listed.files_total, listed.bytes_left), (1, 2, 0));
    assert_eq!(listed.record.account.as_ref().map(|a| a.id.as_str()), Some(account.id.as_str()));
    assert_eq!(listed.record.started_by, "digikam");
    assert_eq!(listed.what(), format!("2 files from {}", src.display()));
    assert!(unfinished_jobs(Some(&journal), Some(ServiceKind::Dropbox)).await.expect("list").is_empty());
    let id = listed.record.short_id().to_owned();
    let other_service = s.session(ServiceKind::Dropbox).resume_job(&id, Some(&journal)).await.err().expect("refused");
    assert_eq!(other_service.kind(), ErrorKind::Invalid, "{other_service}");

    std::fs::remove_file(src.join("loop")).expect("unlink");
    std::fs::write(src.join("b.jpg"), vec![8u8; 3000]).expect("write");
    let resumed = session.resume_job(&id, Some(&journal)).await.expect("resume");
    // Run the way the plugin's bridge runs it.
    let (tx, rx) = std::sync::mpsc::channel();
    let _running = resumed.spawn(&tokio::runtime::Handle::current(), Arc::new(NoEvents), move |end| {
        let _ = tx.send(end);
    });
    let waited = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30))).await;
    let end = waited.expect("join").expect("ended");
    let JobEnd::Finished(summary) = end else { panic!("the resumed job did not finish: {end:?}") };
    assert_eq!((summary.uploaded, summary.already_uploaded, summary.failed), (1, 1, 0), "{summary:?}");
    assert!(unfinished_jobs(Some(&journal), None).await.expect("list").is_empty());
    let record = JobRecord::load(&record_path(&journal, &listed.record.id)).expect("record");
    assert_eq!((record.state, record.started_at), (EndState::Finished, listed.record.started_at));
    let gone = session.resume_job(&id, Some(&journal)).await.err().expect("nothing to resume");
    assert_eq!(gone.kind(), ErrorKind::Invalid, "{gone}");
}

/// A file found already on the service (same bytes) is stored as far as a
/// resume offer goes: "1 of 2 stored", not "0 of 2".
#[tokio::test]
async fn a_file_found_already_there_counts_as_stored_in_an_unfinished_job() {
    let s = setup().await;
    let session = s.session(ServiceKind::OneDrive);
    log_in(&session).await;
    let local = tempfile::tempdir().expect("photos");
    let src = local.path().join("Trip");
    std::fs::create_dir_all(&src).expect("folder");
    std::fs::write(src.join("a.jpg"), vec![7u8; 5000]).expect("write");
    let cancel = CancellationToken::new();
    // Where the folder's upload below puts it: /Trip/Trip/a.jpg.
    let first = session.upload_job(vec![src.join("a.jpg")], "/Trip/Trip", UploadOptions::default()).await.expect("job");
    assert_eq!(first.run(Arc::new(NoEvents), cancel.clone()).await.expect("run").uploaded, 1);

    // The folder again, with a file that fails (a link back to its folder).
    std::os::unix::fs::symlink(&src, src.join("loop")).expect("link");
    let journal = local.path().join("jobs");
    let options = UploadOptions { journal_dir: Some(journal.clone()), ..Default::default() };
    let job = session.upload_job(vec![src.clone()], "/Trip", options).await.expect("job");
    let summary = job.run(Arc::new(NoEvents), cancel).await.expect("run");
    assert_eq!((summary.uploaded, summary.skipped_identical, summary.failed), (0, 1, 1), "{summary:?}");
    let jobs = unfinished_jobs(Some(&journal), Some(ServiceKind::OneDrive)).await.expect("list");
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].files_done, jobs[0].files_total), (1, 2));
}
