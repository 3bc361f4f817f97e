//! Sharing links of both services (Graph `createLink`, Dropbox
//! `create_shared_link_with_settings`): one table, kept in a state file so links
//! survive a restart, and the token-free pages they open ([`pages`]).
//!
//! A link names its item by the service's id (a Graph item id, a Dropbox
//! `id:...`), so it follows a move or rename and dies with the item. Passwords
//! are kept only as salted SHA-256 digests.


use crate::persist::Persisted;
use crate::tokens::{random_token, Service};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// Where every link resolves: `{origin}/_links/{token}`, and below it the
/// children of a shared folder.
pub(crate) const PREFIX: &str = "/_links";

/// What a link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    View,
    Edit,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedLink {
    /// Graph's permission id; Dropbox links have none of their own.
    pub id: String,
    /// The random part of the link's address.
    pub token: String,
    pub service: Service,
    /// The shared item's id (Graph item id, Dropbox `id:...`).
    pub item_id: String,
    /// Graph's link type (`view`, `edit`, `embed`); Dropbox: `view` or `edit`.
    pub link_type: String,
    pub access: Access,
    /// Graph's scope (`anonymous`); Dropbox's audience (`public`).
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<PasswordDigest>,
    pub expires: Option<DateTime<Utc>>,
    pub created: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PasswordDigest {
    salt: String,
    sha256: String,
}

fn digest(salt: &str, password: &str) -> String {
    let d = Sha256::digest(format!("{salt}\u{0}{password}").as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a new link is to be.
pub struct NewLink<'a> {
    pub service: Service,
    pub item_id: &'a str,
    pub link_type: &'a str,
    pub access: Access,
    pub scope: &'a str,
    pub password: Option<&'a str>,
    pub expires: Option<DateTime<Utc>>,
}

impl SharedLink {
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    pub fn password_matches(&self, given: &str) -> bool {
        match &self.password {
            Some(p) => digest(&p.salt, given) == p.sha256,
            None => true,
        }
    }

    /// A value a browser may keep (in a cookie) to show it knew the password;
    /// it says nothing about the password itself.
    pub fn password_proof(&self) -> Option<String> {
        self.password.as_ref().map(|p| digest(&self.token, &p.sha256))
    }

    pub fn expired(&self) -> bool {
        self.expires.is_some_and(|e| e <= Utc::now())
    }

    /// Same kind of link with the same settings (Graph returns the existing one).
    pub fn same_as(&self, new: &NewLink<'_>) -> bool {
        self.service == new.service
            && self.item_id == new.item_id
            && self.link_type == new.link_type
            && self.scope == new.scope
            && self.expires == new.expires
            && match (&self.password, new.password) {
                (None, None) => true,
                (Some(_), Some(given)) => self.password_matches(given),
                _ => false,
            }
    }
}

#[derive(Default, Serialize, Deserialize)]
struct Table {
    /// By token.
    links: HashMap<String, SharedLink>,
}

pub struct Links {
    table: Persisted<Table>,
}

impl Links {
    pub fn open(state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self { table: Persisted::load(state_dir.join("shared-links.json"))? })
    }

    /// Makes and keeps a new link.
    pub fn create(&self, new: &NewLink<'_>) -> SharedLink {
        let token = random_token(24);
        let password = new.password.map(|p| {
            let salt = random_token(16);
            PasswordDigest { sha256: digest(&salt, p), salt }
        });
        let link = SharedLink {
            id: random_token(20),
            token: token.clone(),
            service: new.service,
            item_id: new.item_id.to_owned(),
            link_type: new.link_type.to_owned(),
            access: new.access,
            scope: new.scope.to_owned(),
            password,
            expires: new.expires,
            created: Utc::now(),
        };
        self.table.update(|t| t.links.insert(token, link.clone()));
        link
    }

    pub fn by_token(&self, token: &str) -> Option<SharedLink> {
        self.table.read(|t| t.links.get(token).cloned())
    }

    /// The links of one item, oldest first.
    pub fn of_item(&self, service: Service, item_id: &str) -> Vec<SharedLink> {
        self.filtered(|l| l.service == service && l.item_id == item_id)
    }

    /// Every link of a service, oldest first.
    pub fn all(&self, service: Option<Service>) -> Vec<SharedLink> {
        self.filtered(|l| service.is_none_or(|s| l.service == s))
    }

    fn filtered(&self, keep: impl Fn(&SharedLink) -> bool) -> Vec<SharedLink> {
        let mut out: Vec<SharedLink> = self.table.read(|t| t.links.values().filter(|l| keep(l)).cloned().collect());
        out.sort_by(|a, b| a.created.cmp(&b.created).then(a.token.cmp(&b.token)));
        out
    }

    /// Revokes the link with this token; false if there was none.
    pub fn revoke(&self, token: &str) -> bool {
        self.table.update(|t| t.links.remove(token).is_some())
    }
}

/// `{origin}/_links/{token}`.
pub(crate) fn address(origin: &crate::origin::Origin, token: &str) -> String {
    format!("{origin}{PREFIX}/{token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_kept_as_salted_digests() {
        let dir = std::env::temp_dir().join(format!("links-test-{}", random_token(8)));
        std::fs::create_dir_all(&dir).unwrap();
        let links = Links::open(&dir).unwrap();
        let new = NewLink {
            service: Service::Dropbox,
            item_id: "id:x",
            link_type: "view",
            access: Access::View,
            scope: "public",
            password: Some("s3cret"),
            expires: None,
        };
        let link = links.create(&new);
        assert!(link.password_matches("s3cret"));
        assert!(!link.password_matches("S3cret"));
        assert!(link.same_as(&new));
        let state = std::fs::read_to_string(dir.join("shared-links.json")).unwrap();
        assert!(!state.contains("s3cret"), "{state}");
        assert!(Links::open(&dir).unwrap().by_token(&link.token).is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
