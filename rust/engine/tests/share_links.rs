//! `Session::share_link` on both services against the emulator over real HTTP:
//! a new view link whose page works without a token, the service's existing
//! link handed back (and said to differ when it does), refusals a free plan
//! gives, a premium link with password and expiry, and input refused early.

use dkcloud_emulator::{Config as EmuConfig, DriveType, Plan};
use dkcloud_engine::config::{Config, EnvOverrides, Paths};
use dkcloud_engine::sharing::{LinkAccess, LinkRequest};
use dkcloud_engine::{Endpoints, ErrorKind, ServiceKind, Session};
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "engine-share-links-token";

struct Setup {
    emu: dkcloud_emulator::RunningEmulator,
    config: Config,
    data: tempfile::TempDir,
    _conf: tempfile::TempDir,
}

async fn setup(plan: Plan) -> Setup {
    setup_with(|c| c.plan = plan).await
}

async fn setup_with(tweak: impl FnOnce(&mut EmuConfig)) -> Setup {
    let data = tempfile::tempdir().expect("emulator data");
    let conf = tempfile::tempdir().expect("config dir");
    let mut emu_config = EmuConfig { data: Some(data.path().to_owned()), static_token: Some(TOKEN.into()), ..Default::default() };
    tweak(&mut emu_config);
    let emu = dkcloud_emulator::start(emu_config).await.expect("emulator starts");
    let config = Config::load(&Paths::new(conf.path()), &EnvOverrides::default()).expect("config");
    Setup { emu, config, data, _conf: conf }
}

impl Setup {
    /// A session acting with the emulator's static token (no login saved).
    fn session(&self, service: ServiceKind) -> Session {
        Session::new(service, self.config.clone(), Endpoints::emulator(&self.emu.base_url()))
            .expect("session")
            .with_fallback_token(Some(TOKEN.into()))
    }

