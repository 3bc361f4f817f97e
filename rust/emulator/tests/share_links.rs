//! Sharing links on both services over real HTTP: Graph `createLink`,
//! `permissions` and their removal; Dropbox `create_shared_link_with_settings`,
//! `list_shared_links` and `revoke_shared_link`; the plan switch; and what a
//! link opens without a token (a folder's page, a file's exact bytes, the
//! password form, 410 once expired, 404 once revoked).

mod common;
mod dropbox_util;
mod graph_support;

use common::{Harness, TOKEN};
use dkcloud_emulator::Plan;
use dropbox_util::{rpc, upload as dropbox_upload};
use graph_support::{error_code, get, post_json, restart, upload, DRIVE};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// GET without a token: status, headers and body bytes.
async fn open(h: &Harness, url: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = h.client.get(url).send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

async fn post_password(h: &Harness, url: &str, password: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = h.client.post(url).form(&[("password", password)]).send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

async fn delete_permission(h: &Harness, item: &str, permission: &str) -> StatusCode {
    let url = h.url(&format!("{DRIVE}/items/{item}/permissions/{permission}"));
    h.client.delete(url).bearer_auth(TOKEN).send().await.unwrap().status()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn in_a_while(secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(secs)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn premium() -> Harness {
    common::start_with(|c| c.plan = Plan::Premium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_view_link_of_a_folder_lists_it_and_serves_its_files_without_a_token() {
    let h = common::start().await;
    let photo = common::bytes(5000, 7);
    assert_eq!(upload(&h, "Trip/IMG 1.jpg", "", &photo).await.0, StatusCode::CREATED);
    let (status, folder) = get(&h, &format!("{DRIVE}/root:/Trip")).await;
    assert_eq!(status, StatusCode::OK);
    let id = folder["id"].as_str().unwrap();

    let (status, perm) = post_json(&h, &format!("{DRIVE}/items/{id}/createLink"), &json!({"type": "view"})).await;
    assert_eq!(status, StatusCode::CREATED, "{perm}");
    assert_eq!(perm["roles"], json!(["read"]));
    assert_eq!(perm["link"]["type"], "view");
    assert_eq!(perm["link"]["scope"], "anonymous");
    assert_eq!(perm["hasPassword"], false);
    assert!(perm.get("expirationDateTime").is_none(), "{perm}");
    let url = perm["link"]["webUrl"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/_links/", h.base)), "{url}");

    // The same request again returns the same link, 200 instead of 201.
    let (status, again) =
        post_json(&h, &format!("{DRIVE}/root:/Trip:/createLink"), &json!({"type": "view", "scope": "anonymous"})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], perm["id"]);
    assert_eq!(again["link"]["webUrl"], perm["link"]["webUrl"]);

    let (status, headers, page) = open(&h, url).await;
    assert_eq!(status, StatusCode::OK, "{}", text(&page));
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = text(&page);
    let line = page.lines().find(|l| l.starts_with("<li")).expect("a listed child");
    assert!(line.contains("IMG 1.jpg") && line.contains("5000 bytes"), "{page}");
    let href = line.split("href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    let (status, headers, bytes) = open(&h, &h.url(href)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("inline;"));
    assert_eq!(bytes, photo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_edit_link_of_a_file_serves_its_bytes_and_revoking_it_gives_404() {
    let h = common::start().await;
    let data = common::bytes(3000, 1);
    let (_, item) = upload(&h, "a/b.png", "", &data).await;
    let id = item["id"].as_str().unwrap();
    let (status, perm) = post_json(
        &h,
        &format!("/v1.0/drives/{}/items/{id}/createLink", dkcloud_emulator::ONEDRIVE_DRIVE_ID),
        &json!({"type": "edit"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{perm}");
    assert_eq!(perm["roles"], json!(["write"]));
    let url = perm["link"]["webUrl"].as_str().unwrap().to_owned();
    let (status, headers, bytes) = open(&h, &format!("{url}?dl=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(bytes, data);

    // A view link is a different link; both are listed.
    let (status, view) = post_json(&h, &format!("{DRIVE}/items/{id}/createLink"), &json!({"type": "view"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(view["id"], perm["id"]);
    let (status, listed) = get(&h, &format!("{DRIVE}/items/{id}/permissions")).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&Value> = listed["value"].as_array().unwrap().iter().map(|p| &p["id"]).collect();
    assert_eq!(ids, vec![&perm["id"], &view["id"]]);

    let perm_id = perm["id"].as_str().unwrap();
    assert_eq!(delete_permission(&h, id, perm_id).await, StatusCode::NO_CONTENT);
    assert_eq!(open(&h, &url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(delete_permission(&h, id, perm_id).await, StatusCode::NOT_FOUND);
    let (_, listed) = get(&h, &format!("{DRIVE}/items/{id}/permissions")).await;
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    // The other link still works.
    assert_eq!(open(&h, view["link"]["webUrl"].as_str().unwrap()).await.2, data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_refuses_password_and_expiry_on_free_and_bad_requests() {
    let h = common::start().await;
    upload(&h, "x.jpg", "", b"x").await;
    let link = format!("{DRIVE}/root:/x.jpg:/createLink");
    for body in
        [json!({"type": "view", "password": "pw"}), json!({"type": "view", "expirationDateTime": in_a_while(3600)})]
    {
        let (status, e) = post_json(&h, &link, &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
        assert_eq!(error_code(&e), "notAllowed");
    }
    let (status, e) = post_json(&h, &link, &json!({"type": "view", "scope": "organization"})).await;
    assert_eq!((status, error_code(&e)), (StatusCode::BAD_REQUEST, "invalidRequest"));
    let (status, e) = post_json(&h, &link, &json!({"type": "share"})).await;
    assert_eq!((status, error_code(&e)), (StatusCode::BAD_REQUEST, "invalidRequest"));
    let (status, e) = post_json(&h, &format!("{DRIVE}/root:/missing.jpg:/createLink"), &json!({"type": "view"})).await;
    assert_eq!((status, error_code(&e)), (StatusCode::NOT_FOUND, "itemNotFound"));
    let resp = h.client.post(h.url(&link)).json(&json!({"type": "view"})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let links: Value = h.client.get(h.url("/_emulator/links")).send().await.unwrap().json().await.unwrap();
    assert_eq!(links["links"], json!([]));
}

/// driveitem-createlink on a work or school drive: the `organization` scope is
/// taken; a password is "OneDrive Personal only" and `embed` "only available
/// for files in OneDrive personal"; an expiry needs no plan; /me/drive says `business`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_business_drive_takes_organization_links_and_refuses_personal_only_settings() {
    let h = common::start_with(|c| c.drive_type = dkcloud_emulator::DriveType::Business).await;
    upload(&h, "x.jpg", "", b"x").await;
    let (status, drive) = get(&h, "/v1.0/me/drive").await;
    assert_eq!((status, drive["driveType"].as_str()), (StatusCode::OK, Some("business")));
    let link = format!("{DRIVE}/root:/x.jpg:/createLink");
    let (status, perm) = post_json(&h, &link, &json!({"type": "view", "scope": "organization"})).await;
    assert_eq!(status, StatusCode::CREATED, "{perm}");
    assert_eq!(perm["link"]["scope"], "organization");
    let (status, perm) =
        post_json(&h, &link, &json!({"type": "view", "scope": "anonymous", "expirationDateTime": in_a_while(3600)})).await;
    assert_eq!(status, StatusCode::CREATED, "an expiry needs no plan on a business drive: {perm}");
    for body in [json!({"type": "view", "password": "pw"}), json!({"type": "embed"})] {
        let (status, e) = post_json(&h, &link, &body).await;
        assert_eq!((status, error_code(&e)), (StatusCode::BAD_REQUEST, "invalidRequest"), "{body}: {e}");
    }
}

/// "Anonymous link support may be disabled by an administrator"
/// (driveitem-createlink): 403 `notAllowed` for `anonymous`, while
/// `organization` links still work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_business_drive_without_anonymous_links_refuses_them_alone() {
    let h = common::start_with(|c| {
        c.drive_type = dkcloud_emulator::DriveType::Business;
        c.no_anonymous_links = true;
    })
    .await;
    upload(&h, "x.jpg", "", b"x").await;
    let link = format!("{DRIVE}/root:/x.jpg:/createLink");
    for body in [json!({"type": "view"}), json!({"type": "edit", "scope": "anonymous"})] {
        let (status, e) = post_json(&h, &link, &body).await;
        assert_eq!((status, error_code(&e)), (StatusCode::FORBIDDEN, "notAllowed"), "{body}: {e}");
    }
    let (status, perm) = post_json(&h, &link, &json!({"type": "view", "scope": "organization"})).await;
    assert_eq!(status, StatusCode::CREATED, "{perm}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_premium_password_link_asks_for_it_then_serves_and_survives_a_restart() {
    let h = premium().await;
    let data = common::bytes(777, 3);
    upload(&h, "p/secret.jpg", "", &data).await;
    let expiry = in_a_while(3600);
    let (status, perm) = post_json(
        &h,
        &format!("{DRIVE}/root:/p/secret.jpg:/createLink"),
        &json!({"type": "view", "password": "Tr0ub4dor", "expirationDateTime": expiry}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{perm}");
    assert_eq!(perm["hasPassword"], true);
    assert_eq!(perm["expirationDateTime"], expiry);
    let url = perm["link"]["webUrl"].as_str().unwrap().to_owned();
    let state = std::fs::read_to_string(h.dir.path().join(".emulator/shared-links.json")).unwrap();
    assert!(!state.contains("Tr0ub4dor"), "the password is kept only as a digest");

    let h = restart(h).await;
    let (status, _, form) = open(&h, &url).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text(&form).contains("name=\"password\""), "{}", text(&form));
    let (status, _, again) = post_password(&h, &url, "wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text(&again).contains("not right"));
    let (status, headers, bytes) = post_password(&h, &url, "Tr0ub4dor").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, data);
    // The cookie it sets lets the browser come back without the password.
    let cookie = headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let resp = h.client.get(&url).header("cookie", cookie).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_link_of_a_folder_is_created_once_then_reported_as_existing() {
    let h = common::start().await;
    let data = common::bytes(4321, 9);
    assert_eq!(dropbox_upload(&h, "/Photos/Trip/a.jpg", &data).await.0, StatusCode::OK);
    let (status, link) = rpc(&h, "sharing/create_shared_link_with_settings", json!({"path": "/photos/trip"})).await;
    assert_eq!(status, StatusCode::OK, "{link}");
    assert_eq!(link[".tag"], "folder");
    assert_eq!(link["name"], "Trip");
    assert_eq!(link["path_lower"], "/photos/trip");
    assert!(link["id"].as_str().unwrap().starts_with("id:"));
    assert!(link.get("expires").is_none());
    assert_eq!(link["link_permissions"]["link_access_level"][".tag"], "viewer");
    assert_eq!(link["link_permissions"]["resolved_visibility"][".tag"], "public");
    let url = link["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/scl/fo/", h.base)) && url.ends_with("/Trip?dl=0"), "{url}");

    let (status, e) = rpc(
        &h,
        "sharing/create_shared_link_with_settings",
        json!({"path": "/Photos/Trip", "settings": {"access": "editor"}}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"][".tag"], "shared_link_already_exists");
    assert_eq!(e["error"]["shared_link_already_exists"]["metadata"]["url"], url.as_str());

    let (status, listed) =
        rpc(&h, "sharing/list_shared_links", json!({"path": "/Photos/Trip/a.jpg", "direct_only": true})).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["links"], json!([]));
    let (_, listed) = rpc(&h, "sharing/list_shared_links", json!({"path": "/Photos/Trip/a.jpg"})).await;
    assert_eq!(listed["links"][0]["url"], url.as_str());
    let (_, listed) = rpc(&h, "sharing/list_shared_links", json!({"path": "/Photos/Trip", "direct_only": true})).await;
    assert_eq!(listed["links"].as_array().unwrap().len(), 1);

    let (status, _, page) = open(&h, &url).await;
    assert_eq!(status, StatusCode::OK);
    let page = text(&page);
    let line = page.lines().find(|l| l.starts_with("<li")).expect("a listed child");
    assert!(line.contains("a.jpg") && line.contains("4321 bytes"), "{page}");
    let href = line.split("href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    assert_eq!(open(&h, &h.url(href)).await.2, data);

    let (status, body) = rpc(&h, "sharing/revoke_shared_link", json!({"url": url})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, Value::Null);
    assert_eq!(open(&h, &url).await.0, StatusCode::NOT_FOUND);
    let (status, e) = rpc(&h, "sharing/revoke_shared_link", json!({"url": url})).await;
    assert_eq!((status, e["error"][".tag"].as_str()), (StatusCode::CONFLICT, Some("shared_link_not_found")));
    let (status, e) = rpc(&h, "sharing/revoke_shared_link", json!({"url": "nonsense"})).await;
    assert_eq!((status, e["error"][".tag"].as_str()), (StatusCode::CONFLICT, Some("shared_link_malformed")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_refuses_expiry_and_password_on_basic_and_missing_paths() {
    let h = common::start().await;
    dropbox_upload(&h, "/f.jpg", b"f").await;
    let create = "sharing/create_shared_link_with_settings";
    for settings in
        [json!({"expires": in_a_while(3600)}), json!({"requested_visibility": "password", "link_password": "pw"})]
    {
        let (status, e) = rpc(&h, create, json!({"path": "/f.jpg", "settings": settings})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{e}");
        assert_eq!(e["error_summary"], "settings_error/not_authorized/..");
    }
    let (status, e) = rpc(&h, create, json!({"path": "/nope.jpg"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error_summary"], "path/not_found/..");
    let (_, account) = rpc(&h, "users/get_current_account", Value::Null).await;
    assert_eq!(account["account_type"][".tag"], "basic");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_premium_file_link_with_password_and_expiry_serves_then_expires() {
    let h = premium().await;
    let data = common::bytes(2048, 4);
    dropbox_upload(&h, "/Docs/r.txt", &data).await;
    let expiry = in_a_while(3);
    let (status, link) = rpc(
        &h,
        "sharing/create_shared_link_with_settings",
        json!({"path": "/Docs/r.txt", "settings": {
            "audience": {".tag": "password"}, "link_password": "hunter2", "expires": expiry, "access": {".tag": "viewer"}}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    assert_eq!(link[".tag"], "file");
    assert_eq!(link["size"], 2048);
    assert_eq!(link["expires"], expiry);
    assert_eq!(link["link_permissions"]["resolved_visibility"][".tag"], "password");
    let url = link["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/scl/fi/", h.base)) && url.ends_with("/r.txt?dl=0"), "{url}");
    let (_, account) = rpc(&h, "users/get_current_account", Value::Null).await;
    assert_eq!(account["account_type"][".tag"], "pro");

    assert_eq!(open(&h, &url).await.0, StatusCode::UNAUTHORIZED);
    let (status, headers, bytes) = post_password(&h, &url, "hunter2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/plain");
    assert_eq!(bytes, data);

    // Past its expiry the link answers 410, and a new one may be made.
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    let until = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while open(&h, &url).await.0 != StatusCode::GONE && std::time::Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(post_password(&h, &url, "hunter2").await.0, StatusCode::GONE);
    let (status, fresh) = rpc(&h, "sharing/create_shared_link_with_settings", json!({"path": "/Docs/r.txt"})).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    assert_ne!(fresh["url"], link["url"]);
    assert_eq!(open(&h, fresh["url"].as_str().unwrap()).await.2, data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_dies_with_its_item_and_follows_nothing_else() {
    let h = common::start().await;
    dropbox_upload(&h, "/gone.jpg", b"bye").await;
    let (_, link) = rpc(&h, "sharing/create_shared_link_with_settings", json!({"path": "/gone.jpg"})).await;
    let url = link["url"].as_str().unwrap();
    assert_eq!(open(&h, url).await.2, b"bye");
    let (status, _) = rpc(&h, "files/delete_v2", json!({"path": "/gone.jpg"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(open(&h, url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(open(&h, &h.url("/_links/not-a-token")).await.0, StatusCode::NOT_FOUND);
    // The link table shows what exists, never a password.
    let links: Value =
        h.client.get(h.url("/_emulator/links?service=dropbox")).send().await.unwrap().json().await.unwrap();
    assert_eq!(links["links"][0]["hasPassword"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_links_is_never_faulted_by_chaos() {
    let h = common::start().await;
    let data = common::bytes(1500, 2);
    upload(&h, "c/x.jpg", "", &data).await;
    dropbox_upload(&h, "/c/y.jpg", &data).await;
    let (_, perm) = post_json(&h, &format!("{DRIVE}/root:/c:/createLink"), &json!({"type": "view"})).await;
    let (_, link) = rpc(&h, "sharing/create_shared_link_with_settings", json!({"path": "/c/y.jpg"})).await;
    let folder_url = perm["link"]["webUrl"].as_str().unwrap().to_owned();
    let file_url = link["url"].as_str().unwrap().to_owned();

    // The same data with every API request faulted.
    let h = common::restart_with(h, |c| {
        c.chaos_rate = 1.0;
        c.stall_ms = 100;
    })
    .await;
    assert_ne!(get(&h, &format!("{DRIVE}/root")).await.0, StatusCode::OK, "the API is faulted");
    for _ in 0..10 {
        assert_eq!(open(&h, &file_url).await.2, data);
        let (status, _, page) = open(&h, &folder_url).await;
        assert_eq!(status, StatusCode::OK);
        assert!(text(&page).contains("x.jpg"));
        assert_eq!(open(&h, &format!("{folder_url}/x.jpg")).await.2, data);
    }
}
