//! `dkcloud check` on both services (missing, different, extra; exit 0 or 1;
//! `--json`), `--json` on `ls` and `accounts`, and `-q`, `-v`, `--log-file`.

use super::collect_strings;
use super::support::{pattern, text, Env};
use serde_json::Value;

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

/// The tokens `dkcloud` keeps: what must never be printed or logged.
fn secrets(env: &Env) -> Vec<String> {
    let tokens: Value = serde_json::from_slice(&std::fs::read(env.path("config/tokens.json")).unwrap()).unwrap();
    let mut all = Vec::new();
    collect_strings(&tokens, &mut all);
    let long: Vec<String> = all.into_iter().filter(|s| s.len() > 30).collect();
    assert!(!long.is_empty(), "tokens.json holds tokens");
    long
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_finds_missing_different_and_extra_files_on_both_services() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let trip = env.path("Trip");
    std::fs::create_dir_all(trip.join("sub")).unwrap();
    std::fs::write(trip.join("a.jpg"), pattern(300_000, 1)).unwrap();
    std::fs::write(trip.join("sub/b.jpg"), pattern(5 * 1024 * 1024 + 3, 2)).unwrap();
    std::fs::write(trip.join("c.jpg"), pattern(70_000, 3)).unwrap();
    std::fs::write(trip.join("digikam4.db"), pattern(4096, 4)).unwrap();
    let stray = env.path("x.jpg");
    std::fs::write(&stray, pattern(1000, 5)).unwrap();
    let src = trip.to_str().unwrap();
    for (round, service) in ["onedrive", "dropbox"].into_iter().enumerate() {
        let dest = format!("{service}:/Backup");
        let hash = if service == "onedrive" { "quickXorHash" } else { "content_hash" };
        // Fresh contents for each service's round.
        std::fs::write(trip.join("a.jpg"), pattern(300_000, 1)).unwrap();
        std::fs::write(trip.join("c.jpg"), pattern(70_000, 3)).unwrap();
        let _ = std::fs::remove_file(trip.join("d.jpg"));
        let up = env.run(&["upload", src, &dest]).await;
        assert!(up.status.success(), "{}", text(&up));

        let same = env.run(&["check", src, &dest]).await;
        assert_eq!(same.status.code(), Some(0), "{}", text(&same));
        let said = String::from_utf8_lossy(&same.stdout);
        assert!(said.contains("Same: 3 match, 0 missing, 0 different, 0 extra, 0 unreadable"), "{}", text(&same));

        // A new local file, one changed in size, one changed in content only, one stray file on the service.
        std::fs::write(trip.join("d.jpg"), pattern(2000, 6 + round as u64)).unwrap();
        std::fs::write(trip.join("a.jpg"), pattern(10, 7)).unwrap();
        std::fs::write(trip.join("c.jpg"), pattern(70_000, 8)).unwrap();
        let extra = env.run(&["upload", stray.to_str().unwrap(), &format!("{service}:/Backup/Trip/sub")]).await;
        assert!(extra.status.success(), "{}", text(&extra));

        let changed = env.run(&["check", src, &dest]).await;
        assert_eq!(changed.status.code(), Some(1), "{}", text(&changed));
        let said = String::from_utf8_lossy(&changed.stdout);
        let lines: Vec<&str> = said.lines().collect();
        let line_of = |start: &str, file: &str| {
            lines.iter().find(|l| l.starts_with(start) && l.contains(file)).copied().unwrap_or_else(|| panic!("no {start} {file}: {said}"))
        };
        assert!(line_of("missing", "d.jpg").ends_with(&format!("-> {service}:/Backup/Trip/d.jpg")), "{said}");
        assert!(line_of("different", "/a.jpg").ends_with(&format!(": 10 bytes here, 300000 on {}", if round == 0 { "OneDrive" } else { "Dropbox" })), "{said}");
        assert!(line_of("different", "c.jpg").ends_with(&format!("same size, different content (the {hash} differs)")), "{said}");
        assert_eq!(line_of("extra", "x.jpg"), format!("extra      {service}:/Backup/Trip/sub/x.jpg (no local file)"));
        assert!(!said.contains("digikam4.db"), "digiKam's database is left out of the check too: {said}");
        assert!(said.contains("Differences: 1 match, 1 missing, 2 different, 1 extra, 0 unreadable"), "{said}");

        let json = env.run(&["check", "--json", src, &dest]).await;
        assert_eq!(json.status.code(), Some(1), "{}", text(&json));
        let v = json_of(&json);
        assert_eq!(v["ok"], false);
        assert_eq!(v["matched"], 1);
        assert_eq!(v["missing"][0]["remote"], "/Backup/Trip/d.jpg");
        let mut different: Vec<&str> = v["different"].as_array().unwrap().iter().map(|d| d["remote"].as_str().unwrap()).collect();
        different.sort();
        assert_eq!(different, vec!["/Backup/Trip/a.jpg", "/Backup/Trip/c.jpg"]);
        assert_eq!(v["extra"], serde_json::json!(["/Backup/Trip/sub/x.jpg"]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_and_accounts_speak_json() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("L");
    std::fs::create_dir_all(src.join("inner")).unwrap();
    std::fs::write(src.join("one.jpg"), pattern(12_345, 1)).unwrap();
    std::fs::write(src.join("inner/two.jpg"), pattern(10, 2)).unwrap();
    let local = dkcloud_hash::hash_reader(std::fs::File::open(src.join("one.jpg")).unwrap()).unwrap();
    for service in ["onedrive", "dropbox"] {
        let up = env.run(&["upload", src.to_str().unwrap(), &format!("{service}:/J")]).await;
        assert!(up.status.success(), "{}", text(&up));
        let ls = env.run(&["ls", "--json", &format!("{service}:/J/L")]).await;
        assert!(ls.status.success(), "{}", text(&ls));
        let v = json_of(&ls);
        let mut entries: Vec<(String, bool, Value)> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["name"].as_str().unwrap().to_owned(), e["folder"].as_bool().unwrap(), e["size"].clone()))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(entries, vec![("inner".to_owned(), true, Value::Null), ("one.jpg".to_owned(), false, serde_json::json!(12_345))]);
        let file = v["entries"].as_array().unwrap().iter().find(|e| e["name"] == "one.jpg").unwrap();
        let expected = if service == "onedrive" { &local.quickxor } else { &local.content_hash };
        assert_eq!(file["hash"].as_str(), Some(expected.as_str()), "{service}");
    }
    let accounts = env.run(&["accounts", "--json"]).await;
    assert!(accounts.status.success(), "{}", text(&accounts));
    let v = json_of(&accounts);
    let mut services: Vec<&str> = v["accounts"].as_array().unwrap().iter().map(|a| a["service"].as_str().unwrap()).collect();
    services.sort();
    assert_eq!(services, vec!["dropbox", "onedrive"]);
    assert!(v["accounts"].as_array().unwrap().iter().all(|a| a["email"] == "user@emulator.invalid" && a["default"] == true), "{v}");
    let printed = String::from_utf8_lossy(&accounts.stdout);
    for s in secrets(&env) {
        assert!(!printed.contains(&s), "a token in `accounts --json`");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_verbose_and_log_file_say_what_they_promise() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Q");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("fine.jpg"), pattern(20_000, 1)).unwrap();
    let dir = src.to_str().unwrap();

    let quiet = env.run(&["-q", "upload", dir, "onedrive:/Quiet"]).await;
    assert_eq!(quiet.status.code(), Some(0), "{}", text(&quiet));
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty(), "-q prints nothing when all went well: {}", text(&quiet));
    assert_eq!(env.stored("onedrive").await.len(), 1, "the quiet upload still stored the file");

    // A name OneDrive refuses: the error is shown, the good file's line and the summary are not.
    std::fs::write(src.join("CON.txt"), b"x").unwrap();
    let failing = env.run(&["--quiet", "upload", dir, "onedrive:/Quiet2"]).await;
    assert_eq!(failing.status.code(), Some(1), "{}", text(&failing));
    let said = String::from_utf8_lossy(&failing.stderr);
    assert!(said.lines().any(|l| l.starts_with("FAILED") && l.contains("CON.txt")), "{}", text(&failing));
    assert!(!said.contains("fine.jpg") && failing.stdout.is_empty(), "{}", text(&failing));
    std::fs::remove_file(src.join("CON.txt")).unwrap();

    let plain = env.run(&["--no-progress", "upload", dir, "dropbox:/V"]).await;
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("filter rules"), "{}", text(&plain));
    let verbose = env.run(&["--no-progress", "-v", "upload", "--exclude", "*.tmp", dir, "dropbox:/V2"]).await;
    assert!(verbose.status.success(), "{}", text(&verbose));
    let said = String::from_utf8_lossy(&verbose.stderr);
    assert!(said.contains(&format!("uploading {dir} to dropbox:/V2, 8 at a time, on conflict Rename, 3 filter rules")), "{}", text(&verbose));

    let log = env.path("run.log");
    let logged = env.run(&["-vv", "--log-file", log.to_str().unwrap(), "upload", dir, "onedrive:/Logged"]).await;
    assert!(logged.status.success(), "{}", text(&logged));
    let written = std::fs::read_to_string(&log).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600, "the log is private");
    assert!(written.lines().any(|l| l.contains("uploaded") && l.contains("fine.jpg -> /Logged/Q/fine.jpg")), "{written}");
    assert!(written.contains("Done: 1 uploaded"), "{written}");
    assert!(written.contains("uploading "), "{written}");
    assert!(!String::from_utf8_lossy(&logged.stderr).contains("uploading "), "the log goes to the file: {}", text(&logged));
    for s in secrets(&env) {
        assert!(!written.contains(&s), "a token in the log file");
    }
}

