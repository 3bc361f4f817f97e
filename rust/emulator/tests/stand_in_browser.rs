//! The stand-in browser reaches an app's loopback listener by `localhost`
//! names as a browser does, without the hosts file (RFC 6761): a demo in a
//! bare container or chroot signs in too.

mod common;

use dkcloud_emulator::stand_in_browser::{StandInBrowser, Visit};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers one request on 127.0.0.1 with `answer`; returns the port and the
/// request line it got.
async fn one_answer(answer: String) -> (u16, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        stream.write_all(answer.as_bytes()).await.unwrap();
        stream.shutdown().await.unwrap();
        String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned()
    });
    (port, served)
}

fn page(status: &str, extra: &str, body: &str) -> String {
    format!("HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

#[tokio::test]
async fn a_redirect_to_a_localhost_name_reaches_the_loopback_listener() {
    common::install_crypto();
    // The app's listener, named by a *.localhost name that no hosts file lists.
    let (app_port, app) = one_answer(page("200 OK", "", "signed in")).await;
    let callback = format!("http://dkcloud-app.localhost:{app_port}/callback?code=C1&state=S1");
    let (page_port, sign_in) = one_answer(page("302 Found", &format!("Location: {callback}\r\n"), "")).await;
    let visit = StandInBrowser::new().visit(&format!("http://127.0.0.1:{page_port}/authorize")).await;
    assert_eq!(visit, Ok(Visit::Redirected(callback)));
    assert_eq!(sign_in.await.unwrap(), "GET /authorize HTTP/1.1");
    assert_eq!(app.await.unwrap(), "GET /callback?code=C1&state=S1 HTTP/1.1");
}

#[tokio::test]
async fn a_code_page_on_localhost_is_read() {
    common::install_crypto();
    let (port, served) = one_answer(page("200 OK", "", "<p>Paste this: <code id=\"auth-code\">K-42</code></p>")).await;
    let visit = StandInBrowser::new().visit(&format!("http://LOCALHOST.:{port}/code")).await;
    assert_eq!(visit, Ok(Visit::ShowedCode("K-42".into())));
    assert_eq!(served.await.unwrap(), "GET /code HTTP/1.1");
}
