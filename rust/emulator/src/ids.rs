//! What every part of the emulator names things with: the two services, the
//! clock in Unix seconds, and random tokens and ids.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    OneDrive,
    Dropbox,
}

impl Service {
    pub fn folder(self) -> &'static str {
        match self {
            Service::OneDrive => "onedrive",
            Service::Dropbox => "dropbox",
        }
    }
}

pub(crate) fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A random URL-safe string with `bytes` bytes of entropy.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}