/// `--bwlimit` is one budget for all transfers: 3 MiB over 3 parallel
/// transfers at 1 MiB/s take at least (3 MiB - one 256 KiB piece) / 1 MiB/s,
/// and the bytes stored are the files' own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bwlimit_holds_all_transfers_together_to_the_rate() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let src = env.path("Slow");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..3u64 {
        std::fs::write(src.join(format!("{i}.jpg")), pattern(1024 * 1024, 60 + i)).unwrap();
    }
    let floor = std::time::Duration::from_secs_f64((3.0 * 1024.0 * 1024.0 - 256.0 * 1024.0) / (1024.0 * 1024.0));
    for service in ["onedrive", "dropbox"] {
        let started = std::time::Instant::now();
        let out = env.run(&["upload", "--jobs", "3", "--bwlimit", "1M", src.to_str().unwrap(), &format!("{service}:/Slow")]).await;
        let took = started.elapsed();
        assert!(out.status.success(), "{}", text(&out));
        assert!(took >= floor, "{service}: 3 MiB at 1 MiB/s took only {took:?}");
        assert_eq!(env.stored(service).await, super::local_hashes(&src, service, "/Slow"), "{service}");
        for i in 0..3 {
            let stored = std::fs::read(env.emu.data_dir().join(format!("{service}/Slow/Slow/{i}.jpg"))).unwrap();
            assert_eq!(stored, pattern(1024 * 1024, 60 + i), "{service}: {i}.jpg byte for byte");
        }
    }
    // A timetable whose entry in force now (local time) is 1M, and that is off from two hours on.
    use chrono::Timelike as _;
    let at = |minutes: i64| {
        let t = chrono::Local::now() + chrono::Duration::minutes(minutes);
        format!("{:02}:{:02}", t.hour(), t.minute())
    };
    let table = format!("{},1M {},off", at(-1), at(120));
    let started = std::time::Instant::now();
    let out = env.run(&["upload", "--jobs", "3", "--bwlimit", &table, src.to_str().unwrap(), "dropbox:/Table"]).await;
    let took = started.elapsed();
    assert!(out.status.success(), "{}", text(&out));
    assert!(took >= floor, "{table}: 3 MiB took only {took:?}");
    assert_eq!(env.stored("dropbox").await.keys().filter(|p| p.starts_with("/Table/")).count(), 3);
    for bad in ["fast", "25:00,1M", "08:00,1M 08:00,off"] {
        let out = env.run(&["upload", "--bwlimit", bad, src.to_str().unwrap(), "onedrive:/X"]).await;
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
    }
}