    /// Stores a file on the service, as an upload by any client would.
    fn put(&self, service: ServiceKind, path: &str, data: &[u8]) {
        let folder = match service {
            ServiceKind::OneDrive => "onedrive",
            ServiceKind::Dropbox => "dropbox",
        };
        let file = self.data.path().join(folder).join(path.trim_start_matches('/'));
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("folders");
        std::fs::write(file, data).expect("write");
    }
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

async fn open(url: &str) -> (u16, String) {
    let resp = client().get(url).send().await.expect("GET the link");
    (resp.status().as_u16(), resp.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_link_opens_without_a_token_and_asking_again_gives_the_same_link() {
    let s = setup(Plan::Free).await;
    let cancel = CancellationToken::new();
    for service in ServiceKind::ALL {
        s.put(service, "/Trip/IMG_1.jpg", b"twelve bytes");
        let session = s.session(service);
        let link = session.share_link("Trip/", &LinkRequest::view(), &cancel).await.expect("link");
        assert_eq!(link.access, LinkAccess::View, "{service:?}");
        assert!(!link.reused && !link.password && link.expires.is_none(), "{link:?}");
        assert!(link.url.starts_with(&s.emu.base_url()), "{}", link.url);
        let (status, page) = open(&link.url).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("IMG_1.jpg") && page.contains("12 bytes"), "{page}");

        let again = session.share_link("/Trip", &LinkRequest::view(), &cancel).await.expect("link again");
        assert_eq!(again.url, link.url, "{service:?}");
        assert!(again.reused);
        assert!(again.unmet(&LinkRequest::view()).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_link_is_made_on_onedrive_and_dropbox_says_its_view_link_differs() {
    let s = setup(Plan::Free).await;
    let cancel = CancellationToken::new();
    let edit = LinkRequest { access: LinkAccess::Edit, ..LinkRequest::view() };
    for service in ServiceKind::ALL {
        s.put(service, "/a.jpg", b"a");
        let session = s.session(service);
        let view = session.share_link("/a.jpg", &LinkRequest::view(), &cancel).await.expect("view link");
        let asked_edit = session.share_link("/a.jpg", &edit, &cancel).await.expect("edit link");
        match service {
            // Graph keeps one link per type: a new edit link.
            ServiceKind::OneDrive => {
                assert_eq!(asked_edit.access, LinkAccess::Edit);
                assert!(!asked_edit.reused);
                assert_ne!(asked_edit.url, view.url);
                assert!(asked_edit.unmet(&edit).is_empty());
            }
            // Dropbox keeps one link per item: the view link comes back, said to differ.
            ServiceKind::Dropbox => {
                assert_eq!(asked_edit.url, view.url);
                assert!(asked_edit.reused);
                assert_eq!(asked_edit.access, LinkAccess::View);
                assert_eq!(asked_edit.unmet(&edit), ["it lets people view only, not edit"]);
            }
        }
        assert_eq!(open(&asked_edit.url).await, (200, "a".to_owned()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_free_plan_refuses_passwords_and_expiry_and_bad_input_is_refused_early() {
    let s = setup(Plan::Free).await;
    let cancel = CancellationToken::new();
    let later = chrono::Utc::now() + chrono::Duration::days(7);
    for service in ServiceKind::ALL {
        s.put(service, "/b.jpg", b"b");
        let session = s.session(service);
        for asked in [
            LinkRequest { password: Some("pw".into()), ..LinkRequest::view() },
            LinkRequest { expires: Some(later), ..LinkRequest::view() },
        ] {
            let e = session.share_link("/b.jpg", &asked, &cancel).await.expect_err("not in a free plan");
            assert_eq!(e.kind(), ErrorKind::NotInPlan, "{service:?}: {e}");
            assert!(e.detail().contains("password or an expiry"), "{}", e.detail());
            assert!(!e.to_string().contains("pw"));
        }
        let missing = session.share_link("/nope.jpg", &LinkRequest::view(), &cancel).await.expect_err("missing");
        assert_eq!(missing.kind(), ErrorKind::Refused, "{missing}");
        assert!(missing.detail().contains("/nope.jpg"), "{}", missing.detail());
        let past =
            LinkRequest { expires: Some(chrono::Utc::now() - chrono::Duration::hours(1)), ..LinkRequest::view() };
        assert_eq!(session.share_link("/b.jpg", &past, &cancel).await.expect_err("past").kind(), ErrorKind::Invalid);
    }
    let links: serde_json::Value =
        client().get(format!("{}/_emulator/links", s.emu.base_url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(links["links"], serde_json::json!([]), "nothing refused made a link");
}

/// On a work or school OneDrive a refused link is the organisation's policy,
/// not the plan: "anonymous link support may be disabled by an administrator",
/// and a password is "OneDrive Personal only" (driveitem-createlink), so that
/// one is refused before asking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_work_accounts_refusals_name_the_organisation_or_the_account_kind() {
    let s = setup_with(|c| {
        c.drive_type = DriveType::Business;
        c.no_anonymous_links = true;
    })
    .await;
    let cancel = CancellationToken::new();
    s.put(ServiceKind::OneDrive, "/w.jpg", b"w");
    let session = s.session(ServiceKind::OneDrive);
    let later = chrono::Utc::now() + chrono::Duration::days(7);
    for asked in [LinkRequest::view(), LinkRequest { expires: Some(later), ..LinkRequest::view() }] {
        let e = session.share_link("/w.jpg", &asked, &cancel).await.expect_err("anonymous links are off");
        assert_eq!(e.kind(), ErrorKind::SharingPolicy, "{e}");
        assert!(e.detail().contains("organisation does not allow links that anyone can open"), "{}", e.detail());
        assert!(!e.detail().contains("Microsoft 365"), "{}", e.detail());
    }
    let asked_before = count(&s, "graph.create_link").await;
    let password = LinkRequest { password: Some("pw".into()), ..LinkRequest::view() };
    let e = session.share_link("/w.jpg", &password, &cancel).await.expect_err("no passwords at work");
    assert_eq!(e.kind(), ErrorKind::NotInPlan, "{e}");
    assert!(e.detail().contains("work or school OneDrive puts no password"), "{}", e.detail());
    assert_eq!(count(&s, "graph.create_link").await, asked_before, "refused before asking the service");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_work_account_that_allows_anonymous_links_makes_one_with_an_expiry() {
    let s = setup_with(|c| c.drive_type = DriveType::Business).await;
    s.put(ServiceKind::OneDrive, "/w.jpg", b"work");
    let expires = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() + 86_400, 0).expect("a time");
    let asked = LinkRequest { expires: Some(expires), ..LinkRequest::view() };
    let link = s.session(ServiceKind::OneDrive).share_link("/w.jpg", &asked, &CancellationToken::new()).await.expect("link");
    assert_eq!(link.expires, Some(expires));
    assert_eq!(open(&link.url).await, (200, "work".to_owned()));
}

async fn count(s: &Setup, kind: &str) -> u64 {
    let stats: serde_json::Value =
        client().get(format!("{}/_emulator/stats", s.emu.base_url())).send().await.unwrap().json().await.unwrap();
    stats["requests"][kind].as_u64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_premium_link_carries_its_password_and_expiry() {
    let s = setup(Plan::Premium).await;
    let cancel = CancellationToken::new();
    let expires = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() + 86_400, 0).expect("a time");
    let asked = LinkRequest { access: LinkAccess::View, expires: Some(expires), password: Some("Tr0ub4dor".into()) };
    for service in ServiceKind::ALL {
        s.put(service, "/c.txt", b"secret bytes");
        let link = s.session(service).share_link("/c.txt", &asked, &cancel).await.expect("premium link");
        assert!(link.password, "{service:?}");
        assert_eq!(link.expires, Some(expires));
        assert!(link.unmet(&asked).is_empty(), "{:?}", link.unmet(&asked));
        assert_eq!(open(&link.url).await.0, 401);
        let resp = client().post(&link.url).form(&[("password", "Tr0ub4dor")]).send().await.expect("POST");
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.bytes().await.expect("bytes").as_ref(), b"secret bytes");
    }
}
