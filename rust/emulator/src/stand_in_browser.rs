//! A stand-in for the user's browser, for demos and tests that log in to the
//! emulator: it visits a sign-in address the way a person who allows access
//! would. The emulator consents at once and redirects to the app's loopback
//! listener, which the stand-in then visits; without a redirect (Dropbox's
//! paste-the-code login) it reads the code from the page and keeps it.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a visit to a sign-in address ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visit {
    /// The emulator redirected to this address, and it was visited.
    Redirected(String),
    /// The page showed this code to paste into the app.
    ShowedCode(String),
}

/// Visits sign-in pages; clones share the codes seen.
#[derive(Debug, Clone)]
pub struct StandInBrowser {
    no_redirects: reqwest::Client,
    client: reqwest::Client,
    codes: Arc<(Mutex<Option<String>>, tokio::sync::Notify)>,
}

impl Default for StandInBrowser {
    fn default() -> Self {
        Self::new()
    }
}

impl StandInBrowser {
    pub fn new() -> Self {
        let build = |policy| {
            reqwest::Client::builder().redirect(policy).dns_resolver(Arc::new(LikeABrowser)).build().unwrap_or_default()
        };
        Self {
            no_redirects: build(reqwest::redirect::Policy::none()),
            client: build(reqwest::redirect::Policy::limited(5)),
            codes: Arc::new((Mutex::new(None), tokio::sync::Notify::new())),
        }
    }

    /// Visits `url` in the background, as a browser started by an app does
    /// (call it from within a tokio runtime). Problems are printed.
    pub fn open(&self, url: &str) {
        let (this, url) = (self.clone(), url.to_owned());
        tokio::spawn(async move {
            if let Err(e) = this.visit(&url).await {
                eprintln!("stand-in browser: {e}");
            }
        });
    }

    /// Visits `url` and whatever it redirects to.
    pub async fn visit(&self, url: &str) -> Result<Visit, String> {
        let page = self.no_redirects.get(url).send().await.map_err(|e| format!("cannot open {url}: {e}"))?;
        if let Some(location) = page.headers().get(reqwest::header::LOCATION) {
            let location = location.to_str().map_err(|e| format!("a redirect that is not text: {e}"))?.to_owned();
            self.client.get(&location).send().await.map_err(|e| format!("cannot open {location}: {e}"))?;
            return Ok(Visit::Redirected(location));
        }
        let status = page.status();
        let body = page.text().await.map_err(|e| format!("cannot read the sign-in page: {e}"))?;
        let code = body
            .split("<code id=\"auth-code\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .ok_or_else(|| format!("the sign-in page answered {status} with neither a redirect nor a code"))?
            .to_owned();
        *self.codes.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(code.clone());
        self.codes.1.notify_waiters();
        Ok(Visit::ShowedCode(code))
    }

    /// The code the last page showed, waiting up to `timeout` for one.
    pub async fn shown_code(&self, timeout: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.codes.1.notified();
            if let Some(code) = self.codes.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
                return Some(code);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }
}

/// Resolves names as a browser does: `localhost` and `*.localhost` are this
/// machine (RFC 6761) without asking the hosts file or DNS, so that an app's
/// loopback redirect is reached even where no `/etc/hosts` names localhost
/// (a bare container or chroot); other names go to the system resolver.
/// Also for clients of an emulator started with `--upload-host upload.localhost`
/// (`reqwest::ClientBuilder::dns_resolver`).
#[derive(Debug, Clone, Copy, Default)]
pub struct LikeABrowser;

impl reqwest::dns::Resolve for LikeABrowser {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        Box::pin(async move {
            // The port is the URL's: the connection sets it on each address.
            let found: Vec<SocketAddr> = if host == "localhost" || host.ends_with(".localhost") {
                vec![(Ipv4Addr::LOCALHOST, 0).into(), (Ipv6Addr::LOCALHOST, 0).into()]
            } else {
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect()
            };
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}
