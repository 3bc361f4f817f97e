//! The tokens of one account and the token endpoints' answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a login or refresh gives. `Debug` shows whether each token is there,
/// never its text.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    /// Absent for tokens imported without one (they cannot be refreshed).
    pub refresh_token: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// The scopes granted, as the service reported them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

impl TokenSet {
    /// Time left before the access token expires (zero when it has).
    pub fn remaining(&self) -> std::time::Duration {
        (self.expires_at - Utc::now()).to_std().unwrap_or_default()
    }
}

/// A successful token endpoint answer (both services; RFC 6749 section 5.1).
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Both services send it; an hour is assumed if one ever does not.
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl TokenResponse {
    /// Into a [`TokenSet`]; `previous_refresh` is kept when the answer has no new
    /// refresh token (Dropbox never rotates; Microsoft usually does).
    pub(crate) fn into_token_set(self, previous_refresh: Option<String>) -> TokenSet {
        let lifetime = self.expires_in.unwrap_or(3600).min(i64::MAX as u64 / 1000) as i64;
        TokenSet {
            access_token: self.access_token,
            refresh_token: self.refresh_token.filter(|t| !t.is_empty()).or(previous_refresh),
            expires_at: Utc::now() + chrono::Duration::seconds(lifetime),
            scope: self.scope,
        }
    }
}

/// An OAuth error answer: `{error, error_description}` (Microsoft adds more fields).
#[derive(Deserialize)]
pub(crate) struct OAuthErrorBody {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    /// Microsoft's numeric AADSTS codes.
    #[serde(default)]
    pub error_codes: Vec<u64>,
}

impl OAuthErrorBody {
    /// The first line of the description: Microsoft's carries trace ids and a
    /// timestamp on further lines, which are noise for a person.
    pub(crate) fn summary(&self) -> String {
        match self.error_description.as_deref().and_then(|d| d.lines().next()).map(str::trim) {
            Some(d) if !d.is_empty() => format!("{} ({})", d, self.error),
            _ => self.error.clone(),
        }
    }
}

/// The key of one account's secrets in either store.
pub(crate) fn secret_key(service: crate::ServiceKind, account_id: &str) -> String {
    format!("{}:{account_id}", service.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_tokens() {
        let t = TokenSet {
            access_token: "AT-secret-value".into(),
            refresh_token: Some("RT-secret-value".into()),
            expires_at: Utc::now(),
            scope: Some("Files.ReadWrite".into()),
        };
        let shown = format!("{t:?} {t:#?}");
        assert!(!shown.contains("secret-value"), "{shown}");
        assert!(shown.contains("Files.ReadWrite"));
    }

    #[test]
    fn missing_refresh_token_keeps_the_previous_one() {
        let r = TokenResponse { access_token: "a".into(), refresh_token: None, expires_in: Some(14400), scope: None };
        let t = r.into_token_set(Some("old".into()));
        assert_eq!(t.refresh_token.as_deref(), Some("old"));
        assert!(t.remaining() > std::time::Duration::from_secs(14000));
    }

    #[test]
    fn error_summary_keeps_only_the_first_line() {
        let e = OAuthErrorBody {
            error: "invalid_grant".into(),
            error_description: Some("AADSTS70000: bad grant.\r\nTrace ID: x\r\nTimestamp: y".into()),
            error_codes: vec![70000],
        };
        assert_eq!(e.summary(), "AADSTS70000: bad grant. (invalid_grant)");
    }
}
