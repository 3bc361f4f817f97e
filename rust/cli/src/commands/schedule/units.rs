//! The text of a job's systemd units and of its crontab line. Both run
//! `dkcloud schedule run NAME` with the environment the job was added in
//! (where its config and journals are); never a secret.

use super::every::Every;
use super::places::unit_name;
use std::path::Path;

/// What a scheduled run needs from the environment of `schedule add`: the
/// folders (always, resolved) and the non-secret `DKCLOUD_*` settings that
/// were set. Client secrets stay out: config.toml holds them for scheduled runs.
pub(crate) const CARRIED_VARIABLES: [&str; 7] = [
    "DKCLOUD_TOKEN_STORE",
    "DKCLOUD_EMULATOR",
    "DKCLOUD_CA_CERT",
    "DKCLOUD_ONEDRIVE_CLIENT_ID",
    "DKCLOUD_ONEDRIVE_TENANT",
    "DKCLOUD_DROPBOX_CLIENT_ID",
    "DKCLOUD_LOG",
];

pub(crate) struct RunCommand<'a> {
    pub(crate) exe: &'a Path,
    pub(crate) name: &'a str,
    pub(crate) environment: &'a [(String, String)],
}

pub(crate) fn service_unit(run: &RunCommand, what: &str) -> String {
    let mut text = format!(
        "# Written by `dkcloud schedule add`; `dkcloud schedule remove {name}` removes it.\n\
         [Unit]\n\
         Description=dkcloud scheduled upload {name}: {what}\n\
         Documentation=man:dkcloud-schedule(1)\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exe} schedule run {name}\n",
        name = run.name,
        what = specifiers_escaped(what),
        exe = systemd_word(&run.exe.to_string_lossy(), true),
    );
    for (key, value) in run.environment {
        text.push_str(&format!("Environment={}\n", systemd_word(&format!("{key}={value}"), false)));
    }
    text.push_str("Nice=10\nIOSchedulingClass=idle\n");
    text
}

pub(crate) fn timer_unit(name: &str, every: &Every) -> String {
    format!(
        "# Written by `dkcloud schedule add`; `dkcloud schedule remove {name}` removes it.\n\
         [Unit]\n\
         Description=dkcloud scheduled upload {name}, {when}\n\
         Documentation=man:dkcloud-schedule(1)\n\
         \n\
         [Timer]\n\
         OnCalendar={calendar}\n\
         Persistent={persistent}\n\
         Unit={service}\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n",
        when = specifiers_escaped(every.text()),
        calendar = every.text(),
        persistent = every.persistent(),
        service = unit_name(name, "service"),
    )
}

/// A crontab line; for a calendar expression its five time fields are left
/// for the user to write (cron cannot say everything OnCalendar= can).
pub(crate) fn cron_line(run: &RunCommand, every: &Every) -> String {
    let time = every.cron_time().unwrap_or("MIN HOUR DAY MONTH WEEKDAY");
    let mut words: Vec<String> = run.environment.iter().map(|(k, v)| format!("{k}={}", shell_word(v))).collect();
    words.push(shell_word(&run.exe.to_string_lossy()));
    words.extend(["schedule".into(), "run".into(), run.name.to_owned()]);
    // cron turns an unescaped % into a new line.
    let command = words.join(" ").replace('%', "\\%");
    format!("{time} {command} 2>&1 | logger -t dkcloud-upload-{}", run.name)
}

/// A double-quoted word for ExecStart= (`$` expands there) or Environment=.
fn systemd_word(text: &str, exec: bool) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '%' => out.push_str("%%"),
            '$' if exec => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn specifiers_escaped(text: &str) -> String {
    text.replace('%', "%%").replace('\n', " ")
}

fn shell_word(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_characters_stay_literal_in_units_and_cron() {
        let env = vec![("DKCLOUD_CONFIG_DIR".to_owned(), "/home/a b/100% \"x\"".to_owned())];
        let run = RunCommand { exe: Path::new("/opt/my $tools/dkcloud"), name: "n", environment: &env };
        let unit = service_unit(&run, "50% off");
        assert!(unit.contains("ExecStart=\"/opt/my $$tools/dkcloud\" schedule run n\n"), "{unit}");
        assert!(unit.contains("Environment=\"DKCLOUD_CONFIG_DIR=/home/a b/100%% \\\"x\\\"\"\n"), "{unit}");
        assert!(unit.contains("Description=dkcloud scheduled upload n: 50%% off\n"), "{unit}");
        let cron = cron_line(&run, &Every::Daily);
        assert_eq!(
            cron,
            "@daily DKCLOUD_CONFIG_DIR='/home/a b/100\\% \"x\"' '/opt/my $tools/dkcloud' schedule run n \
             2>&1 | logger -t dkcloud-upload-n"
        );
    }
}
