//! `dkcloud setup`: registering one's own app, against an emulator that holds
//! apps to their registration. The id's form is checked, a refused id is named
//! with the setting to change and not saved, a good one is saved to
//! config.toml (keeping what was there) and ends in a real sign-in.

mod support;

use support::{text, Env};

const OD_CLIENT: &str = "6b5f2c2e-1b2a-4d3c-9e8f-0a1b2c3d4e5f";
const DB_KEY: &str = "a1b2c3d4e5f6g7h";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An emulator knowing one app per service; Dropbox's redirect on `port`,
/// which config.toml names as the user's would.
async fn env_with_apps(port: u16) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("registrations.toml");
    std::fs::write(
        &file,
        format!(
            "[[onedrive]]\nclient_id = \"{OD_CLIENT}\"\nredirect_uris = [\"http://localhost\"]\naudience = \"both\"\n\
             permissions = [\"Files.ReadWrite\", \"User.Read\", \"offline_access\"]\n\n\
             [[dropbox]]\napp_key = \"{DB_KEY}\"\nredirect_uris = [\"http://localhost:{port}/\"]\n\
             permissions = [\"account_info.read\", \"files.metadata.read\", \"files.metadata.write\", \
             \"files.content.read\", \"files.content.write\", \"sharing.read\", \"sharing.write\"]\n"
        ),
    )
    .unwrap();
    let env = Env::start(|c| c.registrations = Some(file)).await;
    std::mem::forget(dir); // the emulator read the file at start; the folder may go with the process
    std::fs::write(env.path("config/config.toml"), format!("# mine\n[dropbox]\nredirect_port = {port}\n")).unwrap();
    env
}

#[tokio::test]
async fn an_id_of_the_wrong_form_is_refused_with_what_it_should_look_like() {
    let env = env_with_apps(free_port()).await;
    let out = env.run(&["setup", "onedrive", "--client-id", "my app", "--no-browser"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("00000000-0000-0000-0000-000000000000"), "{}", text(&out));
    let out = env.run(&["setup", "dropbox", "--client-id", OD_CLIENT, "--no-browser"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("App key"), "{}", text(&out));
}

#[tokio::test]
async fn an_unknown_app_is_named_and_not_saved() {
    let env = env_with_apps(free_port()).await;
    for (service, id) in [("onedrive", "99999999-1b2a-4d3c-9e8f-0a1b2c3d4e5f"), ("dropbox", "zzzzzzzzzzzzzzz")] {
        let out = env.run(&["setup", service, "--client-id", id, "--no-browser"]).await;
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        let all = text(&out);
        assert!(all.contains("refused the app registration") && all.contains("nothing was saved"), "{all}");
        assert!(all.contains("App registrations") || all.contains("App Console"), "{all}");
        let config = std::fs::read_to_string(env.path("config/config.toml")).unwrap();
        assert!(!config.contains(id), "a refused id was saved: {config}");
    }
}

#[tokio::test]
async fn a_registered_app_is_saved_and_signs_in() {
    let env = env_with_apps(free_port()).await;
    for (service, id) in [("onedrive", OD_CLIENT), ("dropbox", DB_KEY)] {
        let out = env.run(&["setup", service, "--client-id", id, "--no-login"]).await;
        assert!(out.status.success(), "{}", text(&out));
        let all = text(&out);
        assert!(all.contains("knows the app") && all.contains("Saved the"), "{all}");
        let out = env.run(&["login", service]).await;
        assert!(out.status.success(), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Logged in to"), "{}", text(&out));
    }
    let config = std::fs::read_to_string(env.path("config/config.toml")).unwrap();
    assert!(config.starts_with("# mine\n"), "{config}");
    assert!(config.contains(OD_CLIENT) && config.contains(DB_KEY), "{config}");
}

#[tokio::test]
async fn setup_ends_with_a_test_sign_in() {
    let env = env_with_apps(free_port()).await;
    let out = env.run(&["setup", "onedrive", "--client-id", OD_CLIENT]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Logged in to OneDrive as Emulator User"), "{}", text(&out));
}
