//! OpenID Connect discovery as the Microsoft identity platform serves it, with
//! every address on the origin the client used:
//!
//! - `GET /{tenant}/v2.0/.well-known/openid-configuration` (and the same document
//!   at `/{tenant}/.well-known/openid-configuration`: the emulator has only the
//!   v2.0 endpoints);
//! - `GET /{tenant}/discovery/v2.0/keys`: the key set ID tokens verify against;
//! - `GET /{tenant}/discovery/instance`: instance discovery (`/common/discovery/instance`
//!   at Microsoft), which knows only the emulator itself;
//! - `GET /{tenant}/oauth2/v2.0/logout`: the `end_session_endpoint`.
//!
//! For `common` and `organizations` the issuer has Microsoft's `{tenantid}`
//! placeholder (the tenant is known only once a user signed in); `consumers`
//! names the consumer tenant, a directory id names itself. The endpoints keep
//! the tenant as it was asked for.

use super::errors::microsoft as error;
use super::html::{escape, page};
use super::ms_account::{issuer, signed_in_tenant};
use super::ms_authorize::valid_tenant;
use super::params::Params;
use super::redirect::{found, loopback};
use super::signing::ALGORITHM;
use super::tagged;
use crate::origin::Origin;
use crate::App;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The claims the emulator's ID tokens carry.
const CLAIMS: [&str; 13] =
    ["sub", "iss", "aud", "exp", "iat", "nbf", "nonce", "preferred_username", "name", "oid", "tid", "ver", "email"];

fn unknown_tenant(tenant: &str) -> Response {
    error(
        "invalid_tenant",
        90002,
        &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
    )
}

/// The tenant id in the discovery document's `issuer`.
fn issuer_tenant(tenant: &str) -> String {
    if tenant.eq_ignore_ascii_case("common") || tenant.eq_ignore_ascii_case("organizations") {
        "{tenantid}".to_owned()
    } else {
        signed_in_tenant(tenant)
    }
}

/// The OpenID Provider configuration for `tenant` (already validated).
pub(super) fn configuration(origin: &Origin, tenant: &str) -> Value {
    let base = format!("{origin}/{tenant}");
    let authority = origin.as_str().split_once("://").map_or(origin.as_str(), |(_, a)| a);
    let host = authority.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()));
    let host = host.map_or(authority, |(h, _)| h);
    json!({
        "issuer": issuer(origin, &issuer_tenant(tenant)),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_modes_supported": ["query"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": CLAIMS,
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        "request_uri_parameter_supported": false,
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "tenant_region_scope": null,
        "cloud_instance_name": host,
        "cloud_graph_host_name": authority,
        "msgraph_host": authority,
    })
}

pub(super) async fn openid_configuration(Path(tenant): Path<String>, origin: Origin) -> Response {
    let resp = if valid_tenant(&tenant) {
        Json(configuration(&origin, &tenant)).into_response()
    } else {
        unknown_tenant(&tenant)
    };
    tagged("identity.discovery", resp)
}

pub(super) async fn keys(State(app): State<App>, Path(tenant): Path<String>, origin: Origin) -> Response {
    let resp = if valid_tenant(&tenant) {
        let iss = issuer(&origin, &issuer_tenant(&tenant));
        Json(json!({"keys": [app.oauth.keys.jwk(&iss)]})).into_response()
    } else {
        unknown_tenant(&tenant)
    };
    tagged("identity.keys", resp)
}

/// Instance discovery: `?authorization_endpoint=https://HOST/TENANT/oauth2/v2.0/authorize`
/// -> where that tenant's configuration is, and the one cloud there is (the emulator).
/// Clients (MSAL among them) may drop the port from the address they ask about,
/// so only its tenant is read; the answer is always on the emulator's own origin.
pub(super) async fn instance(Path(tenant): Path<String>, origin: Origin, RawQuery(query): RawQuery) -> Response {
    tagged("identity.instance_discovery", instance_answer(&tenant, &origin, &Params::from_query(query.as_deref())))
}

