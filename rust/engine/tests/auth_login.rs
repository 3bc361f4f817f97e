//! Login flows against the emulator over real HTTP: loopback (with a
//! following browser and with a real `BROWSER` script), paste-the-code,
//! device code, and the ways they fail.

mod auth_support;

use auth_support::{following_browser, location_of, setup, Setup};
use dkcloud_emulator::Consent;
use dkcloud_engine::auth::SystemBrowser;
use dkcloud_engine::testing::auth::{BrowserLogin, Credentials, LoginOutcome};
use dkcloud_engine::testing::token::TokenProvider as _;
use dkcloud_engine::{Error, ServiceKind};
use std::time::Duration;

async fn browser_login(s: &Setup, service: ServiceKind) -> (LoginOutcome, (u16, String)) {
    let (opener, log) = following_browser(|loc| loc);
    let outcome = match s.login(service).with_browser(&opener).await.expect("login succeeds") {
        BrowserLogin::SignedIn(o) => o,
        BrowserLogin::PasteCode(_) => panic!("unexpected paste fallback"),
    };
    (outcome, log.page().await)
}

async fn loopback_login_names_the_account_and_saves_tokens(service: ServiceKind) {
    let s = setup(Consent::Allow, 3600).await;
    let (outcome, (status, page)) = browser_login(&s, service).await;
    assert_eq!(outcome.account.display_name, "Emulator User");
    assert_eq!(outcome.account.email.as_deref(), Some("user@emulator.invalid"));
    assert!(outcome.tokens.refresh_token.is_some(), "offline access must give a refresh token");
    assert_eq!(status, 200);
    assert!(page.contains(&format!("signed in to {service} as")) && page.contains("Emulator User"), "{page}");

    let account = s.accounts().add(&outcome).await.expect("saved");
    assert!(account.default, "the first account of a service is its default");
    // A later run finds the account and its tokens, and they work.
    let creds = Credentials::load(service, None, &s.config, &s.endpoints, s.client.clone()).await.expect("load");
    let token = creds.access_token().await.expect("token");
    assert_eq!(token, outcome.tokens.access_token);
    assert_eq!(s.whoami_status(service, &token).await, 200);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_loopback_login_names_the_account_and_saves_tokens() {
    loopback_login_names_the_account_and_saves_tokens(ServiceKind::OneDrive).await;
}

#[tokio::test]
async fn dropbox_loopback_login_names_the_account_and_saves_tokens() {
    loopback_login_names_the_account_and_saves_tokens(ServiceKind::Dropbox).await;
}

#[tokio::test]
async fn login_url_carries_pkce_s256_state_and_a_localhost_redirect() {
    let s = setup(Consent::Allow, 3600).await;
    let (opener, log) = following_browser(|loc| loc);
    s.login(ServiceKind::Dropbox).with_browser(&opener).await.expect("login");
    let opened = url::Url::parse(&log.opened()[0]).expect("url");
    let q: std::collections::HashMap<_, _> = opened.query_pairs().into_owned().collect();
    assert_eq!(q.get("code_challenge_method").map(String::as_str), Some("S256"));
    assert_eq!(q.get("code_challenge").map(String::len), Some(43));
    assert!(q.get("state").is_some_and(|st| st.len() >= 16));
    assert_eq!(q.get("token_access_type").map(String::as_str), Some("offline"));
    assert!(q.get("redirect_uri").is_some_and(|r| r.starts_with("http://localhost:")), "{q:?}");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn browser_script_in_browser_variable_completes_the_login() {
    if std::process::Command::new("curl").arg("--version").output().is_err() {
        eprintln!("SKIPPED: curl is not installed, so no BROWSER script can follow the login");
        return;
    }
    let s = setup(Consent::Allow, 3600).await;
    let dir = tempfile::tempdir().expect("dir");
    let script = dir.path().join("browser.sh");
    let page_file = dir.path().join("page.html");
    // What a user's browser does: load the URL, follow the redirect to the loopback listener.
    std::fs::write(&script, format!("#!/bin/sh\nexec curl -sSL -o '{}' \"$1\"\n", page_file.display()))
        .expect("script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let browser = SystemBrowser::with_browser_var(script.display().to_string());
    let BrowserLogin::SignedIn(outcome) = s.login(ServiceKind::OneDrive).with_browser(&browser).await.expect("login")
    else {
        panic!("unexpected paste fallback")
    };
    assert_eq!(outcome.account.display_name, "Emulator User");
    let mut page = String::new();
    for _ in 0..100 {
        page = std::fs::read_to_string(&page_file).unwrap_or_default();
        if page.contains("</html>") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(page.contains("You are signed in to OneDrive as <strong>Emulator User"), "{page}");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn state_mismatch_is_rejected_and_the_page_says_so() {
    let s = setup(Consent::Allow, 3600).await;
    let (opener, log) = following_browser(|loc| {
        let mut url = url::Url::parse(&loc).expect("location");
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                if k == "state" {
                    (k.into_owned(), "forged-state".to_owned())
                } else {
                    (k.into_owned(), v.into_owned())
                }
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        url.to_string()
    });
    let before = s.count("identity.token").await;
    let err = s.login(ServiceKind::OneDrive).with_browser(&opener).await.expect_err("forged state must fail");
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(err.to_string().contains("state mismatch"), "{err}");
    let (status, page) = log.page().await;
    assert_eq!(status, 400);
    assert!(page.contains("state mismatch"), "{page}");
    assert_eq!(s.count("identity.token").await, before, "a code with a forged state must not be redeemed");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn declined_consent_is_a_clear_error_in_both_places() {
    let s = setup(Consent::Deny, 3600).await;
    for service in [ServiceKind::OneDrive, ServiceKind::Dropbox] {
        let (opener, log) = following_browser(|loc| loc);
        let err = s.login(service).with_browser(&opener).await.expect_err("declined");
        let text = err.to_string();
        assert!(
            matches!(err, Error::Auth { .. })
                && text.contains("sign-in was declined")
                && text.contains("access_denied"),
            "{text}"
        );
        let (_, page) = log.page().await;
        assert!(page.contains("sign-in was declined"), "{page}");
    }
    s.emu.shutdown().await;
}

#[tokio::test]
async fn login_gives_up_when_the_browser_never_comes_back() {
    let s = setup(Consent::Allow, 3600).await;
    let login =
        dkcloud_engine::testing::auth::Login::new(s.client.clone(), s.app(ServiceKind::OneDrive), Duration::from_millis(300));
    let ignore = |_: &str| -> dkcloud_engine::Result<()> { Ok(()) };
    let err = login.with_browser(&ignore).await.expect_err("times out");
    assert!(err.to_string().contains("no answer from the browser"), "{err}");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn dropbox_paste_flow_redeems_the_code_shown_on_the_page() {
    let s = setup(Consent::Allow, 3600).await;
    let paste = s.login(ServiceKind::Dropbox).start_paste().await.expect("start");
    assert!(!paste.url().contains("redirect_uri"), "the paste flow has no redirect URI: {}", paste.url());
    let page = auth_support::browser_client().get(paste.url()).send().await.expect("page").text().await.expect("text");
    let code = page
        .split("<code id=\"auth-code\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the page shows a code")
        .to_owned();
    let outcome = paste.finish(&format!("  {code}\n")).await.expect("paste login");
    assert_eq!(outcome.account.display_name, "Emulator User");
    assert_eq!(s.whoami_status(ServiceKind::Dropbox, &outcome.tokens.access_token).await, 200);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_paste_flow_takes_the_address_the_browser_ended_on() {
    let s = setup(Consent::Allow, 3600).await;
    let paste = s.login(ServiceKind::OneDrive).start_paste().await.expect("start");
    let landed = location_of(paste.url()).await;
    assert!(landed.starts_with("http://localhost:") && landed.contains("code="), "{landed}");
    let outcome = paste.finish(&landed).await.expect("paste login");
    assert_eq!(outcome.account.display_name, "Emulator User");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn dropbox_falls_back_to_pasting_when_its_port_is_taken() {
    let mut s = setup(Consent::Allow, 3600).await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    s.config.dropbox.redirect_port = taken.local_addr().expect("addr").port();
    let opened = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = opened.clone();
    let opener = move |url: &str| -> dkcloud_engine::Result<()> {
        seen.lock().expect("lock").push(url.to_owned());
        Ok(())
    };
    let BrowserLogin::PasteCode(paste) = s.login(ServiceKind::Dropbox).with_browser(&opener).await.expect("fallback")
    else {
        panic!("expected the paste fallback")
    };
    assert_eq!(opened.lock().expect("lock").as_slice(), [paste.url().to_owned()], "the code page was opened");
    assert!(!paste.url().contains("redirect_uri"));
    s.emu.shutdown().await;
}

#[tokio::test]
async fn device_code_login_polls_until_approved() {
    let s = setup(Consent::Allow, 3600).await;
    let mut prompt = None;
    let outcome = s.login(ServiceKind::OneDrive).device_code(|p| prompt = Some(p.clone())).await.expect("device login");
    let prompt = prompt.expect("the user was shown a code");
    assert_eq!(prompt.user_code.len(), 9);
    assert!(prompt.verification_uri.contains("/devicelogin"), "{}", prompt.verification_uri);
    assert_eq!(outcome.account.display_name, "Emulator User");
    assert!(outcome.tokens.refresh_token.is_some());
    // One poll answered authorization_pending, the next one the tokens.
    assert_eq!(s.count("identity.token").await, 2);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn device_code_declined_is_reported() {
    let s = setup(Consent::Deny, 3600).await;
    let err = s.login(ServiceKind::OneDrive).device_code(|_| {}).await.expect_err("declined");
    assert!(err.to_string().contains("declined"), "{err}");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn dropbox_has_no_device_code_login() {
    let s = setup(Consent::Allow, 3600).await;
    let err = s.login(ServiceKind::Dropbox).device_code(|_| {}).await.expect_err("no device flow");
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    s.emu.shutdown().await;
}
