//! OneDrive behind the common trait: account, quota, listing and folders
//! here, uploads in [`super::upload`].

use super::client::{entry, same_origin, service_error, OneDrive};
use super::profile::PROFILE;
use super::types::{Children, Drive, DriveItem, DriveQuota, NewFolder, User};
use super::{links, upload};
use crate::http::Auth;
use crate::profile::ServiceProfile;
use crate::remote::{
    normalize, split, Account, Folder, OpenSession, Page, Quota, Remote, RemoteEntry, UploadSpec, Uploaded,
};
use crate::sharing::{LinkRequest, SharedLink};
use crate::{Error, Result, ServiceKind};
use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;

impl Remote for OneDrive {
    fn profile(&self) -> &'static ServiceProfile {
        &PROFILE
    }

    fn account<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Account>> {
        Box::pin(async move {
            let reply = self.get(&format!("{}/me", self.base), "read the account", cancel).await?;
            if !reply.is_success() {
                return Err(service_error(&reply));
            }
            let user: User = reply.json(ServiceKind::OneDrive)?;
            let email = user.mail.or(user.user_principal_name);
            let name = user.display_name.or_else(|| email.clone()).unwrap_or_default();
            Ok(Account { name, email })
        })
    }

    fn quota<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Quota>> {
        Box::pin(async move {
            let reply = self.get(&format!("{}/me/drive", self.base), "read the quota", cancel).await?;
            if !reply.is_success() {
                return Err(service_error(&reply));
            }
            let drive: Drive = reply.json(ServiceKind::OneDrive)?;
            let q = drive.quota.unwrap_or(DriveQuota { used: None, total: None });
            Ok(Quota { used: q.used.unwrap_or(0), total: q.total })
        })
    }

    fn list_page<'a>(
        &'a self,
        path: &'a str,
        cursor: Option<String>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move {
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
        })
    }

    fn create_folder<'a>(&'a self, path: &'a str, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Folder>> {
        Box::pin(async move {
            /// More nested than any path OneDrive takes (400 characters).
            const MAX_DEPTH: usize = 200;
            let path = normalize(path);
            if let Some(existing) = self.resolve(&path, cancel).await? {
                return Ok(Folder { entry: folder_or_error(existing)?, created: false });
            }
            // Made in its parent; a missing parent (404) is made first, so a
            // folder under existing ones costs one request.
            let mut created = false;
            let mut last = None;
            let mut pending = vec![path];
            while let Some(folder) = pending.last().cloned() {
                let (parent, name) = split(&folder);
                if name.is_empty() {
                    break;
                }
                let url = self.item_url(parent, "/children");
                let body = serde_json::to_vec(&NewFolder { name, folder: Default::default(), conflict_behavior: "fail" })
                    .map_err(|e| Error::InvalidInput(e.to_string()))?;
                let client = self.transport.client().clone();
                let reply = self
                    .transport
                    .send(cancel, Auth::Bearer, "create a folder", |_| {
                        Ok(client.post(&url).header("content-type", "application/json").body(body.clone()))
                    })
                    .await?;
                last = Some(match reply.status {
                    200 | 201 => {
                        created = true;
                        entry(parent, reply.json(ServiceKind::OneDrive)?)
                    }
                    // Already there (or created by a retried request): fine if it is a folder.
                    409 => match self.resolve(&folder, cancel).await? {
                        Some(existing) => folder_or_error(existing)?,
                        None => return Err(service_error(&reply)),
                    },
                    404 if parent != "/" && pending.len() < MAX_DEPTH => {
                        pending.push(parent.to_owned());
                        continue;
                    }
                    _ => return Err(service_error(&reply)),
                });
                pending.pop();
            }
            let entry = last.ok_or_else(|| Error::InvalidInput("the root folder always exists".into()))?;
            Ok(Folder { entry, created })
        })
    }

    fn resolve<'a>(
        &'a self,
        path: &'a str,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Option<RemoteEntry>>> {
        Box::pin(async move {
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
        })
    }

    fn upload<'a>(&'a self, spec: UploadSpec<'a>) -> BoxFuture<'a, Result<Uploaded>> {
        Box::pin(upload::upload(self, spec))
    }

    fn share_link<'a>(
        &'a self,
        path: &'a str,
        request: &'a LinkRequest,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<SharedLink>> {
        Box::pin(links::share_link(self, path, request, cancel))
    }

    fn discard_session<'a>(&'a self, session: &'a OpenSession) -> BoxFuture<'a, ()> {
        Box::pin(upload::discard(self, session))
    }

    /// Waits until background cleanups (session deletes) have finished.
    fn settle(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let handles = std::mem::take(&mut *self.cleanups.lock().unwrap_or_else(|p| p.into_inner()));
            for h in handles {
                let _ = h.await;
            }
        })
    }
}

fn folder_or_error(e: RemoteEntry) -> Result<RemoteEntry> {
    if e.is_folder {
        Ok(e)
    } else {
        Err(Error::InvalidInput(format!("{} is a file on OneDrive, not a folder", e.path)))
    }
}
