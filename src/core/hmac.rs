//! A configurable HMAC-SHA256 request signer.
//!
//! Virtuous CRM offers HMAC authentication but does not publish its recipe,
//! so nothing here claims to be it: the canonical string (which parts, in
//! which order, joined by what), the header names and the encoding are all
//! settings, with the defaults documented on [`HmacConfig`]. Supply the
//! provider's exact recipe through them.

use crate::prelude::*;

use super::encode::{base64, concat, decimal, find_byte, head};
use super::endpoint::split_scheme;
use super::error::{Error, ErrorCode, Result};
use super::secret::Secret;
use super::sha256::{sha256, Sha256};

const BLOCK: usize = 64;

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // Keys longer than a block are hashed first; shorter ones zero-padded.
    let mut block = [0u8; BLOCK];
    let hashed;
    let key = if key.len() > BLOCK {
        hashed = sha256(key);
        &hashed[..]
    } else {
        key
    };
    // Zipped, not `copy_from_slice`: no length-mismatch panic (and its
    // message) in the wasm.
    for (b, k) in block.iter_mut().zip(key) {
        *b = *k;
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let mut inner = Sha256::new();
    inner.update(&pad(0x36)).update(message);
    let mut outer = Sha256::new();
    outer.update(&pad(0x5c)).update(&inner.finalize());
    block.fill(0);
    outer.finalize()
}

/// One piece of the canonical string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Upper-case HTTP method, e.g. `POST`.
    Method,
    /// Path and query of the URL as sent, e.g. `/api/Contact?x=1`.
    Path,
    /// The timestamp (Unix seconds) also sent in the timestamp header.
    Timestamp,
    /// The body's SHA-256 digest, in the configured encoding (of the empty
    /// string when there is no body).
    BodySha256,
}

impl Part {
    /// Parses `"method"`, `"path"`, `"timestamp"` or `"body-sha256"`.
    pub fn parse(name: &str) -> Result<Part> {
        match name {
            "method" => Ok(Part::Method),
            "path" => Ok(Part::Path),
            "timestamp" => Ok(Part::Timestamp),
            "body-sha256" => Ok(Part::BodySha256),
            _ => Err(Error::new(
                ErrorCode::InvalidArgument,
                "components may only contain \"method\", \"path\", \"timestamp\" and \"body-sha256\"",
            )),
        }
    }
}

/// How digests and signatures are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Standard base64 with padding (default).
    Base64,
    /// Lower-case hexadecimal.
    Hex,
}

impl Encoding {
    /// Encodes `bytes`.
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Base64 => base64(bytes),
            Encoding::Hex => {
                bytes
                    .iter()
                    .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        s.push(char::from(HEX[usize::from(b >> 4)]));
                        s.push(char::from(HEX[usize::from(b & 15)]));
                        s
                    })
            }
        }
    }
}

/// A signer's settings. Defaults (see [`HmacConfig::new`]): canonical string
/// `METHOD\nPATH?QUERY\nTIMESTAMP\nBASE64(SHA256(BODY))`, signature in
/// `X-Signature`, timestamp in `X-Timestamp`, key id (when given) in
/// `X-Key-Id`, base64.
#[derive(Clone, Debug)]
pub struct HmacConfig {
    /// The shared secret.
    pub key: Secret,
    /// Sent in `key_id_header` when present.
    pub key_id: Option<String>,
    /// Header carrying the signature.
    pub signature_header: String,
    /// Header carrying the timestamp.
    pub timestamp_header: String,
    /// Header carrying the key id.
    pub key_id_header: String,
    /// Text put before the signature value (e.g. `"HMAC "`).
    pub signature_prefix: String,
    /// The canonical string's parts, in order.
    pub parts: Vec<Part>,
    /// What joins the parts.
    pub separator: String,
    /// Encoding of the body digest and the signature.
    pub encoding: Encoding,
}

