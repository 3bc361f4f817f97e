//! A local OneDrive (Microsoft Graph) and Dropbox (API v2) server.
//!
//! One listener serves both services, told apart by path:
//! Microsoft identity under `/{tenant}/oauth2/v2.0/`, Graph under `/v1.0/`,
//! Dropbox OAuth under `/oauth2/`, Dropbox RPC and content under `/2/`.
//! Inspection endpoints for tests live under `/_emulator/` (see [`inspect`]);
//! the web pages the services' web addresses lead to under `/_web/onedrive/`
//! and `/home/` (see [`web`]). Absolute URLs handed out use the origin the
//! client reached (see [`origin`]).

#![warn(unreachable_pub)]
// Without the `testkit` feature the handlers' shared state that only tests
// reach (through `RunningEmulator::app`) is `pub` yet unreachable; the lint is
// meant for the builds where that path is compiled (clippy --all-targets, tests).
#![cfg_attr(not(feature = "testkit"), allow(unreachable_pub))]

// The modules stay private: `main.rs`, `dkcloud demo` and the tests of every
// crate use what is re-exported here, and the tests' extra reach goes through
// `testkit`.
mod addresses;
mod config;
mod dropbox;
mod faults;
mod graph;
mod graph_error;
mod hashing;
mod ids;
mod inspect;
mod links;
mod oauth;
mod origin;
mod persist;
mod ranged;
mod registrations;
mod scheduled;
mod server;
pub mod stand_in_browser;
mod stats;
mod store;
#[cfg(feature = "testkit")]
pub mod testkit;
mod tokens;
mod web;

pub use config::{Config, Consent, DriveType, Plan};
pub use ids::Service;

/// The one account both emulated services have.
pub const USER_NAME: &str = "Emulator User";
pub const USER_EMAIL: &str = "user@emulator.invalid";
pub const ONEDRIVE_DRIVE_ID: &str = "e1f0c0de0d51a3b7";
/// Dropbox account ids are `dbid:` and 35 characters, 40 in all (`users_common.AccountId`).
pub const DROPBOX_ACCOUNT_ID: &str = "dbid:AADkCloudEmulatorAccount00000000001";

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything the handlers share.
pub struct Emulator {
    pub config: Config,
    /// `http` or `https`.
    pub scheme: &'static str,
    pub tokens: tokens::TokenStore,
    pub store: store::Store,
    pub stats: stats::Stats,
    pub chaos: faults::Chaos,
    /// Faults asked for by `--fault`, at known points.
    pub scheduled: scheduled::ScheduledFaults,
    pub bandwidth: Option<faults::Bandwidth>,
    pub graph: graph::GraphState,
    pub dropbox: dropbox::DropboxState,
    /// Sharing links of both services.
    pub links: links::Links,
    pub oauth: oauth::OAuthState,
    /// The apps `--registrations` lists; `None`: every app is accepted.
    pub registrations: Option<registrations::Registrations>,
}

pub type App = Arc<Emulator>;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("cannot use the data folder {path}: {source}")]
    Data { path: PathBuf, source: std::io::Error },
    #[error("cannot load the TLS certificate or key: {0}")]
    Tls(std::io::Error),
    #[error("cannot use the registrations file {path}: {message}")]
    Registrations { path: PathBuf, message: String },
    #[error("{0}")]
    Fault(String),
}

/// A started emulator; dropping it does not stop it, call [`RunningEmulator::shutdown`].
pub struct RunningEmulator {
    addr: SocketAddr,
    scheme: &'static str,
    data_dir: PathBuf,
    temporary_data: bool,
    #[cfg_attr(not(feature = "testkit"), allow(dead_code))]
    app: App,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningEmulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (or `https://`).
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The handlers' shared state, for tests that reach inside (tokens, faults).
    #[cfg(feature = "testkit")]
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Stops listening and closes every open connection.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        if self.temporary_data {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

pub async fn start(config: Config) -> Result<RunningEmulator, StartError> {
    let registrations = match &config.registrations {
        Some(path) => Some(
            registrations::Registrations::load(path)
                .map_err(|message| StartError::Registrations { path: path.clone(), message })?,
        ),
        None => None,
    };
    let scheduled = scheduled::ScheduledFaults::parse(&config.faults).map_err(StartError::Fault)?;
    let (data_dir, temporary_data) = match &config.data {
        Some(d) => (d.clone(), false),
        None => (std::env::temp_dir().join(format!("dkcloud-emulator-{}", tokens::random_token(8))), true),
    };
    let data_err = |source| StartError::Data { path: data_dir.clone(), source };
    std::fs::create_dir_all(&data_dir).map_err(data_err)?;
    // Tokens, the signing key and the users' files: for the user alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o700)).map_err(data_err)?;
    }
    let data_dir = data_dir.canonicalize().map_err(data_err)?;
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(c), Some(k)) => Some(server::load_tls(c, k).map_err(StartError::Tls)?),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let store = store::Store::open(&data_dir, config.quota).map_err(data_err)?;
    let state_dir = store.state_dir().to_owned();
    let app: App = Arc::new(Emulator {
        tokens: tokens::TokenStore::open(&state_dir, config.static_token.clone(), config.token_lifetime)
            .map_err(data_err)?,
        graph: graph::GraphState::open(&config, &state_dir).map_err(data_err)?,
        dropbox: dropbox::DropboxState::open(&config, &state_dir).map_err(data_err)?,
        oauth: oauth::OAuthState::open(&config, &state_dir).map_err(data_err)?,
        links: links::Links::open(&state_dir).map_err(data_err)?,
        chaos: faults::Chaos::new(config.chaos_rate, config.chaos_seed),
        scheduled,
        bandwidth: config.bandwidth.map(faults::Bandwidth::new),
        stats: stats::Stats::default(),
        store,
        registrations,
        scheme,
        config: config.clone(),
    });
    let router = axum::Router::new()
        .merge(oauth::routes())
        .merge(graph::routes())
        .merge(dropbox::routes(&app))
        .merge(inspect::routes())
        .merge(web::routes())
        .merge(web::links::routes())
        .layer(axum::middleware::from_fn_with_state(app.clone(), faults::layer))
        .layer(axum::middleware::from_fn(graph::error::echo_client_request_id))
        .with_state(app.clone());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Listen { addr: config.listen, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: config.listen, source })?;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(server::serve(listener, tls, router, stop_rx));
    Ok(RunningEmulator { addr, scheme, data_dir, temporary_data, app, stop, task })
}
