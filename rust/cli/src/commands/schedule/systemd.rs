//! The few questions put to systemd: is a calendar expression valid, is a user
//! manager there to load the units, when does a timer fire next.
//! Everything works without systemd; these only add what it can tell.

use std::process::{Command, Stdio};

/// `Err(reason)` when `systemd-analyze calendar` rejects `expr`; `Ok` when it
/// accepts it or is not installed (the timer then reports a bad one when loaded).
pub(crate) fn check_calendar(expr: &str) -> Result<(), String> {
    let output = Command::new("systemd-analyze").args(["calendar", expr]).stdin(Stdio::null()).output();
    match output {
        Ok(out) if !out.status.success() => Err(first_line(&out.stderr)),
        _ => Ok(()),
    }
}

/// Runs `systemctl --user ARGS`; `Err` with systemctl's own words when no user
/// manager answers or it refuses.
pub(crate) fn systemctl_user(args: &[&str]) -> Result<String, String> {
    let out = Command::new("systemctl")
        .arg("--user")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run systemctl: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(first_line(&out.stderr))
    }
}

/// When the timer runs next, as systemctl words it: `None` when no user
/// manager answers, `Some(None)` when it plans no run.
pub(crate) fn next_run(timer: &str) -> Option<Option<String>> {
    let text = systemctl_user(&["show", "-p", "NextElapseUSecRealtime", "--value", timer]).ok()?;
    let next = text.trim();
    Some(Some(next.to_owned()).filter(|n| !n.is_empty() && n != "n/a" && n != "0"))
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("no answer").trim().to_owned()
}
