//! Dropbox API v2: the service object and the common trait in `service`,
//! HTTP plumbing in `client`, uploads in `upload`, batched commits in
//! [`batch`], wire types in [`types`].

pub(crate) mod batch;
mod client;
mod concurrent;
mod links;
mod profile;
pub(crate) mod service;
pub(crate) mod types;
mod upload;

pub(crate) use profile::{DEFAULT_REDIRECT_PORT, PROFILE};
pub(crate) use service::Dropbox;
