//! Dropbox behind the common trait: the service object (a client and the
//! commit batcher it shares between uploads), account, space usage, listing,
//! folders and metadata here, uploads in [`super::upload`].

use super::batch::Batcher;
use super::client::{api_error, api_path, entry, service_error, DropboxClient};
use super::profile::PROFILE;
use super::types::{
    CreateFolderArg, CreateFolderResult, CursorArg, FullAccount, ListFolderArg, ListFolderResult, PathArg, SpaceUsage,
};
use super::{concurrent, links, upload};
use crate::http::{Http, Transport};
use crate::profile::ServiceProfile;
use crate::remote::{Account, Folder, OpenSession, Page, Quota, Remote, RemoteEntry, UploadSpec, Uploaded};
use crate::sharing::{LinkRequest, SharedLink};
use crate::token::TokenProvider;
use crate::{Error, Result, ServiceKind};
use futures_util::future::BoxFuture;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// One Dropbox account.
#[derive(Debug)]
pub struct Dropbox {
    client: DropboxClient,
    batcher: Batcher,
    /// Sizes concurrent sessions' chunks.
    rate: concurrent::LinkRate,
    /// Dropbox's web site (`https://www.dropbox.com`), for folder addresses.
    web: String,
    /// An "App folder" app's folder: its paths are below `/Apps/<name>`.
    app_folder: Option<String>,
    /// Where the account's own files are below the root its web pages show
    /// (see [`super::types::RootInfo::home_in_root`]), read once.
    web_home: tokio::sync::OnceCell<Option<String>>,
}

impl Dropbox {
    /// `api` and `content` are [`crate::Endpoints::dropbox_api`] and `dropbox_content`.
    pub fn new(http: Http, api: &str, content: &str, tokens: Arc<dyn TokenProvider>) -> Self {
        let transport = Transport::new(http, ServiceKind::Dropbox, tokens);
        let client = DropboxClient {
            transport,
            api: api.trim_end_matches('/').to_owned(),
            content: content.trim_end_matches('/').to_owned(),
        };
        Self {
            batcher: Batcher::new(client.clone()),
            client,
            rate: Default::default(),
            web: "https://www.dropbox.com".into(),
            app_folder: None,
            web_home: Default::default(),
        }
    }

    /// Where folder pages live ([`crate::Endpoints::dropbox_www`]).
    pub fn with_web(mut self, web: &str) -> Self {
        self.web = web.trim_end_matches('/').to_owned();
        self
    }

    /// For an "App folder" app: its folder's name (the API never names it).
    pub fn with_app_folder(mut self, name: Option<&str>) -> Self {
        self.app_folder = name.map(|n| n.trim_matches('/').to_owned()).filter(|n| !n.is_empty());
        self
    }

    async fn current_account(&self, cancel: &CancellationToken) -> Result<FullAccount> {
        let reply = self.client.rpc::<()>("users/get_current_account", None, cancel).await?;
        if !reply.is_success() {
            return Err(service_error(&reply));
        }
        reply.json(ServiceKind::Dropbox)
    }

    /// The web page of the item at `path`. Dropbox's API reports no web
    /// address: a page is `/home` + the path from the root the site shows,
    /// which in a team space is the team's root, with the user's files below
    /// its home path; an "App folder" app's paths are below `/Apps/<its
    /// folder>` there. `None` when that cannot be known.
    async fn web_address(&self, path: &str, cancel: &CancellationToken) -> Option<String> {
        const SEGMENT: &percent_encoding::AsciiSet =
            &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
        let home = self
            .web_home
            .get_or_try_init(|| async {
                let account = self.current_account(cancel).await?;
                Ok::<_, Error>(account.root_info.map_or(Some(String::new()), |r| r.home_in_root()))
            })
            .await;
        let home = match home {
            Ok(Some(home)) => home,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!("cannot read where the account's files are on Dropbox's web site: {e}");
                return None;
            }
        };
        let app = self.app_folder.as_deref().map(|name| format!("/Apps/{name}")).unwrap_or_default();
        let encoded: String = format!("{home}{app}/{path}")
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("/{}", percent_encoding::utf8_percent_encode(s, SEGMENT)))
            .collect();
        Some(format!("{}/home{encoded}", self.web))
    }
}

