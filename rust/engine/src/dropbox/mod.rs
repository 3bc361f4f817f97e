//! Dropbox API v2: the service object and the common trait in `service`,
//! HTTP plumbing in `client`, uploads in `upload`, batched commits in
//! [`batch`], wire types in [`types`].

pub mod batch;
mod client;
mod concurrent;
mod links;
mod profile;
mod service;
pub mod types;
mod upload;

pub use client::header_arg;
pub use profile::{CHUNK_UNIT, DEFAULT_REDIRECT_PORT, PROFILE};
pub use service::Dropbox;
pub use upload::chunk_size;
