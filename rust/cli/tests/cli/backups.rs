//! Backing a digiKam collection up: filters (`--include`, `--exclude`,
//! `--exclude-from`, the default excludes for digiKam's own files) on both
//! services, `--dry-run` naming what is left out and why, and `resume`
//! leaving out what the first run did.

use super::local_hashes;
use super::support::{pattern, text, Env};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A collection as digiKam leaves it: photos, its databases with their
/// journals in the root, its trash, and some clutter.
fn collection(env: &Env) -> PathBuf {
    let root = env.path("Pictures");
    for (rel, size, seed) in [
        ("a.jpg", 300_000, 1),
        ("2024/b.jpg", 5 * 1024 * 1024 + 3, 2),
        ("raw/c.nef", 40_000, 3),
        ("notes.tmp", 10, 4),
        ("digikam4.db", 8192, 5),
        ("digikam4.db-wal", 4096, 6),
        ("thumbnails-digikam.db", 8192, 7),
        ("recognition.db-journal", 512, 8),
        ("similarity.db", 1024, 9),
        (".dtrash/files/old.jpg", 2000, 10),
        (".dtrash/info/old.jpg.dtrashinfo", 100, 11),
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, pattern(size, seed)).unwrap();
    }
    root
}

/// `local_hashes` of `root` with only the files `keep` (relative to `root`) in it.
fn expected(root: &Path, service: &str, base: &str, keep: &[&str]) -> BTreeMap<String, (u64, String)> {
    let name = root.file_name().unwrap().to_str().unwrap();
    let wanted: Vec<String> = keep.iter().map(|k| format!("{base}/{name}/{k}")).collect();
    local_hashes(root, service, base).into_iter().filter(|(path, _)| wanted.contains(path)).collect()
}

