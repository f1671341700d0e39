//! PKCE with S256 (RFC 7636).

use super::encode::base64url;
use super::error::Result;
use super::random;
use super::secret::Secret;
use super::sha256::sha256;
use crate::prelude::*;

/// A fresh verifier and its S256 challenge.
#[derive(Clone, Debug, PartialEq)]
pub struct Pkce {
    /// Kept by the client, sent with the code exchange.
    pub verifier: Secret,
    /// Sent in the authorization request with `code_challenge_method=S256`.
    pub challenge: String,
}

/// A new random verifier (43 characters) and its challenge.
pub fn generate() -> Result<Pkce> {
    let verifier = random::token()?;
    let challenge = challenge_s256(&verifier);
    Ok(Pkce {
        verifier: Secret::new(verifier),
        challenge,
    })
}

/// `BASE64URL(SHA256(verifier))`.
pub fn challenge_s256(verifier: &str) -> String {
    base64url(&sha256(verifier.as_bytes()))
}

/// Whether `v` is a valid verifier: 43–128 characters of `A-Z a-z 0-9 - . _ ~`.
pub fn is_valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            challenge_s256(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(is_valid_verifier(verifier));
    }

    #[test]
    fn generated_pair_matches() {
        let p = generate().unwrap();
        assert!(is_valid_verifier(p.verifier.expose()));
        assert_eq!(p.challenge, challenge_s256(p.verifier.expose()));
        assert_eq!(p.challenge.len(), 43);
        assert_ne!(generate().unwrap().verifier, p.verifier);
    }

    #[test]
    fn verifier_rules() {
        assert!(is_valid_verifier(&"a~._-Z9".repeat(7)[..43]));
        assert!(is_valid_verifier(&"a".repeat(128)));
        assert!(!is_valid_verifier(&"a".repeat(42)));
        assert!(!is_valid_verifier(&"a".repeat(129)));
        assert!(!is_valid_verifier(&format!("{}+", "a".repeat(42))));
        assert!(!is_valid_verifier(&format!("{}é", "a".repeat(41))));
    }
}
