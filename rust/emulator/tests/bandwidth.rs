//! The bandwidth cap as a client sees it: one stream alone reaches the cap,
//! and many streams together do not exceed it, over plain HTTP and over TLS
//! with HTTP/1.1 and HTTP/2 (where small TLS records and 16 KiB frames once
//! held each stream to a fraction of the cap).

mod common;

use bytes::Bytes;
use common::{Harness, TOKEN};
use std::time::{Duration, Instant};

const CAP: u64 = 20 * 1024 * 1024;
/// 2 s at the cap: long enough that connection setup and the timer's
/// granularity are noise, short enough for the suite.
const TOTAL: usize = 40 * 1024 * 1024;
const PARALLEL: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Transport {
    Plain,
    TlsHttp1,
    TlsHttp2,
}

/// A capped emulator and a client for it. The files go to memory where the
/// system has a memory file system: on a busy disk, writes stall for longer
/// than a measurement lasts, and the test is about the cap, not the disk.
async fn capped(transport: Transport) -> (Harness, tempfile::TempDir) {
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
    let data = dir.path().join("data");
    if transport == Transport::Plain {
        let h = common::start_with(|c| {
            c.bandwidth = Some(CAP);
            c.data = Some(data);
        })
        .await;
        return (h, dir);
    }
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let mut h = common::start_with(|c| {
        c.bandwidth = Some(CAP);
        c.tls_cert = Some(cert_path.clone());
        c.tls_key = Some(key_path.clone());
        c.data = Some(data);
    })
    .await;
    common::install_crypto();
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap()]);
    let client = if transport == Transport::TlsHttp1 { client.http1_only() } else { client };
    h.client = client.build().unwrap();
    (h, dir)
}

/// Uploads `TOTAL` bytes split over `streams` parallel requests; bytes per second.
async fn upload_rate(h: &Harness, transport: Transport, streams: usize) -> f64 {
    // One request first, so that HTTP/2's streams share one established connection.
    let warm = h.client.get(h.url("/_emulator/health")).send().await.unwrap();
    let expected = if transport == Transport::TlsHttp2 { reqwest::Version::HTTP_2 } else { reqwest::Version::HTTP_11 };
    assert_eq!(warm.version(), expected);
    let body = Bytes::from(vec![0x5a; TOTAL / streams]);
    let started = Instant::now();
    let uploads = (0..streams).map(|i| {
        let request = h
            .client
            .post(h.url("/2/files/upload"))
            .bearer_auth(TOKEN)
            .header("Dropbox-API-Arg", format!(r#"{{"path":"/bw/{streams}-{i}.bin","mode":"overwrite"}}"#))
            .header("Content-Type", "application/octet-stream")
            .body(body.clone());
        async move {
            let resp = request.send().await.unwrap();
            assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
            started.elapsed()
        }
    });
    let finished: Vec<Duration> = futures_util::future::join_all(uploads).await;
    let elapsed = started.elapsed().as_secs_f64();
    let first = finished.iter().min().unwrap().as_secs_f64();
    let rate = TOTAL as f64 / elapsed;
    eprintln!(
        "{transport:?}, {streams} stream(s): {:.1} MiB/s ({:.0}% of the cap), first done after {:.0}% of the time",
        rate / (1024.0 * 1024.0),
        100.0 * rate / CAP as f64,
        100.0 * first / elapsed,
    );
    if streams > 1 {
        // Shared fairly: no upload races ahead of equal others (the bound
        // is loose, for a loaded machine, where they finish within 10%).
        assert!(
            first >= 0.5 * elapsed,
            "{transport:?}: one of {streams} equal uploads done after {first:.2} s of {elapsed:.2} s"
        );
    }
    rate
}

async fn holds_the_cap(transport: Transport) {
    let (h, _certs) = capped(transport).await;
    let alone = upload_rate(&h, transport, 1).await;
    let share = alone / CAP as f64;
    assert!(share >= 0.85, "{transport:?}: one stream alone ran at {:.0}% of the cap", 100.0 * share);
    let together = upload_rate(&h, transport, PARALLEL).await;
    let share = together / CAP as f64;
    assert!(
        (0.85..=1.10).contains(&share),
        "{transport:?}: {PARALLEL} streams together ran at {:.0}% of the cap",
        100.0 * share
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_plain_http_one_stream_reaches_the_cap_and_many_share_it() {
    holds_the_cap(Transport::Plain).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tls_with_http1_one_stream_reaches_the_cap_and_many_share_it() {
    holds_the_cap(Transport::TlsHttp1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tls_with_http2_one_stream_reaches_the_cap_and_many_share_it() {
    holds_the_cap(Transport::TlsHttp2).await;
}
