//! The engine against an emulator that holds apps to their registration
//! (`dkcloud-emulator --registrations`): a built-in registration signs in with
//! no configuration, and each misregistration ends the login at once, before
//! the browser opens, as an `Error::Registration` naming what to change.

mod auth_support;

use auth_support::{following_browser, setup_with, Setup};
use dkcloud_engine::testing::auth::BrowserLogin;
use dkcloud_engine::registration::{BuiltinApps, RegistrationOrigin, RegistrationProblem};
use dkcloud_engine::{Error, ErrorKind, ServiceKind};
use std::time::{Duration, Instant};

const OD_CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const DB_KEY: &str = "registeredkey12";

/// A registrations file: one OneDrive and one Dropbox app, with `tweak`'s lines
/// replacing the defaults (`audience`, `public_client_flows`, Dropbox
/// `permissions`, `redirect_uris`) and `port` the Dropbox redirect port.
fn registrations(od_extra: &str, db_permissions: &str, db_redirect: &str) -> String {
    format!(
        "[[onedrive]]\nclient_id = \"{OD_CLIENT}\"\nredirect_uris = [\"http://localhost\"]\n{od_extra}\n\
         permissions = [\"Files.ReadWrite\", \"User.Read\", \"offline_access\"]\n\n\
         [[dropbox]]\napp_key = \"{DB_KEY}\"\nredirect_uris = [\"{db_redirect}\"]\npermissions = [{db_permissions}]\n"
    )
}

const ALL_DROPBOX: &str = "\"account_info.read\", \"files.metadata.read\", \"files.metadata.write\", \
    \"files.content.read\", \"files.content.write\", \"sharing.read\", \"sharing.write\"";

/// A free port for Dropbox's fixed redirect, registered as `http://localhost:PORT/`.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn registered(toml: String, dropbox_port: u16) -> (Setup, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("registrations.toml");
    std::fs::write(&file, toml).unwrap();
    let mut s = setup_with(|c| c.registrations = Some(file)).await;
    s.config.dropbox.redirect_port = dropbox_port;
    (s, dir)
}

/// Logs in with `client_id` configured (or the built-in one when `None`); the
/// error, and whether the browser was ever asked to open a page.
async fn refused(s: &Setup, service: ServiceKind) -> (Error, bool) {
    let (opener, log) = following_browser(|loc| loc);
    let start = Instant::now();
    let err = s.login(service).with_browser(&opener).await.expect_err("the login is refused");
    assert!(start.elapsed() < Duration::from_secs(10), "a refusal must come at once, took {:?}", start.elapsed());
    (err, !log.opened().is_empty())
}

fn problem(e: &Error) -> &RegistrationProblem {
    match e {
        Error::Registration { problem, .. } => problem,
        other => panic!("expected a refused registration, got {other:?}"),
    }
}

#[tokio::test]
async fn a_built_in_registration_signs_in_with_no_configuration() {
    let port = free_port();
    let (mut s, _dir) =
        registered(registrations("audience = \"both\"", ALL_DROPBOX, &format!("http://localhost:{port}/")), port).await;
    s.config.builtin = BuiltinApps {
        onedrive_client_id: Some(OD_CLIENT.into()),
        onedrive_tenant: None,
        dropbox_app_key: Some(DB_KEY.into()),
    };
    for service in ServiceKind::ALL {
        assert_eq!(s.app(service).origin, RegistrationOrigin::BuiltIn);
        let (opener, _log) = following_browser(|loc| loc);
        let BrowserLogin::SignedIn(outcome) = s.login(service).with_browser(&opener).await.expect("signed in") else {
            panic!("unexpected paste fallback")
        };
        assert_eq!(s.whoami_status(service, &outcome.tokens.access_token).await, 200);
    }
}

