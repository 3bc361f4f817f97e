//! What can be learnt about the app registration before the browser opens,
//! without the user: a misregistered app then fails at once, with the setting
//! to change, instead of showing an error page nobody reports back to us.
//!
//! - Microsoft: a POST to the device authorization endpoint. It is answered
//!   as JSON to the app itself, and refuses an unknown client id (AADSTS700016)
//!   and an app whose supported account types do not fit the tenant
//!   (AADSTS9002331 and kin) before any user is involved. It creates a code
//!   nobody uses, which expires on its own. The authorize page cannot serve:
//!   it answers people, not programs (a page, whatever its status), so a
//!   redirect URI Microsoft does not know (AADSTS50011) is only seen by the user
//!   in the browser; front ends say what to do if that page shows an error.
//!   "Allow public client flows" only matters to the device code login, which
//!   reports it itself.
//! - Dropbox: a GET of the very authorize URL the browser will open. Dropbox
//!   answers a bad request (unknown app key, a redirect URI not registered
//!   exactly, a scope the app lacks) with its "Error (400)" page and status
//!   400 before anyone signs in; a good one with its sign-in page.
//!
//! Network trouble here is not a verdict: the login goes on and meets it itself.

use super::app::OAuthApp;
use super::token_client::post_form;
use super::tokens::OAuthErrorBody;
use crate::registration::{dropbox_page_problem, microsoft_problem, RegistrationProblem};
use crate::{Error, Result, ServiceKind};
use std::time::Duration;

const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// Checks the registration the login at `authorize_url` will use.
pub(crate) async fn check(client: &reqwest::Client, app: &OAuthApp, authorize_url: &str, redirect_uri: Option<&str>) -> Result<()> {
    match app.service {
        ServiceKind::OneDrive => check_microsoft(client, app).await,
        ServiceKind::Dropbox => check_dropbox(app, authorize_url, redirect_uri).await,
    }
}

async fn check_microsoft(client: &reqwest::Client, app: &OAuthApp) -> Result<()> {
    let Some(url) = app.device_code_url() else { return Ok(()) };
    let form = [("client_id", app.client_id.as_str()), ("scope", app.scopes.as_str())];
    let response = match post_form(client, app, &url, &form).await {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!("the {} registration check could not run: {e}", app.service);
            return Ok(());
        }
    };
    if response.status().is_success() {
        return Ok(());
    }
    let Ok(body) = response.bytes().await else { return Ok(()) };
    let Ok(error) = serde_json::from_slice::<OAuthErrorBody>(&body) else { return Ok(()) };
    match refusal(app, &error, &error.error_codes) {
        // The browser login does not need public client flows.
        Some(Error::Registration { problem: RegistrationProblem::PublicClientFlowsOff | RegistrationProblem::NeedsSecret, .. }) | None => Ok(()),
        Some(e) => Err(e),
    }
}

/// The registration problem an OAuth error names, if it names one.
pub(crate) fn refusal(app: &OAuthApp, error: &OAuthErrorBody, codes: &[u64]) -> Option<Error> {
    let description = error.error_description.as_deref().unwrap_or("");
    let problem = match app.service {
        ServiceKind::OneDrive => microsoft_problem(description, codes, &app.tenant),
        ServiceKind::Dropbox => match error.error.as_str() {
            "invalid_client" | "unauthorized_client" => Some(RegistrationProblem::UnknownApp),
            "invalid_scope" => dropbox_page_problem(description, None)
                .or(Some(RegistrationProblem::MissingPermission { scope: String::new() })),
            _ => None,
        },
    }?;
    Some(Error::Registration { service: app.service, problem, origin: app.origin, detail: error.summary() })
}

async fn check_dropbox(app: &OAuthApp, authorize_url: &str, redirect_uri: Option<&str>) -> Result<()> {
    // Like a browser that has never been here: no cookies, no redirects followed.
    let client = crate::http::page_client(&crate::http::HttpOptions::default())?;
    let response = match client.get(authorize_url).timeout(CHECK_TIMEOUT).send().await {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!("the {} registration check could not run: {e}", app.service);
            return Ok(());
        }
    };
    if response.status().as_u16() != 400 {
        return Ok(());
    }
    let text = page_text(&response.text().await.unwrap_or_default());
    let problem = dropbox_page_problem(&text, redirect_uri);
    // The page's own words for developers, without its greeting.
    let for_developers = text.split_once("More details for developers").map_or(text.as_str(), |(_, d)| d.trim());
    let detail: String = for_developers.chars().take(500).collect();
    match problem {
        Some(problem) => Err(Error::Registration { service: app.service, problem, origin: app.origin, detail }),
        None => Err(Error::Auth { service: app.service, message: format!("Dropbox refused the sign-in request: {detail}") }),
    }
}

/// The words of an HTML page: tags dropped, entities of the usual five
/// decoded, white space folded.
pub(crate) fn page_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        if let Some(end) = skip_until {
            match lower[i..].find(end) {
                Some(at) => {
                    i += at + end.len();
                    skip_until = None;
                    continue;
                }
                None => break,
            }
        }
        let c = html[i..].chars().next().unwrap_or(' ');
        if c == '<' {
            if lower[i..].starts_with("<script") {
                skip_until = Some("</script>");
            } else if lower[i..].starts_with("<style") {
                skip_until = Some("</style>");
            }
            in_tag = true;
            out.push(' ');
        } else if c == '>' && in_tag {
            in_tag = false;
        } else if !in_tag {
            out.push(c);
        }
        i += c.len_utf8();
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::page_text;

    #[test]
    fn page_text_keeps_the_words_only() {
        let html = "<html><head><style>p{}</style><script>var a='<b>';</script></head>\
                    <body><h1>Error (400)</h1><p>Invalid redirect_uri: &quot;http://x/&quot;</p></body></html>";
        assert_eq!(page_text(html), "Error (400) Invalid redirect_uri: \"http://x/\"");
    }
}
