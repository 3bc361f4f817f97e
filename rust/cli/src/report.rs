//! How a running job looks: a progress bar on a terminal, plain lines in a
//! log, or JSON lines for scripts.

use crate::shown;
use dkcloud_engine::sharing::{LinkRequest, SharedLink};
use dkcloud_engine::upload::{FileOutcome, FileReport, Progress, Summary};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A run's output to stdout / stderr. Whoever reads it may have gone (`| head`):
/// the upload then goes on unheard and its exit code still says how it went,
/// instead of ending at the first line nobody can read.
macro_rules! say_out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub(crate) enum Reporter {
    Bar(ProgressBar),
    Lines { last: Mutex<Option<Instant>> },
    Json,
    /// `-q`: failed files and notes only.
    Quiet,
}

/// Set when `--log-file` is in force: each file's line and the summary go to the log too.
static LOGGED: AtomicBool = AtomicBool::new(false);

pub(crate) fn log_lines_too() {
    LOGGED.store(true, Ordering::Relaxed);
}

fn log_line(line: &str) {
    if LOGGED.load(Ordering::Relaxed) {
        tracing::info!(target: "dkcloud::run", "{line}");
    }
}

/// How often plain-line mode prints a progress line.
const LINE_EVERY: Duration = Duration::from_secs(5);

pub(crate) fn choose(json: bool, terminal: bool, quiet: bool) -> Reporter {
    if json {
        return Reporter::Json;
    }
    if quiet {
        return Reporter::Quiet;
    }
    if terminal {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:30.cyan/blue} {binary_bytes}/{binary_total_bytes} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        return Reporter::Bar(bar);
    }
    Reporter::Lines { last: Mutex::new(None) }
}

pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn eta(p: &Progress) -> String {
    match p.eta_secs {
        Some(s) if s >= 3600 => format!(", ETA {}h{:02}m", s / 3600, (s % 3600) / 60),
        Some(s) if s >= 60 => format!(", ETA {}m{:02}s", s / 60, s % 60),
        Some(s) => format!(", ETA {s}s"),
        None => String::new(),
    }
}

fn outcome_word(outcome: &FileOutcome) -> (&'static str, Option<&str>) {
    match outcome {
        FileOutcome::Uploaded => ("uploaded", None),
        FileOutcome::Replaced => ("replaced", None),
        FileOutcome::KeptBoth => ("kept both", None),
        FileOutcome::AlreadyUploaded => ("already uploaded", None),
        FileOutcome::SkippedIdentical => ("already there", None),
        FileOutcome::SkippedExisting => ("skipped (differs)", None),
        FileOutcome::WouldUpload => ("would upload", None),
        FileOutcome::NotStored(reason) => ("not stored", Some(reason.as_str())),
        FileOutcome::Failed(reason) => ("FAILED", Some(reason.as_str())),
        FileOutcome::Cancelled => ("cancelled", None),
        FileOutcome::Excluded(reason) => ("excluded", Some(reason.as_str())),
    }
}

fn file_line(report: &FileReport) -> String {
    let (word, reason) = outcome_word(&report.outcome);
    let target = report.remote.as_deref().map(|r| format!(" -> {}", shown::name(r))).unwrap_or_default();
    let why = reason.map(|r| format!(": {}", shown::text(r))).unwrap_or_default();
    let notes: String = report.notices.iter().map(|n| format!(" (note: {})", shown::text(n))).collect();
    format!("{word:<20} {}{target}{why}{notes}", shown::name(&report.local.display().to_string()))
}

impl Reporter {
    pub(crate) fn note(&self, text: &str) {
        match self {
            Reporter::Bar(bar) => bar.println(text),
            Reporter::Lines { .. } | Reporter::Quiet => say_err!("{text}"),
            Reporter::Json => say_out!("{}", serde_json::json!({"event": "note", "text": text})),
        }
        log_line(text);
    }

    pub(crate) fn on_progress(&self, p: &Progress) {
        match self {
            Reporter::Bar(bar) => {
                bar.set_length(p.bytes_total);
                bar.set_position(p.bytes_done);
                bar.set_message(format!(
                    "{}/s, {}/{} files{}",
                    bytes(p.rate as u64),
                    p.files_done,
                    p.files_seen,
                    eta(p)
                ));
            }
            Reporter::Lines { last } => {
                let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
                // The first line comes after LINE_EVERY: short jobs show file lines only.
                let since = *last.get_or_insert_with(Instant::now);
                if since.elapsed() < LINE_EVERY || p.bytes_total == 0 {
                    return;
                }
                *last = Some(Instant::now());
                say_err!(
                    "progress: {} of {} ({}/{} files), {}/s{}",
                    bytes(p.bytes_done),
                    bytes(p.bytes_total),
                    p.files_done,
                    p.files_seen,
                    bytes(p.rate as u64),
                    eta(p)
                );
            }
            Reporter::Json => say_out!("{}", serde_json::json!({"event": "progress", "progress": p})),
            Reporter::Quiet => {}
        }
    }

