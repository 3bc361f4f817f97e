//! `dkcloud schedule` end to end: the units it writes pass `systemd-analyze
//! verify`, the run its timer calls uploads against the emulator, two runs of
//! one job never overlap, jobs list and remove. No systemd user manager is
//! needed: a stand-in `systemctl` on PATH answers as the test says.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};
use support::{pattern, text, Env};

/// What a scheduled job's runs see: the test's own units folder, runtime
/// folder and `systemctl` (which logs its arguments and answers as told).
struct Schedules<'a> {
    env: &'a Env,
    path: String,
}

impl<'a> Schedules<'a> {
    fn new(env: &'a Env, manager_answers: bool) -> Self {
        let bin = env.path("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let log = env.path("systemctl.log");
        let body = if manager_answers {
            format!("#!/bin/sh\necho \"$*\" >> '{}'\n", log.display())
        } else {
            format!("#!/bin/sh\necho \"$*\" >> '{}'\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n", log.display())
        };
        let systemctl = bin.join("systemctl");
        std::fs::write(&systemctl, body).unwrap();
        std::fs::set_permissions(&systemctl, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        Self { env, path }
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[]).await
    }

    async fn run_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        self.command(args, extra).output().await.unwrap()
    }

    fn command(&self, args: &[&str], extra: &[(&str, &str)]) -> tokio::process::Command {
        let config_home = self.env.path("xdg-config");
        let mut vars = vec![("PATH", self.path.as_str()), ("XDG_CONFIG_HOME", config_home.to_str().unwrap())];
        vars.extend_from_slice(extra);
        let mut cmd = self.env.command(args, &vars);
        cmd.current_dir(self.env.dir.path());
        cmd
    }

    fn unit(&self, file: &str) -> PathBuf {
        self.env.path("xdg-config/systemd/user").join(file)
    }

    fn job_file(&self, name: &str) -> PathBuf {
        self.env.path("config/schedules").join(format!("{name}.toml"))
    }

