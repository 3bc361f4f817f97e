//! What a Microsoft app registration allows (`--registrations`): which client ids
//! exist, at which tenants their account types may sign in, which redirect URIs
//! they registered, whether they allow public client flows (device code), and what
//! `.default` stands for. Each refusal carries the `error` and AADSTS code the
//! token and device-code endpoints answer with; the authorize endpoint shows the
//! same text on its error page.

use super::errors::microsoft as json_error;
use super::html::error_page;
use super::ms_account::CONSUMER_TENANT_ID;
use crate::registrations::{Audience, MicrosoftApp};
use crate::App;
use axum::response::Response;
use url::{Host, Url};

/// A refusal, as `{error, AADSTS code, message}`.
#[derive(Debug)]
pub(super) struct Refusal {
    pub error: &'static str,
    pub code: u32,
    pub message: String,
}

impl Refusal {
    /// The token and device-code endpoints' JSON answer (HTTP 400).
    pub(super) fn json(&self) -> Response {
        json_error(self.error, self.code, &self.message)
    }

    /// The authorize endpoint's page: shown in the browser, never redirected back.
    pub(super) fn page(&self) -> Response {
        error_page("Sign in failed", &format!("AADSTS{}: {}", self.code, self.message))
    }
}

/// Which accounts a tenant segment signs in.
fn personal_tenant(tenant: &str) -> bool {
    tenant.eq_ignore_ascii_case("consumers") || tenant.eq_ignore_ascii_case(CONSUMER_TENANT_ID)
}

/// The directory name an unknown-application error names.
fn directory(tenant: &str) -> &str {
    if personal_tenant(tenant) {
        "Microsoft Accounts"
    } else {
        tenant
    }
}

fn not_found(client_id: &str, tenant: &str) -> Refusal {
    Refusal {
        error: "unauthorized_client",
        code: 700016,
        message: format!(
            "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
            directory(tenant)
        ),
    }
}

/// The registration of `client_id` if it may sign in at `tenant`; `Ok(None)` when no
/// registrations are configured (every client is accepted).
///
/// Account types (Microsoft's `supported-accounts-validation` and AADSTS reference):
/// a personal-only app anywhere but `consumers` is AADSTS9002331; a work-and-school
/// app at `consumers` is unknown to the Microsoft account directory (AADSTS700016
/// naming 'Microsoft Accounts'; the older login.live.com answer was `unauthorized_client`
/// "The client does not exist or is not enabled for consumers", dotnet/AspNetCore.Docs#19795).
pub(super) fn client<'a>(app: &'a App, tenant: &str, client_id: &str) -> Result<Option<&'a MicrosoftApp>, Refusal> {
    let Some(regs) = &app.registrations else {
        return Ok(None);
    };
    let reg = regs.microsoft(client_id).ok_or_else(|| not_found(client_id, tenant))?;
    match reg.audience {
        Audience::Personal if !personal_tenant(tenant) => Err(Refusal {
            error: "invalid_request",
            code: 9002331,
            message: format!(
                "Application '{client_id}'({}) is configured for use by Microsoft Account users only. Please use the /consumers endpoint to serve this request.",
                reg.name()
            ),
        }),
        Audience::Organizations if personal_tenant(tenant) => Err(not_found(client_id, tenant)),
        _ => Ok(Some(reg)),
    }
}

/// AADSTS50011 unless `raw` is one of the app's redirect URIs. Microsoft ignores the
/// port of a loopback `http` URI (`reply-url`: "localhost ... any port"), and a URI
/// with no path is the same as one with `/` (URL normalisation gives both the `/`).
pub(super) fn redirect(reg: &MicrosoftApp, raw: &str) -> Result<(), Refusal> {
    if reg.redirect_uris.iter().any(|r| same_reply_url(r, raw)) {
        return Ok(());
    }
    Err(Refusal {
        error: "invalid_request",
        code: 50011,
        message: format!(
            "The redirect URI '{raw}' specified in the request does not match the redirect URIs configured for the application '{}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
            reg.client_id
        ),
    })
}

fn same_reply_url(registered: &str, requested: &str) -> bool {
    let (Ok(mut a), Ok(mut b)) = (Url::parse(registered), Url::parse(requested)) else {
        return registered == requested;
    };
    if is_http_loopback(&a) && is_http_loopback(&b) {
        let _ = a.set_port(None);
        let _ = b.set_port(None);
    }
    a == b
}

fn is_http_loopback(url: &Url) -> bool {
    url.scheme() == "http"
        && match url.host() {
            Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            _ => false,
        }
}

/// The device code grant needs "Allow public client flows": without it Microsoft
/// treats the app as confidential and its token endpoint asks for a credential
/// (AADSTS7000218, `invalid_client`); the devicecode endpoint itself accepts.
pub(super) fn public_client(reg: &MicrosoftApp) -> Result<(), Refusal> {
    if reg.public_client_flows {
        return Ok(());
    }
    Err(Refusal {
        error: "invalid_client",
        code: 7000218,
        message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
            .to_owned(),
    })
}

/// The scopes a token gets. Microsoft's consent is dynamic (`permissions-consent-overview`):
/// a personal account consents to whatever delegated scopes the request names, so they
/// are granted as asked; `.default` (`https://graph.microsoft.com/.default`) stands for
/// the permissions configured on the registration.
pub(super) fn granted_scope(reg: Option<&MicrosoftApp>, requested: &str) -> String {
    let Some(reg) = reg else {
        return requested.to_owned();
    };
    let mut out: Vec<String> = Vec::new();
    for s in requested.split_whitespace() {
        if s.eq_ignore_ascii_case(".default") || s.to_ascii_lowercase().ends_with("/.default") {
            out.extend(reg.permissions.iter().cloned());
        } else {
            out.push(s.to_owned());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.to_ascii_lowercase()));
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_ports_are_ignored_but_paths_are_not() {
        assert!(same_reply_url("http://localhost", "http://localhost:53682/"));
        assert!(same_reply_url("http://localhost/cb", "http://localhost:1234/cb"));
        assert!(same_reply_url("http://127.0.0.1:1/", "http://127.0.0.1:9/"));
        assert!(!same_reply_url("http://localhost/cb", "http://localhost:1234/other"));
        assert!(!same_reply_url("http://localhost", "http://127.0.0.1/"));
        assert!(!same_reply_url("https://app.example:1/", "https://app.example:2/"));
    }
}
