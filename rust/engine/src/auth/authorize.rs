//! The authorize URL the browser opens: PKCE S256 and a random state on every
//! login, made with the oauth2 crate, plus each service's own parameters.

use super::app::OAuthApp;
use crate::{Error, Result};
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope};

/// One login attempt's URL and the secrets to check and redeem its answer.
pub(crate) struct AuthorizeRequest {
    pub url: String,
    pub state: String,
    pub verifier: PkceCodeVerifier,
    /// Sent again with the code exchange, which must match it exactly.
    pub redirect_uri: Option<String>,
}

/// `another_account`: an account of the service is saved already.
pub(crate) fn build(app: &OAuthApp, redirect_uri: Option<&str>, another_account: bool) -> Result<AuthorizeRequest> {
    let bad_url = |e: oauth2::url::ParseError| Error::Config(format!("bad {} login URL: {e}", app.service));
    let mut client = BasicClient::new(ClientId::new(app.client_id.clone()))
        .set_auth_uri(AuthUrl::new(app.authorize_url()).map_err(bad_url)?);
    if let Some(uri) = redirect_uri {
        client = client.set_redirect_uri(RedirectUrl::new(uri.to_owned()).map_err(bad_url)?);
    }
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(app.scopes.split_whitespace().map(|s| Scope::new(s.to_owned())))
        .set_pkce_challenge(challenge);
    let another: &[(&str, &str)] = if another_account { app.profile.oauth.another_account_params } else { &[] };
    for (name, value) in app.profile.oauth.authorize_params.iter().chain(another) {
        request = request.add_extra_param(*name, *value);
    }
    let (url, state) = request.url();
    Ok(AuthorizeRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        verifier,
        redirect_uri: redirect_uri.map(str::to_owned),
    })
}
