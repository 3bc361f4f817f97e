//! Shared by the registration contract tests: an emulator started with a
//! `--registrations` file, and what a refused authorize request looks like.
#![allow(dead_code)]

use crate::common::{self, Harness};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;

/// Writes `toml` to a registrations file and starts an emulator with it; the file's
/// folder lives as long as the returned guard.
pub async fn start_registered(toml: &str) -> (Harness, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("registrations.toml");
    std::fs::write(&file, toml).unwrap();
    let h = common::start_with(|c| c.registrations = Some(file)).await;
    (h, dir)
}

/// An error page in the browser: HTTP 400, HTML, no redirect; returns the page text.
pub async fn refused_on_page(resp: reqwest::Response) -> String {
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get(LOCATION).is_none(), "a refusal never redirects back");
    assert!(resp.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    resp.text().await.unwrap()
}

/// The query of a 302 answer's `Location`, and the address before it.
pub fn redirected(resp: &reqwest::Response) -> (String, std::collections::HashMap<String, String>) {
    assert_eq!(resp.status(), StatusCode::FOUND, "expected a redirect back to the app");
    let location = url::Url::parse(resp.headers()[LOCATION].to_str().unwrap()).unwrap();
    let base = location.as_str().split('?').next().unwrap().to_owned();
    (base, location.query_pairs().into_owned().collect())
}
