//! The services dkcloud knows, by kind: their profiles and their service
//! objects. The one place that names every service folder.

use crate::http::Http;
use crate::profile::ServiceProfile;
use crate::remote::Remote;
use crate::token::TokenProvider;
use crate::{Endpoints, ServiceKind};
use std::sync::Arc;

/// What dkcloud knows about `service`.
pub(crate) fn profile(service: ServiceKind) -> &'static ServiceProfile {
    match service {
        ServiceKind::OneDrive => &crate::onedrive::PROFILE,
        ServiceKind::Dropbox => &crate::dropbox::PROFILE,
    }
}

/// The service object for `service` at `endpoints`, acting with `tokens`;
/// `dropbox_app_folder`: a Dropbox "App folder" app's folder name.
pub(crate) fn connect(
    service: ServiceKind,
    http: &Http,
    endpoints: &Endpoints,
    dropbox_app_folder: Option<&str>,
    tokens: Arc<dyn TokenProvider>,
) -> Arc<dyn Remote> {
    match service {
        ServiceKind::OneDrive => Arc::new(crate::onedrive::OneDrive::new(http.clone(), &endpoints.graph, tokens)),
        ServiceKind::Dropbox => Arc::new(
            crate::dropbox::Dropbox::new(http.clone(), &endpoints.dropbox_api, &endpoints.dropbox_content, tokens)
                .with_web(&endpoints.dropbox_www)
                .with_app_folder(dropbox_app_folder),
        ),
    }
}
