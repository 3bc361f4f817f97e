//! The web pages behind the services' web addresses (`webUrl` of a driveItem,
//! Dropbox's `/home/{path}`), and absolute URLs on the address the client used.

mod common;
mod dropbox_util;
mod graph_support;

use common::{Harness, TOKEN};
use graph_support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// GET without a token: status, content type and body.
async fn page(h: &Harness, url: &str) -> (StatusCode, String, String) {
    let resp = h.client.get(url).send().await.unwrap();
    let status = resp.status();
    let kind = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, resp.text().await.unwrap())
}

fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("a title") + "<title>".len();
    let end = html[start..].find("</title>").expect("a closed title") + start;
    &html[start..end]
}

/// The `<li>` lines of a folder page.
fn items(html: &str) -> Vec<&str> {
    html.lines().filter(|l| l.starts_with("<li")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_url_of_a_created_folder_opens_a_page_listing_its_files() {
    let h = common::start().await;
    let (status, folder) =
        post_json(&h, &format!("{DRIVE}/root/children"), &json!({"name": "Trip", "folder": {}})).await;
    assert_eq!(status, StatusCode::CREATED, "{folder}");
    assert_eq!(folder["webUrl"], format!("{}/_web/onedrive/Trip", h.base));
    let (status, file) = upload(&h, "Trip/IMG%201.jpg", "", &common::bytes(1234, 5)).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!(file["webUrl"], format!("{}/_web/onedrive/Trip/IMG%201.jpg", h.base));

    let (status, kind, html) = page(&h, folder["webUrl"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(title(&html).contains("/Trip"), "{html}");
    let listed = items(&html);
    assert_eq!(listed.len(), 1, "{html}");
    assert!(listed[0].contains("IMG 1.jpg") && listed[0].contains("1234"), "{html}");

    // The file's own page names it with its size.
    let (status, _, html) = page(&h, file["webUrl"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("IMG 1.jpg") && html.contains("1234 bytes"), "{html}");

    // The root, the folder fetched again and the children listing agree.
    let (_, root) = get(&h, &format!("{DRIVE}/root")).await;
    assert_eq!(root["webUrl"], format!("{}/_web/onedrive/", h.base));
    let (status, _, html) = page(&h, root["webUrl"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(items(&html).iter().any(|l| l.contains("Trip") && l.contains("1234")), "{html}");
    let (_, by_path) = get(&h, &format!("{DRIVE}/root:/trip")).await;
    assert_eq!(by_path["webUrl"], folder["webUrl"]);
    let (_, children) = get(&h, &format!("{DRIVE}/root:/Trip:/children")).await;
    assert_eq!(children["value"][0]["webUrl"], file["webUrl"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_url_of_an_upload_session_result_opens_its_page() {
    let h = common::start().await;
    let url = session_url(&h, "Big/s.bin", &json!({})).await;
    assert!(url.starts_with(&format!("http://localhost:{}/_upload/graph/", h.emu.addr().port())), "{url}");
    let data = common::bytes(UNIT + 10, 3);
    let (status, item) = upload_all(&h, &url, &data, UNIT).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    // The item comes back from the upload host, which names its web page too.
    assert_eq!(item["webUrl"], format!("http://localhost:{}/_web/onedrive/Big/s.bin", h.emu.addr().port()));
    let (status, _, html) = page(&h, item["webUrl"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("s.bin") && html.contains(&format!("{} bytes", data.len())), "{html}");
}

/// The JSON body of a raw HTTP/1.1 answer.
fn raw_json(answer: &str) -> Value {
    let (_, body) = answer.split_once("\r\n\r\n").expect("a complete answer");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_use_the_host_the_client_named_or_else_the_address_it_reached() {
    let h = common::start().await;
    upload(&h, "Hosted/a.txt", "", b"abc").await;
    let session = |host: &str| {
        format!(
            "POST {DRIVE}/root:/Hosted/b.bin:/createUploadSession HTTP/1.1\r\n{host}Authorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        )
    };
    let item = |host: &str| {
        format!("GET {DRIVE}/root:/Hosted/a.txt HTTP/1.1\r\n{host}Authorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n")
    };

    // Behind a proxy or under another name: the Host header, port included.
    let host = "Host: photos.test:8123\r\n";
    let created = raw_json(&raw(&h, &session(host), b"{}").await);
    assert!(created["uploadUrl"].as_str().unwrap().starts_with("http://photos.test:8123/_upload/graph/"), "{created}");
    let got = raw_json(&raw(&h, &item(host), b"").await);
    assert_eq!(got["webUrl"], "http://photos.test:8123/_web/onedrive/Hosted/a.txt");

    // No Host header at all: the address and port the connection reached (the
    // upload URL on that loopback address's other name, `localhost`).
    let port = h.emu.addr().port();
    let created = raw_json(&raw(&h, &session(""), b"{}").await);
    let upload_url = created["uploadUrl"].as_str().unwrap();
    assert!(upload_url.starts_with(&format!("http://localhost:{port}/_upload/graph/")), "{created}");
    let got = raw_json(&raw(&h, &item(""), b"").await);
    assert_eq!(got["webUrl"], format!("http://127.0.0.1:{port}/_web/onedrive/Hosted/a.txt"));
    // A session created that way takes its fragments as usual.
    let (status, done) = fragment(&h, upload_url, b"xyz", 0, 3).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_cleartext_http2_urls_carry_the_port() {
    let mut h = common::start().await;
    common::install_crypto();
    h.client = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    // By name, so the authority differs from the address the connection reached.
    h.base = format!("http://localhost:{}", h.emu.addr().port());
    let resp = h.client.get(h.url(&format!("{DRIVE}/root"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
    let root: Value = resp.json().await.unwrap();
    assert_eq!(root["webUrl"], format!("{}/_web/onedrive/", h.base));
    let url = session_url(&h, "h2c.bin", &json!({})).await;
    let port = h.emu.addr().port();
    assert!(url.starts_with(&format!("http://127.0.0.1:{port}/_upload/graph/")), "{url}");
    let (status, item) = fragment(&h, &url, b"over h2c", 0, 8).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(h.stored("onedrive", "h2c.bin").unwrap(), b"over h2c");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tls_with_http2_the_upload_url_keeps_the_port_and_takes_fragments() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let certs = tempfile::tempdir().unwrap();
    let cert_path = certs.path().join("cert.pem");
    let key_path = certs.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let mut h = common::start_with(|c| {
        c.tls_cert = Some(cert_path.clone());
        c.tls_key = Some(key_path.clone());
    })
    .await;
    common::install_crypto();
    h.client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap()])
        .build()
        .unwrap();
    let port = h.emu.addr().port();
    assert_eq!(h.base, format!("https://127.0.0.1:{port}"));
    // By name, so the authority differs from the address the connection reached.
    h.base = format!("https://localhost:{port}");

    let resp = h
        .client
        .post(h.url(&format!("{DRIVE}/root:/Secure/t.bin:/createUploadSession")))
        .bearer_auth(TOKEN)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2, "ALPN picks HTTP/2");
    assert_eq!(resp.status(), StatusCode::OK);
    let created: Value = resp.json().await.unwrap();
    let url = created["uploadUrl"].as_str().unwrap();
    assert!(url.starts_with(&format!("https://127.0.0.1:{port}/_upload/graph/")), "{url}");

    let data = common::bytes(UNIT + 100, 8);
    let (status, item) = upload_all(&h, url, &data, UNIT).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(h.stored("onedrive", "Secure/t.bin").unwrap(), data);
    // The item comes back from the upload host, which names its web page too.
    let web = item["webUrl"].as_str().unwrap();
    assert_eq!(web, format!("https://127.0.0.1:{port}/_web/onedrive/Secure/t.bin"));
    let (status, _, html) = page(&h, web).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("t.bin"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_home_pages_list_uploaded_files() {
    let h = common::start().await;
    let (status, body) = dropbox_util::upload(&h, "/Photos/2026/Beach day.jpg", &common::bytes(4321, 2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, kind, html) = page(&h, &h.url("/home/Photos/2026")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(title(&html).contains("/Photos/2026"), "{html}");
    let listed = items(&html);
    assert_eq!(listed.len(), 1, "{html}");
    assert!(listed[0].contains("Beach day.jpg") && listed[0].contains("4321"), "{html}");

    // Case-insensitive as Dropbox is; the page shows the stored case.
    let (status, _, html) = page(&h, &h.url("/home/photos/2026")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(title(&html).contains("/Photos/2026"), "{html}");
    // The home page itself and a file's page.
    let (status, _, html) = page(&h, &h.url("/home")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(items(&html).iter().any(|l| l.contains("Photos")), "{html}");
    let (status, _, html) = page(&h, &h.url("/home/Photos/2026/Beach%20day.jpg")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Beach day.jpg") && html.contains("4321 bytes"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_paths_give_a_404_page() {
    let h = common::start().await;
    upload(&h, "There/x.txt", "", b"x").await;
    for path in [
        "/_web/onedrive/Nope",
        "/_web/onedrive/There/y.txt",
        "/_web/onedrive/There/x.txt/deeper",
        "/home/Nope",
        "/home/There",
    ] {
        let (status, kind, html) = page(&h, &h.url(path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {html}");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
    }
    // Paths a client library would normalize away, sent as they are.
    for path in ["/_web/onedrive/%2E%2E/etc", "/_web/onedrive/../onedrive/There", "/home/..%2F.emulator"] {
        let answer = raw(&h, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), b"").await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
        assert!(answer.contains("text/html"), "{path}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_pages_are_never_faulted() {
    let h = common::start_with(|c| c.chaos_rate = 1.0).await;
    std::fs::create_dir_all(h.dir.path().join("onedrive/Chaos")).unwrap();
    std::fs::write(h.dir.path().join("onedrive/Chaos/a.txt"), b"abc").unwrap();
    std::fs::create_dir_all(h.dir.path().join("dropbox/Chaos")).unwrap();
    for _ in 0..10 {
        assert_eq!(page(&h, &h.url("/_web/onedrive/Chaos")).await.0, StatusCode::OK);
        assert_eq!(page(&h, &h.url("/home/Chaos")).await.0, StatusCode::OK);
    }
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["web.onedrive"], 10, "{stats}");
    assert_eq!(stats["requests"]["web.dropbox"], 10, "{stats}");
    assert!(!stats["requests"].as_object().unwrap().keys().any(|k| k.starts_with("chaos.")), "{stats}");
}

/// A team member's account in a team space: `root_info` is a `team` root
/// (common.stone `TeamRootInfo`: the root namespace is the team's, `home_path`
/// "the path for user's home directory under the shared team root"), and the
/// web site shows the team's root, so the member's files are below it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropbox_team_space_puts_the_members_files_below_its_home_path() {
    let h = common::start_with(|c| c.dropbox_team_space = true).await;
    let (status, body) = dropbox_util::upload(&h, "/Photos/a.jpg", &common::bytes(10, 1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, me) = dropbox_util::rpc(&h, "users/get_current_account", Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let root = &me["root_info"];
    assert_eq!(root[".tag"], "team", "{me}");
    assert_ne!(root["root_namespace_id"], root["home_namespace_id"]);
    let home = root["home_path"].as_str().expect("a home path").to_owned();
    assert_eq!(home, "/Emulator User");

    let (status, _, html) = page(&h, &h.url("/home/Emulator%20User/Photos")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let listed = items(&html);
    assert!(listed.len() == 1 && listed[0].contains("href=\"/home/Emulator%20User/Photos/a.jpg\""), "{html}");
    // The path without the home folder is not the member's folder.
    assert_eq!(page(&h, &h.url("/home/Photos")).await.0, StatusCode::NOT_FOUND);
}