fn instance_answer(tenant: &str, origin: &Origin, p: &Params) -> Response {
    if !valid_tenant(tenant) {
        return unknown_tenant(tenant);
    }
    let invalid = || {
        error(
            "invalid_instance",
            50049,
            "Unknown or invalid instance: 'authorization_endpoint' must be https://HOST/TENANT/oauth2/v2.0/authorize.",
        )
    };
    let Some(endpoint) = p.get("authorization_endpoint").and_then(|e| url::Url::parse(e).ok()) else {
        return invalid();
    };
    let segments: Vec<&str> = endpoint.path_segments().map(Iterator::collect).unwrap_or_default();
    let (asked_tenant, v2) = match segments.as_slice() {
        [t, "oauth2", "v2.0", "authorize"] => (*t, true),
        [t, "oauth2", "authorize"] => (*t, false),
        _ => return invalid(),
    };
    if !valid_tenant(asked_tenant) {
        return unknown_tenant(asked_tenant);
    }
    let version = if v2 { "/v2.0" } else { "" };
    let authority = origin.as_str().split_once("://").map_or(origin.as_str(), |(_, a)| a);
    Json(json!({
        "tenant_discovery_endpoint": format!("{origin}/{asked_tenant}{version}/.well-known/openid-configuration"),
        "api-version": p.get("api-version").unwrap_or("1.1"),
        "metadata": [{
            "preferred_network": authority,
            "preferred_cache": authority,
            "aliases": [authority],
        }],
    }))
    .into_response()
}

/// Sign-out: nobody stays signed in at the emulator, so this only goes back to
/// `post_logout_redirect_uri` when it is a loopback address, or says it is done.
pub(super) async fn logout(Path(tenant): Path<String>, RawQuery(query): RawQuery) -> Response {
    if !valid_tenant(&tenant) {
        return tagged("identity.logout", unknown_tenant(&tenant));
    }
    let p = Params::from_query(query.as_deref());
    let resp = match p.get("post_logout_redirect_uri").and_then(loopback) {
        Some(url) => {
            let state: Vec<(&str, &str)> = p.get("state").map(|s| ("state", s)).into_iter().collect();
            found(url, &state)
        }
        None => {
            let note = match p.get("post_logout_redirect_uri") {
                Some(uri) => format!(
                    "<p>Not returning to <code>{}</code>: only http://localhost and http://127.0.0.1 addresses are followed.</p>",
                    escape(uri)
                ),
                None => String::new(),
            };
            page(
                StatusCode::OK,
                "You signed out of your account",
                &format!("<p>It's a good idea to close all browser windows.</p>{note}"),
            )
        }
    };
    tagged("identity.logout", resp)
}

#[cfg(test)]
mod tests {
    use super::super::ms_account::CONSUMER_TENANT_ID;
    use super::*;

    #[test]
    fn the_issuer_names_the_tenant_only_when_it_is_known() {
        let origin = Origin("https://127.0.0.1:8443".into());
        let common = configuration(&origin, "common");
        assert_eq!(common["issuer"], "https://127.0.0.1:8443/{tenantid}/v2.0");
        assert_eq!(common["token_endpoint"], "https://127.0.0.1:8443/common/oauth2/v2.0/token");
        assert_eq!(common["cloud_instance_name"], "127.0.0.1");
        assert_eq!(common["msgraph_host"], "127.0.0.1:8443");
        assert_eq!(configuration(&origin, "organizations")["issuer"], "https://127.0.0.1:8443/{tenantid}/v2.0");
        assert_eq!(
            configuration(&origin, "consumers")["issuer"],
            format!("https://127.0.0.1:8443/{CONSUMER_TENANT_ID}/v2.0")
        );
        let guid = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
        assert_eq!(configuration(&origin, guid)["issuer"], format!("https://127.0.0.1:8443/{guid}/v2.0"));
    }
}
