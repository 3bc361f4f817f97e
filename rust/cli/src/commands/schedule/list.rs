//! `dkcloud schedule list`: each job's name, when, what and where, how its
//! last run ended (its own record, so cron runs count too) and, when a systemd
//! user manager answers, the timer's next run.

use super::job_file::JobFile;
use super::places::{unit_name, Places};
use super::{systemd, upload_argv};
use crate::exit::{self, CliError};

pub(crate) fn list(json: bool) -> Result<(), CliError> {
    let places = Places::from_env()?;
    let mut names: Vec<String> = match std::fs::read_dir(places.jobs_dir()) {
        Ok(entries) => entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".toml").map(str::to_owned))
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    if json {
        let jobs: Vec<serde_json::Value> = names.iter().map(|name| job_json(&places, name)).collect();
        println!("{}", serde_json::json!({ "schedules": jobs }));
        return Ok(());
    }
    if names.is_empty() {
        println!("No scheduled uploads. Add one with `dkcloud schedule add PATH... REMOTE --every daily`.");
        return Ok(());
    }
    for name in names {
        match JobFile::load(&places, &name) {
            Ok(job) => print_job(&places, &name, &job),
            Err(e) => println!("{name}\n  cannot be read: {}", e.message),
        }
    }
    Ok(())
}

fn print_job(places: &Places, name: &str, job: &JobFile) {
    println!("{name}  ({})", job.every);
    match upload_argv::parse(job, false) {
        Ok((_, args)) => {
            if let Some((remote, paths)) = args.paths.split_last() {
                let account = job.account.as_deref().map(|a| format!(" as {a}")).unwrap_or_default();
                println!("  {} -> {remote}{account}", paths.join(", "));
            }
        }
        Err(e) => println!("  its upload arguments are refused: {}", e.message),
    }
    println!("  last run: {}", last_run(places, name));
    let timer = unit_name(name, "timer");
    if !places.unit_file(&timer).exists() {
        println!("  no systemd timer (run by cron, or by hand: `dkcloud schedule run {name}`)");
    } else if let Some(next) = systemd::next_run(&timer) {
        println!("  timer {timer}: next run {}", next.as_deref().unwrap_or("not planned (is it enabled?)"));
    } else {
        println!("  timer {timer}: no systemd user manager answered");
    }
}

/// `{name, every, sources, remote, account, on_conflict, last_run: {when, exit, meaning} | null,
/// timer, next_run}`; a job that cannot be read: `{name, error}`.
fn job_json(places: &Places, name: &str) -> serde_json::Value {
    let job = match JobFile::load(places, name) {
        Ok(job) => job,
        Err(e) => return serde_json::json!({ "name": name, "error": e.message }),
    };
    let mut value = serde_json::json!({ "name": name, "every": job.every, "account": job.account });
    match upload_argv::parse(&job, false) {
        Ok((_, args)) => {
            if let Some((remote, paths)) = args.paths.split_last() {
                value["sources"] = serde_json::json!(paths);
                value["remote"] = serde_json::json!(remote);
            }
            value["on_conflict"] = serde_json::json!(args.on_conflict);
        }
        Err(e) => value["error"] = serde_json::json!(e.message),
    }
    value["last_run"] = match std::fs::read_to_string(places.last_run_file(name)) {
        Ok(text) => match text.trim().rsplit_once(" exit ").and_then(|(when, code)| Some((when, code.parse::<u8>().ok()?))) {
            Some((when, code)) => serde_json::json!({ "when": when, "exit": code, "meaning": exit::meaning(code) }),
            None => serde_json::json!({ "when": text.trim() }),
        },
        Err(_) => serde_json::Value::Null,
    };
    let timer = unit_name(name, "timer");
    if places.unit_file(&timer).exists() {
        value["timer"] = serde_json::json!(timer);
        value["next_run"] = serde_json::json!(systemd::next_run(&timer).flatten());
    } else {
        value["timer"] = serde_json::Value::Null;
    }
    value
}

fn last_run(places: &Places, name: &str) -> String {
    let Ok(text) = std::fs::read_to_string(places.last_run_file(name)) else {
        return "never".into();
    };
    let text = text.trim();
    match text.rsplit_once(" exit ").and_then(|(when, code)| Some((when, code.parse::<u8>().ok()?))) {
        Some((when, code)) => format!("{when}, exit {code} ({})", exit::meaning(code)),
        None => text.to_owned(),
    }
}
