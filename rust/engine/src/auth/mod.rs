//! App registration, login flows, token refresh and token storage.
//!
//! - [`OAuthApp`]: one service's registration and OAuth URLs (from [`crate::config`]).
//! - [`Login`]: browser + loopback, paste-the-code, and device code logins.
//! - [`Credentials`]: the refreshing [`TokenProvider`] of a saved account.
//! - [`SecretStore`]: the Secret Service or a 0600 file; the account list is [`crate::accounts`].
//! - [`EnvFile`]: importing an OneDriveConnector-style `.env`.

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
mod provider;
mod session;
mod store;
mod store_file;
mod store_keyring;
mod token_client;
mod tokens;

pub use app::OAuthApp;
pub(crate) use app::login_command;
pub use browser::{SystemBrowser, UrlOpener};
pub use device::DeviceCodePrompt;
pub use env_file::EnvFile;
pub use identity::{fetch_account, AccountInfo};
pub use login::{BrowserLogin, Login, LoginOutcome, PasteLogin};
pub use logout::{logout, LogoutReport};
pub use provider::{StaticToken, TokenProvider};
pub use session::{Credentials, REFRESH_MARGIN};
pub use store::{SecretStore, StoreKind, StoreLocation};
pub(crate) use store_file::write_atomic_private;
pub use tokens::TokenSet;
