//! Dropbox's profile: its OAuth addresses and rules, upload chunks and limits.

use crate::hashing::HashKind;
use crate::profile::{ChunkRule, OAuthProfile, PasteRule, RedirectRule, ServiceProfile};
use crate::ServiceKind;

/// Dropbox compares redirect URIs exactly, port included, so the loopback
/// listener needs a fixed port that the app registration lists
/// (`http://localhost:53682/`). 53682 is the port rclone made familiar, so an
/// app registered for rclone works unchanged.
pub(crate) const DEFAULT_REDIRECT_PORT: u16 = 53682;

/// Chunks must be multiples of Dropbox's 4 MiB block size.
pub(crate) const CHUNK_UNIT: u64 = 4 * 1024 * 1024;

pub(crate) const PROFILE: ServiceProfile = ServiceProfile {
    kind: ServiceKind::Dropbox,
    login_command: "dkcloud login dropbox",
    client_id_var: "DKCLOUD_DROPBOX_CLIENT_ID",
    oauth: OAuthProfile {
        authorize_url: |e, _| format!("{}/oauth2/authorize", e.dropbox_www),
        token_url: |e, _| format!("{}/oauth2/token", e.dropbox_api),
        device_code_url: None,
        // Disables the access token and the refresh token with it.
        revoke_url: Some(|e, _| format!("{}/2/auth/token/revoke", e.dropbox_api)),
        default_scopes: crate::registration::DROPBOX_SCOPES,
        scopes_on_token_requests: false,
        // Without it Dropbox issues no refresh token.
        authorize_params: &[("token_access_type", "offline")],
        // OAuth guide: "force the user to approve the app again if they've
        // already done so"; without it Dropbox may add the first account again.
        another_account_params: &[("force_reapprove", "true")],
        uses_tenant: false,
        redirect: RedirectRule::RegisteredPort,
        paste: PasteRule::ShownCode,
        paste_instructions: "After allowing access, Dropbox shows a code: paste it here.",
        fallback_options: "--no-browser (paste the code)",
    },
    chunks: ChunkRule {
        unit: CHUNK_UNIT,
        // 37 units = 148 MiB, under the 150 MiB per-request cap.
        max_units: 37,
        // Chunks are streamed from disk, so a bigger one costs no memory;
        // 32 MiB keeps the re-send after a failed request short.
        default_size: 32 * 1024 * 1024,
    },
    hash: HashKind::DropboxContent,
    // 2^41 - 2^22 bytes.
    max_file_size: (1 << 41) - (1 << 22),
};
