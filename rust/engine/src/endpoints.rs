//! Where each service lives. Every URL is configurable (national clouds, the
//! emulator); `DKCLOUD_EMULATOR=http://ADDR:PORT` points all of them at a
//! running `dkcloud-emulator`.

use serde::{Deserialize, Serialize};


/// Base URLs, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// Microsoft identity authority, e.g. `https://login.microsoftonline.com`
    /// (the tenant and `/oauth2/v2.0/...` are appended).
    pub microsoft_login: String,
    /// Graph root including the version, e.g. `https://graph.microsoft.com/v1.0`.
    pub graph: String,
    /// Dropbox's web site for `/oauth2/authorize`.
    pub dropbox_www: String,
    /// Dropbox RPC host (`/2/...`, `/oauth2/token`).
    pub dropbox_api: String,
    /// Dropbox content host (uploads).
    pub dropbox_content: String,
    /// True when talking to the emulator (a fixed test client id is allowed).
    pub emulator: bool,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            microsoft_login: "https://login.microsoftonline.com".into(),
            graph: "https://graph.microsoft.com/v1.0".into(),
            dropbox_www: "https://www.dropbox.com".into(),
            dropbox_api: "https://api.dropboxapi.com".into(),
            dropbox_content: "https://content.dropboxapi.com".into(),
            emulator: false,
        }
    }
}

impl Endpoints {
    /// Every endpoint of both services on one emulator base URL.
    pub fn emulator(base: &str) -> Self {
        let base = base.trim_end_matches('/');
        Self {
            microsoft_login: base.into(),
            graph: format!("{base}/v1.0"),
            dropbox_www: base.into(),
            dropbox_api: base.into(),
            dropbox_content: base.into(),
            emulator: true,
        }
    }

    /// The real services, or the emulator named by `DKCLOUD_EMULATOR`.
    pub fn from_env() -> Self {
        match std::env::var("DKCLOUD_EMULATOR") {
            Ok(base) if !base.trim().is_empty() => Self::emulator(base.trim()),
            _ => Self::default(),
        }
    }

    /// Refuses plain HTTP to anything but a loopback address: tokens and photos
    /// only travel encrypted over a real network.
    pub fn check_secure(&self) -> crate::Result<()> {
        for url in [&self.microsoft_login, &self.graph, &self.dropbox_www, &self.dropbox_api, &self.dropbox_content] {
            let parsed = url::Url::parse(url).map_err(|e| crate::Error::Config(format!("bad endpoint URL {url}: {e}")))?;
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            match parsed.scheme() {
                "https" => {}
                "http" if loopback => {}
                _ => {
                    return Err(crate::Error::Config(format!(
                        "refusing {url}: only https is allowed for endpoints that are not on this machine"
                    )))
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_off_loopback() {
        assert!(Endpoints::emulator("http://127.0.0.1:9").check_secure().is_ok());
        assert!(Endpoints::emulator("http://localhost:9").check_secure().is_ok());
        assert!(Endpoints::emulator("http://192.168.1.4:9").check_secure().is_err());
        assert!(Endpoints::default().check_secure().is_ok());
    }
}
