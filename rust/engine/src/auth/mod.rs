//! App registration, login flows, token refresh and token storage.

mod provider;

pub use provider::{StaticToken, TokenProvider};
