//! The dkcloud upload engine: everything the digiKam plugin and the `dkcloud`
//! command-line tool do, with no FFI and no Qt.
//!
//! Layout, lowest first (a module only uses those above it):
//! - [`service`], [`error`]: which service; what went wrong.
//! - primitives: [`fsio`] (local file errors, private files), [`hashing`],
//!   [`stamp`], [`token`] (what a service object asks for its requests),
//!   [`profile`] (what a service profile holds), [`endpoints`], [`names`],
//!   [`sharing`] (what a sharing link is asked to be, and what it is),
//!   [`registration`] (the built-in app registrations, what a refusal of one means).
//! - [`http`]: the shared client, the retry pacer, the watchdog, file bodies.
//! - [`remote`]: the trait every service implements, and remote paths.
//! - [`config`]: config.toml and the environment.
//! - [`onedrive`], [`dropbox`]: one folder per service: wire types, client,
//!   uploads and the service's profile; [`services`] finds them by kind.
//! - [`auth`]: app registration, login flows, token refresh and storage, accounts.
//! - [`upload`]: jobs: planning, parallel transfers, resume journal, progress, cancel.
//! - [`session`]: one service and account for a front end: the API the CLI,
//!   the demo and the plugin's bridge use; [`resume`] adds resuming and
//!   discarding unfinished jobs to it, [`verify`] checking a backup against the service.

pub mod auth;
pub mod config;
pub mod dropbox;
pub mod endpoints;
pub mod error;
pub(crate) mod fsio;
pub mod hashing;
pub mod http;
pub mod names;
pub mod onedrive;
pub mod profile;
pub mod registration;
pub mod remote;
pub mod resume;
pub mod service;
pub mod services;
pub mod session;
pub mod sharing;
pub mod stamp;
pub mod token;
pub mod upload;
pub mod verify;

pub use endpoints::Endpoints;
pub use http::{limit_uploads, BandwidthTable};
pub use error::{Error, ErrorKind, Result};
pub use service::ServiceKind;
pub use resume::Discarded;
pub use session::{LoginStep, Session, TreeLimits};