impl HmacConfig {
    /// A signer with the documented defaults.
    pub fn new(key: Secret) -> Result<Self> {
        if key.expose().is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "key must not be empty",
            ));
        }
        Ok(HmacConfig {
            key,
            key_id: None,
            signature_header: "x-signature".into(),
            timestamp_header: "x-timestamp".into(),
            key_id_header: "x-key-id".into(),
            signature_prefix: String::new(),
            parts: vec![Part::Method, Part::Path, Part::Timestamp, Part::BodySha256],
            separator: "\n".into(),
            encoding: Encoding::Base64,
        })
    }

    /// The string that is signed.
    pub fn canonical_string(&self, method: &str, url: &str, timestamp: u64, body: &[u8]) -> String {
        // Written in place: a Vec of pieces joined afterwards cost a
        // map/collect body.
        let mut out = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push_str(&self.separator);
            }
            match part {
                Part::Method => out.push_str(&method.to_ascii_uppercase()),
                Part::Path => out.push_str(path_and_query(url)),
                Part::Timestamp => out.push_str(&decimal(timestamp)),
                Part::BodySha256 => out.push_str(&self.encoding.encode(&sha256(body))),
            }
        }
        out
    }

    /// The signature of a request, encoded (without the prefix).
    pub fn signature(&self, method: &str, url: &str, timestamp: u64, body: &[u8]) -> String {
        let canonical = self.canonical_string(method, url, timestamp, body);
        self.encoding.encode(&hmac_sha256(
            self.key.expose().as_bytes(),
            canonical.as_bytes(),
        ))
    }

    /// The headers to add to a request.
    pub fn headers(
        &self,
        method: &str,
        url: &str,
        timestamp: u64,
        body: &[u8],
    ) -> Vec<(&str, String)> {
        let signature = concat(&[
            &self.signature_prefix,
            &self.signature(method, url, timestamp, body),
        ]);
        let mut headers = vec![(self.timestamp_header.as_str(), decimal(timestamp))];
        if let Some(id) = &self.key_id {
            headers.push((self.key_id_header.as_str(), id.clone()));
        }
        headers.push((self.signature_header.as_str(), signature));
        headers
    }
}

/// `/path?query` of an absolute URL (fragment dropped; `/` when empty).
pub fn path_and_query(url: &str) -> &str {
    let without_fragment = head(url, b"#");
    let after_scheme = split_scheme(without_fragment).map_or(without_fragment, |(_, rest)| rest);
    match find_byte(after_scheme, b"/?") {
        Some(i) => match after_scheme.get(i..).unwrap_or("/") {
            q if q.starts_with("?") => q, // "https://h?x" has an empty path: keep the query
            p => p,
        },
        None => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        Encoding::Hex.encode(b)
    }

    #[test]
    fn rfc4231_vectors() {
        // Test case 1.
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn canonical_string_defaults() {
        let c = HmacConfig::new(Secret::new("k")).unwrap();
        assert_eq!(
            c.canonical_string(
                "post",
                "https://api.example/api/Contact?x=1#f",
                1_700_000_000,
                b""
            ),
            "POST\n/api/Contact?x=1\n1700000000\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        let headers = c.headers("GET", "https://api.example", 1, b"");
        assert_eq!(headers[0], ("x-timestamp", "1".to_owned()));
        assert_eq!(headers[1].0, "x-signature");
    }

    #[test]
    fn path_and_query_edges() {
        assert_eq!(path_and_query("https://h"), "/");
        assert_eq!(path_and_query("https://h?x=1"), "?x=1");
        assert_eq!(path_and_query("https://h/a/b?c#d"), "/a/b?c");
        assert_eq!(path_and_query("/rel?q"), "/rel?q");
    }

    #[test]
    fn configurable_parts() {
        let mut c = HmacConfig::new(Secret::new("k")).unwrap();
        c.parts = vec![Part::Timestamp, Part::Method];
        c.separator = "|".into();
        c.encoding = Encoding::Hex;
        assert_eq!(
            c.canonical_string("get", "https://h/x", 5, b"body"),
            "5|GET"
        );
        assert_eq!(c.signature("get", "https://h/x", 5, b"").len(), 64);
        assert!(Part::parse("nonce").is_err());
        assert!(HmacConfig::new(Secret::new("")).is_err());
    }
}
