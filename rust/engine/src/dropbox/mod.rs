//! Dropbox API v2, wire types in [`types`], batched commits in [`batch`].

pub mod batch;
mod client;
mod profile;
pub mod types;
mod upload;

pub use client::header_arg;
pub use profile::{CHUNK_UNIT, DEFAULT_REDIRECT_PORT, PROFILE};
pub use upload::chunk_size;

use crate::token::TokenProvider;
use crate::http::{Http, Transport};
use crate::remote::{Account, Folder, OpenSession, Page, Quota, Remote, RemoteEntry, UploadSpec, Uploaded};
use crate::profile::ServiceProfile;
use crate::{Result, ServiceKind};
use batch::Batcher;
use client::DropboxClient;
use futures_util::future::BoxFuture;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// One Dropbox account.
#[derive(Debug)]
pub struct Dropbox {
    client: DropboxClient,
    batcher: Batcher,
    /// Dropbox's web site (`https://www.dropbox.com`), for folder addresses.
    web: String,
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
        Self { batcher: Batcher::new(client.clone()), client, web: "https://www.dropbox.com".into() }
    }

    /// Where folder pages live ([`crate::Endpoints::dropbox_www`]).
    pub fn with_web(mut self, web: &str) -> Self {
        self.web = web.trim_end_matches('/').to_owned();
        self
    }
}

impl Remote for Dropbox {
    fn profile(&self) -> &'static ServiceProfile {
        &PROFILE
    }

    fn account<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Account>> {
        Box::pin(self.client.account(cancel))
    }

    fn quota<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Quota>> {
        Box::pin(self.client.quota(cancel))
    }

    fn list_page<'a>(
        &'a self,
        path: &'a str,
        cursor: Option<String>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(self.client.list_page(path, cursor, cancel))
    }

    fn create_folder<'a>(&'a self, path: &'a str, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Folder>> {
        Box::pin(self.client.create_folder(path, cancel))
    }

    /// Dropbox's API reports no web address: a folder's page is `/home` + its path.
    fn web_url(&self, entry: &RemoteEntry) -> Option<String> {
        const SEGMENT: &percent_encoding::AsciiSet =
            &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
        let path: String = entry
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("/{}", percent_encoding::utf8_percent_encode(s, SEGMENT)))
            .collect();
        Some(format!("{}/home{path}", self.web))
    }

    fn resolve<'a>(
        &'a self,
        path: &'a str,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Option<RemoteEntry>>> {
        Box::pin(self.client.resolve(path, cancel))
    }

    fn upload<'a>(&'a self, spec: UploadSpec<'a>) -> BoxFuture<'a, Result<Uploaded>> {
        Box::pin(upload::upload(&self.client, &self.batcher, spec))
    }

    /// Dropbox sessions cannot be deleted; an unused one expires after 7 days.
    fn discard_session<'a>(&'a self, _session: &'a OpenSession) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}
