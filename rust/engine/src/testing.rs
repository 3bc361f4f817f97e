//! What the engine's own integration tests (`rust/engine/tests/`) reach that
//! no front end uses: the service clients behind the [`Remote`](remote::Remote)
//! trait, the HTTP layer, login flows step by step, the token store.
//!
//! Compiled only with the cargo feature `testing`, which only the engine's
//! dev-dependency on itself turns on: the CLI and the plugin's bridge never
//! see it (`cargo tree -e features -i dkcloud-engine` shows no `testing` for
//! them). Each group mirrors the engine module it comes from.

pub mod auth {
    pub use crate::auth::credentials::Credentials;
    pub use crate::auth::identity::AccountInfo;
    pub use crate::auth::login::{BrowserLogin, Login, LoginOutcome};
    pub use crate::auth::logout::logout;
    pub use crate::auth::store::StoreLocation;
    pub use crate::auth::tokens::TokenSet;
    pub use crate::auth::app::OAuthApp;
}

pub mod dropbox {
    pub use crate::dropbox::service::Dropbox;
}

pub mod http {
    pub use crate::http::pacer::PacerConfig;
    pub use crate::http::{client, Http, HttpOptions, Resolver};
}

pub mod onedrive {
    pub use crate::onedrive::client::OneDrive;
    pub use crate::onedrive::upload::fragment_size;
}

pub mod remote {
    pub use crate::remote::{list_all, OpenSession, Remote, UploadObserver, UploadSpec, Uploaded, WireConflict};
}

pub mod stamp {
    pub use crate::stamp::FileStamp;
}

pub mod token {
    pub use crate::token::{StaticToken, TokenProvider};
}

pub mod upload {
    pub use crate::upload::record::record_path;
    pub use crate::upload::report::NoEvents;
}
