//! Graph calls other than uploads: account, quota, listing, folders.

use super::types::{Children, Drive, DriveItem, ErrorBody, NewFolder, User};
use crate::http::{Auth, Reply, Transport};
use crate::remote::{join, normalize, split, Account, Folder, Page, Quota, RemoteEntry};
use crate::{Error, Result, ServiceKind};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Everything but unreserved characters is escaped inside a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A Graph drive (`/me/drive`) reached through one transport.
#[derive(Debug, Clone)]
pub struct GraphClient {
    pub(super) transport: Transport,
    /// e.g. `https://graph.microsoft.com/v1.0`, no trailing slash.
    pub(super) base: String,
    /// Session deletes still running after their upload returned. Plain
    /// handles: dropping one (a `settle` cut short) leaves its task running.
    pub(super) cleanups: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

/// What a Graph error answer says.
#[derive(Debug, Clone, Default)]
pub struct GraphError {
    pub code: String,
    pub inner: Option<String>,
    pub message: String,
}

pub fn parse_error(reply: &Reply) -> GraphError {
    match serde_json::from_slice::<ErrorBody>(&reply.body) {
        Ok(b) => GraphError {
            code: b.error.code,
            inner: b.error.innererror.and_then(|i| i.code),
            message: b.error.message,
        },
        Err(_) => GraphError { message: String::from_utf8_lossy(&reply.body).chars().take(200).collect(), ..Default::default() },
    }
}

pub fn service_error(reply: &Reply) -> Error {
    let e = parse_error(reply);
    let code = match e.inner {
        Some(inner) if !e.code.is_empty() => format!("{}/{inner}", e.code),
        _ => e.code,
    };
    Error::Service { service: ServiceKind::OneDrive, status: reply.status, code, message: e.message }
}

impl GraphClient {
    /// Runs `work` in the background; [`GraphClient::settle`] waits for it.
    pub(super) fn cleanup(&self, work: impl std::future::Future<Output = ()> + Send + 'static) {
        let mut handles = self.cleanups.lock().unwrap_or_else(|p| p.into_inner());
        // Forget the ones already done, so a long job does not collect them.
        handles.retain(|h| !h.is_finished());
        handles.push(tokio::spawn(work));
    }

    /// Waits until background cleanups have finished.
    pub async fn settle(&self) {
        let handles = std::mem::take(&mut *self.cleanups.lock().unwrap_or_else(|p| p.into_inner()));
        for h in handles {
            let _ = h.await;
        }
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

    async fn get(&self, url: &str, what: &str, cancel: &CancellationToken) -> Result<Reply> {
        let client = self.transport.client().clone();
        self.transport.send(cancel, Auth::Bearer, what, |_| Ok(client.get(url))).await
    }

    pub async fn account(&self, cancel: &CancellationToken) -> Result<Account> {
        let reply = self.get(&format!("{}/me", self.base), "read the account", cancel).await?;
        if !reply.is_success() {
            return Err(service_error(&reply));
        }
        let user: User = reply.json(ServiceKind::OneDrive)?;
        let email = user.mail.or(user.user_principal_name);
        let name = user.display_name.or_else(|| email.clone()).unwrap_or_default();
        Ok(Account { name, email })
    }

    pub async fn quota(&self, cancel: &CancellationToken) -> Result<Quota> {
        let reply = self.get(&format!("{}/me/drive", self.base), "read the quota", cancel).await?;
        if !reply.is_success() {
            return Err(service_error(&reply));
        }
        let drive: Drive = reply.json(ServiceKind::OneDrive)?;
        let q = drive.quota.unwrap_or(super::types::DriveQuota { used: None, total: None });
        Ok(Quota { used: q.used.unwrap_or(0), total: q.total })
    }

    pub async fn list_page(&self, path: &str, cursor: Option<String>, cancel: &CancellationToken) -> Result<Page> {
        let url = match cursor {
            // Paging links are absolute; our token only goes to our own Graph host.
            Some(next) if same_origin(&next, &self.base) => next,
            Some(_) => return Err(Error::InvalidInput("the paging link points to another server".into())),
            None => format!("{}?$top=1000", self.item_url(path, "/children")),
        };
        let reply = self.get(&url, "list a folder", cancel).await?;
        if !reply.is_success() {
            return Err(service_error(&reply));
        }
        let children: Children = reply.json(ServiceKind::OneDrive)?;
        let folder = normalize(path);
        Ok(Page {
            entries: children.value.into_iter().map(|item| entry(&folder, item)).collect(),
            next: children.next_link,
        })
    }

    pub async fn resolve(&self, path: &str, cancel: &CancellationToken) -> Result<Option<RemoteEntry>> {
        let reply = self.get(&self.item_url(path, ""), "look up an item", cancel).await?;
        if reply.status == 404 {
            return Ok(None);
        }
        if !reply.is_success() {
            return Err(service_error(&reply));
        }
        let item: DriveItem = reply.json(ServiceKind::OneDrive)?;
        let path = normalize(path);
        let parent = split(&path).0.to_owned();
        let mut e = entry(&parent, item);
        if path == "/" {
            e.path = path;
        }
        Ok(Some(e))
    }

    pub async fn create_folder(&self, path: &str, cancel: &CancellationToken) -> Result<Folder> {
        let path = normalize(path);
        if let Some(existing) = self.resolve(&path, cancel).await? {
            return Ok(Folder { entry: folder_or_error(existing)?, created: false });
        }
        let mut created = false;
        let mut current = "/".to_owned();
        let mut last = None;
        for name in path.split('/').filter(|s| !s.is_empty()) {
            let url = self.item_url(&current, "/children");
            let body = serde_json::to_vec(&NewFolder { name, folder: Default::default(), conflict_behavior: "fail" })
                .map_err(|e| Error::InvalidInput(e.to_string()))?;
            let client = self.transport.client().clone();
            let reply = self
                .transport
                .send(cancel, Auth::Bearer, "create a folder", |_| {
                    Ok(client.post(&url).header("content-type", "application/json").body(body.clone()))
                })
                .await?;
            let child = join(&current, name);
            last = Some(match reply.status {
                200 | 201 => {
                    created = true;
                    entry(&current, reply.json(ServiceKind::OneDrive)?)
                }
                // Already there (or created by a retried request): fine if it is a folder.
                409 => match self.resolve(&child, cancel).await? {
                    Some(existing) => folder_or_error(existing)?,
                    None => return Err(service_error(&reply)),
                },
                _ => return Err(service_error(&reply)),
            });
            current = child;
        }
        let entry = last.ok_or_else(|| Error::InvalidInput("the root folder always exists".into()))?;
        Ok(Folder { entry, created })
    }
}

fn folder_or_error(e: RemoteEntry) -> Result<RemoteEntry> {
    if e.is_folder {
        Ok(e)
    } else {
        Err(Error::InvalidInput(format!("{} is a file on OneDrive, not a folder", e.path)))
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

fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> GraphClient {
        let http = crate::http::Http::new(&crate::http::HttpOptions::default()).unwrap();
        let tokens = std::sync::Arc::new(crate::token::StaticToken::new(ServiceKind::OneDrive, "t"));
        GraphClient {
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
