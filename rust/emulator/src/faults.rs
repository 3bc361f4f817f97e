//! The layer every request passes: injected failures (`--chaos-rate`), the
//! upload bandwidth cap, response latency, and request counting.

use crate::server::ConnKill;
use crate::stats::RequestKind;
use crate::tokens::{bearer_of, TokenCheck};
use crate::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Which API a request belongs to; decides the shape of an injected error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Graph,
    Dropbox { write: bool },
    Identity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    TooManyRequests,
    Unavailable,
    InternalError,
    GatewayTimeout,
    ResetMidBody,
    Stall,
    TokenExpiredEarly,
    TooManyWriteOperations,
    /// The request is handled (state changes as it would), then the
    /// connection drops before the answer: the client cannot know it worked.
    LostResponse,
}

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::TooManyRequests => "chaos.429",
            Fault::Unavailable => "chaos.503",
            Fault::InternalError => "chaos.500",
            Fault::GatewayTimeout => "chaos.504",
            Fault::ResetMidBody => "chaos.reset",
            Fault::Stall => "chaos.stall",
            Fault::TokenExpiredEarly => "chaos.token_expired",
            Fault::TooManyWriteOperations => "chaos.too_many_write_operations",
            Fault::LostResponse => "chaos.lost_response",
        }
    }
}

/// Decides, repeatably from the seed, which requests fail and how.
pub struct Chaos {
    rate: f64,
    seed: u64,
    counter: AtomicU64,
}

fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl Chaos {
    pub fn new(rate: f64, seed: u64) -> Self {
        Self { rate: rate.clamp(0.0, 1.0), seed, counter: AtomicU64::new(0) }
    }

    fn pick(&self, candidates: &[Fault]) -> Option<Fault> {
        if self.rate <= 0.0 || candidates.is_empty() {
            return None;
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let r = mix(self.seed ^ mix(n));
        let unit = (r >> 11) as f64 / (1u64 << 53) as f64;
        if unit >= self.rate {
            return None;
        }
        Some(candidates[(mix(r) % candidates.len() as u64) as usize])
    }
}

/// A shared cap on request-body bytes per second over all connections.
///
/// A token bucket kept as the instant its debt is paid off: every chunk adds
/// its bytes' worth of time, in pieces of at most [`PIECE`] that each take
/// their turn, so streams share the cap evenly however large the chunks their
/// connections happen to deliver (HTTP/1.1 reads grow to hundreds of KiB, TLS
/// records and HTTP/2 frames stay at 16 KiB). A reader sleeps only once the
/// debt exceeds [`SLEEP_ABOVE`], as a timer cannot sleep for the fraction of
/// a millisecond a piece is worth.
///
/// While a body is being received the link is busy, and time the emulator
/// spends not reading (a timer's overshoot, the gap before the next chunk, a
/// loaded machine) is owed back, up to [`MAX_LAG`], as bytes a real link
/// would have delivered into the socket's buffer meanwhile. An idle link
/// saves up nothing: a client that pauses between requests gets no burst.
pub struct Bandwidth {
    seconds_per_byte: f64,
    link: Mutex<Link>,
}

struct Link {
    paid_until: Instant,
    open_bodies: usize,
}

const PIECE: usize = 16 * 1024;
const SLEEP_ABOVE: Duration = Duration::from_millis(4);
const MAX_LAG: Duration = Duration::from_millis(50);

impl Bandwidth {
    pub fn new(bytes_per_sec: u64) -> Self {
        let link = Link { paid_until: Instant::now(), open_bodies: 0 };
        Self { seconds_per_byte: 1.0 / bytes_per_sec.max(1) as f64, link: Mutex::new(link) }
    }

    fn link(&self) -> std::sync::MutexGuard<'_, Link> {
        self.link.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open_body(&self) {
        let mut link = self.link();
        if link.open_bodies == 0 {
            link.paid_until = link.paid_until.max(Instant::now());
        }
        link.open_bodies += 1;
    }

    fn close_body(&self) {
        let mut link = self.link();
        link.open_bodies = link.open_bodies.saturating_sub(1);
    }

    async fn take(&self, mut n: usize) {
        while n > 0 {
            let piece = n.min(PIECE);
            n -= piece;
            let now = Instant::now();
            let (lagging, due) = {
                let mut link = self.link();
                let lagging = link.paid_until < now;
                let earliest = now.checked_sub(MAX_LAG).unwrap_or(now);
                link.paid_until =
                    link.paid_until.max(earliest) + Duration::from_secs_f64(piece as f64 * self.seconds_per_byte);
                (lagging, link.paid_until)
            };
            if due > now + SLEEP_ABOVE {
                tokio::time::sleep_until(due).await;
            } else if lagging {
                // Catching up after a stall: every stream that woke takes its turn.
                tokio::task::yield_now().await;
            }
        }
    }
}

/// Marks the link busy from a body's first chunk until the body is dropped.
struct BodyOnLink(App);

impl BodyOnLink {
    fn open(app: &App) -> Option<Self> {
        let bandwidth = app.bandwidth.as_ref()?;
        bandwidth.open_body();
        Some(Self(app.clone()))
    }
}

impl Drop for BodyOnLink {
    fn drop(&mut self) {
        if let Some(bandwidth) = &self.0.bandwidth {
            bandwidth.close_body();
        }
    }
}

fn classify(method: &Method, path: &str) -> Option<Api> {
    // The web pages the services' web addresses and sharing links lead to are never faulted.
    let web = path.starts_with("/_web/") || path == crate::web::DROPBOX_PREFIX || path.starts_with("/home/");
    if web || path.starts_with("/_links/") || path.starts_with("/scl/") {
        return None;
    }
    if path.starts_with("/v1.0/") || path.starts_with("/_upload/") {
        return Some(Api::Graph);
    }
    if let Some(rest) = path.strip_prefix("/2/") {
        let write = rest.starts_with("files/upload")
            || rest.starts_with("files/create_folder")
            || rest.starts_with("files/delete")
            || rest.starts_with("files/move")
            || rest.starts_with("files/copy");
        return Some(Api::Dropbox { write });
    }
    // OAuth: the token and device-code endpoints can fail; the browser-facing
    // authorize pages are left alone.
    if method == Method::POST && (path.ends_with("/token") || path.ends_with("/devicecode")) {
        return Some(Api::Identity);
    }
    None
}

pub(crate) async fn layer(State(app): State<App>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let api = classify(&method, &path);
    let arrived = app.stats.arrival();

    let req = if path.starts_with("/_emulator/") { req } else { meter_body(&app, req) };

    let mut lose_response = None;
    if api == Some(Api::Dropbox { write: true })
        && app.scheduled.take(crate::scheduled::Scheduled::TooManyWriteOperations)
    {
        app.stats.count(Fault::TooManyWriteOperations.name());
        return inject(&app, Api::Dropbox { write: true }, Fault::TooManyWriteOperations, req).await;
    }
    if let Some(api) = api {
        if let Some(fault) = app.chaos.pick(&candidates(&app, api, &req)) {
            app.stats.count(fault.name());
            if fault != Fault::LostResponse {
                return inject(&app, api, fault, req).await;
            }
            lose_response = req.extensions().get::<ConnKill>().cloned();
        }
    }

    let response = next.run(req).await;
    if let Some(kill) = lose_response {
        drop(response);
        return drop_connection(Some(kill)).await;
    }
    let kind = response.extensions().get::<RequestKind>().map(|k| k.0.to_owned());
    app.stats.answered(&kind.unwrap_or_else(|| format!("other.{} {}", method, first_segments(&path))), arrived);
    if app.config.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(app.config.latency_ms)).await;
    }
    response
}

fn first_segments(path: &str) -> String {
    path.split('/').take(3).collect::<Vec<_>>().join("/")
}

fn candidates(app: &App, api: Api, req: &Request) -> Vec<Fault> {
    let mut out = vec![Fault::TooManyRequests, Fault::Unavailable, Fault::InternalError, Fault::GatewayTimeout, Fault::Stall];
    let body_len = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if body_len >= 2 {
        out.push(Fault::ResetMidBody);
    }
    let service = match api {
        Api::Graph => Some(crate::tokens::Service::OneDrive),
        Api::Dropbox { .. } => Some(crate::tokens::Service::Dropbox),
        Api::Identity => None,
    };
    if let Some(service) = service {
        if let TokenCheck::Valid { issued: true, .. } = app.tokens.check(service, req.headers()) {
            out.push(Fault::TokenExpiredEarly);
        }
    }
    if api == (Api::Dropbox { write: true }) {
        out.push(Fault::TooManyWriteOperations);
    }
    // A lost answer from the token endpoint would strand a rotated refresh
    // token for good; real clients meet that rarely enough to leave it out.
    if api != Api::Identity {
        out.push(Fault::LostResponse);
    }
    out
}

