//! App registration, login flows, token refresh and token storage.
//!
//! - [`OAuthApp`]: one service's registration and OAuth URLs (from [`crate::config`]).
//! - [`Login`]: browser + loopback, paste-the-code, and device code logins.
//! - [`Credentials`]: the refreshing [`TokenProvider`] of a saved account.
//! - [`SecretStore`]: the Secret Service or a 0600 file; the account list is [`Accounts`].
//! - [`EnvFile`]: importing an OneDriveConnector-style `.env`.

mod accounts;
pub(crate) mod app;
mod authorize;
mod browser;
mod device;
mod env_file;
pub(crate) mod identity;
pub(crate) mod login;
pub(crate) mod logout;
mod loopback;
mod page;
mod preflight;
pub(crate) mod credentials;
pub(crate) mod store;
mod store_file;
mod store_keyring;
mod token_client;
pub(crate) mod tokens;

// What front ends use:
pub use accounts::{Account, Accounts};
pub use browser::{SystemBrowser, UrlOpener};
pub use env_file::EnvFile;
pub use logout::LogoutReport;
pub use store::SecretStore;

// The engine's own:
pub(crate) use app::OAuthApp;
pub(crate) use device::DeviceCodePrompt;
pub(crate) use login::{BrowserLogin, Login, LoginOutcome, PasteLogin};
pub(crate) use logout::logout;
pub(crate) use credentials::Credentials;
pub(crate) use store::StoreLocation;
pub(crate) use tokens::TokenSet;