    pub(crate) fn on_file(&self, report: &FileReport) {
        match self {
            Reporter::Bar(bar) => bar.println(file_line(report)),
            Reporter::Lines { .. } => say_err!("{}", file_line(report)),
            Reporter::Json => say_out!("{}", serde_json::json!({"event": "file", "file": report})),
            Reporter::Quiet if matches!(report.outcome, FileOutcome::Failed(_)) => say_err!("{}", file_line(report)),
            Reporter::Quiet => {}
        }
        log_line(&file_line(report));
    }

    /// The summary line(s); `link`: the destination's link (`upload --link`).
    pub(crate) fn finish(&self, s: &Summary, link: Option<&SharedLink>) {
        if let Reporter::Bar(bar) = self {
            bar.finish_and_clear();
        }
        if let Reporter::Json = self {
            let mut event = serde_json::json!({"event": "summary", "summary": s});
            if let Some(link) = link {
                event["link"] = link_json(link, &LinkRequest::view());
            }
            say_out!("{event}");
            return;
        }
        if let Reporter::Quiet = self {
            log_line(&summary_line(s));
            if let Some(link) = link {
                say_out!("Link: {}", shown::name(&link.url));
            }
            return;
        }
        let line = summary_line(s);
        log_line(&line);
        say_out!("{line}");
        if let Some(url) = &s.folder_web_url {
            say_out!("On the web: {}", shown::name(url));
        }
        if let Some(link) = link {
            say_out!("Link: {}", shown::name(&link.url));
            if let Some(note) = link_reuse_note(link, &LinkRequest::view()) {
                say_err!("{note}");
            }
        }
    }
}

/// The one-line `Done: ...` summary.
fn summary_line(s: &Summary) -> String {
    let secs = s.elapsed_ms as f64 / 1000.0;
    let rate = if secs > 0.0 { s.bytes_sent as f64 / secs } else { 0.0 };
    let mut parts = vec![format!("{} uploaded", s.uploaded)];
    let mut also = |n: u64, what: &str| {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    };
    also(s.replaced, "replaced");
    also(s.kept_both, "kept both (stored under a new name)");
    also(s.already_uploaded, "already uploaded by an earlier run");
    also(s.skipped_identical, "already there (identical)");
    also(s.skipped_existing, "skipped (a different file has that name; --on-conflict replace or rename to store it)");
    also(s.not_stored, "not stored (names the service never stores)");
    also(s.excluded, "excluded by filters");
    if s.would_upload > 0 {
        parts.push(format!("{} would upload", s.would_upload));
    }
    parts.push(format!("{} failed", s.failed));
    format!(
        "{}{}; {} sent in {:.1} s ({}/s); folders created: {}",
        if s.suspended {
            "Stopped (`dkcloud resume` continues): "
        } else if s.cancelled {
            "Cancelled: "
        } else {
            "Done: "
        },
        parts.join(", "),
        bytes(s.bytes_sent),
        secs,
        bytes(rate as u64),
        s.folders_created
    )
}

/// `{url, access, expires, password, reused}`, and `differs` (what a reused
/// link does not do of what was asked) when it is not empty.
pub(crate) fn link_json(link: &SharedLink, asked: &LinkRequest) -> serde_json::Value {
    let mut value = serde_json::json!({
        "url": link.url,
        "access": link.access,
        "expires": link.expires,
        "password": link.password,
        "reused": link.reused,
    });
    let unmet = link.unmet(asked);
    if !unmet.is_empty() {
        value["differs"] = serde_json::json!(unmet);
    }
    value
}

/// What to tell the user about a link the service already had.
pub(crate) fn link_reuse_note(link: &SharedLink, asked: &LinkRequest) -> Option<String> {
    if !link.reused {
        return None;
    }
    let unmet = link.unmet(asked);
    if unmet.is_empty() {
        return Some("(the service returned the link this item already had)".to_owned());
    }
    Some(format!(
        "Note: the service returned the link this item already had, which is not what was asked: {}. \
         Remove that link on the service's web site to make a new one.",
        unmet.join("; ")
    ))
}
