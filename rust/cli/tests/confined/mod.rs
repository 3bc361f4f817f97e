//! `dkcloud` as the end-to-end tests run it: pointed at one emulator, with its
//! configuration, state, home and browser inside the test's folder, no
//! terminal, and nothing else from the caller's environment.

use std::path::Path;

pub fn dkcloud(dir: &Path, emulator: &str, browser: &str) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_dkcloud"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.join("home"))
        .env("DKCLOUD_EMULATOR", emulator)
        .env("DKCLOUD_CONFIG_DIR", dir.join("config"))
        .env("DKCLOUD_TOKEN_STORE", "file")
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("BROWSER", browser)
        .stdin(std::process::Stdio::null());
    cmd
}

/// A finished run as a test failure shows it: exit status, stdout, stderr.
pub fn text(out: &std::process::Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
