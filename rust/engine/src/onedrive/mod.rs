//! OneDrive through Microsoft Graph (`/me/drive`): the service object and its
//! plumbing in `client`, the common trait in `service`, uploads in `upload`,
//! wire types in [`types`].

pub(crate) mod client;
mod links;
mod profile;
mod service;
pub(crate) mod types;
pub(crate) mod upload;

pub(crate) use client::OneDrive;
pub(crate) use profile::{DEFAULT_SCOPES, DEFAULT_TENANT, PROFILE};