#[tokio::test]
async fn an_unknown_app_is_refused_before_the_browser_opens() {
    let port = free_port();
    let (mut s, _dir) =
        registered(registrations("audience = \"both\"", ALL_DROPBOX, &format!("http://localhost:{port}/")), port).await;
    s.config.onedrive.client_id = Some("99999999-2222-3333-4444-555555555555".into());
    s.config.dropbox.client_id = Some("unknownkey12345".into());
    for service in ServiceKind::ALL {
        let (err, opened) = refused(&s, service).await;
        assert_eq!(problem(&err), &RegistrationProblem::UnknownApp, "{service}: {err}");
        assert_eq!(err.kind(), ErrorKind::RegistrationRefused);
        assert!(!opened, "{service}: no page should open for an app the service does not know");
        let text = err.to_string();
        assert!(text.contains("App registrations") || text.contains("App Console"), "{text}");
    }
}

#[tokio::test]
async fn a_built_in_registration_the_service_refuses_says_it_is_the_builds() {
    let (mut s, _dir) = registered(registrations("audience = \"both\"", ALL_DROPBOX, "http://localhost:1/"), 1).await;
    s.config.builtin = BuiltinApps { onedrive_client_id: Some("not-registered".into()), ..Default::default() };
    let (err, _) = refused(&s, ServiceKind::OneDrive).await;
    assert!(matches!(err, Error::Registration { origin: RegistrationOrigin::BuiltIn, .. }), "{err:?}");
    assert!(err.to_string().contains("built into this dkcloud"), "{err}");
}

#[tokio::test]
async fn a_personal_accounts_only_app_at_common_names_the_tenant_fix() {
    let (mut s, _dir) = registered(registrations("audience = \"personal\"", ALL_DROPBOX, "http://localhost:1/"), 1).await;
    s.config.onedrive.client_id = Some(OD_CLIENT.into());
    let (err, opened) = refused(&s, ServiceKind::OneDrive).await;
    assert_eq!(problem(&err), &RegistrationProblem::AccountTypes { tenant: "common".into(), personal_only: true });
    assert!(!opened);
    assert!(err.to_string().contains("consumers"), "{err}");
    // The documented way out works: the tenant `consumers`.
    s.config.onedrive.tenant = Some("consumers".into());
    let (opener, _log) = following_browser(|loc| loc);
    assert!(matches!(s.login(ServiceKind::OneDrive).with_browser(&opener).await, Ok(BrowserLogin::SignedIn(_))));
}

#[tokio::test]
async fn a_dropbox_redirect_uri_not_registered_exactly_is_named() {
    let registered_port = free_port();
    let used_port = free_port();
    let (mut s, _dir) = registered(
        registrations("audience = \"both\"", ALL_DROPBOX, &format!("http://localhost:{registered_port}/")),
        used_port,
    )
    .await;
    s.config.dropbox.client_id = Some(DB_KEY.into());
    let (err, opened) = refused(&s, ServiceKind::Dropbox).await;
    let uri = format!("http://localhost:{used_port}/");
    assert_eq!(problem(&err), &RegistrationProblem::RedirectNotRegistered { redirect_uri: uri.clone() });
    assert!(!opened);
    assert!(err.to_string().contains(&uri) && err.to_string().contains("Redirect URIs"), "{err}");
}

#[tokio::test]
async fn a_dropbox_app_without_the_sharing_permissions_is_refused_naming_them() {
    let port = free_port();
    let some = "\"account_info.read\", \"files.metadata.read\", \"files.metadata.write\", \"files.content.read\", \
                \"files.content.write\"";
    let (mut s, _dir) =
        registered(registrations("audience = \"both\"", some, &format!("http://localhost:{port}/")), port).await;
    s.config.dropbox.client_id = Some(DB_KEY.into());
    let (err, opened) = refused(&s, ServiceKind::Dropbox).await;
    let RegistrationProblem::MissingPermission { scope } = problem(&err) else { panic!("{err:?}") };
    assert!(scope.contains("sharing.read") && scope.contains("sharing.write"), "{scope}");
    assert!(!opened);
    assert!(err.to_string().contains("Permissions"), "{err}");
}