impl Remote for Dropbox {
    fn profile(&self) -> &'static ServiceProfile {
        &PROFILE
    }

    fn account<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Account>> {
        Box::pin(async move {
            let a = self.current_account(cancel).await?;
            Ok(Account { name: a.name.display_name, email: a.email })
        })
    }

    fn quota<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Quota>> {
        Box::pin(async move {
            let reply = self.client.rpc::<()>("users/get_space_usage", None, cancel).await?;
            if !reply.is_success() {
                return Err(service_error(&reply));
            }
            let u: SpaceUsage = reply.json(ServiceKind::Dropbox)?;
            Ok(Quota { used: u.used, total: u.allocation.and_then(|a| a.allocated) })
        })
    }

    fn list_page<'a>(
        &'a self,
        path: &'a str,
        cursor: Option<String>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move {
            let reply = match &cursor {
                Some(c) => self.client.rpc("files/list_folder/continue", Some(&CursorArg { cursor: c }), cancel).await?,
                None => {
                    let p = api_path(path);
                    let arg = ListFolderArg { path: &p, recursive: false, limit: 2000 };
                    self.client.rpc("files/list_folder", Some(&arg), cancel).await?
                }
            };
            if !reply.is_success() {
                return Err(service_error(&reply));
            }
            let r: ListFolderResult = reply.json(ServiceKind::Dropbox)?;
            Ok(Page {
                entries: r.entries.into_iter().filter(|m| m.tag != "deleted").map(entry).collect(),
                next: r.has_more.then_some(r.cursor),
            })
        })
    }

    /// Dropbox creates missing parents itself; an existing folder is fine.
    fn create_folder<'a>(&'a self, path: &'a str, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Folder>> {
        Box::pin(async move {
            let p = api_path(path);
            if p.is_empty() {
                return Err(Error::InvalidInput("the root folder always exists".into()));
            }
            let arg = CreateFolderArg { path: &p, autorename: false };
            // Namespace contention (409 `path/too_many_write_operations`) is retried after a back-off.
            let pacer = super::batch::contention_pacer();
            let mut retry = 0;
            let reply = loop {
                let reply = self.client.rpc("files/create_folder_v2", Some(&arg), cancel).await?;
                let contention = reply.status == 409 && super::batch::is_contention(&api_error(&reply).1);
                if !contention || retry + 1 >= pacer.max_attempts() {
                    break reply;
                }
                retry += 1;
                crate::http::cancellable(cancel, tokio::time::sleep(pacer.backoff(retry))).await?;
            };
            if reply.is_success() {
                // `FolderMetadata` here, without the `.tag` of the metadata union.
                let made = entry(reply.json::<CreateFolderResult>(ServiceKind::Dropbox)?.metadata);
                return Ok(Folder { entry: RemoteEntry { is_folder: true, ..made }, created: true });
            }
            let (t, _) = api_error(&reply);
            if reply.status == 409 && t.iter().any(|x| x == "conflict") {
                if t.last().is_some_and(|x| x == "folder") {
                    let entry = RemoteEntry {
                        name: crate::remote::split(&p).1.to_owned(),
                        path: p,
                        is_folder: true,
                        size: 0,
                        hash: None,
                        web_url: None,
                    };
                    return Ok(Folder { entry, created: false });
                }
                return Err(Error::InvalidInput(format!("{p} is a file on Dropbox, not a folder")));
            }
            Err(service_error(&reply))
        })
    }

    fn resolve<'a>(
        &'a self,
        path: &'a str,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Option<RemoteEntry>>> {
        Box::pin(async move {
            let p = api_path(path);
            if p.is_empty() {
                // The root has no metadata on Dropbox.
                return Ok(Some(RemoteEntry {
                    name: String::new(),
                    path: "/".into(),
                    is_folder: true,
                    size: 0,
                    hash: None,
                    web_url: self.web_address("/", cancel).await,
                }));
            }
            let reply = self.client.rpc("files/get_metadata", Some(&PathArg { path: &p }), cancel).await?;
            if reply.status == 409 && api_error(&reply).0.iter().any(|t| t == "not_found") {
                return Ok(None);
            }
            if !reply.is_success() {
                return Err(service_error(&reply));
            }
            let mut found = entry(reply.json(ServiceKind::Dropbox)?);
            found.web_url = self.web_address(&found.path, cancel).await;
            Ok(Some(found))
        })
    }

    fn upload<'a>(&'a self, spec: UploadSpec<'a>) -> BoxFuture<'a, Result<Uploaded>> {
        // Counted from the call, so uploads started together are known to the
        // batcher before the first of them asks for its commit.
        let in_flight = self.batcher.in_flight();
        Box::pin(async move {
            let _in_flight = in_flight;
            if concurrent::suits(&spec) {
                concurrent::upload(&self.client, &self.batcher, &self.rate, spec).await
            } else {
                upload::upload(&self.client, &self.batcher, spec).await
            }
        })
    }

    fn share_link<'a>(
        &'a self,
        path: &'a str,
        request: &'a LinkRequest,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<SharedLink>> {
        Box::pin(links::share_link(&self.client, path, request, cancel))
    }

    /// Dropbox sessions cannot be deleted; an unused one expires after 7 days.
    fn discard_session<'a>(&'a self, _session: &'a OpenSession) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}
