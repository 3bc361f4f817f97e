//! The OneDrive service object and its Graph plumbing: item addresses,
//! GET requests, error answers, entries, background cleanups. The calls
//! themselves are in [`super::service`] (account, quota, listing, folders)
//! and [`super::upload`].

use super::types::{DriveItem, ErrorBody};
use crate::http::{Auth, Http, Reply, Transport};
use crate::remote::{join, normalize, RemoteEntry};
use crate::token::TokenProvider;
use crate::{Error, Result, ServiceKind};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Everything but unreserved characters is escaped inside a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// One OneDrive account: a Graph drive (`/me/drive`) reached through one transport.
#[derive(Debug, Clone)]
pub struct OneDrive {
    pub(super) transport: Transport,
    /// e.g. `https://graph.microsoft.com/v1.0`, no trailing slash.
    pub(super) base: String,
    /// Session deletes still running after their upload returned. Plain
    /// handles: dropping one (a `settle` cut short) leaves its task running.
    pub(super) cleanups: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

/// What a Graph error answer says.
#[derive(Debug, Clone, Default)]
pub(crate) struct GraphError {
    pub code: String,
    pub inner: Option<String>,
    pub message: String,
}

pub(crate) fn parse_error(reply: &Reply) -> GraphError {
    match serde_json::from_slice::<ErrorBody>(&reply.body) {
        Ok(b) => GraphError {
            code: b.error.code,
            inner: b.error.inner_error.and_then(|i| i.code),
            message: b.error.message,
        },
        Err(_) => GraphError { message: String::from_utf8_lossy(&reply.body).chars().take(200).collect(), ..Default::default() },
    }
}

pub(crate) fn service_error(reply: &Reply) -> Error {
    let e = parse_error(reply);
    let code = match e.inner {
        Some(inner) if !e.code.is_empty() => format!("{}/{inner}", e.code),
        _ => e.code,
    };
    Error::Service { service: ServiceKind::OneDrive, status: reply.status, code, message: e.message }
}

impl OneDrive {
    /// `graph_base` is the Graph root with its version, e.g. [`crate::Endpoints::graph`].
    pub fn new(http: Http, graph_base: &str, tokens: Arc<dyn TokenProvider>) -> Self {
        let transport = Transport::new(http, ServiceKind::OneDrive, tokens);
        Self { transport, base: graph_base.trim_end_matches('/').to_owned(), cleanups: Default::default() }
    }

    /// Runs `work` in the background; `Remote::settle` waits for it.
    pub(super) fn cleanup(&self, work: impl std::future::Future<Output = ()> + Send + 'static) {
        let mut handles = self.cleanups.lock().unwrap_or_else(|p| p.into_inner());
        // Forget the ones already done, so a long job does not collect them.
        handles.retain(|h| !h.is_finished());
        handles.push(tokio::spawn(work));
    }

    /// `/me/drive/root` or `/me/drive/root:/a/b:` followed by `suffix`.
    pub(super) fn item_url(&self, path: &str, suffix: &str) -> String {
        let path = normalize(path);
        if path == "/" {
            return format!("{}/me/drive/root{suffix}", self.base);
        }
        let encoded: Vec<String> =
            path.split('/').filter(|s| !s.is_empty()).map(|s| utf8_percent_encode(s, SEGMENT).to_string()).collect();
        let colon_suffix = if suffix.is_empty() { ":".to_owned() } else { format!(":{suffix}") };
        format!("{}/me/drive/root:/{}{colon_suffix}", self.base, encoded.join("/"))
    }

    pub(super) async fn get(&self, url: &str, what: &str, cancel: &CancellationToken) -> Result<Reply> {
        let client = self.transport.client().clone();
        self.transport.send(cancel, Auth::Bearer, what, |_| Ok(client.get(url))).await
    }
}

pub(super) fn entry(parent: &str, item: DriveItem) -> RemoteEntry {
    RemoteEntry {
        path: join(parent, &item.name),
        is_folder: item.folder.is_some(),
        size: item.size,
        hash: item.quick_xor_hash().map(str::to_owned),
        web_url: item.web_url,
        name: item.name,
    }
}

pub(super) fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> OneDrive {
        let http = crate::http::Http::new(&crate::http::HttpOptions::default()).unwrap();
        let tokens = std::sync::Arc::new(crate::token::StaticToken::new(ServiceKind::OneDrive, "t"));
        OneDrive {
            transport: Transport::new(http, ServiceKind::OneDrive, tokens),
            base: "https://g/v1.0".into(),
            cleanups: Default::default(),
        }
    }

    #[test]
    fn item_urls_escape_each_segment() {
        let c = client();
        assert_eq!(c.item_url("/", "/children"), "https://g/v1.0/me/drive/root/children");
        assert_eq!(c.item_url("/a b/c#1.jpg", "/content"), "https://g/v1.0/me/drive/root:/a%20b/c%231.jpg:/content");
        assert_eq!(c.item_url("/Ä/x", ""), "https://g/v1.0/me/drive/root:/%C3%84/x:");
    }

    #[test]
    fn paging_links_must_stay_on_the_graph_host() {
        assert!(same_origin("https://g/v1.0/me/drive/items/x/children?$skiptoken=1", "https://g/v1.0"));
        assert!(!same_origin("https://evil/v1.0/x", "https://g/v1.0"));
    }
}
