//! The loopback redirect listener (RFC 8252 section 7.3): a tiny HTTP/1.1
//! server on 127.0.0.1 that waits for the browser to come back with
//! `?code=...&state=...`, checks the state, lets the caller redeem the code,
//! shows the outcome as a small page, and closes. Anything else that knocks
//! (a favicon request, a browser's speculative pre-connection) gets a 404 or
//! is ignored and does not end the wait.

use super::page;
use crate::{Error, Result, ServiceKind};
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// A request head larger than this is not a redirect from a login page.
const MAX_HEAD: usize = 16 * 1024;
/// A connection that sends no request within this time is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Loopback {
    listener: TcpListener,
    port: u16,
}

/// What came back on the redirect.
enum Callback {
    Code(String),
    Denied { error: String, description: Option<String> },
}

impl Loopback {
    /// Binds 127.0.0.1 only (never all interfaces: the code must not be
    /// reachable from the network); port 0 picks a free one.
    pub(super) async fn bind(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let port = listener.local_addr()?.port();
        Ok(Self { listener, port })
    }

    pub(super) fn port(&self) -> u16 {
        self.port
    }

    /// Waits up to `timeout` for the redirect carrying `state`, then runs
    /// `redeem(code)`, whose `String` names the account on the success page.
    /// An `error=` redirect becomes `classify(error, description)` when that
    /// names the cause (a refused registration), else a failed sign-in.
    pub(super) async fn wait<T, F, Fut>(
        self,
        service: ServiceKind,
        classify: &Classify<'_>,
        state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
        redeem: F,
    ) -> Result<T>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<(T, String)>>,
    {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(TcpStream, String)>(8);
        // Each connection is read on its own task so that an idle one (browsers
        // open spare connections) cannot hold up the real redirect.
        let acceptor = tokio::spawn(async move {
            while let Ok((stream, _)) = self.listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    if let Ok(Some((stream, target))) = tokio::time::timeout(READ_TIMEOUT, read_target(stream)).await {
                        let _ = tx.send((stream, target)).await;
                    }
                });
            }
        });
        let result = self::serve(service, classify, state, timeout, cancel, &mut rx, redeem).await;
        // Closes the listening socket: one login, one use.
        acceptor.abort();
        result
    }
}

async fn serve<T, F, Fut>(
    service: ServiceKind,
    classify: &Classify<'_>,
    state: &str,
    timeout: Duration,
    cancel: &CancellationToken,
    rx: &mut tokio::sync::mpsc::Receiver<(TcpStream, String)>,
    redeem: F,
) -> Result<T>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<(T, String)>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let (mut stream, target) = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep_until(deadline) => return Err(timed_out(service, timeout)),
            next = rx.recv() => match next {
                Some(next) => next,
                None => return Err(Error::Auth { service, message: "the login listener stopped unexpectedly".into() }),
            },
        };
        let callback = match parse_callback(&target) {
            Some(Ok((cb, got_state))) if got_state.as_deref() == Some(state) => cb,
            Some(_) => {
                let message = "the answer to the login did not belong to this login attempt (state mismatch); \
                               nothing was stored, please log in again";
                respond(&mut stream, 400, &page::failure(service, message)).await;
                return Err(Error::Auth { service, message: message.into() });
            }
            _ => {
                respond(&mut stream, 404, &page::not_found()).await;
                continue;
            }
        };
        return match callback {
            Callback::Denied { error, description } => {
                let e = denied(service, classify, &error, description.as_deref());
                respond(&mut stream, 200, &page::failure(service, &e.to_string())).await;
                Err(e)
            }
            Callback::Code(code) => match redeem(code).await {
                Ok((value, who)) => {
                    respond(&mut stream, 200, &page::success(service, &who)).await;
                    Ok(value)
                }
                Err(e) => {
                    respond(&mut stream, 200, &page::failure(service, &e.to_string())).await;
                    Err(e)
                }
            },
        };
    }
}

pub(crate) fn timed_out(service: ServiceKind, timeout: Duration) -> Error {
    let alternatives = crate::services::profile(service).oauth.fallback_options;
    Error::Auth {
        service,
        message: format!("no answer from the browser within {} s; try again, or use {alternatives}", timeout.as_secs()),
    }
}

/// Names the cause of an `error=` redirect (error, description), when it can.
pub(crate) type Classify<'a> = dyn Fn(&str, Option<&str>) -> Option<Error> + Send + Sync + 'a;