#[tokio::test]
async fn device_code_without_public_client_flows_names_the_switch() {
    let (mut s, _dir) =
        registered(registrations("audience = \"both\"\npublic_client_flows = false", ALL_DROPBOX, "http://localhost:1/"), 1)
            .await;
    s.config.onedrive.client_id = Some(OD_CLIENT.into());
    let start = Instant::now();
    let err = s.login(ServiceKind::OneDrive).device_code(|_| {}).await.expect_err("refused");
    assert!(start.elapsed() < Duration::from_secs(15), "took {:?}", start.elapsed());
    assert_eq!(problem(&err), &RegistrationProblem::PublicClientFlowsOff, "{err}");
    assert!(err.to_string().contains("Allow public client flows"), "{err}");
    // The browser login does not need the switch.
    let (opener, _log) = following_browser(|loc| loc);
    assert!(matches!(s.login(ServiceKind::OneDrive).with_browser(&opener).await, Ok(BrowserLogin::SignedIn(_))));
}

#[tokio::test]
async fn a_dropbox_call_refused_for_a_missing_permission_names_it() {
    let port = free_port();
    let (mut s, _dir) =
        registered(registrations("audience = \"both\"", ALL_DROPBOX, &format!("http://localhost:{port}/")), port).await;
    s.config.dropbox.client_id = Some(DB_KEY.into());
    // A login made when the app had fewer permissions: its token lacks sharing.write.
    let token = auth_support::dropbox_token_with_scope(&s, DB_KEY, &format!("http://localhost:{port}/"), "account_info.read files.metadata.read").await;
    let session = dkcloud_engine::Session::new(ServiceKind::Dropbox, s.config.clone(), s.endpoints.clone())
        .unwrap()
        .with_fallback_token(Some(token));
    let request = dkcloud_engine::sharing::LinkRequest::view();
    let err = session.share_link("/Photos", &request, &Default::default()).await.expect_err("refused");
    assert_eq!(problem(&err), &RegistrationProblem::MissingPermission { scope: "sharing.write".into() }, "{err}");
    assert!(err.to_string().contains("log in again"), "{err}");
}

/// An "App folder" app's paths are below `/Apps/<its folder>`, which the API
/// never names: with `[dropbox] app_folder` set, a folder's web address goes
/// there and opens the folder's page; without it the address misses the part.
#[tokio::test]
async fn a_dropbox_app_folder_apps_folder_address_goes_through_its_folder() {
    let port = free_port();
    let redirect = format!("http://localhost:{port}/");
    let toml = format!(
        "[[dropbox]]\napp_key = \"{DB_KEY}\"\nname = \"dkcloud test\"\naccess = \"app_folder\"\n\
         redirect_uris = [\"{redirect}\"]\npermissions = [{ALL_DROPBOX}]\n"
    );
    let (mut s, _dir) = registered(toml, port).await;
    s.config.dropbox.client_id = Some(DB_KEY.into());
    let token = auth_support::dropbox_token_with_scope(&s, DB_KEY, &redirect, "account_info.read files.metadata.read files.metadata.write files.content.read files.content.write").await;
    let address = |app_folder: Option<&str>| {
        let mut config = s.config.clone();
        config.dropbox.app_folder = app_folder.map(str::to_owned);
        let session = dkcloud_engine::Session::new(ServiceKind::Dropbox, config, s.endpoints.clone())
            .unwrap()
            .with_fallback_token(Some(token.clone()));
        async move {
            let remote = session.remote().await.unwrap();
            let cancel = Default::default();
            remote.create_folder("/Backup", &cancel).await.unwrap();
            let folder = remote.resolve("/Backup", &cancel).await.unwrap().expect("the folder");
            remote.web_url(&folder).expect("an address")
        }
    };
    let url = address(Some("dkcloud test")).await;
    assert_eq!(url, format!("{}/home/Apps/dkcloud%20test/Backup", s.endpoints.dropbox_www));
    let page = s.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200, "{url}");
    assert!(page.text().await.unwrap().contains("/Apps/dkcloud test/Backup"));
    let unset = address(None).await;
    assert_eq!(s.client.get(&unset).send().await.unwrap().status(), 404, "{unset}");
}
