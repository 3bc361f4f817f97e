//! The Secret Service token store, against a real Secret Service. It runs only
//! when `DKCLOUD_TEST_KEYRING=1` (so it never touches a developer's own
//! keyring by surprise) inside a D-Bus session with a keyring daemon, e.g.:
//!
//! ```sh
//! dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//!   DKCLOUD_TEST_KEYRING=1 cargo test -p dkcloud-engine --test auth_keyring'
//! ```

use dkcloud_engine::auth::SecretStore;
use dkcloud_engine::testing::auth::{StoreLocation, TokenSet};
use dkcloud_engine::config::StoreKind;
use dkcloud_engine::config::Paths;
use dkcloud_engine::ServiceKind;

fn wanted() -> bool {
    let on = std::env::var("DKCLOUD_TEST_KEYRING").is_ok_and(|v| v == "1");
    if !on {
        eprintln!("SKIPPED: set DKCLOUD_TEST_KEYRING=1 inside a D-Bus session with a Secret Service to run this");
    }
    on
}

#[tokio::test]
async fn secret_service_keeps_tokens_and_forgets_them_on_delete() {
    if !wanted() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let paths = Paths::new(dir.path());
    let store = SecretStore::open(StoreKind::Auto, &paths).await.expect("store");
    assert_eq!(store.location(), StoreLocation::Keyring, "auto picks the Secret Service when one answers");
    let account = format!("test-{:x}", rand::random::<u64>());
    let tokens = TokenSet {
        access_token: "keyring-access".into(),
        refresh_token: Some("keyring-refresh".into()),
        expires_at: chrono::Utc::now(),
        scope: Some("Files.ReadWrite".into()),
    };
    store.save(ServiceKind::OneDrive, &account, &tokens).await.expect("save");
    let rotated = TokenSet { refresh_token: Some("keyring-refresh-2".into()), ..tokens.clone() };
    store.save(ServiceKind::OneDrive, &account, &rotated).await.expect("replace");
    assert_eq!(store.load(ServiceKind::OneDrive, &account).await.expect("load"), Some(rotated));
    assert_eq!(store.load(ServiceKind::Dropbox, &account).await.expect("other service"), None);
    assert!(!paths.tokens_file().exists(), "no token file when the keyring is used");
    store.delete(ServiceKind::OneDrive, &account).await.expect("delete");
    assert_eq!(store.load(ServiceKind::OneDrive, &account).await.expect("load"), None);
}
