//! The shared HTTP client and what every call to a service goes through:
//! a retry pacer that honours `Retry-After` ([`pacer`]), an inactivity
//! watchdog that abandons stalled exchanges ([`watchdog`]), and the send loop
//! that ties them to a token provider and a cancel token ([`transport`]),
//! and request bodies streamed from local files ([`body`]), within the upload
//! bandwidth limit when one is set ([`limit`]).

mod body;
mod limit;
pub(crate) mod pacer;
mod transport;
mod watchdog;

pub use limit::{limit_uploads, BandwidthTable};
pub(crate) use body::{bytes_body, range_body, read_range, SentHook};
pub(crate) use pacer::{retry_after, Pacer, PacerConfig};
pub(crate) use transport::{cancellable, Auth, Reply, Transport};
pub(crate) use watchdog::{Activity, ActivityStream};

use std::path::PathBuf;
use std::time::Duration;

/// Settings of the shared client.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// How long to wait for a TCP + TLS connection.
    pub connect_timeout: Duration,
    /// An exchange with no byte sent or received for this long is abandoned
    /// (and retried): a stalled server must not hang a job forever.
    pub inactivity_timeout: Duration,
    /// An extra trusted CA in PEM (an emulator started with `--tls-cert`);
    /// defaults to `DKCLOUD_CA_CERT`.
    pub extra_ca_pem: Option<PathBuf>,
    pub pacer: PacerConfig,
    /// Resolves host names instead of the system resolver (tests: an emulator's
    /// `*.localhost` upload host); `None`: the system's.
    pub resolver: Option<Resolver>,
}

/// A host name resolver for [`HttpOptions::resolver`].
#[derive(Clone)]
pub struct Resolver(pub std::sync::Arc<dyn reqwest::dns::Resolve>);

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resolver")
    }
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            inactivity_timeout: Duration::from_secs(60),
            extra_ca_pem: std::env::var_os("DKCLOUD_CA_CERT").filter(|v| !v.is_empty()).map(PathBuf::from),
            pacer: PacerConfig::default(),
            resolver: None,
        }
    }
}

/// Builds the one kind of client the engine uses: rustls with the ring
/// provider, the platform's trust store (plus the optional extra CA), and a
/// connect timeout. The inactivity timeout is applied per exchange by
/// [`Transport`], because reqwest's own read timeout also counts the time
/// spent sending a large request body.
pub fn client(opts: &HttpOptions) -> crate::Result<reqwest::Client> {
    builder(opts)?.build().map_err(|e| crate::Error::Config(format!("cannot set up HTTPS: {e}")))
}

/// The same client, but one that looks at a web page the way a browser that
/// has never been there would: no redirect followed.
pub(crate) fn page_client(opts: &HttpOptions) -> crate::Result<reqwest::Client> {
    builder(opts)?
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| crate::Error::Config(format!("cannot set up HTTPS: {e}")))
}

fn builder(opts: &HttpOptions) -> crate::Result<reqwest::ClientBuilder> {
    // Fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .user_agent(concat!("dkcloud/", env!("CARGO_PKG_VERSION")))
        .https_only(false);
    if let Some(resolver) = &opts.resolver {
        builder = builder.dns_resolver(resolver.0.clone());
    }
    if let Some(path) = &opts.extra_ca_pem {
        let pem = std::fs::read(path)
            .map_err(|e| crate::Error::Config(format!("cannot read the CA certificate {}: {e}", path.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| crate::Error::Config(format!("{} is not a PEM certificate: {e}", path.display())))?;
        builder = builder.tls_certs_merge(certs);
    }
    Ok(builder)
}

/// A client plus the per-exchange settings, shared by every service object.
#[derive(Debug, Clone)]
pub struct Http {
    pub client: reqwest::Client,
    pub inactivity_timeout: Duration,
    pub pacer: PacerConfig,
}

impl Http {
    pub fn new(opts: &HttpOptions) -> crate::Result<Self> {
        Ok(Self { client: client(opts)?, inactivity_timeout: opts.inactivity_timeout, pacer: opts.pacer.clone() })
    }
}
