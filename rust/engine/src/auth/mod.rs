//! App registration, login flows, token refresh and token storage.
//!
//! - [`OAuthApp`]: one service's registration and OAuth URLs (from [`crate::config`]).
//! - [`Login`]: browser + loopback, paste-the-code, and device code logins.
//! - [`Credentials`]: the refreshing [`TokenProvider`] of a saved account.
//! - [`SecretStore`]: the Secret Service or a 0600 file; the account list is [`Accounts`].
//! - [`EnvFile`]: importing an OneDriveConnector-style `.env`.

mod accounts;
mod app;
mod authorize;
mod browser;
mod device;
mod env_file;
mod identity;
mod login;
mod logout;
mod loopback;
mod page;
mod preflight;
mod credentials;
mod store;
mod store_file;
mod store_keyring;
mod token_client;
mod tokens;

pub use accounts::{Account, Accounts};
pub use app::OAuthApp;
pub use browser::{SystemBrowser, UrlOpener};
pub use device::DeviceCodePrompt;
pub use env_file::EnvFile;
pub use identity::{fetch_account, AccountInfo};
pub use login::{BrowserLogin, Login, LoginOutcome, PasteLogin};
pub use logout::{logout, LogoutReport};
pub use credentials::{Credentials, REFRESH_MARGIN};
pub use store::{SecretStore, StoreLocation};
pub use tokens::TokenSet;
