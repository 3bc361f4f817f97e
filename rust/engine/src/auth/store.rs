//! Where token secrets live: the desktop Secret Service (KWallet and GNOME
//! Keyring both serve it) or, without one, a file readable by the owner only.
//! The account list itself holds no secrets (see [`super::Accounts`]).

use super::store_file::FileStore;
use super::store_keyring::KeyringStore;
use super::TokenSet;
use crate::config::{Paths, StoreKind};
use crate::{Result, ServiceKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Where one account's secrets actually went (recorded in the account list,
/// so that a later run looks in the same place even when `auto` would now
/// choose differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreLocation {
    Keyring,
    File,
}

/// How long `auto` waits for a Secret Service to answer before using the file.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// One of the two stores.
#[derive(Debug)]
pub enum SecretStore {
    Keyring(KeyringStore),
    File(FileStore),
}

impl SecretStore {
    /// The store `kind` asks for; `auto` probes the Secret Service.
    pub async fn open(kind: StoreKind, paths: &Paths) -> Result<Self> {
        match kind {
            StoreKind::File => Ok(Self::File(FileStore::new(paths.tokens_file()))),
            StoreKind::Keyring => Ok(Self::Keyring(KeyringStore::connect().await?)),
            StoreKind::Auto => match KeyringStore::probe(PROBE_TIMEOUT).await {
                Some(k) => Ok(Self::Keyring(k)),
                None => {
                    tracing::info!("no Secret Service answered; keeping tokens in {}", paths.tokens_file().display());
                    Ok(Self::File(FileStore::new(paths.tokens_file())))
                }
            },
        }
    }

    /// The store an account's secrets were saved in.
    pub async fn at(location: StoreLocation, paths: &Paths) -> Result<Self> {
        match location {
            StoreLocation::File => Self::open(StoreKind::File, paths).await,
            StoreLocation::Keyring => Self::open(StoreKind::Keyring, paths).await,
        }
    }

    pub fn location(&self) -> StoreLocation {
        match self {
            Self::Keyring(_) => StoreLocation::Keyring,
            Self::File(_) => StoreLocation::File,
        }
    }

    pub async fn load(&self, service: ServiceKind, account_id: &str) -> Result<Option<TokenSet>> {
        match self {
            Self::Keyring(k) => k.load(service, account_id).await,
            Self::File(f) => f.load(service, account_id),
        }
    }

    pub async fn save(&self, service: ServiceKind, account_id: &str, tokens: &TokenSet) -> Result<()> {
        match self {
            Self::Keyring(k) => k.save(service, account_id, tokens).await,
            Self::File(f) => f.save(service, account_id, tokens),
        }
    }

    /// Removes an account's secrets; absent secrets are not an error.
    pub async fn delete(&self, service: ServiceKind, account_id: &str) -> Result<()> {
        match self {
            Self::Keyring(k) => k.delete(service, account_id).await,
            Self::File(f) => f.delete(service, account_id),
        }
    }
}
