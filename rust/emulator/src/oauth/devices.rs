//! Microsoft device codes (RFC 8628 as Microsoft implements it). Nobody is at the
//! emulator's verification page, so the user is deemed to act right after the
//! first poll: that poll answers `authorization_pending`, the next one succeeds
//! (or is declined with `--consent deny`).

use crate::persist::Persisted;
use crate::tokens::{now_unix, random_token};
use crate::Consent;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct DeviceGrant {
    pub client_id: String,
    pub scope: String,
    pub user_code: String,
    pub expires_at: i64,
    pub polled: bool,
    pub redeemed: bool,
}

/// The outcome of one poll of the token endpoint.
#[derive(Debug)]
pub(super) enum Poll {
    Pending,
    Approved(DeviceGrant),
    Declined,
    Expired,
    Unknown,
    AlreadyRedeemed,
    WrongClient,
}

pub(super) struct DeviceBook {
    grants: Persisted<HashMap<String, DeviceGrant>>,
    lifetime_secs: u64,
}

/// Nine characters, as Microsoft's user codes have, from letters and digits that
/// cannot be mistaken for each other when typed.
fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..9).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
}

impl DeviceBook {
    pub(super) fn open(state_dir: &Path, lifetime_secs: u64) -> std::io::Result<Self> {
        Ok(Self { grants: Persisted::load(state_dir.join("oauth_device_codes.json"))?, lifetime_secs })
    }

    pub(super) fn lifetime_secs(&self) -> u64 {
        self.lifetime_secs
    }

    /// Starts a device flow; returns `(device_code, user_code)`.
    pub(super) fn start(&self, client_id: &str, scope: &str) -> (String, String) {
        let device_code = format!("DAQABAAEAAA{}", random_token(48));
        let now = now_unix();
        let grant = DeviceGrant {
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            user_code: user_code(),
            expires_at: now + self.lifetime_secs as i64,
            polled: false,
            redeemed: false,
        };
        let user_code = grant.user_code.clone();
        self.grants.update(|g| {
            // Expired flows linger a day so that late polls still read `expired_token`.
            g.retain(|_, d| d.expires_at > now - 86_400);
            g.insert(device_code.clone(), grant);
        });
        (device_code, user_code)
    }

    pub(super) fn poll(&self, device_code: &str, client_id: &str, consent: Consent) -> Poll {
        let now = now_unix();
        self.grants.update(|grants| {
            let Some(grant) = grants.get_mut(device_code) else {
                return Poll::Unknown;
            };
            if grant.client_id != client_id {
                return Poll::WrongClient;
            }
            if grant.redeemed {
                return Poll::AlreadyRedeemed;
            }
            if grant.expires_at <= now {
                return Poll::Expired;
            }
            if !grant.polled {
                grant.polled = true;
                return Poll::Pending;
            }
            match consent {
                Consent::Deny => Poll::Declined,
                Consent::Allow => {
                    grant.redeemed = true;
                    Poll::Approved(grant.clone())
                }
            }
        })
    }
}
