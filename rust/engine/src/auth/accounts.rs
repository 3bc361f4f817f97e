//! The accounts dkcloud is logged in to: several per service, one of them the
//! default. The list (`accounts.json` in the config folder) holds names and
//! ids only; each account's tokens live in the secret store recorded with it.

use super::{LoginOutcome, SecretStore, StoreLocation, TokenSet};
use crate::config::{Config, Paths, StoreKind};
use crate::fsio::io_error as file_error;
use crate::{Error, Result, ServiceKind};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub service: ServiceKind,
    /// The service's stable account id.
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// The account used when none is named.
    #[serde(default)]
    pub default: bool,
    /// Where its tokens are.
    pub store: StoreLocation,
}

impl Account {
    /// "Name <email>", or the name alone.
    pub fn label(&self) -> String {
        crate::remote::name_with_email(&self.display_name, self.email.as_deref())
    }

    /// The email, else the name: what an account list shows.
    pub fn short_label(&self) -> String {
        crate::remote::email_or_name(&self.display_name, self.email.as_deref())
    }
}

#[derive(Default, Serialize, Deserialize)]
struct AccountFile {
    accounts: Vec<Account>,
}

/// Serialises read-modify-write of accounts.json within this process.
static LIST_LOCK: Mutex<()> = Mutex::new(());

/// The account list and the secrets behind it.
#[derive(Debug, Clone)]
pub struct Accounts {
    paths: Paths,
    store: StoreKind,
}

impl Accounts {
    /// `store` decides where new logins' tokens go; existing accounts keep theirs.
    pub fn new(paths: Paths, store: StoreKind) -> Self {
        Self { paths, store }
    }

    pub fn from_config(config: &Config) -> Self {
        Self::new(config.paths.clone(), config.login.token_store)
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn list(&self) -> Result<Vec<Account>> {
        let _guard = LIST_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.read()?.accounts)
    }

    /// The service's accounts whose tokens are still in their store (a login
    /// whose secrets were removed elsewhere is not offered as logged in).
    pub async fn with_tokens(&self, service: ServiceKind) -> Result<Vec<Account>> {
        let mut usable = Vec::new();
        for account in self.list()?.into_iter().filter(|a| a.service == service) {
            let store = SecretStore::at(account.store, &self.paths).await?;
            if store.load(service, &account.id).await?.is_some() {
                usable.push(account);
            }
        }
        Ok(usable)
    }

