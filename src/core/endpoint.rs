//! Endpoint URL checks: `https://` everywhere, `http://` only on loopback,
//! and origin handling for the per-provider `origin` override.

use super::encode::{concat, find_byte, head, parse_decimal, split_bytes};
use super::error::{Error, ErrorCode, Result};
use crate::prelude::*;

/// The pieces of an absolute `http(s)://` URL that the checks need.
struct Url<'a> {
    https: bool,
    host: &'a str,
    port: Option<&'a str>,
    /// Path, query and fragment, as written.
    rest: &'a str,
}

/// Splits `scheme://rest` at the first `://`. A byte search: the standard
/// library's substring search drags its panic formatting (~10 KB) into the wasm.
pub fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let i = url.as_bytes().windows(3).position(|w| w == b"://")?;
    Some((url.get(..i)?, url.get(i + 3..)?))
}

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

impl<'a> Url<'a> {
    fn parse(url: &'a str) -> Result<Self> {
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("URL contains whitespace or control characters"));
        }
        let (scheme, after) =
            split_scheme(url).ok_or_else(|| invalid("URL must be absolute (https://…)"))?;
        let https = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else {
            return Err(invalid("URL scheme must be https"));
        };
        let end = find_byte(after, b"/?#").unwrap_or(after.len());
        let (authority, rest) = after.split_at_checked(end).unwrap_or((after, ""));
        if find_byte(authority, b"@").is_some() {
            return Err(invalid("URL must not contain credentials"));
        }
        // A bracketed IPv6 host may contain ':'; the port follows the ']'.
        let split = match find_byte(authority, b"]") {
            Some(close) if authority.starts_with("[") => authority.split_at_checked(close + 1),
            _ => find_byte(authority, b":").and_then(|i| authority.split_at_checked(i)),
        };
        let (host, port) = split.unwrap_or((authority, ""));
        if !valid_host(host) {
            return Err(invalid("URL has no valid host"));
        }
        let port = match port {
            "" => None,
            _ => Some(
                port.strip_prefix(":")
                    .filter(|p| parse_decimal(p).is_some_and(|n| n <= u64::from(u16::MAX)))
                    .ok_or_else(|| invalid("URL has an invalid port"))?,
            ),
        };
        Ok(Url {
            https,
            host,
            port,
            rest,
        })
    }

    /// `scheme://host[:port]`, lower-cased, default port dropped (as browsers
    /// serialize origins).
    fn origin(&self) -> String {
        let (scheme, default_port) = if self.https {
            ("https", "443")
        } else {
            ("http", "80")
        };
        let mut out = concat(&[scheme, "://", &self.host.to_ascii_lowercase()]);
        if let Some(port) = self.port.filter(|p| *p != default_port) {
            out.push(':');
            out.push_str(port);
        }
        out
    }

    fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost") || self.host == "[::1]" || is_127(self.host)
    }
}

/// Host names, IPv4 and bracketed IPv6 literals; anything a browser would
/// parse differently (`\`, `%`, …) is refused.
fn valid_host(host: &str) -> bool {
    match host.strip_prefix("[").and_then(|h| h.strip_suffix("]")) {
        Some(ip6) => {
            !ip6.is_empty()
                && ip6
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        None => {
            !host.is_empty()
                && host.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, '-' | '.' | '_')
                        || (!c.is_ascii() && unicode::is_alphanumeric(c))
                })
        }
    }
}

/// `char::is_alphanumeric` for the letters and digits of IDN hosts. The
/// package's wasm asks the JS engine (`pkg-template/unicode.js`, the same
/// Unicode properties): Rust's tables for them are ~2 KB of the gzipped
/// wasm. Everything else (native, the Rust client) uses Rust's.
#[cfg(all(target_arch = "wasm32", not(feature = "client")))]
mod unicode {
    use wasm_bindgen::prelude::wasm_bindgen;

    #[cfg_attr(feature = "shipped", wasm_bindgen(raw_module = "./unicode.js"))]
    #[cfg_attr(
        not(feature = "shipped"),
        wasm_bindgen(module = "/pkg-template/unicode.js")
    )]
    extern "C" {
        #[wasm_bindgen(js_name = isAlphanumeric)]
        fn is_alphanumeric_code(c: u32) -> bool;
    }

    pub fn is_alphanumeric(c: char) -> bool {
        is_alphanumeric_code(c.into())
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "client"))]
mod unicode {
    pub fn is_alphanumeric(c: char) -> bool {
        c.is_alphanumeric()
    }
}

