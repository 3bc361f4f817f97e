//! OneDrive through Microsoft Graph (`/me/drive`), wire types in [`types`].

mod client;
mod profile;
pub mod types;
mod upload;

pub use profile::{DEFAULT_SCOPES, DEFAULT_TENANT, FRAGMENT_UNIT, PROFILE, SIMPLE_LIMIT};
pub use upload::fragment_size;

use crate::token::TokenProvider;
use crate::http::{Http, Transport};
use crate::remote::{Account, Folder, OpenSession, Page, Quota, Remote, RemoteEntry, UploadSpec, Uploaded};
use crate::profile::ServiceProfile;
use crate::{Result, ServiceKind};
use client::GraphClient;
use futures_util::future::BoxFuture;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// One OneDrive account.
#[derive(Debug, Clone)]
pub struct OneDrive {
    graph: GraphClient,
}

impl OneDrive {
    /// `graph_base` is the Graph root with its version, e.g. [`crate::Endpoints::graph`].
    pub fn new(http: Http, graph_base: &str, tokens: Arc<dyn TokenProvider>) -> Self {
        let transport = Transport::new(http, ServiceKind::OneDrive, tokens);
        Self { graph: GraphClient { transport, base: graph_base.trim_end_matches('/').to_owned(), cleanups: Default::default() } }
    }
}

impl Remote for OneDrive {
    fn profile(&self) -> &'static ServiceProfile {
        &PROFILE
    }

    fn account<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Account>> {
        Box::pin(self.graph.account(cancel))
    }

    fn quota<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Quota>> {
        Box::pin(self.graph.quota(cancel))
    }

    fn list_page<'a>(
        &'a self,
        path: &'a str,
        cursor: Option<String>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(self.graph.list_page(path, cursor, cancel))
    }

    fn create_folder<'a>(&'a self, path: &'a str, cancel: &'a CancellationToken) -> BoxFuture<'a, Result<Folder>> {
        Box::pin(self.graph.create_folder(path, cancel))
    }

    fn resolve<'a>(
        &'a self,
        path: &'a str,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Option<RemoteEntry>>> {
        Box::pin(self.graph.resolve(path, cancel))
    }

    fn upload<'a>(&'a self, spec: UploadSpec<'a>) -> BoxFuture<'a, Result<Uploaded>> {
        Box::pin(upload::upload(&self.graph, spec))
    }

    fn discard_session<'a>(&'a self, session: &'a OpenSession) -> BoxFuture<'a, ()> {
        Box::pin(upload::discard(&self.graph, session))
    }

    fn settle(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.graph.settle())
    }
}
