//! Shared set-up of the auth tests: an in-process emulator, a private config
//! folder with the file token store, and a "browser" that follows the login
//! redirect the way a real one would.

#![allow(dead_code)] // each test binary uses its own part of this

use dkcloud_emulator::{Config as EmuConfig, Consent, RunningEmulator};
use dkcloud_engine::auth::Accounts;
use dkcloud_engine::testing::auth::{Login, OAuthApp};
use dkcloud_engine::config::StoreKind;
use dkcloud_engine::config::{Config, EnvOverrides, Paths};
use dkcloud_engine::testing::http::{client, HttpOptions};
use dkcloud_engine::{Endpoints, ServiceKind};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Setup {
    pub emu: RunningEmulator,
    pub config: Config,
    pub endpoints: Endpoints,
    pub client: reqwest::Client,
    pub _dirs: (tempfile::TempDir, tempfile::TempDir),
}

pub async fn setup(consent: Consent, token_lifetime: u64) -> Setup {
    setup_with(|c| {
        c.consent = consent;
        c.token_lifetime = token_lifetime;
    })
    .await
}

/// The set-up with the emulator's configuration changed by `tweak`.
pub async fn setup_with(tweak: impl FnOnce(&mut EmuConfig)) -> Setup {
    let data = tempfile::tempdir().expect("emulator data dir");
    let conf = tempfile::tempdir().expect("config dir");
    let mut emu_config = EmuConfig { data: Some(data.path().to_owned()), ..Default::default() };
    tweak(&mut emu_config);
    let emu = dkcloud_emulator::start(emu_config).await.expect("emulator starts");
    let mut config = Config::load(&Paths::new(conf.path().join("dkcloud")), &EnvOverrides::default()).expect("config");
    config.login.token_store = StoreKind::File;
    // Any free port: the emulator, unlike Dropbox, does not fix it.
    config.dropbox.redirect_port = 0;
    let endpoints = Endpoints::emulator(&emu.base_url());
    let client = client(&HttpOptions::default()).expect("http client");
    Setup { emu, config, endpoints, client, _dirs: (data, conf) }
}

impl Setup {
    /// Restarts the emulator on the same data (its tokens survive) with `change` applied.
    pub async fn restart(self, change: impl FnOnce(&mut EmuConfig)) -> Self {
        let Setup { emu, mut config, client, _dirs, .. } = self;
        emu.shutdown().await;
        let mut cfg = EmuConfig { data: Some(_dirs.0.path().to_owned()), ..Default::default() };
        change(&mut cfg);
        let emu = dkcloud_emulator::start(cfg).await.expect("emulator restarts");
        let endpoints = Endpoints::emulator(&emu.base_url());
        config.dropbox.redirect_port = 0;
        Setup { emu, config, endpoints, client, _dirs }
    }

    pub fn app(&self, service: ServiceKind) -> OAuthApp {
        OAuthApp::new(service, &self.config, &self.endpoints).expect("app")
    }

    pub fn login(&self, service: ServiceKind) -> Login {
        Login::new(self.client.clone(), self.app(service), Duration::from_secs(20))
    }

    pub fn accounts(&self) -> Accounts {
        Accounts::from_config(&self.config)
    }

    /// How often the emulator saw requests of `kind`.
    pub async fn count(&self, kind: &str) -> u64 {
        let stats: serde_json::Value = self
            .client
            .get(format!("{}/_emulator/stats", self.emu.base_url()))
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats json");
        stats["requests"][kind].as_u64().unwrap_or(0)
    }

    /// Status of Graph `/me` or Dropbox `get_current_account` with `token`.
    pub async fn whoami_status(&self, service: ServiceKind, token: &str) -> u16 {
        let req = match service {
            ServiceKind::OneDrive => self.client.get(format!("{}/me", self.endpoints.graph)),
            ServiceKind::Dropbox => self
                .client
                .post(format!("{}/2/users/get_current_account", self.endpoints.dropbox_api))
                .header("content-type", "application/json")
                .body("null"),
        };
        req.bearer_auth(token).send().await.expect("whoami").status().as_u16()
    }
}

/// A Dropbox access token for `app_key` with only `scope`, got through the
/// emulator's authorize and token endpoints by hand (PKCE `plain`), as a
/// login made when the app had fewer permissions would have it.
pub async fn dropbox_token_with_scope(s: &Setup, app_key: &str, redirect_uri: &str, scope: &str) -> String {
    let verifier = "a-verifier-of-at-least-forty-three-characters-for-pkce";
    let mut url = url::Url::parse(&format!("{}/oauth2/authorize", s.endpoints.dropbox_www)).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", app_key)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", scope)
        .append_pair("code_challenge", verifier)
        .append_pair("code_challenge_method", "plain");
    let location = url::Url::parse(&location_of(url.as_str()).await).expect("redirect");
    let code = location.query_pairs().find(|(k, _)| k == "code").expect("a code").1.into_owned();
    let answer: serde_json::Value = s
        .client
        .post(format!("{}/oauth2/token", s.endpoints.dropbox_api))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", app_key),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token json");
    answer["access_token"].as_str().expect("an access token").to_owned()
}

/// A client that does not follow redirects, as a test's "browser" needs.
pub fn browser_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("browser client")
}

/// Where the authorize endpoint sends the browser.
pub async fn location_of(url: &str) -> String {
    let resp = browser_client().get(url).send().await.expect("authorize request");
    assert_eq!(resp.status().as_u16(), 302, "authorize should redirect");
    resp.headers()["location"].to_str().expect("location").to_owned()
}

/// What the fake browser saw: the URL it was asked to open and the final page.
#[derive(Default, Clone)]
pub struct BrowserLog {
    pub opened: Arc<Mutex<Vec<String>>>,
    pub page: Arc<Mutex<Option<(u16, String)>>>,
}

impl BrowserLog {
    pub fn opened(&self) -> Vec<String> {
        self.opened.lock().expect("lock").clone()
    }

    /// Waits briefly for the page (the fake browser reads it after the login ends).
    pub async fn page(&self) -> (u16, String) {
        for _ in 0..100 {
            if let Some(p) = self.page.lock().expect("lock").clone() {
                return p;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the browser never got a page")
    }
}

/// A browser that follows the authorize URL, optionally rewrites the
/// redirect (`tamper`), and loads it from the loopback listener.
pub fn following_browser(
    tamper: impl Fn(String) -> String + Send + Sync + 'static,
) -> (impl Fn(&str) -> dkcloud_engine::Result<()> + Send + Sync, BrowserLog) {
    let log = BrowserLog::default();
    let tamper = Arc::new(tamper);
    let seen = log.clone();
    let opener = move |url: &str| -> dkcloud_engine::Result<()> {
        seen.opened.lock().expect("lock").push(url.to_owned());
        let url = url.to_owned();
        let page = seen.page.clone();
        let tamper = tamper.clone();
        tokio::spawn(async move {
            let target = tamper(location_of(&url).await);
            let resp = browser_client().get(&target).send().await.expect("loopback request");
            let status = resp.status().as_u16();
            let body = resp.text().await.expect("page");
            *page.lock().expect("lock") = Some((status, body));
        });
        Ok(())
    };
    (opener, log)
}

/// Asserts that none of `secrets` appears in `text`.
pub fn assert_no_secret(text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!s.is_empty() && !text.contains(s), "a token appears in: {text}");
    }
}