/// A dotted quad in 127.0.0.0/8. Leading zeros are refused because browsers
/// read them as octal (`0127.0.0.1` is not loopback).
fn is_127(host: &str) -> bool {
    let mut octets = 0;
    for (i, part) in split_bytes(host, b".").enumerate() {
        let canonical = (1..=3).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with("0"))
            && parse_decimal(part).is_some_and(|n| n <= u64::from(u8::MAX));
        if !canonical || (i == 0 && part != "127") {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

/// Accepts `https://` URLs with a host, and `http://` only on loopback.
pub fn check_endpoint(url: &str) -> Result<()> {
    let url = Url::parse(url)?;
    if url.https || url.is_loopback() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InsecureEndpoint,
            "http:// is only allowed on loopback",
        ))
    }
}

/// `scheme://host[:port]` of `url`, lower-cased (the default issuer is the
/// authorization endpoint's origin).
pub fn origin_of(url: &str) -> Result<String> {
    Url::parse(url).map(|u| u.origin())
}

/// Whether `iss` (RFC 9207) names the server of `endpoint` when no issuer
/// was configured: the endpoint's origin, or a URL on that origin whose path
/// is a whole-segment prefix of the endpoint's path (Keycloak's
/// `https://host/realms/acme` for `…/realms/acme/protocol/openid-connect/auth`).
/// One trailing `/` is tolerated; `.`/`..` or empty segments, `%`, `\`, a
/// query or a fragment are refused, so no spelling can reach another path.
pub fn issuer_of_endpoint(iss: &str, endpoint: &str) -> bool {
    let (Ok(server), Ok(origin)) = (Url::parse(endpoint), origin_of(endpoint)) else {
        return false;
    };
    let Some(path) = iss.strip_prefix(origin.as_str()) else {
        return false;
    };
    if !(path.is_empty() || path.starts_with("/")) || find_byte(path, b"?#%\\").is_some() {
        return false;
    }
    let path = path.strip_suffix("/").unwrap_or(path);
    if split_bytes(path, b"/")
        .skip(1)
        .any(|segment| matches!(segment, "" | "." | ".."))
    {
        return false;
    }
    let endpoint_path = head(server.rest, b"?#");
    endpoint_path
        .strip_prefix(path)
        .is_some_and(|after| after.is_empty() || after.starts_with("/"))
}

/// `origin` (optionally ending in `/`, nothing else after the host) joined
/// with a provider's `path`, checked like any endpoint.
pub fn join_origin(origin: &str, path: &str) -> Result<String> {
    let parsed = Url::parse(origin)?;
    if !matches!(parsed.rest, "" | "/") {
        return Err(invalid("origin must not have a path, query or fragment"));
    }
    let mut out = parsed.origin();
    if !path.is_empty() && !path.starts_with("/") {
        out.push('/');
    }
    out.push_str(path);
    check_endpoint(&out)?;
    Ok(out)
}

/// An API base (the `apiBase` option, or one a token answer names): a
/// checked endpoint without query or fragment; one trailing `/` is dropped,
/// as `Session.fetch` appends paths that start with `/`.
pub fn api_base(url: &str) -> Result<&str> {
    check_endpoint(url)?;
    if find_byte(url, b"?#").is_some() {
        return Err(invalid("`apiBase` must not have a query or fragment"));
    }
    Ok(url.strip_suffix("/").unwrap_or(url))
}

