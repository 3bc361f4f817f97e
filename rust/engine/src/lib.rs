//! The dkcloud upload engine: everything the digiKam plugin and the `dkcloud`
//! command-line tool do, with no FFI and no Qt.
//!
//! Layout:
//! - [`endpoints`]: where each service lives (real, national cloud, or the emulator).
//! - [`auth`]: app registration, login flows, token refresh, token storage.
//! - [`http`]: the shared HTTP client and the retry pacer.
//! - [`onedrive`], [`dropbox`]: one folder per service, wire types apart.
//! - [`upload`]: jobs: planning, parallel transfers, resume journal, progress, cancel.

pub mod accounts;
pub mod auth;
pub mod dropbox;
pub mod config;
pub mod endpoints;
pub mod error;
pub mod http;
pub mod names;
pub mod onedrive;
pub mod remote;
pub mod upload;

pub use endpoints::{Endpoints, ServiceKind};
pub use error::{Error, ErrorKind, Result};
