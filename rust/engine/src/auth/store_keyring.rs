//! Token secrets in the desktop Secret Service (org.freedesktop.secrets), over
//! D-Bus with the pure-Rust `secret-service` crate, so no system library is
//! needed. One item per account, found by its attributes; the secret is the
//! account's [`TokenSet`] as JSON.

use super::tokens::secret_key;
use super::TokenSet;
use crate::{Error, Result, ServiceKind};
use secret_service::{EncryptionType, SecretService};
use std::collections::HashMap;
use std::time::Duration;

/// Each call gets this long: a Secret Service that hangs (a locked KWallet
/// waiting for a password nobody types) must not hang an upload forever.
/// Unlocking may need the user, so it is generous.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug)]
pub struct KeyringStore {
    _private: (),
}

fn keyring_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Config(format!(
        "the desktop Secret Service (keyring) failed to {what}: {e}; set DKCLOUD_TOKEN_STORE=file to keep tokens in a file instead"
    ))
}

async fn timed<T>(what: &str, limit: Duration, fut: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(limit, fut).await.unwrap_or_else(|_| Err(keyring_error(what, "no answer in time")))
}

fn attributes(key: &str) -> HashMap<&str, &str> {
    HashMap::from([("application", "dkcloud"), ("dkcloud-account", key)])
}

impl KeyringStore {
    /// Connects (and checks that a default collection exists), or says why not.
    pub async fn connect() -> Result<Self> {
        timed("answer", CALL_TIMEOUT, async {
            let ss = SecretService::connect(EncryptionType::Dh).await.map_err(|e| keyring_error("answer", e))?;
            ss.get_default_collection().await.map_err(|e| keyring_error("open the default collection", e))?;
            Ok(Self { _private: () })
        })
        .await
    }

    /// A store if a Secret Service answers within `limit`, else `None`.
    pub async fn probe(limit: Duration) -> Option<Self> {
        // No session bus at all (a server, a container, CI): do not even try.
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty()) {
            return None;
        }
        match tokio::time::timeout(limit, Self::connect()).await {
            Ok(Ok(store)) => Some(store),
            Ok(Err(e)) => {
                tracing::debug!("Secret Service not usable: {e}");
                None
            }
            Err(_) => None,
        }
    }

    pub async fn load(&self, service: ServiceKind, account_id: &str) -> Result<Option<TokenSet>> {
        let key = secret_key(service, account_id);
        timed("read a token", CALL_TIMEOUT, async {
            let ss = SecretService::connect(EncryptionType::Dh).await.map_err(|e| keyring_error("answer", e))?;
            let found = ss.search_items(attributes(&key)).await.map_err(|e| keyring_error("search", e))?;
            let Some(item) = found.unlocked.first().or(found.locked.first()) else {
                return Ok(None);
            };
            item.ensure_unlocked().await.map_err(|e| keyring_error("unlock", e))?;
            let secret = item.get_secret().await.map_err(|e| keyring_error("read a token", e))?;
            // Described without the secret's content.
            serde_json::from_slice(&secret)
                .map(Some)
                .map_err(|_| keyring_error("read a token", "the stored entry is damaged; log in again"))
        })
        .await
    }

    pub async fn save(&self, service: ServiceKind, account_id: &str, tokens: &TokenSet) -> Result<()> {
        let key = secret_key(service, account_id);
        let secret = serde_json::to_vec(tokens).map_err(|e| Error::Config(format!("cannot encode tokens: {e}")))?;
        timed("store a token", CALL_TIMEOUT, async {
            let ss = SecretService::connect(EncryptionType::Dh).await.map_err(|e| keyring_error("answer", e))?;
            let collection =
                ss.get_default_collection().await.map_err(|e| keyring_error("open the default collection", e))?;
            collection.ensure_unlocked().await.map_err(|e| keyring_error("unlock", e))?;
            let label = format!("dkcloud {service} login ({account_id})");
            collection
                .create_item(&label, attributes(&key), &secret, true, "application/json")
                .await
                .map_err(|e| keyring_error("store a token", e))?;
            Ok(())
        })
        .await
    }

    pub async fn delete(&self, service: ServiceKind, account_id: &str) -> Result<()> {
        let key = secret_key(service, account_id);
        timed("delete a token", CALL_TIMEOUT, async {
            let ss = SecretService::connect(EncryptionType::Dh).await.map_err(|e| keyring_error("answer", e))?;
            let found = ss.search_items(attributes(&key)).await.map_err(|e| keyring_error("search", e))?;
            for item in found.unlocked.iter().chain(found.locked.iter()) {
                item.delete().await.map_err(|e| keyring_error("delete a token", e))?;
            }
            Ok(())
        })
        .await
    }
}