const DIGIKAM_FILES: [&str; 5] =
    ["digikam4.db", "digikam4.db-wal", "thumbnails-digikam.db", "recognition.db-journal", "similarity.db"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digikams_databases_and_trash_stay_home_and_dry_run_says_why() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let root = collection(&env);
    let src = root.to_str().unwrap();
    for service in ["onedrive", "dropbox"] {
        let dest = format!("{service}:/Backup");
        let dry = env.run(&["--no-progress", "upload", "--dry-run", "--exclude", "*.tmp", src, &dest]).await;
        assert!(dry.status.success(), "{}", text(&dry));
        let said = String::from_utf8_lossy(&dry.stderr);
        for file in DIGIKAM_FILES {
            let line = said
                .lines()
                .find(|l| l.starts_with("excluded") && l.contains(&format!("/Pictures/{file}:")))
                .unwrap_or_else(|| panic!("{file} is not named: {}", text(&dry)));
            assert!(line.contains("a digiKam database (left out by default: --no-default-excludes sends it)"), "{line}");
        }
        let trash = said.lines().find(|l| l.starts_with("excluded") && l.contains("/Pictures/.dtrash:")).unwrap_or("");
        assert!(trash.contains("digiKam's trash"), "{}", text(&dry));
        assert!(!said.contains("old.jpg"), "the trash is not entered: {}", text(&dry));
        let tmp = said.lines().find(|l| l.contains("/Pictures/notes.tmp")).unwrap_or("");
        assert!(tmp.starts_with("excluded") && tmp.contains("excluded by --exclude '*.tmp'"), "{}", text(&dry));
        for file in ["a.jpg", "2024/b.jpg", "raw/c.nef"] {
            assert!(said.lines().any(|l| l.starts_with("would upload") && l.contains(file)), "{file}: {}", text(&dry));
        }
        let stdout = String::from_utf8_lossy(&dry.stdout);
        assert!(stdout.contains("3 would upload") && stdout.contains("7 excluded by filters"), "{}", text(&dry));
        assert!(env.stored(service).await.is_empty(), "a dry run stores nothing on {service}");

        let run = env.run(&["--no-progress", "upload", "--exclude", "*.tmp", src, &dest]).await;
        assert!(run.status.success(), "{}", text(&run));
        assert_eq!(
            env.stored(service).await,
            expected(&root, service, "/Backup", &["a.jpg", "2024/b.jpg", "raw/c.nef"]),
            "{service}: the photos, none of digiKam's files, no clutter"
        );
        assert!(!env.emu.data_dir().join(format!("{service}/Backup/Pictures/.dtrash")).exists(), "no trash folder");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn include_exclude_from_and_no_default_excludes_choose_the_files() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let root = collection(&env);
    let src = root.to_str().unwrap();
    let list = env.path("excludes.txt");
    std::fs::write(&list, "# clutter\n*.tmp\n\n; sidecars of the raw folder\n/raw/\n").unwrap();
    for service in ["onedrive", "dropbox"] {
        // Only JPEGs, wherever they are; the trash stays out by default.
        let jpegs = env.run(&["upload", "--include", "*.jpg", src, &format!("{service}:/Jpegs")]).await;
        assert!(jpegs.status.success(), "{}", text(&jpegs));
        let stored: Vec<String> = env.stored(service).await.into_keys().collect();
        assert_eq!(stored, vec!["/Jpegs/Pictures/2024/b.jpg", "/Jpegs/Pictures/a.jpg"], "{service}");

        // Everything but the listed patterns, digiKam's files included when asked.
        let all = env
            .run(&["upload", "--no-default-excludes", "--exclude-from", list.to_str().unwrap(), src, &format!("{service}:/All")])
            .await;
        assert!(all.status.success(), "{}", text(&all));
        let mut keep = vec!["a.jpg", "2024/b.jpg", ".dtrash/files/old.jpg", ".dtrash/info/old.jpg.dtrashinfo"];
        keep.extend(DIGIKAM_FILES);
        let stored: BTreeMap<_, _> =
            env.stored(service).await.into_iter().filter(|(p, _)| p.starts_with("/All/")).collect();
        assert_eq!(stored, expected(&root, service, "/All", &keep), "{service}");
    }
    let bad = env.run(&["upload", "--exclude", "a[b", src, "onedrive:/Bad"]).await;
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'a[b' is not a usable pattern"), "{}", text(&bad));
    let missing = env.run(&["upload", "--exclude-from", "/nowhere/list", src, "onedrive:/Bad"]).await;
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_leaves_out_what_the_first_run_left_out() {
    let env = Env::start(|_| {}).await;
    env.login_both().await;
    let root = collection(&env);
    // A name OneDrive refuses: the run ends with a failed file, so it stays on offer for `resume`.
    std::fs::write(root.join("CON.txt"), b"x").unwrap();
    let first = env.run(&["upload", "--exclude", "*.tmp", root.to_str().unwrap(), "onedrive:/Backup"]).await;
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    // Meanwhile digiKam wrote its database again, trashed a photo, and a new photo and clutter came.
    std::fs::write(root.join("digikam4.db-journal"), pattern(700, 20)).unwrap();
    std::fs::write(root.join(".dtrash/files/new.jpg"), pattern(900, 21)).unwrap();
    std::fs::write(root.join("d.jpg"), pattern(1234, 22)).unwrap();
    std::fs::write(root.join("more.tmp"), pattern(10, 23)).unwrap();
    let jobs = env.run(&["jobs", "--json"]).await;
    let listed: serde_json::Value = serde_json::from_slice(&jobs.stdout).unwrap();
    let rules = listed["jobs"][0]["options"]["filter"]["rules"].to_string();
    assert!(rules.contains("*.tmp") && rules.contains(".dtrash/"), "the record keeps the filter: {listed}");

    let resumed = env.run(&["--no-progress", "resume"]).await;
    assert_eq!(resumed.status.code(), Some(1), "CON.txt still fails: {}", text(&resumed));
    let said = String::from_utf8_lossy(&resumed.stderr);
    assert!(said.lines().any(|l| l.starts_with("excluded") && l.contains("more.tmp")), "{}", text(&resumed));
    assert!(said.lines().any(|l| l.starts_with("excluded") && l.contains("digikam4.db-journal")), "{}", text(&resumed));
    assert_eq!(
        env.stored("onedrive").await,
        expected(&root, "onedrive", "/Backup", &["a.jpg", "2024/b.jpg", "raw/c.nef", "d.jpg"]),
    );
}
