//! Saved logins against the emulator: refresh ahead of expiry and after a
//! 401, one refresh for many callers, a dead refresh token, the token file's
//! privacy, several accounts, logout, and importing a `.env`.

mod auth_support;

use auth_support::{assert_no_secret, following_browser, setup, Setup};
use dkcloud_emulator::Consent;
use dkcloud_engine::auth::Account;
use dkcloud_engine::auth::EnvFile;
use dkcloud_engine::testing::auth::{
    logout, AccountInfo, BrowserLogin, Credentials, LoginOutcome, StoreLocation, TokenSet,
};
use dkcloud_engine::testing::token::TokenProvider as _;
use dkcloud_engine::{Error, ServiceKind};
use std::os::unix::fs::PermissionsExt as _;
use std::sync::Arc;

/// Logs in through the loopback flow and saves the account.
async fn logged_in(s: &Setup, service: ServiceKind) -> (LoginOutcome, Account) {
    let (opener, _log) = following_browser(|loc| loc);
    let BrowserLogin::SignedIn(outcome) = s.login(service).with_browser(&opener).await.expect("login") else {
        panic!("unexpected paste fallback")
    };
    let account = s.accounts().add(&outcome).await.expect("saved");
    (outcome, account)
}

async fn credentials(s: &Setup, service: ServiceKind) -> Arc<Credentials> {
    Credentials::load(service, None, &s.config, &s.endpoints, s.client.clone()).await.expect("credentials")
}

async fn saved_tokens(s: &Setup, account: &Account) -> TokenSet {
    s.accounts().load_tokens(account).await.expect("saved tokens")
}

#[tokio::test]
async fn fresh_token_is_served_from_the_cache() {
    let s = setup(Consent::Allow, 3600).await;
    let (outcome, _) = logged_in(&s, ServiceKind::OneDrive).await;
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let before = s.count("identity.token").await;
    for _ in 0..3 {
        assert_eq!(creds.access_token().await.expect("token"), outcome.tokens.access_token);
    }
    assert_eq!(s.count("identity.token").await, before, "no refresh while the token is fresh");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn expiring_onedrive_token_is_refreshed_and_the_rotated_refresh_token_saved() {
    // Two-second tokens are always inside the refresh margin.
    let s = setup(Consent::Allow, 2).await;
    let (outcome, account) = logged_in(&s, ServiceKind::OneDrive).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        s.whoami_status(ServiceKind::OneDrive, &outcome.tokens.access_token).await,
        401,
        "the old token expired"
    );
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let token = creds.access_token().await.expect("refreshed");
    assert_ne!(token, outcome.tokens.access_token);
    assert_eq!(s.whoami_status(ServiceKind::OneDrive, &token).await, 200);
    let saved = saved_tokens(&s, &account).await;
    assert_eq!(saved.access_token, token, "the new access token is saved");
    assert!(
        saved.refresh_token.is_some() && saved.refresh_token != outcome.tokens.refresh_token,
        "Microsoft rotates refresh tokens"
    );
    s.emu.shutdown().await;
}

