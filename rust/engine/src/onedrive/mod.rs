//! OneDrive through Microsoft Graph (`/me/drive`): the service object and its
//! plumbing in `client`, the common trait in `service`, uploads in `upload`,
//! wire types in [`types`].

mod client;
mod links;
mod profile;
mod service;
pub mod types;
mod upload;

pub use client::OneDrive;
pub use profile::{DEFAULT_SCOPES, DEFAULT_TENANT, FRAGMENT_UNIT, PROFILE, SIMPLE_LIMIT};
pub use upload::fragment_size;