/// Counts request-body bytes and applies the bandwidth cap while the handler reads.
fn meter_body(app: &App, req: Request) -> Request {
    let (parts, body) = req.into_parts();
    let app = app.clone();
    let mut on_link = None;
    let stream = body.into_data_stream().then(move |chunk| {
        if on_link.is_none() {
            on_link = BodyOnLink::open(&app);
        }
        let app = app.clone();
        async move {
            if let Ok(bytes) = &chunk {
                app.stats.add_upload_bytes(bytes.len() as u64);
                if let Some(bw) = &app.bandwidth {
                    bw.take(bytes.len()).await;
                }
            }
            chunk
        }
    });
    Request::from_parts(parts, Body::from_stream(stream))
}

async fn inject(app: &App, api: Api, fault: Fault, req: Request) -> Response {
    let kill = req.extensions().get::<ConnKill>().cloned();
    match fault {
        Fault::ResetMidBody => {
            let declared = req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            let mut received = 0u64;
            let mut stream = req.into_body().into_data_stream();
            while received < declared / 2 {
                match stream.next().await {
                    Some(Ok(b)) => received += b.len() as u64,
                    _ => break,
                }
            }
            return drop_connection(kill).await;
        }
        Fault::Stall => {
            tokio::time::sleep(Duration::from_millis(app.config.stall_ms)).await;
            return drop_connection(kill).await;
        }
        Fault::TokenExpiredEarly => {
            let token = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(bearer_of)
                .map(str::to_owned);
            if let Some(t) = token {
                app.tokens.expire_now(&t);
            }
            let service = match api {
                Api::Graph => crate::tokens::Service::OneDrive,
                _ => crate::tokens::Service::Dropbox,
            };
            return crate::tokens::unauthorized(service, &TokenCheck::Expired);
        }
        _ => {}
    }
    let status = match fault {
        Fault::TooManyRequests | Fault::TooManyWriteOperations => StatusCode::TOO_MANY_REQUESTS,
        Fault::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Fault::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::GATEWAY_TIMEOUT,
    };
    let mut resp = match api {
        Api::Graph => {
            let (code, message) = match fault {
                Fault::TooManyRequests => ("activityLimitReached", "The app or user has been throttled."),
                Fault::Unavailable => ("serviceNotAvailable", "The service is not available. Try the request again after a delay."),
                Fault::InternalError => ("generalException", "An unspecified error has occurred."),
                _ => ("gatewayTimeout", "The operation timed out."),
            };
            crate::graph::error::GraphError::new(status, code, message).into_response()
        }
        Api::Dropbox { .. } => match fault {
            Fault::TooManyRequests | Fault::TooManyWriteOperations => {
                let tag = if fault == Fault::TooManyRequests { "too_many_requests" } else { "too_many_write_operations" };
                let body = json!({"error_summary": format!("{tag}/.."), "error": {"reason": {".tag": tag}, "retry_after": 1}});
                (status, axum::Json(body)).into_response()
            }
            _ => (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], status.canonical_reason().unwrap_or("error"))
                .into_response(),
        },
        Api::Identity => {
            let (error, desc) = match fault {
                Fault::InternalError => ("server_error", "AADSTS50000: There was an error issuing a token."),
                _ => ("temporarily_unavailable", "AADSTS90033: The service is temporarily unavailable."),
            };
            (status, axum::Json(json!({"error": error, "error_description": desc}))).into_response()
        }
    };
    if matches!(fault, Fault::TooManyRequests | Fault::TooManyWriteOperations | Fault::Unavailable) {
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    resp
}

/// Closes the client's connection without an answer (a reset if it is still sending).
async fn drop_connection(kill: Option<ConnKill>) -> Response {
    if let Some(k) = kill {
        k.fire();
        std::future::pending::<()>().await;
    }
    StatusCode::BAD_GATEWAY.into_response()
}
