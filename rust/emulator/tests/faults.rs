//! The fault layer: injected failures, their shapes and repeatability, and the
//! network shaping options (latency, bandwidth).

mod common;

use dkcloud_emulator::Service;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What a client saw for one request: a status, or that the connection died.
async fn outcome(resp: Result<reqwest::Response, reqwest::Error>) -> String {
    match resp {
        Ok(r) => {
            let status = r.status().as_u16();
            let retry_after = r.headers().get("retry-after").map(|v| v.to_str().unwrap_or("").to_owned());
            let body = r.text().await.unwrap_or_default();
            match status {
                429 | 503 => {
                    assert_eq!(retry_after.as_deref(), Some("1"), "{status} must carry Retry-After: 1");
                    format!("{status}")
                }
                401 => {
                    assert!(body.contains("InvalidAuthenticationToken") || body.contains("expired_access_token"), "{body}");
                    "401".into()
                }
                _ => format!("{status}"),
            }
        }
        Err(_) => "dropped".into(),
    }
}

async fn run_sequence(seed: u64, n: usize) -> Vec<String> {
    let h = common::start_with(|c| {
        c.chaos_rate = 1.0;
        c.chaos_seed = seed;
        c.stall_ms = 100;
    })
    .await;
    let mut out = Vec::new();
    for _ in 0..n {
        // A fresh client each time so a dropped connection does not poison the next request.
        let client = common::client();
        let r = client.get(h.url("/v1.0/me")).bearer_auth(common::TOKEN).send().await;
        out.push(outcome(r).await);
    }
    h.emu.shutdown().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_sequence_is_repeatable_from_the_seed_and_covers_every_fault() {
    let a = run_sequence(7, 60).await;
    let b = run_sequence(7, 60).await;
    assert_eq!(a, b, "same seed, same faults");
    let kinds: BTreeMap<&str, usize> = a.iter().fold(BTreeMap::new(), |mut m, k| {
        *m.entry(k.as_str()).or_default() += 1;
        m
    });
    for expected in ["429", "500", "503", "504", "dropped"] {
        assert!(kinds.contains_key(expected), "{expected} missing from {kinds:?}");
    }
    let c = run_sequence(8, 60).await;
    assert_ne!(a, c, "another seed gives another sequence");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_at_half_rate_fails_about_half_and_counts_each_injection() {
    let h = common::start_with(|c| {
        c.chaos_rate = 0.5;
        c.stall_ms = 50;
    })
    .await;
    let mut failed = 0;
    for _ in 0..200 {
        let r = common::client().get(h.url("/_emulator/health")).send().await.unwrap();
        assert_eq!(r.status(), 200, "inspection endpoints are never faulted");
    }
    for _ in 0..100 {
        let r = common::client().post(h.url("/2/users/get_current_account")).bearer_auth(common::TOKEN).send().await;
        if outcome(r).await != "200" {
            failed += 1;
        }
    }
    assert!((30..=70).contains(&failed), "about half should fail, {failed} did");
    let stats = h.stats().await;
    let injected: u64 = stats["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("chaos."))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum();
    assert_eq!(injected, failed as u64, "every failure is counted as injected: {stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_uploads_store_nothing_unless_only_the_answer_was_lost() {
    let h = common::start_with(|c| {
        c.chaos_rate = 1.0;
        c.stall_ms = 50;
    })
    .await;
    let body = common::bytes(100_000, 3);
    for i in 0..40 {
        let _ = common::client()
            .put(h.url(&format!("/v1.0/me/drive/root:/chaos/f{i}.bin:/content")))
            .bearer_auth(common::TOKEN)
            .body(body.clone())
            .send()
            .await;
        let _ = common::client()
            .post(h.url("/2/files/upload"))
            .bearer_auth(common::TOKEN)
            .header("Dropbox-API-Arg", format!("{{\"path\":\"/chaos/f{i}.bin\"}}"))
            .header("Content-Type", "application/octet-stream")
            .body(body.clone())
            .send()
            .await;
    }
    let files: serde_json::Value = h.client.get(h.url("/_emulator/files")).send().await.unwrap().json().await.unwrap();
    let stats = h.stats().await;
    let lost = stats["requests"]["chaos.lost_response"].as_u64().unwrap_or(0);
    let stored = files["files"].as_array().unwrap();
    assert!(lost > 0, "{stats}");
    assert_eq!(stored.len() as u64, lost, "only requests whose answer was lost stored anything: {files} {stats}");
    for f in stored {
        assert_eq!(f["size"], 100_000, "never a partial file: {f}");
        assert_eq!(f["quickXorHash"], dkcloud_hash::quickxor_base64(&body));
    }
    assert!(stats["requests"]["chaos.reset"].as_u64().unwrap_or(0) > 0, "{stats}");
    assert!(stats["requests"]["chaos.too_many_write_operations"].as_u64().unwrap_or(0) > 0, "{stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issued_tokens_can_expire_early_with_the_services_own_401() {
    let h = common::start_with(|c| {
        c.chaos_rate = 1.0;
        c.chaos_seed = 3;
        c.stall_ms = 50;
    })
    .await;
    let app = h.emu.app().clone();
    let mut expired_seen = 0;
    for _ in 0..60 {
        let (token, _) = app.tokens.issue_access(Service::OneDrive, "client", "Files.ReadWrite");
        let r = common::client().get(h.url("/v1.0/me/drive")).bearer_auth(&token).send().await;
        if let Ok(r) = r {
            if r.status() == 401 {
                let body: serde_json::Value = r.json().await.unwrap();
                assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
                let mut headers = reqwest::header::HeaderMap::new();
                headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
                assert_eq!(app.tokens.check(Service::OneDrive, &headers), dkcloud_emulator::testkit::TokenCheck::Expired);
                expired_seen += 1;
            }
        }
    }
    assert!(expired_seen > 0, "some tokens should have been expired early");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_delays_every_response() {
    let h = common::start_with(|c| c.latency_ms = 300).await;
    let t = Instant::now();
    let r = h.client.get(h.url("/_emulator/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300), "took {:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bandwidth_caps_the_total_upload_rate() {
    // 1 MiB through a 2 MiB/s cap over two parallel connections: at least ~0.5 s in all.
    let h = common::start_with(|c| c.bandwidth = Some(2 * 1024 * 1024)).await;
    let body = common::bytes(512 * 1024, 1);
    let t = Instant::now();
    let send = |i: usize| {
        let client = common::client();
        let url = h.url(&format!("/v1.0/me/drive/root:/bw{i}.bin:/content"));
        let body = body.clone();
        async move { client.put(url).bearer_auth(common::TOKEN).body(body).send().await.map(|r| r.status()) }
    };
    let (a, b) = tokio::join!(send(0), send(1));
    let elapsed = t.elapsed();
    assert!(a.is_ok() && b.is_ok());
    assert!(elapsed >= Duration::from_millis(450), "1 MiB at 2 MiB/s took only {elapsed:?}");
    let stats = h.stats().await;
    assert!(stats["request_body_bytes"].as_u64().unwrap() >= 1024 * 1024, "{stats}");
}
