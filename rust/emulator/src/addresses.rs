//! The web addresses the emulator hands out for stored items (a driveItem's
//! `webUrl`, a Dropbox folder's `/home` page), built the same way everywhere.

use crate::origin::Origin;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Where the OneDrive pages live.
pub(crate) const ONEDRIVE_PREFIX: &str = "/_web/onedrive";
/// Where the Dropbox pages live (as on `www.dropbox.com`).
pub(crate) const DROPBOX_PREFIX: &str = "/home";

/// Everything but RFC 3986's unreserved characters is escaped in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `/a%20b/c.jpg` for the remote path `/a b/c.jpg`; `/` for the root.
pub(crate) fn encode_path(remote: &str) -> String {
    let encoded: String = remote
        .split('/')
        .filter(|part| !part.is_empty())
        .map(|part| format!("/{}", utf8_percent_encode(part, SEGMENT)))
        .collect();
    if encoded.is_empty() {
        "/".to_owned()
    } else {
        encoded
    }
}

/// The `webUrl` of the OneDrive item at `remote`: `{origin}/_web/onedrive{encoded path}`.
pub(crate) fn onedrive_url(origin: &Origin, remote: &str) -> String {
    format!("{origin}{ONEDRIVE_PREFIX}{}", encode_path(remote))
}
