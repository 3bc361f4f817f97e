//! The dkcloud upload engine: everything the digiKam plugin and the `dkcloud`
//! command-line tool do, with no FFI and no Qt.
//!
//! The modules are private; this file is the facade: what the CLI and the
//! plugin's bridge use is re-exported below (see docs/architecture.md).
//!
//! Layout, lowest first (a module only uses those above it):
//! - `service`, `error`: which service; what went wrong.
//! - primitives: `fsio` (local file errors, private files), `hashing`,
//!   `stamp`, `token` (what a service object asks for its requests),
//!   `profile` (what a service profile holds), `endpoints`, `names`,
//!   [`sharing`] (what a sharing link is asked to be, and what it is),
//!   [`registration`] (the built-in app registrations, what a refusal of one means).
//! - `http`: the shared client, the retry pacer, the watchdog, file bodies.
//! - `remote`: the trait every service implements, and remote paths.
//! - [`config`]: config.toml and the environment.
//! - `onedrive`, `dropbox`: one folder per service: wire types, client,
//!   uploads and the service's profile; `services` finds them by kind.
//! - [`auth`]: app registration, login flows, token refresh and storage, accounts.
//! - [`upload`]: jobs: planning, parallel transfers, resume journal, progress, cancel.
//! - `session`: one service and account for a front end: the API the CLI,
//!   the demo and the plugin's bridge use; `resume` adds resuming and
//!   discarding unfinished jobs to it, [`verify`] checking a backup against the service.

#![warn(unreachable_pub)]
// Without the `testing` facade the items only the engine's own tests reach
// are `pub` yet unreachable; the lint is meant for builds where that facade
// is compiled (`cargo clippy --all-targets`, the tests).
#![cfg_attr(not(feature = "testing"), allow(unreachable_pub))]

// The modules stay private: what front ends use is re-exported below, and
// the compiler sees everything else as the crate's own (and its dead code).
pub mod auth;
pub mod config;
mod dropbox;
mod endpoints;
mod error;
mod fsio;
mod hashing;
mod http;
mod names;
mod onedrive;
mod profile;
pub mod registration;
mod remote;
mod resume;
mod service;
mod services;
mod session;
pub mod sharing;
mod stamp;
mod token;
pub mod upload;
pub mod verify;

#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing;

pub use endpoints::Endpoints;
pub use http::{limit_uploads, BandwidthTable};
pub use error::{Error, ErrorKind, Result};
pub use names::DistinctNames;
pub use remote::RemoteEntry;
pub use resume::Discarded;
pub use service::ServiceKind;
pub use session::{LoginStep, Session, TreeLimits};
