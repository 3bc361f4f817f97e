//! Command-line options, also the configuration tests build directly.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Consent {
    /// The authorize endpoints consent at once and redirect with a code.
    #[default]
    Allow,
    /// The authorize endpoints answer with the documented `access_denied`.
    Deny,
}

/// What the account pays for, which decides the sharing-link settings it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// Dropbox Basic, OneDrive without Microsoft 365: links without expiry or password.
    #[default]
    Free,
    /// Dropbox Plus/Professional, OneDrive with Microsoft 365: expiry and passwords allowed.
    Premium,
}

/// The OneDrive drive's kind (Graph's `drive.driveType`), which decides the
/// sharing links it makes (driveitem-createlink).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum DriveType {
    /// A personal Microsoft account's OneDrive.
    #[default]
    Personal,
    /// A work or school account's OneDrive (OneDrive for Business).
    Business,
}

impl DriveType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Business => "business",
        }
    }
}

#[derive(Debug, Clone, clap::Parser)]
#[command(name = "dkcloud-emulator", version, about = "A local OneDrive and Dropbox server for tests and offline use")]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Folder for stored files and state; a temporary folder when absent.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Also write the address it listens on (`http://127.0.0.1:PORT`) to this
    /// file once it accepts connections, for scripts that start it in the background.
    #[arg(long, value_name = "FILE")]
    pub address_file: Option<PathBuf>,
    /// PEM certificate chain: serve HTTPS instead of HTTP.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// A bearer token that is always valid for both services.
    #[arg(long)]
    pub static_token: Option<String>,
    /// Delay added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Cap on the total upload rate over all connections (bytes per second).
    #[arg(long)]
    pub bandwidth: Option<u64>,
    /// Share of requests (0.0 to 1.0) that get an injected, documented failure.
    #[arg(long, default_value_t = 0.0)]
    pub chaos_rate: f64,
    /// Seed that makes the chaos sequence repeatable.
    #[arg(long, default_value_t = 1)]
    pub chaos_seed: u64,
    /// A documented transient answer at a known point, `KIND[=COUNT]` (repeatable):
    /// too-many-write-operations, batch-entry-contention, create-folder-contention,
    /// empty-next-expected-ranges, damaged-chunk (see `scheduled.rs`).
    #[arg(long = "fault", value_name = "KIND[=COUNT]")]
    pub faults: Vec<String>,
    /// How long a "stalled" chaos response hangs before the connection is dropped.
    #[arg(long, default_value_t = 10_000)]
    pub stall_ms: u64,
    /// Host name for OneDrive upload URLs, which the service issues on a host other
    /// than Graph's (docs: `https://sn3302.up.1drv.com/up/...`); the emulator answers
    /// it on the same port. `upload.localhost` needs no hosts entry with a client
    /// that resolves `*.localhost` as loopback (RFC 6761). Absent: the other name of
    /// the loopback address the client used (`localhost` for `127.0.0.1`, and back),
    /// else the Graph host.
    #[arg(long, value_name = "NAME")]
    pub upload_host: Option<String>,
    /// Largest body OneDrive's simple upload (PUT .../content) accepts.
    #[arg(long, default_value_t = 4 * 1024 * 1024)]
    pub simple_upload_limit: u64,
    /// What the authorize endpoints do.
    #[arg(long, value_enum, default_value_t = Consent::Allow)]
    pub consent: Consent,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub token_lifetime: u64,
    /// Spend a Microsoft refresh token when it is used. Microsoft documents that it
    /// does not revoke an old refresh token when it issues a new one
    /// (identity platform, "Refresh tokens"), so by default an old one stays valid;
    /// this is for tests of clients that must keep only the newest.
    #[arg(long)]
    pub strict_refresh_rotation: bool,
    /// Storage quota per service, in bytes.
    #[arg(long, default_value_t = 1 << 40)]
    pub quota: u64,
    /// Lifetime of upload sessions, in seconds.
    #[arg(long, default_value_t = 7 * 24 * 3600)]
    pub session_lifetime: u64,
    /// Lifetime of Microsoft device codes (`expires_in` of the devicecode endpoint), in seconds.
    #[arg(long, default_value_t = 900)]
    pub device_code_lifetime: u64,
    /// The account's plan on both services (sharing links with expiry or password need premium).
    #[arg(long, value_enum, default_value_t = Plan::Free)]
    pub plan: Plan,
    /// The OneDrive account's kind: `personal`, or `business` (work or school).
    #[arg(long, value_enum, default_value_t = DriveType::Personal)]
    pub drive_type: DriveType,
    /// With `--drive-type business`: the organisation's administrator has
    /// turned off links that anyone can open (`anonymous` scope).
    #[arg(long)]
    pub no_anonymous_links: bool,
    /// The Dropbox account is a team member's in a team space: its root
    /// namespace is the team's, its home folder `/<user name>` in it
    /// (`users/get_current_account`'s `root_info` with `home_path`).
    #[arg(long)]
    pub dropbox_team_space: bool,
    /// A TOML file of app registrations: only the apps it lists may log in, with the
    /// redirect URIs, account types and permissions registered (see `registrations.rs`).
    #[arg(long)]
    pub registrations: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:0".parse().expect("literal address"),
            data: None,
            address_file: None,
            tls_cert: None,
            tls_key: None,
            static_token: None,
            latency_ms: 0,
            bandwidth: None,
            chaos_rate: 0.0,
            chaos_seed: 1,
            faults: Vec::new(),
            stall_ms: 10_000,
            upload_host: None,
            simple_upload_limit: 4 * 1024 * 1024,
            consent: Consent::Allow,
            token_lifetime: 3600,
            strict_refresh_rotation: false,
            quota: 1 << 40,
            session_lifetime: 7 * 24 * 3600,
            device_code_lifetime: 900,
            plan: Plan::Free,
            drive_type: DriveType::Personal,
            no_anonymous_links: false,
            dropbox_team_space: false,
            registrations: None,
        }
    }
}
