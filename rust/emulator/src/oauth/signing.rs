//! The key the Microsoft identity endpoints sign ID tokens with: an ECDSA P-256
//! key (JWS `ES256`), made on first start and kept in the state folder so that
//! tokens issued before a restart still verify against the published JWKS.
//!
//! Microsoft signs with RS256; the algorithm is named in every token header and
//! in the key set, so clients that verify follow it, and MSAL does not verify
//! ID tokens it got straight from the token endpoint at all.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The JWS algorithm of [`SigningKey`].
pub(super) const ALGORITHM: &str = "ES256";

const KEY_FILE: &str = "oauth_signing_key.json";

/// What the state file holds: the PKCS#8 document of the key pair.
#[derive(Serialize, Deserialize)]
struct StoredKey {
    alg: String,
    pkcs8: String,
}

pub(super) struct SigningKey {
    pair: EcdsaKeyPair,
    /// The key id: the key's JWK thumbprint (RFC 7638), as Microsoft's `kid`s are thumbprints too.
    kid: String,
    rng: SystemRandom,
}

impl SigningKey {
    /// Loads the key from the state folder, or makes and saves a new one.
    pub(super) fn open(state_dir: &Path) -> std::io::Result<Self> {
        let path = state_dir.join(KEY_FILE);
        let rng = SystemRandom::new();
        let invalid = |why: String| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a signing key: {why}", path.display()),
            )
        };
        let pkcs8 = match std::fs::read(&path) {
            Ok(bytes) => {
                let stored: StoredKey = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
                if stored.alg != ALGORITHM {
                    return Err(invalid(format!("algorithm {} is not {ALGORITHM}", stored.alg)));
                }
                B64URL.decode(stored.pkcs8.as_bytes()).map_err(|e| invalid(e.to_string()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| std::io::Error::other("cannot generate an ECDSA P-256 key"))?;
                let stored = StoredKey { alg: ALGORITHM.to_owned(), pkcs8: B64URL.encode(doc.as_ref()) };
                let tmp = path.with_extension("json.tmp");
                std::fs::write(&tmp, serde_json::to_vec(&stored).map_err(std::io::Error::other)?)?;
                std::fs::rename(&tmp, &path)?;
                doc.as_ref().to_vec()
            }
            Err(e) => return Err(e),
        };
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng)
            .map_err(|e| invalid(e.to_string()))?;
        let kid = thumbprint(&pair);
        Ok(Self { pair, kid, rng })
    }

    /// The public key as a JWK; `issuer` is added as Microsoft's v2.0 key sets do.
    pub(super) fn jwk(&self, issuer: &str) -> Value {
        let (x, y) = coordinates(&self.pair);
        json!({
            "kty": "EC",
            "use": "sig",
            "kid": self.kid,
            "alg": ALGORITHM,
            "crv": "P-256",
            "x": x,
            "y": y,
            "issuer": issuer,
        })
    }

    /// A compact JWS over `claims`: `header.payload.signature`, all base64url.
    pub(super) fn sign_jwt(&self, claims: &Value) -> String {
        let header = json!({"typ": "JWT", "alg": ALGORITHM, "kid": self.kid});
        let signing_input = format!("{}.{}", B64URL.encode(header.to_string()), B64URL.encode(claims.to_string()));
        // Signing fails only if the system's random source does; there is nothing sensible left to do then.
        let signature = self.pair.sign(&self.rng, signing_input.as_bytes()).expect("ECDSA signing needs randomness");
        format!("{signing_input}.{}", B64URL.encode(signature.as_ref()))
    }
}

/// The affine `x` and `y` of the public point (ring gives it uncompressed: `04 || x || y`), base64url.
fn coordinates(pair: &EcdsaKeyPair) -> (String, String) {
    let point = pair.public_key().as_ref();
    (B64URL.encode(&point[1..33]), B64URL.encode(&point[33..65]))
}

fn thumbprint(pair: &EcdsaKeyPair) -> String {
    let (x, y) = coordinates(pair);
    // RFC 7638: the required members in lexicographic order, no white space.
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    B64URL.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};

    #[test]
    fn the_key_survives_a_reopen_and_its_signatures_verify() {
        let dir = tempfile::tempdir().unwrap();
        let first = SigningKey::open(dir.path()).unwrap();
        let again = SigningKey::open(dir.path()).unwrap();
        assert_eq!(first.kid, again.kid);
        assert_eq!(first.jwk("i"), again.jwk("i"));

        let jwt = again.sign_jwt(&json!({"sub": "s"}));
        let (input, sig) = jwt.rsplit_once('.').unwrap();
        let jwk = first.jwk("i");
        let mut point = vec![4u8];
        point.extend(B64URL.decode(jwk["x"].as_str().unwrap()).unwrap());
        point.extend(B64URL.decode(jwk["y"].as_str().unwrap()).unwrap());
        let key = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point);
        key.verify(input.as_bytes(), &B64URL.decode(sig).unwrap()).unwrap();
        let header: Value = serde_json::from_slice(&B64URL.decode(input.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header, json!({"typ": "JWT", "alg": "ES256", "kid": first.kid}));
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), b"{\"alg\":\"ES256\",\"pkcs8\":\"AAAA\"}").unwrap();
        assert!(SigningKey::open(dir.path()).is_err());
    }
}
