//! OneDrive's profile: Microsoft identity's addresses and rules, Graph's
//! upload fragments and limits.

use crate::hashing::HashKind;
use crate::profile::{ChunkRule, OAuthProfile, PasteRule, RedirectRule, ServiceProfile};
use crate::{Endpoints, ServiceKind};

/// `common` lets both personal Microsoft accounts and work or school accounts
/// sign in; the app registration's "supported account types" narrows it.
pub(crate) const DEFAULT_TENANT: &str = "common";

/// Least privilege for uploading into the user's own drive, a refresh token
/// (`offline_access`) and the user's name for the account list (`User.Read`).
pub(crate) const DEFAULT_SCOPES: &str = "Files.ReadWrite offline_access User.Read";

/// Files up to this size go in one PUT (the limit every Graph document agrees on).
pub(crate) const SIMPLE_LIMIT: u64 = 4 * 1024 * 1024;

/// Fragments must be multiples of 320 KiB.
pub(crate) const FRAGMENT_UNIT: u64 = 320 * 1024;

fn microsoft(endpoints: &Endpoints, tenant: &str, leaf: &str) -> String {
    format!("{}/{tenant}/oauth2/v2.0/{leaf}", endpoints.microsoft_login)
}

pub(crate) const PROFILE: ServiceProfile = ServiceProfile {
    kind: ServiceKind::OneDrive,
    login_command: "dkcloud login onedrive",
    client_id_var: "DKCLOUD_ONEDRIVE_CLIENT_ID",
    oauth: OAuthProfile {
        authorize_url: |e, t| microsoft(e, t, "authorize"),
        token_url: |e, t| microsoft(e, t, "token"),
        device_code_url: Some(|e, t| microsoft(e, t, "devicecode")),
        revoke_url: None,
        default_scopes: DEFAULT_SCOPES,
        scopes_on_token_requests: true,
        // Lets the user pick (or add) an account rather than silently reusing
        // the browser's current one: several accounts per service are supported.
        authorize_params: &[("response_mode", "query"), ("prompt", "select_account")],
        // `prompt=select_account` above already asks on every login.
        another_account_params: &[],
        uses_tenant: true,
        // Microsoft ignores the port of a `http://localhost` redirect when matching.
        redirect: RedirectRule::AnyLoopbackPort,
        paste: PasteRule::RedirectAddress,
        paste_instructions: "After signing in, the browser shows an error page at a localhost address: copy the whole address from the address bar and paste it here.",
        fallback_options: "--no-browser (paste the address) or --device-code",
    },
    chunks: ChunkRule {
        unit: FRAGMENT_UNIT,
        // 191 units = 59.7 MiB, under the 60 MiB per-request cap.
        max_units: 191,
        // Microsoft suggests 5-10 MiB fragments.
        default_size: 10 * 1024 * 1024,
    },
    hash: HashKind::QuickXor,
    // 250 GB.
    max_file_size: 250 * 1000 * 1000 * 1000,
};