/// Whether `url` points at a loopback host (any scheme check aside).
pub fn is_loopback_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(url: &str) -> Option<ErrorCode> {
        check_endpoint(url).err().map(|e| e.code)
    }

    #[test]
    fn https_and_loopback_http() {
        for ok in [
            "https://example.com",
            "HTTPS://Example.COM:8443/oauth/token?x=1#y",
            "https://sub.flexie.io/oauth2/token",
            "https://[2001:db8::1]/t",
            "https://bücher.example/t",
            "http://localhost:8787/cb",
            "http://LOCALHOST",
            "http://127.0.0.1/x",
            "http://127.255.0.9:80",
            "http://[::1]:3000/",
        ] {
            assert_eq!(code(ok), None, "{ok}");
        }
    }

    #[test]
    fn insecure_and_invalid() {
        use ErrorCode::*;
        let cases = [
            ("http://example.com/token", InsecureEndpoint),
            ("http://128.0.0.1/", InsecureEndpoint),
            ("http://0127.0.0.1/", InsecureEndpoint),
            ("http://127.0.0.01/", InsecureEndpoint),
            ("http://127.0.0.1.evil.com/", InsecureEndpoint),
            ("http://127.0.0/", InsecureEndpoint),
            ("http://127.0.0.256/", InsecureEndpoint),
            ("http://localhost.evil.com/", InsecureEndpoint),
            ("http://sub.localhost/", InsecureEndpoint),
            ("http://[::2]/", InsecureEndpoint),
            ("ftp://example.com", InvalidArgument),
            ("javascript:alert(1)//", InvalidArgument),
            ("https:example.com", InvalidArgument),
            ("//example.com", InvalidArgument),
            ("https://", InvalidArgument),
            ("https:///path", InvalidArgument),
            ("https://user:pw@example.com", InvalidArgument),
            ("https://a@b", InvalidArgument),
            ("http://evil.com\\@127.0.0.1/", InvalidArgument),
            ("http://127.0.0.1\\.evil.com/", InvalidArgument),
            ("https://example.com:/", InvalidArgument),
            ("https://example.com:80a/", InvalidArgument),
            ("https://example.com:65536/", InvalidArgument),
            ("https://example.com:-1/", InvalidArgument),
            ("https://[::1/", InvalidArgument),
            ("https://[::1]x/", InvalidArgument),
            ("https://[]/", InvalidArgument),
            (" https://example.com", InvalidArgument),
            ("https://exa mple.com", InvalidArgument),
            ("https://example.com/\n", InvalidArgument),
            ("https://example.com/\u{7f}", InvalidArgument),
            ("https://exa%41mple.com", InvalidArgument),
            ("", InvalidArgument),
        ];
        for (url, want) in cases {
            assert_eq!(code(url), Some(want), "{url:?}");
        }
        let e = check_endpoint("http://example.com").unwrap_err();
        assert_eq!(e.message, "http:// is only allowed on loopback");
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("HTTPS://As.Example.COM/oauth/authorize?x").unwrap(),
            "https://as.example.com"
        );
        assert_eq!(
            origin_of("https://as.example:443/a").unwrap(),
            "https://as.example"
        );
        assert_eq!(
            origin_of("https://as.example:8443#f").unwrap(),
            "https://as.example:8443"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:80/").unwrap(),
            "http://127.0.0.1"
        );
        assert_eq!(
            origin_of("http://[::1]:8787/").unwrap(),
            "http://[::1]:8787"
        );
        assert_eq!(
            origin_of("mailto:x").unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn joining_origins() {
        let path = "/oauth/token";
        assert_eq!(
            join_origin("https://h", path).unwrap(),
            "https://h/oauth/token"
        );
        assert_eq!(
            join_origin("https://H/", path).unwrap(),
            "https://h/oauth/token"
        );
        assert_eq!(
            join_origin("http://127.0.0.1:8787", path).unwrap(),
            "http://127.0.0.1:8787/oauth/token"
        );
        assert_eq!(
            join_origin("https://h", "Token").unwrap(),
            "https://h/Token"
        );
        for bad in [
            "https://h/api",
            "https://h?x",
            "https://h/?x",
            "https://h#f",
            "https://h//",
            "h",
        ] {
            assert_eq!(
                join_origin(bad, path).unwrap_err().code,
                ErrorCode::InvalidArgument,
                "{bad}"
            );
        }
        assert_eq!(
            join_origin("http://h", path).unwrap_err().code,
            ErrorCode::InsecureEndpoint
        );
        assert_eq!(
            join_origin("https://h", "/a b").unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn realm_issuers() {
        let auth = "https://id.example/realms/acme/protocol/openid-connect/auth?x=1";
        for ok in [
            "https://id.example",
            "https://id.example/",
            "https://id.example/realms",
            "https://id.example/realms/acme",
            "https://id.example/realms/acme/",
            "https://id.example/realms/acme/protocol/openid-connect/auth",
        ] {
            assert!(issuer_of_endpoint(ok, auth), "{ok}");
        }
        for bad in [
            "https://id.example/realms/ac",
            "https://id.example/realms/acme2",
            "https://id.example/realms/other",
            "https://id.example/realms//acme",
            "https://id.example/realms/acme//",
            "https://id.example/realms/./acme",
            "https://id.example/realms/x/../acme",
            "https://id.example/realms/%61cme",
            "https://id.example/realms\\acme",
            "https://id.example/realms/acme?x=1",
            "https://id.example/realms/acme#f",
            "https://id.example.evil/realms/acme",
            "https://id.example:444/realms/acme",
            "https://ID.example/realms/acme",
            "http://id.example/realms/acme",
            "https://id.examplerealms/acme",
            "id.example/realms/acme",
            "",
        ] {
            assert!(!issuer_of_endpoint(bad, auth), "{bad}");
        }
        assert!(issuer_of_endpoint("https://h", "https://h"));
        assert!(issuer_of_endpoint("https://h/", "https://h"));
        assert!(!issuer_of_endpoint("https://h/a", "https://h"));
        assert!(!issuer_of_endpoint("https://h", "not a url"));
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback_url("http://localhost:1/"));
        assert!(is_loopback_url("https://127.1.2.3"));
        assert!(is_loopback_url("http://[::1]"));
        assert!(!is_loopback_url("http://example.com"));
        assert!(!is_loopback_url("not a url"));
    }
}