/// The error for an `error=` redirect: the cause `classify` names, or a failed sign-in.
fn denied(service: ServiceKind, classify: &Classify<'_>, error: &str, description: Option<&str>) -> Error {
    classify(error, description)
        .unwrap_or_else(|| Error::Auth { service, message: denied_message(error, description) })
}

/// The message for an `error=` redirect (the user said no, or the app is misconfigured).
pub(crate) fn denied_message(error: &str, description: Option<&str>) -> String {
    let detail = description.and_then(|d| d.lines().next()).map(str::trim).filter(|d| !d.is_empty());
    let lead = if error == "access_denied" { "sign-in was declined" } else { "sign-in failed" };
    match detail {
        Some(d) => format!("{lead}: {d} ({error})"),
        None => format!("{lead} ({error})"),
    }
}

/// `code` or `error` plus `state` from a request target on `/`; `None` for
/// other paths or a `/` without either, `Err` for a malformed query.
fn parse_callback(target: &str) -> Option<std::result::Result<(Callback, Option<String>), ()>> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/" {
        return None;
    }
    let url = url::Url::parse(&format!("http://127.0.0.1/?{query}")).ok()?;
    callback_from_pairs(url.query_pairs())
}

/// The same from any URL's query pairs (also used for a pasted redirect URL).
fn callback_from_pairs<'a>(
    pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> Option<std::result::Result<(Callback, Option<String>), ()>> {
    let (mut code, mut error, mut description, mut state) = (None, None, None, None);
    for (k, v) in pairs {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            _ => {}
        }
    }
    let cb = match (code, error) {
        (_, Some(error)) => Callback::Denied { error, description },
        (Some(code), None) if !code.is_empty() => Callback::Code(code),
        (Some(_), None) => return Some(Err(())),
        (None, None) => return None,
    };
    Some(Ok((cb, state)))
}

/// A pasted redirect URL's code, after checking its state.
pub(crate) fn code_from_redirect_url(
    service: ServiceKind,
    classify: &Classify<'_>,
    pasted: &str,
    state: &str,
) -> Result<String> {
    let bad = || {
        Error::InvalidInput(format!(
        "that is not the address the {service} login ended on; copy the whole address (it contains code=...) from the browser's address bar"
    ))
    };
    let url = url::Url::parse(pasted.trim()).map_err(|_| bad())?;
    match callback_from_pairs(url.query_pairs()) {
        Some(Ok((_, got))) if got.as_deref() != Some(state) => Err(Error::Auth {
            service,
            message: "the pasted address belongs to another login attempt (state mismatch); please log in again".into(),
        }),
        Some(Ok((Callback::Code(code), _))) => Ok(code),
        Some(Ok((Callback::Denied { error, description }, _))) => {
            Err(denied(service, classify, &error, description.as_deref()))
        }
        _ => Err(bad()),
    }
}

/// Reads the request head; returns the request target of a GET.
async fn read_target(mut stream: TcpStream) -> Option<(TcpStream, String)> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut words = line.split(' ');
    let (method, target, version) = (words.next()?, words.next()?, words.next()?);
    if method != "GET" || !version.starts_with("HTTP/1.") {
        let _ = stream
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
        return None;
    }
    Some((stream, target.to_owned()))
}

async fn respond(stream: &mut TcpStream, status: u16, html: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    // no-referrer: the page was reached through a URL that carried the code.
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        html.len()
    );
    // The login's outcome does not depend on the browser receiving the page.
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(html.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_query_is_read() {
        let Some(Ok((Callback::Code(code), state))) = parse_callback("/?code=a%2Bb&state=s1") else {
            panic!("not a code callback")
        };
        assert_eq!((code.as_str(), state.as_deref()), ("a+b", Some("s1")));
        assert!(parse_callback("/favicon.ico").is_none());
        assert!(parse_callback("/").is_none());
        let Some(Ok((Callback::Denied { error, .. }, _))) = parse_callback("/?error=access_denied&state=x") else {
            panic!("not a denial")
        };
        assert_eq!(error, "access_denied");
    }

    #[test]
    fn pasted_url_state_is_checked() {
        let svc = ServiceKind::OneDrive;
        assert_eq!(code_from_redirect_url(svc, &|_, _| None, " http://localhost:1/?code=C&state=S \n", "S").expect("code"), "C");
        assert!(matches!(
            code_from_redirect_url(svc, &|_, _| None, "http://localhost:1/?code=C&state=X", "S"),
            Err(Error::Auth { .. })
        ));
        assert!(matches!(code_from_redirect_url(svc, &|_, _| None, "C", "S"), Err(Error::InvalidInput(_))));
    }
}