#[tokio::test]
async fn dropbox_refresh_keeps_the_refresh_token() {
    let s = setup(Consent::Allow, 2).await;
    let (outcome, account) = logged_in(&s, ServiceKind::Dropbox).await;
    let creds = credentials(&s, ServiceKind::Dropbox).await;
    let token = creds.access_token().await.expect("refreshed");
    assert_ne!(token, outcome.tokens.access_token);
    assert_eq!(s.whoami_status(ServiceKind::Dropbox, &token).await, 200);
    let saved = saved_tokens(&s, &account).await;
    assert_eq!(saved.refresh_token, outcome.tokens.refresh_token, "Dropbox's refresh token stays");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn token_refused_with_401_is_replaced_once() {
    let s = setup(Consent::Allow, 3600).await;
    let (outcome, _) = logged_in(&s, ServiceKind::OneDrive).await;
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let first = creds.access_token().await.expect("token");
    assert_eq!(first, outcome.tokens.access_token);
    assert!(s.emu.app().tokens.expire_now(&first));
    assert_eq!(s.whoami_status(ServiceKind::OneDrive, &first).await, 401);

    let before = s.count("identity.token").await;
    let second = creds.refresh_after_unauthorized(&first).await.expect("refreshed");
    assert_ne!(second, first);
    assert_eq!(s.whoami_status(ServiceKind::OneDrive, &second).await, 200);
    // A second caller whose request failed with the same old token gets the new one.
    assert_eq!(creds.refresh_after_unauthorized(&first).await.expect("same"), second);
    assert_eq!(creds.access_token().await.expect("cached"), second);
    assert_eq!(s.count("identity.token").await, before + 1, "exactly one refresh");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn twenty_concurrent_callers_share_one_refresh() {
    let s = setup(Consent::Allow, 2).await;
    let (outcome, _) = logged_in(&s, ServiceKind::OneDrive).await;
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let before = s.count("identity.token").await;
    let calls = (0..20).map(|_| {
        let c = creds.clone();
        tokio::spawn(async move { c.access_token().await })
    });
    let tokens: Vec<String> =
        futures_util::future::join_all(calls).await.into_iter().map(|r| r.expect("task").expect("token")).collect();
    assert!(
        tokens.iter().all(|t| t == &tokens[0] && t != &outcome.tokens.access_token),
        "all callers get the one new token"
    );
    assert_eq!(s.count("identity.token").await, before + 1, "exactly one refresh");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn refused_refresh_token_asks_to_log_in_again() {
    let s = setup(Consent::Allow, 2).await;
    let (_, account) = logged_in(&s, ServiceKind::OneDrive).await;
    let bogus = TokenSet {
        access_token: "EwAexpired-access-secret".into(),
        refresh_token: Some("Rrevoked-refresh-secret".into()),
        expires_at: chrono::Utc::now() - chrono::Duration::seconds(10),
        scope: None,
    };
    s.accounts().save_tokens(&account, &bogus).await.expect("save");
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let err = creds.access_token().await.expect_err("refresh must fail");
    let text = err.to_string();
    assert!(matches!(err, Error::LoginNeeded { .. }), "{err:?}");
    assert_eq!(err.kind(), dkcloud_engine::ErrorKind::NotLoggedIn);
    assert!(text.contains("log in again") && text.contains("`dkcloud login onedrive`"), "{text}");
    assert_no_secret(&format!("{text} {err:?}"), &["expired-access-secret", "revoked-refresh-secret"]);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn token_file_is_private_and_tokens_never_appear_in_output() {
    let s = setup(Consent::Allow, 3600).await;
    let (outcome, account) = logged_in(&s, ServiceKind::OneDrive).await;
    let (db_outcome, _) = logged_in(&s, ServiceKind::Dropbox).await;
    assert_eq!(account.store, StoreLocation::File);
    let paths = s.accounts().paths().clone();
    let mode = std::fs::metadata(paths.tokens_file()).expect("token file").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "token file mode {mode:o}");
    let tokens_json = std::fs::read_to_string(paths.tokens_file()).expect("read");
    assert!(tokens_json.contains(&outcome.tokens.access_token), "the file store holds the tokens");
    let list = std::fs::read_to_string(paths.accounts_file()).expect("account list");
    assert!(list.contains("Emulator User"));

    let secrets: Vec<&str> = [&outcome.tokens, &db_outcome.tokens]
        .iter()
        .flat_map(|t| [t.access_token.as_str(), t.refresh_token.as_deref().unwrap_or("")])
        .collect();
    assert_no_secret(&list, &secrets);
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let shown = format!("{outcome:?} {db_outcome:?} {:#?} {account:?} {creds:?} {:?}", outcome.tokens, s.accounts());
    assert_no_secret(&shown, &secrets);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn token_file_written_over_a_loose_one_is_private_again() {
    let s = setup(Consent::Allow, 3600).await;
    let (outcome, account) = logged_in(&s, ServiceKind::Dropbox).await;
    let file = s.accounts().paths().tokens_file();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("loosen");
    s.accounts().save_tokens(&account, &outcome.tokens).await.expect("save");
    assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn several_accounts_per_service_with_one_default() {
    let s = setup(Consent::Allow, 3600).await;
    let (real, first) = logged_in(&s, ServiceKind::OneDrive).await;
    let other = LoginOutcome {
        account: AccountInfo {
            service: ServiceKind::OneDrive,
            id: "second-id".into(),
            display_name: "Second Person".into(),
            email: Some("second@example.invalid".into()),
        },
        tokens: TokenSet { access_token: "second-access".into(), ..real.tokens.clone() },
    };
    let accounts = s.accounts();
    let second = accounts.add(&other).await.expect("second account");
    assert!(first.default && !second.default);
    assert_eq!(accounts.find(ServiceKind::OneDrive, None).expect("default").id, first.id);
    assert_eq!(accounts.find(ServiceKind::OneDrive, Some("SECOND@example.invalid")).expect("by email").id, "second-id");
    assert_eq!(accounts.load_tokens(&second).await.expect("its tokens").access_token, "second-access");
    accounts.set_default(ServiceKind::OneDrive, "second-id").expect("switch");
    assert_eq!(accounts.find(ServiceKind::OneDrive, None).expect("default").id, "second-id");
    let err = accounts.find(ServiceKind::OneDrive, Some("nobody")).expect_err("unknown");
    assert!(err.to_string().contains("Second Person"), "the error lists who is logged in: {err}");
    let err = accounts.find(ServiceKind::Dropbox, None).expect_err("no dropbox account");
    assert!(err.to_string().contains("dkcloud login dropbox"), "{err}");
    // Removing the default makes the other one the default.
    accounts.remove(&accounts.find(ServiceKind::OneDrive, None).expect("default")).await.expect("remove");
    let left = accounts.list().expect("list");
    assert_eq!(left.len(), 1);
    assert!(left[0].default && left[0].id == first.id);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn dropbox_logout_revokes_the_token_and_forgets_the_account() {
    let s = setup(Consent::Allow, 3600).await;
    let (outcome, account) = logged_in(&s, ServiceKind::Dropbox).await;
    let report = logout(&s.client, &s.app(ServiceKind::Dropbox), &s.accounts(), &account).await.expect("logout");
    assert!(report.revoked, "Dropbox confirmed the revocation");
    assert_eq!(s.whoami_status(ServiceKind::Dropbox, &outcome.tokens.access_token).await, 401);
    assert!(s.accounts().list().expect("list").is_empty());
    let tokens_json = std::fs::read_to_string(s.accounts().paths().tokens_file()).expect("read");
    assert!(!tokens_json.contains(&outcome.tokens.access_token), "secrets removed");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn onedrive_logout_deletes_the_saved_tokens() {
    let s = setup(Consent::Allow, 3600).await;
    let (outcome, account) = logged_in(&s, ServiceKind::OneDrive).await;
    let report = logout(&s.client, &s.app(ServiceKind::OneDrive), &s.accounts(), &account).await.expect("logout");
    assert!(!report.revoked);
    let tokens_json = std::fs::read_to_string(s.accounts().paths().tokens_file()).expect("read");
    assert!(!tokens_json.contains(&outcome.tokens.access_token));
    let err = Credentials::load(ServiceKind::OneDrive, None, &s.config, &s.endpoints, s.client.clone())
        .await
        .expect_err("gone");
    assert!(err.to_string().contains("not logged in"), "{err}");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn env_file_refresh_token_becomes_a_saved_login() {
    let s = auth_support::setup_with(|c| c.strict_refresh_rotation = true).await;
    // The script's login, as its .env would hold it.
    let (opener, _) = following_browser(|loc| loc);
    let BrowserLogin::SignedIn(script_login) =
        s.login(ServiceKind::OneDrive).with_browser(&opener).await.expect("login")
    else {
        panic!("unexpected paste fallback")
    };
    let dir = tempfile::tempdir().expect("dir");
    let env_path = dir.path().join(".env");
    std::fs::write(
        &env_path,
        format!(
            "# OneDriveConnector\nCLIENTID=\"{}\"\nCLIENTSECRET=\nBLOCKSIZE=3276800\nFILENAME='photo one.jpg'\nACCESSTOKEN=\nREFRESHTOKEN={}\n",
            dkcloud_engine::config::EMULATOR_CLIENT_ID,
            script_login.tokens.refresh_token.as_deref().expect("refresh token")
        ),
    )
    .expect("write .env");

    let env = EnvFile::read(&env_path).expect("import");
    assert_eq!(env.block_size, Some(3_276_800));
    assert_eq!(env.file_name.as_deref(), Some("photo one.jpg"));
    let mut config = s.config.clone();
    config.onedrive.client_id = env.client_id.clone();
    let app = dkcloud_engine::testing::auth::OAuthApp::new(ServiceKind::OneDrive, &config, &s.endpoints).expect("app");
    let login = dkcloud_engine::testing::auth::Login::new(s.client.clone(), app, std::time::Duration::from_secs(10));
    let imported =
        login.from_refresh_token(env.refresh_token.as_deref().expect("REFRESHTOKEN")).await.expect("import login");
    assert_eq!(imported.account.display_name, "Emulator User");
    s.accounts().add(&imported).await.expect("saved");
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let token = creds.access_token().await.expect("token");
    assert_eq!(s.whoami_status(ServiceKind::OneDrive, &token).await, 200);

    // A refresh token that was already used (Microsoft rotated it) is refused clearly.
    let err = login.from_refresh_token(env.refresh_token.as_deref().expect("rt")).await.expect_err("rotated away");
    assert!(err.to_string().contains("dkcloud login onedrive"), "{err}");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn refresh_survives_transient_token_endpoint_failures() {
    let s = setup(Consent::Allow, 2).await;
    let (outcome, account) = logged_in(&s, ServiceKind::OneDrive).await;
    // Now every other request fails: 429, 500, 503, 504 or a stalled connection.
    let s = s
        .restart(|c| {
            c.chaos_rate = 0.6;
            c.chaos_seed = CHAOS_SEED;
            c.stall_ms = 100;
        })
        .await;
    let creds = credentials(&s, ServiceKind::OneDrive).await;
    let token = creds.access_token().await.expect("refreshed despite the faults");
    assert_ne!(token, outcome.tokens.access_token);
    let mut faults = 0;
    for k in ["chaos.429", "chaos.500", "chaos.503", "chaos.504", "chaos.stall", "chaos.reset"] {
        faults += s.count(k).await;
    }
    assert!(faults >= 1, "the seed must inject at least one fault before the refresh succeeds");
    assert_eq!(s.count("identity.token").await, 1, "one refresh got through");
    assert_eq!(saved_tokens(&s, &account).await.access_token, token);
    s.emu.shutdown().await;
}

/// Chosen so that the first token request fails and a retry succeeds.
const CHAOS_SEED: u64 = 1;
