//! PKCE (RFC 7636): the challenge an authorize request carries and the check of
//! the verifier the token request later presents.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Method {
    S256,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Challenge {
    pub method: Method,
    pub value: String,
}

/// Why an authorize request's PKCE parameters were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChallengeError {
    /// `code_challenge_method` other than `S256` or `plain`.
    UnknownMethod,
    /// A challenge outside RFC 7636's 43..=128 unreserved characters.
    BadChallenge,
    /// A method without a challenge.
    MethodWithoutChallenge,
}

/// RFC 7636 section 4.1: verifiers (and so plain challenges) are 43 to 128
/// characters of `[A-Za-z0-9-._~]`; an S256 challenge is 43 base64url characters.
fn well_formed(s: &str) -> bool {
    (43..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

impl Challenge {
    /// The challenge of an authorize request: `None` when the client uses no PKCE.
    /// Without a method the challenge is `plain`, as RFC 7636 says.
    pub(super) fn from_params(value: Option<&str>, method: Option<&str>) -> Result<Option<Self>, ChallengeError> {
        let method = match method {
            None => None,
            Some("S256") => Some(Method::S256),
            Some("plain") => Some(Method::Plain),
            Some(_) => return Err(ChallengeError::UnknownMethod),
        };
        match (value, method) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(ChallengeError::MethodWithoutChallenge),
            (Some(v), _) if !well_formed(v) => Err(ChallengeError::BadChallenge),
            (Some(v), m) => Ok(Some(Self { method: m.unwrap_or(Method::Plain), value: v.to_owned() })),
        }
    }

    /// S256: BASE64URL(SHA256(verifier)) without padding equals the challenge; plain: equal strings.
    pub(super) fn verify(&self, verifier: &str) -> bool {
        if !well_formed(verifier) {
            return false;
        }
        match self.method {
            Method::Plain => verifier == self.value,
            Method::S256 => {
                let digest = Sha256::digest(verifier.as_bytes());
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == self.value
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_appendix_b() {
        let c =
            Challenge::from_params(Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), Some("S256")).unwrap().unwrap();
        assert!(c.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!c.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"));
    }

    #[test]
    fn challenge_without_method_is_plain() {
        let v = "a".repeat(43);
        let c = Challenge::from_params(Some(&v), None).unwrap().unwrap();
        assert_eq!(c.method, Method::Plain);
        assert!(c.verify(&v));
    }

    #[test]
    fn malformed_parameters_are_refused() {
        assert_eq!(Challenge::from_params(Some("short"), Some("S256")), Err(ChallengeError::BadChallenge));
        assert_eq!(Challenge::from_params(Some(&"a".repeat(43)), Some("MD5")), Err(ChallengeError::UnknownMethod));
        assert_eq!(Challenge::from_params(None, Some("S256")), Err(ChallengeError::MethodWithoutChallenge));
        assert_eq!(Challenge::from_params(None, None), Ok(None));
    }
}