    /// The account `wanted` names (its id, email or display name, ignoring
    /// case), or the service's default account when `wanted` is `None`.
    pub fn find(&self, service: ServiceKind, wanted: Option<&str>) -> Result<Account> {
        let all: Vec<Account> = self.list()?.into_iter().filter(|a| a.service == service).collect();
        let login = crate::services::profile(service).login_command;
        if all.is_empty() {
            return Err(Error::LoginNeeded { service, message: format!("not logged in; run `{login}`") });
        }
        let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) else {
            return Ok(all.iter().find(|a| a.default).unwrap_or(&all[0]).clone());
        };
        let same = |s: &str| s.eq_ignore_ascii_case(wanted);
        if let Some(a) = all.iter().find(|a| a.id == wanted) {
            return Ok(a.clone());
        }
        let matches: Vec<&Account> =
            all.iter().filter(|a| a.email.as_deref().is_some_and(same) || same(&a.display_name)).collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::LoginNeeded {
                service,
                message: format!("no account '{wanted}' (logged in: {}); run `{login}` to add one", names(&all)),
            }),
            _ => Err(Error::InvalidInput(format!(
                "'{wanted}' matches several {service} accounts; name one by its id: {}",
                matches.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// Saves a login: tokens first (so the list never names an account whose
    /// tokens are missing), then the list. The first account of a service
    /// becomes its default; logging in again to a known account updates it.
    pub async fn add(&self, outcome: &LoginOutcome) -> Result<Account> {
        let info = &outcome.account;
        let store = SecretStore::open(self.store, &self.paths).await?;
        store.save(info.service, &info.id, &outcome.tokens).await?;
        let (previous, account) = {
            let _guard = LIST_LOCK.lock().unwrap_or_else(|p| p.into_inner());
            let mut file = self.read()?;
            let previous = file
                .accounts
                .iter()
                .position(|a| a.service == info.service && a.id == info.id)
                .map(|i| file.accounts.remove(i));
            let is_first = !file.accounts.iter().any(|a| a.service == info.service);
            let account = Account {
                service: info.service,
                id: info.id.clone(),
                display_name: info.display_name.clone(),
                email: info.email.clone(),
                default: is_first || previous.as_ref().is_some_and(|p| p.default),
                store: store.location(),
            };
            file.accounts.push(account.clone());
            self.write(&file)?;
            (previous, account)
        };
        // Tokens saved elsewhere by an earlier login would be stale: remove them.
        if let Some(p) = previous.filter(|p| p.store != account.store) {
            if let Err(e) = self.delete_secrets(&p).await {
                tracing::warn!("could not remove the old tokens of {}: {e}", p.display_name);
            }
        }
        Ok(account)
    }

    /// Makes `id` the service's default account.
    pub fn set_default(&self, service: ServiceKind, id: &str) -> Result<()> {
        let _guard = LIST_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let mut file = self.read()?;
        if !file.accounts.iter().any(|a| a.service == service && a.id == id) {
            return Err(Error::InvalidInput(format!("no {service} account with id '{id}'")));
        }
        for a in file.accounts.iter_mut().filter(|a| a.service == service) {
            a.default = a.id == id;
        }
        self.write(&file)
    }

    /// Forgets an account and deletes its tokens; another account of the
    /// service becomes the default if this one was.
    pub async fn remove(&self, account: &Account) -> Result<()> {
        self.delete_secrets(account).await?;
        let _guard = LIST_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let mut file = self.read()?;
        file.accounts.retain(|a| !(a.service == account.service && a.id == account.id));
        if !file.accounts.iter().any(|a| a.service == account.service && a.default) {
            if let Some(next) = file.accounts.iter_mut().find(|a| a.service == account.service) {
                next.default = true;
            }
        }
        self.write(&file)
    }

    pub async fn load_tokens(&self, account: &Account) -> Result<TokenSet> {
        let store = SecretStore::at(account.store, &self.paths).await?;
        store.load(account.service, &account.id).await?.ok_or_else(|| Error::LoginNeeded {
            service: account.service,
            message: format!(
                "the saved login of {} is missing; run `{}` again",
                account.display_name,
                crate::services::profile(account.service).login_command
            ),
        })
    }

    pub async fn save_tokens(&self, account: &Account, tokens: &TokenSet) -> Result<()> {
        SecretStore::at(account.store, &self.paths).await?.save(account.service, &account.id, tokens).await
    }

    async fn delete_secrets(&self, account: &Account) -> Result<()> {
        SecretStore::at(account.store, &self.paths).await?.delete(account.service, &account.id).await
    }

    fn read(&self) -> Result<AccountFile> {
        let path = self.paths.accounts_file();
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::File {
                path: path.display().to_string(),
                message: format!("the account list is damaged: {e}"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AccountFile::default()),
            Err(e) => Err(file_error(&path, "cannot read the account list", e)),
        }
    }

    fn write(&self, file: &AccountFile) -> Result<()> {
        self.paths.ensure_dir()?;
        let path = self.paths.accounts_file();
        let json = serde_json::to_vec_pretty(file)
            .map_err(|e| Error::Config(format!("cannot encode the account list: {e}")))?;
        // Owner-only too: it names the user's accounts and email addresses.
        crate::fsio::write_atomic_private(&path, &json)
            .map_err(|e| file_error(&path, "cannot write the account list", e))
    }
}

fn names(accounts: &[Account]) -> String {
    accounts.iter().map(|a| a.display_name.as_str()).collect::<Vec<_>>().join(", ")
}
