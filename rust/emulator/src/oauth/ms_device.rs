//! `POST /{tenant}/oauth2/v2.0/devicecode` and the `/devicelogin` page it points users to.

use super::errors::{microsoft as error, microsoft_missing as missing, no_store};
use super::html::{escape, page};
use super::ms_authorize::valid_tenant;
use super::ms_registration;
use super::params::Params;
use super::tagged;
use crate::origin::Origin;
use crate::App;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Seconds between polls. Microsoft says 5; the emulator asks for 1 so tests and
/// offline logins do not wait, and it never answers `slow_down` (Microsoft does not
/// list that error), so polling faster is harmless.
const POLL_INTERVAL_SECS: u64 = 1;

pub(super) async fn devicecode(State(app): State<App>, Path(tenant): Path<String>, origin: Origin, body: Bytes) -> Response {
    tagged("identity.devicecode", respond(&app, &tenant, &origin, &Params::parse(&body)))
}

fn respond(app: &App, tenant: &str, origin: &Origin, p: &Params) -> Response {
    if !valid_tenant(tenant) {
        return error("invalid_request", 90002, &format!("Tenant '{tenant}' not found."));
    }
    let Some(client_id) = p.get("client_id") else {
        return missing("client_id");
    };
    let Some(scope) = p.get("scope") else {
        return missing("scope");
    };
    // Unknown apps and account types are refused here; public client flows only at
    // the token poll (see `ms_registration::public_client`).
    let registration = match ms_registration::client(app, tenant, client_id) {
        Ok(r) => r,
        Err(refusal) => return refusal.json(),
    };
    let scope = ms_registration::granted_scope(registration, scope);
    let (device_code, user_code) = app.oauth.devices.start(client_id, &scope);
    let verification_uri = format!("{origin}/devicelogin");
    let body = json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification_uri,
        "expires_in": app.oauth.devices.lifetime_secs(),
        "interval": POLL_INTERVAL_SECS,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    });
    no_store(Json(body).into_response())
}

/// The verification page. The emulator approves device codes by itself (see
/// `devices.rs`), so the page only tells the user there is nothing to do.
pub(super) async fn devicelogin(RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let entered = match params.get("otc").or(params.get("code")) {
        Some(code) => format!("<p>Code <code id=\"user-code\">{}</code> received.</p>", escape(code)),
        None => String::new(),
    };
    let body = format!(
        "<p>This emulator signs device codes in by itself: the application that shows you a code \
         gets its tokens on its next poll. There is nothing to enter.</p>{entered}\n\
         <form method=\"get\"><label>Code <input name=\"otc\" autocomplete=\"off\"></label> \
         <button type=\"submit\">Next</button></form>"
    );
    tagged("identity.devicelogin", page(StatusCode::OK, "Enter code", &body))
}
