//! The command line. `dkcloud --help` and each subcommand's `--help` are the
//! reference; README.md shows them in use.

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dkcloud",
    version,
    about = "Upload photos and folders to OneDrive and Dropbox: resumable, parallel, verified",
    after_help = "Exit codes: 0 all done, 1 some files failed, 2 usage error, 3 login needed or refused, 4 other error (a run stopped by Ctrl+C or SIGTERM too), 5 another run of this job is still going, 130 stopped at once by a second Ctrl+C or SIGTERM."
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Account to use when several are logged in (name, e-mail or id).
    #[arg(long, global = true)]
    pub(crate) account: Option<String>,
    /// Read CLIENTID, CLIENTSECRET, BLOCKSIZE, ACCESSTOKEN, REFRESHTOKEN from a
    /// OneDriveConnector-style .env file.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) env_file: Option<PathBuf>,
    /// Plain log lines instead of progress bars, even on a terminal.
    #[arg(long, global = true)]
    pub(crate) no_progress: bool,
    /// More detail: what a run is about to do (-v), and each retry and token refresh (-vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub(crate) verbose: u8,
    /// Only errors: no progress, no line for a file that went well, no summary.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Write the log (with times, and each file's line and the summary) to FILE, appending.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Log in to a service in the browser (or with a device code).
    Login(LoginArgs),
    /// Register an app of your own with a service, step by step, and test it.
    Setup(SetupArgs),
    /// Forget a stored login (all accounts of a service when none is named).
    Logout {
        #[arg(value_enum)]
        service: Option<ServiceArg>,
    },
    /// List the stored logins.
    Accounts {
        /// One JSON object listing the accounts instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List a remote folder, e.g. `onedrive:/Photos`.
    Ls {
        remote: String,
        /// One JSON object listing the entries (name, path, folder, size, hash) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Compare local files with their copies on a service, by size and the service's hash.
    Check(CheckArgs),
    /// Create a remote folder and its missing parents.
    Mkdir { remote: String },
    /// Upload files or folders (recursively, structure kept) to a remote folder.
    Upload(UploadArgs),
    /// Print a link to a remote file or folder that works without signing in.
    Link(LinkArgs),
    /// Resize and re-encode photos into a folder, as `upload --resize` would send them.
    Prepare(PrepareArgs),
    /// List unfinished upload jobs (killed, crashed, cancelled or with failed files).
    Jobs(JobsArgs),
    /// Continue an unfinished upload job (the only one when no id is given).
    Resume(ResumeArgs),
    /// Upload files or folders on a schedule: systemd user timers (or cron).
    Schedule(ScheduleArgs),
    /// Write the man pages and shell completions into DIR (for packages).
    #[command(hide = true)]
    GenerateDocs { dir: PathBuf },
    /// Start an embedded emulator, make sample photos, upload them to both services.
    Demo {
        /// Keep the emulator's data in this folder instead of a temporary one.
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ServiceArg {
    Onedrive,
    Dropbox,
}

#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    #[arg(value_enum)]
    pub(crate) service: ServiceArg,
    /// OneDrive only: sign in on another device with a short code.
    #[arg(long)]
    pub(crate) device_code: bool,
    /// Print the sign-in address instead of opening a browser.
    #[arg(long)]
    pub(crate) no_browser: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SetupArgs {
    #[arg(value_enum)]
    pub(crate) service: ServiceArg,
    /// The app's id (OneDrive: Application (client) ID; Dropbox: App key); asked for when absent.
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: Option<String>,
    /// OneDrive only: the tenant to sign in at (common, consumers, organizations or a tenant id).
    #[arg(long)]
    pub(crate) tenant: Option<String>,
    /// Print addresses instead of opening the browser.
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// Check the registration with the service, but do not sign in.
    #[arg(long)]
    pub(crate) no_login: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ConflictArg {
    /// Keep both: the new file gets a new name.
    Rename,
    /// Overwrite the remote file.
    Replace,
    /// Leave a different remote file of that name alone (the local file is not stored).
    Skip,
    /// Report the file as failed.
    Fail,
}

/// `Serialize` gives `dkcloud schedule` the upload's own arguments back
/// (commands/schedule/upload_argv.rs), so a stored job is checked by this same parser.
#[derive(Debug, Clone, Args, Serialize)]
#[command(after_help = "Filters (see docs/cli.md): patterns are rclone-style globs matched against the path \
    relative to the folder being uploaded: * within a name, ** across folders, ?, [a-z], {a,b}; a leading / \
    anchors at that folder, a trailing / means a folder (not entered when excluded). The first matching rule \
    decides, in this order: digiKam's own files (its databases digikam4.db, thumbnails-digikam.db, \
    recognition.db, similarity.db with their -wal/-shm/-journal files, and its .dtrash/ trash), \
    --exclude-from, --exclude, --include; with any --include, files no include matches are left out. \
    --dry-run lists every file left out and why.")]
pub(crate) struct UploadArgs {
    /// Files or folders, then the destination (`onedrive:/path` or `dropbox:/path`).
    #[arg(required = true, num_args = 2.., value_name = "PATH... REMOTE")]
    pub(crate) paths: Vec<String>,
    /// Files uploaded in parallel.
    #[arg(long, default_value_t = dkcloud_engine::upload::DEFAULT_JOBS as u32, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub(crate) jobs: u32,
    /// Size of each upload request for large files, e.g. 10M, 48MiB.
    #[arg(long, value_parser = parse_size)]
    pub(crate) chunk_size: Option<u64>,
    /// What to do when a different file of that name exists (identical files are never sent again)
    /// [default: rename; for `schedule add`: replace].
    #[arg(long, value_enum)]
    pub(crate) on_conflict: Option<ConflictArg>,
    #[command(flatten)]
    #[serde(flatten)]
    pub(crate) filters: FilterArgs,
    /// Show what would be uploaded, upload nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Send at most RATE bytes per second in all, whatever --jobs is (e.g. 512K, 2M: binary units),
    /// or by local time of day: "08:00,512K 23:00,off".
    #[arg(long, value_name = "RATE", value_parser = parse_bwlimit)]
    pub(crate) bwlimit: Option<String>,
    /// One JSON object per line (events and a summary) instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// After the upload, print a view link to the destination folder (also in the JSON summary).
    #[arg(long, conflicts_with = "dry_run")]
    pub(crate) link: bool,
    #[command(flatten)]
    #[serde(flatten)]
    pub(crate) photo: PhotoArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Without --edit the link lets people view (and download); with it, edit.\n\
    --password takes the password from DKCLOUD_LINK_PASSWORD when it is set, else asks for it twice \
    on the terminal without echo; with neither it is a usage error. Expiry and passwords need a paid \
    plan on both services.\n\
    If the item already has a link, the service returns that one; dkcloud says so, and says where \
    its settings differ from what was asked.")]
pub(crate) struct LinkArgs {
    /// The file or folder, e.g. `onedrive:/Photos/Trip` or `dropbox:/Photos/a.jpg`.
    pub(crate) remote: String,
    /// Let people with the link edit, not only view.
    #[arg(long)]
    pub(crate) edit: bool,
    /// When the link stops working: an RFC 3339 time (2026-12-31T18:00:00+01:00), a date
    /// (2026-12-31: the end of that day, UTC), or a duration from now (30m, 12h, 7d, 2w).
    #[arg(long, value_name = "WHEN", value_parser = crate::expiry::parse)]
    pub(crate) expires: Option<chrono::DateTime<chrono::Utc>>,
    /// Protect the link with a password (asked for, never taken from the command line).
    #[arg(long)]
    pub(crate) password: bool,
    /// Print a JSON object (url, access, expires, password, reused) instead of the address.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Which files an upload or a check leaves out (docs/cli.md, "Filters").
#[derive(Debug, Clone, Args, Serialize)]
pub(crate) struct FilterArgs {
    /// Take only files matching PATTERN (repeatable; the others are left out).
    #[arg(long, value_name = "PATTERN")]
    pub(crate) include: Vec<String>,
    /// Leave out files (or, with a trailing /, folders) matching PATTERN (repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub(crate) exclude: Vec<String>,
    /// Leave out what the patterns in FILE match: one a line, # or ; starts a comment (repeatable).
    #[arg(long, value_name = "FILE")]
    pub(crate) exclude_from: Vec<PathBuf>,
    /// Also take digiKam's databases and their journals and its .dtrash trash (left out by default).
    #[arg(long)]
    pub(crate) no_default_excludes: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "The same paths as the upload: `dkcloud check ~/Pictures onedrive:/Backup` checks \
    ~/Pictures against onedrive:/Backup/Pictures. Missing: a local file with no copy; different: another \
    size, or the same size and another hash (OneDrive quickXorHash, Dropbox content_hash); extra: a file \
    on the service under a checked folder with no local file. Exit 0 when everything matches and nothing \
    is extra, 1 otherwise. The same filters as the upload apply (digiKam's own files are left out by \
    default). Photos uploaded with --resize differ by design.")]
pub(crate) struct CheckArgs {
    /// Files or folders, then the remote folder they were uploaded to.
    #[arg(required = true, num_args = 2.., value_name = "PATH... REMOTE")]
    pub(crate) paths: Vec<String>,
    /// One JSON object (counts and the lists) instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) filters: FilterArgs,
}

/// Photo preparation; without any of these, files are uploaded as they are.
#[derive(Debug, Clone, Args, Serialize)]
pub(crate) struct PhotoArgs {
    /// Shrink photos so their longest side is at most PX pixels (never enlarges).
    #[arg(long, value_name = "PX", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "original")]
    pub(crate) resize: Option<u32>,
    /// JPEG quality of re-encoded photos, 1 to 100 [default: 90 when re-encoding].
    #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u8).range(1..=100), conflicts_with = "original")]
    pub(crate) quality: Option<u8>,
    /// Upload every file untouched, bit for bit (the default when no option above is given).
    #[arg(long)]
    pub(crate) original: bool,
    /// Remove every location field from re-encoded photos (EXIF GPS; XMP, extended XMP and IPTC place names).
    #[arg(long, conflicts_with = "original")]
    pub(crate) strip_location: bool,
}

impl PhotoArgs {
    /// `None`: upload files untouched.
    pub(crate) fn options(&self) -> Option<dkcloud_engine::upload::PrepareOptions> {
        if self.original || (self.resize.is_none() && self.quality.is_none() && !self.strip_location) {
            return None;
        }
        Some(dkcloud_engine::upload::PrepareOptions {
            resize: self.resize,
            quality: self.quality.unwrap_or(90),
            original: false,
            strip_location: self.strip_location,
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct JobsArgs {
    /// One JSON object listing the jobs instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Forget this unfinished job: cancel its open upload sessions on the
    /// service, delete its journal (the files it stored stay).
    #[arg(long, value_name = "ID")]
    pub(crate) discard: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ResumeArgs {
    /// The job's id as `dkcloud jobs` shows it (a unique beginning is enough).
    pub(crate) id: Option<String>,
    /// Send at most RATE bytes per second in all (e.g. 512K, 2M, or "08:00,512K 23:00,off").
    #[arg(long, value_name = "RATE", value_parser = parse_bwlimit)]
    pub(crate) bwlimit: Option<String>,
    /// One JSON object per line (events and a summary) instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PrepareArgs {
    /// Folder for the prepared files (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: std::path::PathBuf,
    /// Photos to prepare.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<std::path::PathBuf>,
    #[command(flatten)]
    pub(crate) photo: PhotoArgs,
}

/// A `--bwlimit` that [`bandwidth`] reads, kept as written (a schedule stores it so).
pub(crate) fn parse_bwlimit(s: &str) -> Result<String, String> {
    bandwidth(s).map(|_| s.trim().to_owned())
}

/// `--bwlimit`'s rate or timetable.
pub(crate) fn bandwidth(s: &str) -> Result<dkcloud_engine::BandwidthTable, String> {
    dkcloud_engine::BandwidthTable::parse(s, parse_size)
}

/// `10M`, `10MiB`, `10MB` (all binary), `327680`.
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits_end);
    let n: u64 = num.parse().map_err(|_| format!("'{s}' is not a size (try 10M or 48MiB)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit '{other}' in '{s}'")),
    };
    n.checked_mul(mult).filter(|v| *v > 0).ok_or_else(|| format!("'{s}' is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_as_binary_units() {
        assert_eq!(parse_size("10M").unwrap(), 10 << 20);
        assert_eq!(parse_size("48MiB").unwrap(), 48 << 20);
        assert_eq!(parse_size("327680").unwrap(), 327_680);
        assert!(parse_size("ten").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("5X").is_err());
    }
}

// ---------------------------------------------------------------- dkcloud schedule

#[derive(Debug, Args)]
pub(crate) struct ScheduleArgs {
    #[command(subcommand)]
    pub(crate) action: Action,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Action {
    /// Upload files or folders on a schedule: writes the job and a systemd user
    /// timer and service (or, with --cron, prints a crontab line).
    Add(AddArgs),
    /// List the scheduled uploads: what, where, when, the last and next run.
    List {
        /// One JSON object listing the jobs instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove a scheduled upload: its timer, service and job file.
    Remove {
        /// The job's name (see `dkcloud schedule list`).
        name: String,
    },
    /// Run a scheduled upload now; its timer runs this. A run of a job that is
    /// still running exits at once with code 5.
    Run {
        /// The job's name (see `dkcloud schedule list`).
        name: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// When to run: hourly, daily, weekly, or a systemd calendar expression
    /// (OnCalendar=, e.g. "Mon..Fri 02:30" or "*-*-* 04:00:00"; see systemd.time(7)).
    #[arg(long, value_name = "WHEN")]
    pub(crate) every: String,
    /// The job's name: letters, digits, '-' and '_' [default: made from the
    /// first path and the remote, so adding the same job again replaces it].
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Write no systemd units: print the crontab line that runs the job instead.
    #[arg(long)]
    pub(crate) cron: bool,
    #[command(flatten)]
    pub(crate) upload: UploadArgs,
}
