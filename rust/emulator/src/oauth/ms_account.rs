//! The emulator's one user as the Microsoft identity platform describes it: the
//! ids in ID tokens and `client_info`, the tenant and the issuer.
//!
//! The user is a personal Microsoft account. Graph's `/me` answers with its
//! 16-hex-digit id (`ONEDRIVE_DRIVE_ID`); in tokens the same account is the
//! object id `00000000-0000-0000-XXXX-XXXXXXXXXXXX` with that id in its last 16
//! digits, which is how Microsoft writes personal accounts' object ids, and its
//! home tenant is the consumer tenant.

use super::params::has_scope;
use crate::origin::Origin;
use crate::tokens::now_unix;
use crate::{ONEDRIVE_DRIVE_ID, USER_EMAIL, USER_NAME};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The tenant of personal Microsoft accounts (the `tid` of their tokens).
pub(super) const CONSUMER_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// How long an ID token is valid; Microsoft's last an hour.
pub(super) const ID_TOKEN_LIFETIME_SECS: i64 = 3600;

/// The user's object id (`oid`, and `uid` in `client_info`).
pub(super) fn object_id() -> String {
    let id = ONEDRIVE_DRIVE_ID;
    format!("00000000-0000-0000-{}-{}", &id[..4], &id[4..])
}

/// Whether `tenant` is a directory id (a GUID) rather than `common`, `organizations` or `consumers`.
pub(super) fn is_tenant_id(tenant: &str) -> bool {
    let groups: Vec<&str> = tenant.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The tenant id a sign-in through the `tenant` path segment lands in: a
/// directory id names itself (the user is a guest there); `common`,
/// `consumers` and `organizations` sign the personal account into its home,
/// the consumer tenant.
pub(super) fn signed_in_tenant(tenant: &str) -> String {
    if is_tenant_id(tenant) {
        tenant.to_ascii_lowercase()
    } else {
        CONSUMER_TENANT_ID.to_owned()
    }
}

/// The issuer of tokens for tenant id `tid`: `{origin}/{tid}/v2.0`.
pub(super) fn issuer(origin: &Origin, tid: &str) -> String {
    format!("{origin}/{tid}/v2.0")
}

/// `sub` is pairwise: the same user has a different subject in every application.
pub(super) fn subject(client_id: &str) -> String {
    let digest = Sha256::digest(format!("dkcloud-emulator sub\n{client_id}\n{}", object_id()).as_bytes());
    B64URL.encode(digest)
}

/// `client_info`: base64url of `{"uid": object id, "utid": home tenant id}`, from
/// which MSAL builds the account's home id `uid.utid`.
pub(super) fn client_info() -> String {
    B64URL.encode(json!({"uid": object_id(), "utid": CONSUMER_TENANT_ID}).to_string())
}

/// The claims of a v2.0 ID token for `client_id`, signed in through `tenant`
/// with `scope` (`profile` adds the name, username and object id, `email` the address).
pub(super) fn id_token_claims(origin: &Origin, tenant: &str, client_id: &str, scope: &str, nonce: Option<&str>) -> Value {
    let now = now_unix();
    let tid = signed_in_tenant(tenant);
    let mut claims = json!({
        "ver": "2.0",
        "iss": issuer(origin, &tid),
        "sub": subject(client_id),
        "aud": client_id,
        "exp": now + ID_TOKEN_LIFETIME_SECS,
        "iat": now,
        "nbf": now,
        "tid": tid,
    });
    if has_scope(scope, "profile") {
        claims["name"] = json!(USER_NAME);
        claims["preferred_username"] = json!(USER_EMAIL);
        claims["oid"] = json!(object_id());
    }
    if has_scope(scope, "email") {
        claims["email"] = json!(USER_EMAIL);
    }
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_graph_user_and_the_tenant_path() {
        assert_eq!(object_id(), "00000000-0000-0000-e1f0-c0de0d51a3b7");
        assert!(is_tenant_id(&object_id()));
        assert_eq!(signed_in_tenant("common"), CONSUMER_TENANT_ID);
        assert_eq!(signed_in_tenant("organizations"), CONSUMER_TENANT_ID);
        assert_eq!(signed_in_tenant("AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee"), "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        assert_ne!(subject("a"), subject("b"));
        assert_eq!(subject("a").len(), 43);
        let info: Value = serde_json::from_slice(&B64URL.decode(client_info()).unwrap()).unwrap();
        assert_eq!(info, json!({"uid": object_id(), "utid": CONSUMER_TENANT_ID}));
    }

    #[test]
    fn profile_and_email_scopes_decide_the_optional_claims() {
        let origin = Origin("https://h:1".into());
        let bare = id_token_claims(&origin, "consumers", "c", "openid", None);
        assert_eq!(bare["iss"], format!("https://h:1/{CONSUMER_TENANT_ID}/v2.0"));
        assert!(bare.get("name").is_none() && bare.get("email").is_none() && bare.get("nonce").is_none());
        let full = id_token_claims(&origin, "common", "c", "openid profile email", Some("n"));
        assert_eq!(full["preferred_username"], USER_EMAIL);
        assert_eq!(full["oid"], object_id());
        assert_eq!(full["email"], USER_EMAIL);
        assert_eq!(full["nonce"], "n");
        assert_eq!(full["exp"].as_i64().unwrap() - full["iat"].as_i64().unwrap(), ID_TOKEN_LIFETIME_SECS);
    }
}