    fn systemctl_calls(&self) -> String {
        std::fs::read_to_string(self.env.path("systemctl.log")).unwrap_or_default()
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn photos(env: &Env, folder: &str, sizes: &[usize]) -> PathBuf {
    let dir = env.path(folder);
    std::fs::create_dir_all(&dir).unwrap();
    for (i, size) in sizes.iter().enumerate() {
        std::fs::write(dir.join(format!("{i}.jpg")), pattern(*size, i as u64 + 40)).unwrap();
    }
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_units_pass_systemd_analyze_verify_and_hold_no_secret() {
    let env = Env::start(|_| {}).await;
    let schedules = Schedules::new(&env, false);
    photos(&env, "Album", &[1000]);
    let secret = "a-client-secret-that-must-stay-out";
    let out = schedules
        .run_with(
            &["schedule", "add", "Album", "onedrive:/Backup", "--every", "Mon..Fri 02:30", "--name", "album", "--jobs", "3"],
            &[("DKCLOUD_ONEDRIVE_CLIENT_SECRET", secret)],
        )
        .await;
    assert!(out.status.success(), "added without a user manager: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("No systemd user manager took the timer"), "{}", text(&out));
    assert!(stdout.contains("systemctl --user enable --now dkcloud-upload-album.timer"), "{}", text(&out));
    assert!(stdout.contains("crontab -e"), "{}", text(&out));
    assert!(stdout.contains("DKCLOUD_ONEDRIVE_CLIENT_SECRET is not stored"), "{}", text(&out));

    let service = read(&schedules.unit("dkcloud-upload-album.service"));
    let timer = read(&schedules.unit("dkcloud-upload-album.timer"));
    let job = read(&schedules.job_file("album"));
    assert!(
        service.contains(&format!("ExecStart=\"{}\" schedule run album\n", env!("CARGO_BIN_EXE_dkcloud"))),
        "{service}"
    );
    assert!(service.contains(&format!("Environment=\"DKCLOUD_CONFIG_DIR={}\"\n", env.path("config").display())), "{service}");
    assert!(service.contains(&format!("Environment=\"DKCLOUD_EMULATOR={}\"\n", env.emu.base_url())), "{service}");
    assert!(timer.contains("OnCalendar=Mon..Fri 02:30\nPersistent=true\n"), "{timer}");
    assert!(job.contains(&format!("\"{}\"", env.path("Album").display())), "the path is stored absolute: {job}");
    assert!(job.contains("\"--jobs\", \"3\""), "{job}");
    for (what, content) in [("service", &service), ("timer", &timer), ("job file", &job)] {
        assert!(!content.contains(secret), "the client secret leaked into the {what}");
    }

    let analyze = Path::new("/usr/bin/systemd-analyze");
    if !analyze.exists() {
        eprintln!("SKIPPED the systemd-analyze verify part: /usr/bin/systemd-analyze is not installed");
        return;
    }
    let runtime = env.path("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    // --man=no: the units name the man page (dkcloud-schedule(1)), which the
    // Debian package installs and a test build does not have.
    let verify = tokio::process::Command::new(analyze)
        .args(["--user", "verify", "--man=no"])
        .arg(schedules.unit("dkcloud-upload-album.service"))
        .arg(schedules.unit("dkcloud-upload-album.timer"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_CONFIG_HOME", env.path("xdg-config"))
        .output()
        .await
        .unwrap();
    // verify warns about a bad line on stderr and still exits 0: both count.
    assert!(verify.status.success() && verify.stdout.is_empty() && verify.stderr.is_empty(), "{}", text(&verify));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_starts_the_timer_when_a_user_manager_answers() {
    let env = Env::start(|_| {}).await;
    let schedules = Schedules::new(&env, true);
    photos(&env, "Pictures", &[10]);
    let out = schedules.run(&["schedule", "add", "Pictures", "dropbox:/Backup/2026", "--every", "daily"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Timer dkcloud-upload-pictures-dropbox-backup-2026.timer enabled"), "{}", text(&out));
    assert_eq!(
        schedules.systemctl_calls(),
        "--user daemon-reload\n--user enable --now dkcloud-upload-pictures-dropbox-backup-2026.timer\n"
    );
    let timer = read(&schedules.unit("dkcloud-upload-pictures-dropbox-backup-2026.timer"));
    assert!(timer.contains("OnCalendar=daily\nPersistent=true\n"), "{timer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_every_is_a_usage_error_and_stores_nothing() {
    let env = Env::start(|_| {}).await;
    let schedules = Schedules::new(&env, false);
    photos(&env, "Album", &[10]);
    for every in ["every tuesday", "25:99", ""] {
        let out = schedules.run(&["schedule", "add", "Album", "onedrive:/B", "--every", every, "--name", "x"]).await;
        assert_eq!(out.status.code(), Some(2), "{every:?}: {}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("--every '{every}' is not hourly, daily, weekly")), "{}", text(&out));
    }
    // The upload's own checks apply too.
    let bad_remote = schedules.run(&["schedule", "add", "Album", "gdrive:/B", "--every", "daily", "--name", "x"]).await;
    assert_eq!(bad_remote.status.code(), Some(2), "{}", text(&bad_remote));
    let bad_jobs = schedules.run(&["schedule", "add", "Album", "onedrive:/B", "--every", "daily", "--jobs", "0"]).await;
    assert_eq!(bad_jobs.status.code(), Some(2), "{}", text(&bad_jobs));
    let missing = schedules.run(&["schedule", "add", "Nope", "onedrive:/B", "--every", "daily"]).await;
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("'Nope': no such file or folder"), "{}", text(&missing));
    assert!(!env.path("config/schedules").exists() && !env.path("xdg-config/systemd").exists(), "nothing was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_run_uploads_the_stored_job_from_anywhere() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let schedules = Schedules::new(&env, false);
    let album = photos(&env, "Trip", &[300_000, 5 * 1024 * 1024 + 3]);
    let add = schedules.run(&["schedule", "add", "Trip", "onedrive:/Sched", "--every", "hourly", "--name", "trip"]).await;
    assert!(add.status.success(), "{}", text(&add));

    let mut run = schedules.command(&["schedule", "run", "trip"], &[]);
    run.current_dir("/");
    let out = run.output().await.unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("scheduled job trip: uploading {} to onedrive:/Sched", album.display())), "{}", text(&out));
    assert!(!stderr.contains('\r') && !stderr.contains("\u{1b}["), "plain lines, no progress bar: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().filter(|l| l.starts_with("Done: 2 uploaded")).count(), 1, "{}", text(&out));
    for i in 0..2 {
        let stored = std::fs::read(env.emu.data_dir().join(format!("onedrive/Sched/Trip/{i}.jpg"))).unwrap();
        assert_eq!(stored, std::fs::read(album.join(format!("{i}.jpg"))).unwrap(), "{i}.jpg stored byte for byte");
    }
    let list = schedules.run(&["schedule", "list"]).await;
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains("trip  (hourly)") && listed.contains("exit 0 (all done)"), "{}", text(&list));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_runs_give_one_upload_and_one_refusal() {
    // 2 MiB at 256 KiB/s: the first run takes about 8 s.
    let env = Env::start(|c| c.bandwidth = Some(256 * 1024)).await;
    env.login_both().await;
    let schedules = Schedules::new(&env, false);
    let album = photos(&env, "Slow", &[2 * 1024 * 1024]);
    let add = schedules.run(&["schedule", "add", "Slow", "dropbox:/Slow", "--every", "daily", "--name", "slow"]).await;
    assert!(add.status.success(), "{}", text(&add));

    let mut first = schedules
        .command(&["schedule", "run", "slow"], &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lock = env.path("state/dkcloud/schedules/slow.lock");
    let holder = format!("pid {}", first.id().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&lock).unwrap_or_default().starts_with(&holder) {
        assert!(Instant::now() < deadline, "the first run never took the lock");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let second = schedules.run(&["schedule", "run", "slow"]).await;
    assert!(first.try_wait().unwrap().is_none(), "the first run was still going when the second ended");
    assert_eq!(second.status.code(), Some(5), "{}", text(&second));
    let refusal = String::from_utf8_lossy(&second.stderr);
    assert!(
        refusal.contains(&format!("scheduled job slow: another run is still going ({holder}, started ")),
        "{}",
        text(&second)
    );
    assert!(second.stdout.is_empty(), "the refused run uploads nothing: {}", text(&second));

    let first = first.wait_with_output().await.unwrap();
    assert!(first.status.success(), "{}", text(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("Done: 1 uploaded"), "{}", text(&first));
    let stored: Vec<_> = std::fs::read_dir(env.emu.data_dir().join("dropbox/Slow/Slow")).unwrap().collect();
    assert_eq!(stored.len(), 1, "one upload, one copy");
    assert_eq!(std::fs::read(env.emu.data_dir().join("dropbox/Slow/Slow/0.jpg")).unwrap(), std::fs::read(album.join("0.jpg")).unwrap());

    // The lock went with the first run: the next one runs (and has nothing to send).
    let third = schedules.run(&["schedule", "run", "slow"]).await;
    assert!(third.status.success(), "{}", text(&third));
    assert!(String::from_utf8_lossy(&third.stdout).contains("Done: 0 uploaded, 1 already uploaded"), "{}", text(&third));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_list_and_remove_round_trip() {
    let env = Env::start(|_| {}).await;
    let schedules = Schedules::new(&env, false);
    photos(&env, "A", &[10]);
    photos(&env, "B", &[10]);
    let a = schedules.run(&["schedule", "add", "A", "onedrive:/A", "--every", "weekly", "--name", "job-a"]).await;
    assert!(a.status.success(), "{}", text(&a));
    let b = schedules.run(&["--account", "someone", "schedule", "add", "B", "dropbox:/B", "--every", "daily", "--cron"]).await;
    assert!(b.status.success(), "{}", text(&b));
    let cron = String::from_utf8_lossy(&b.stdout);
    let expected_cron = format!(
        "@daily DKCLOUD_CONFIG_DIR='{}' XDG_STATE_HOME='{}' DKCLOUD_TOKEN_STORE='file' DKCLOUD_EMULATOR='{}' '{}' schedule run b-dropbox-b 2>&1 | logger -t dkcloud-upload-b-dropbox-b",
        env.path("config").display(),
        env.path("state").display(),
        env.emu.base_url(),
        env!("CARGO_BIN_EXE_dkcloud"),
    );
    assert!(cron.lines().any(|l| l == expected_cron), "{}", text(&b));
    assert!(!schedules.unit("dkcloud-upload-b-dropbox-b.timer").exists(), "--cron writes no units");

    let list = schedules.run(&["schedule", "list"]).await;
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "{}", text(&list));
    assert!(listed.contains(&format!("job-a  (weekly)\n  {} -> onedrive:/A\n  last run: never\n", env.path("A").display())), "{listed}");
    assert!(listed.contains("timer dkcloud-upload-job-a.timer: no systemd user manager answered"), "{listed}");
    assert!(listed.contains(&format!("b-dropbox-b  (daily)\n  {} -> dropbox:/B as someone\n", env.path("B").display())), "{listed}");
    assert!(listed.contains("no systemd timer (run by cron"), "{listed}");

    let removed = schedules.run(&["schedule", "remove", "job-a"]).await;
    assert!(removed.status.success(), "{}", text(&removed));
    for gone in [schedules.job_file("job-a"), schedules.unit("dkcloud-upload-job-a.timer"), schedules.unit("dkcloud-upload-job-a.service")] {
        assert!(!gone.exists(), "{} is removed", gone.display());
    }
    assert!(schedules.systemctl_calls().contains("--user disable --now dkcloud-upload-job-a.timer"), "the manager is asked to stop it");
    let after = schedules.run(&["schedule", "list"]).await;
    let listed = String::from_utf8_lossy(&after.stdout);
    assert!(!listed.contains("job-a") && listed.contains("b-dropbox-b"), "{listed}");

    for args in [["schedule", "remove", "job-a"], ["schedule", "run", "job-a"]] {
        let unknown = schedules.run(&args).await;
        assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no scheduled job named 'job-a'"), "{}", text(&unknown));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_without_a_login_says_how_to_fix_it() {
    let env = Env::start(|_| {}).await;
    let schedules = Schedules::new(&env, false);
    photos(&env, "Pics", &[10]);
    let add = schedules.run(&["schedule", "add", "Pics", "dropbox:/P", "--every", "daily", "--name", "pics"]).await;
    assert!(add.status.success(), "{}", text(&add));
    let out = schedules.run(&["schedule", "run", "pics"]).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("scheduled job pics needs a login: run `dkcloud login dropbox` in a terminal"),
        "{}",
        text(&out)
    );
    let list = schedules.run(&["schedule", "list"]).await;
    assert!(String::from_utf8_lossy(&list.stdout).contains("exit 3 (login needed or refused)"), "{}", text(&list));
}

/// A schedule's default policy is `replace` (both services keep the earlier
/// version), so a changed photo is backed up over its old copy, not beside it;
/// and a collection's digiKam databases and trash are left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_backup_replaces_changed_photos_and_leaves_digikams_files_home() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let schedules = Schedules::new(&env, false);
    let album = photos(&env, "Coll", &[1000, 2000]);
    std::fs::write(album.join("digikam4.db"), pattern(4096, 9)).unwrap();
    std::fs::write(album.join("digikam4.db-wal"), pattern(512, 10)).unwrap();
    std::fs::create_dir_all(album.join(".dtrash/files")).unwrap();
    std::fs::write(album.join(".dtrash/files/x.jpg"), pattern(10, 11)).unwrap();
    for (round, service) in ["onedrive", "dropbox"].into_iter().enumerate() {
        let name = format!("coll-{service}");
        let add = schedules.run(&["schedule", "add", "Coll", &format!("{service}:/Nightly"), "--every", "daily", "--name", &name]).await;
        assert!(add.status.success(), "{}", text(&add));
        let job = read(&schedules.job_file(&name));
        assert!(job.contains("\"--on-conflict\",\n    \"replace\"") || job.contains("\"--on-conflict\", \"replace\""), "{job}");

        let first = schedules.run(&["schedule", "run", &name]).await;
        assert!(first.status.success(), "{}", text(&first));
        // The same size, other bytes: only the service's hash tells them apart.
        std::fs::write(album.join("0.jpg"), pattern(1000, 100 + round as u64)).unwrap();
        let second = schedules.run(&["schedule", "run", &name]).await;
        assert!(second.status.success(), "{}", text(&second));
        assert!(String::from_utf8_lossy(&second.stdout).contains("Done: 0 uploaded, 1 replaced"), "{}", text(&second));
        let quiet = schedules.run(&["-q", "schedule", "run", &name]).await;
        assert!(quiet.status.success(), "{}", text(&quiet));
        assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty(), "-q: a run with nothing wrong prints nothing: {}", text(&quiet));

        let stored: Vec<(String, u64)> =
            env.stored(service).await.into_iter().map(|(path, (size, _))| (path, size)).collect();
        assert_eq!(stored, vec![("/Nightly/Coll/0.jpg".to_owned(), 1000), ("/Nightly/Coll/1.jpg".to_owned(), 2000)], "{service}");
        let bytes = std::fs::read(env.emu.data_dir().join(format!("{service}/Nightly/Coll/0.jpg"))).unwrap();
        assert_eq!(bytes, std::fs::read(album.join("0.jpg")).unwrap(), "{service}: the new version is stored");
    }
    // Asked for, another policy is kept.
    let add = schedules.run(&["schedule", "add", "Coll", "onedrive:/Kept", "--every", "daily", "--name", "kept", "--on-conflict", "rename"]).await;
    assert!(add.status.success(), "{}", text(&add));
    assert!(read(&schedules.job_file("kept")).contains("\"rename\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_list_speaks_json() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let schedules = Schedules::new(&env, false);
    let a = photos(&env, "A", &[10]);
    photos(&env, "B", &[10]);
    let empty = schedules.run(&["schedule", "list", "--json"]).await;
    let v: serde_json::Value = serde_json::from_slice(&empty.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&empty)));
    assert_eq!(v, serde_json::json!({ "schedules": [] }));
    for args in [
        vec!["schedule", "add", "A", "onedrive:/A", "--every", "weekly", "--name", "job-a"],
        vec!["schedule", "add", "B", "dropbox:/B", "--every", "daily", "--name", "job-b", "--on-conflict", "skip"],
    ] {
        let out = schedules.run(&args).await;
        assert!(out.status.success(), "{}", text(&out));
    }
    let ran = schedules.run(&["schedule", "run", "job-a"]).await;
    assert!(ran.status.success(), "{}", text(&ran));

    let out = schedules.run(&["schedule", "list", "--json"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let jobs = v["schedules"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "{v}");
    assert_eq!((jobs[0]["name"].as_str(), jobs[0]["every"].as_str()), (Some("job-a"), Some("weekly")));
    assert_eq!(jobs[0]["sources"], serde_json::json!([a.display().to_string()]));
    assert_eq!((jobs[0]["remote"].as_str(), jobs[0]["on_conflict"].as_str()), (Some("onedrive:/A"), Some("replace")));
    assert_eq!((jobs[0]["last_run"]["exit"].as_u64(), jobs[0]["last_run"]["meaning"].as_str()), (Some(0), Some("all done")), "{v}");
    assert_eq!(jobs[0]["timer"], "dkcloud-upload-job-a.timer");
    assert_eq!((jobs[1]["name"].as_str(), jobs[1]["on_conflict"].as_str()), (Some("job-b"), Some("skip")));
    assert!(jobs[1]["last_run"].is_null(), "{v}");
}
