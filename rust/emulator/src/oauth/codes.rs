//! Authorization codes of both services: single use, bound to the client, the
//! redirect URI, the scope and the PKCE challenge, valid for ten minutes, kept in
//! a state file so that a restart of the emulator does not lose them.

use super::pkce::Challenge;
use crate::persist::Persisted;
use crate::tokens::{now_unix, random_token, Service};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Microsoft documents codes as valid for about ten minutes; Dropbox's are shorter
/// still in practice, the same limit does for both.
pub(super) const CODE_LIFETIME_SECS: i64 = 600;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct CodeGrant {
    pub service: Service,
    pub client_id: String,
    /// The redirect URI of the authorize request, as sent; `None` when there was
    /// none (Dropbox's paste-the-code flow).
    pub redirect_uri: Option<String>,
    pub scope: String,
    pub challenge: Option<Challenge>,
    /// Whether redeeming it also gives a refresh token.
    pub offline: bool,
    /// The OpenID Connect `nonce` of the authorize request, echoed in the ID token.
    #[serde(default)]
    pub nonce: Option<String>,
    pub expires_at: i64,
    /// Redeemed codes are kept until they expire so that reuse is recognised as such.
    pub redeemed: bool,
}

/// Why a code could not be redeemed.
#[derive(Debug)]
pub(super) enum RedeemError<E> {
    Unknown,
    AlreadyRedeemed,
    Expired,
    /// The caller's own check (client, redirect URI, verifier) failed; the code stays usable.
    Rejected(E),
}

pub(super) struct CodeBook {
    codes: Persisted<HashMap<String, CodeGrant>>,
}

impl CodeBook {
    pub(super) fn open(state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self { codes: Persisted::load(state_dir.join("oauth_codes.json"))? })
    }

    /// Stores a new grant and returns its code.
    pub(super) fn issue(&self, grant: CodeGrant) -> String {
        let code = match grant.service {
            // Personal-account codes start like this; clients never parse them.
            Service::OneDrive => format!("M.C5{}", random_token(32)),
            Service::Dropbox => random_token(32),
        };
        let now = now_unix();
        self.codes.update(|codes| {
            // Expired codes linger an hour so that late use still reads as "expired".
            codes.retain(|_, g| g.expires_at > now - 3600);
            codes.insert(code.clone(), grant);
        });
        code
    }

    /// Redeems `code` for `service` if `check` accepts its grant; checking and
    /// marking happen under one lock, so two concurrent redemptions cannot both win.
    pub(super) fn redeem<E>(
        &self,
        service: Service,
        code: &str,
        check: impl FnOnce(&CodeGrant) -> Result<(), E>,
    ) -> Result<CodeGrant, RedeemError<E>> {
        let now = now_unix();
        self.codes.update(|codes| {
            let grant = codes.get_mut(code).filter(|g| g.service == service).ok_or(RedeemError::Unknown)?;
            if grant.redeemed {
                return Err(RedeemError::AlreadyRedeemed);
            }
            if grant.expires_at <= now {
                return Err(RedeemError::Expired);
            }
            check(grant).map_err(RedeemError::Rejected)?;
            grant.redeemed = true;
            Ok(grant.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(expires_at: i64) -> CodeGrant {
        CodeGrant {
            service: Service::OneDrive,
            client_id: "c".into(),
            redirect_uri: None,
            scope: "s".into(),
            challenge: None,
            offline: false,
            nonce: None,
            expires_at,
            redeemed: false,
        }
    }

    #[test]
    fn expired_code_reads_as_expired_not_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let book = CodeBook::open(dir.path()).unwrap();
        let code = book.issue(grant(now_unix() - 1));
        assert!(matches!(book.redeem(Service::OneDrive, &code, |_| Ok::<(), ()>(())), Err(RedeemError::Expired)));
    }

    #[test]
    fn a_code_belongs_to_one_service_and_survives_a_refused_check() {
        let dir = tempfile::tempdir().unwrap();
        let book = CodeBook::open(dir.path()).unwrap();
        let code = book.issue(grant(now_unix() + 60));
        assert!(matches!(book.redeem(Service::Dropbox, &code, |_| Ok::<(), ()>(())), Err(RedeemError::Unknown)));
        assert!(matches!(book.redeem(Service::OneDrive, &code, |_| Err("no")), Err(RedeemError::Rejected("no"))));
        assert!(book.redeem(Service::OneDrive, &code, |_| Ok::<(), ()>(())).is_ok());
        assert!(matches!(book.redeem(Service::OneDrive, &code, |_| Ok::<(), ()>(())), Err(RedeemError::AlreadyRedeemed)));
    }
}
