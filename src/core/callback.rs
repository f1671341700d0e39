//! Parsing the redirect back from the authorization server (RFC 6749 §4.1.2,
//! RFC 9207 `iss`), with constant-time `state` comparison.

use crate::prelude::*;
use alloc::borrow::Cow;

use super::encode::{concat, form_pairs, split_byte};
use super::endpoint::issuer_of_endpoint;
use super::error::{printable_code, Error, ErrorCode, Result};

/// Positions of the parameters that matter in the decoded list.
#[derive(Default)]
struct Found {
    code: Option<usize>,
    state: Option<usize>,
    error: Option<usize>,
    error_description: Option<usize>,
    iss: Option<usize>,
    extra: Option<usize>,
}

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidCallback, message)
}

/// Which `iss` a callback may carry (RFC 9207); a callback without `iss`
/// passes (most servers send none).
#[derive(Clone, Copy, Debug)]
pub enum Issuer<'a> {
    /// Any value: no check.
    Any,
    /// Exactly this string (a configured `issuer`).
    Exact(&'a str),
    /// The server of this authorization endpoint: its origin or a realm on
    /// it (see [`issuer_of_endpoint`]).
    OfEndpoint(&'a str),
}

impl Issuer<'_> {
    fn accepts(self, iss: &str) -> bool {
        match self {
            Issuer::Any => true,
            Issuer::Exact(expected) => iss == expected,
            Issuer::OfEndpoint(endpoint) => issuer_of_endpoint(iss, endpoint),
        }
    }
}

/// The code of a callback URL, after these checks in this order: decodable
/// parameters, no repeated `code`/`state`/`error`/`iss`, issuer, state,
/// `error`, `code`. Parameters come from the query, or from the fragment when
/// the query has neither `code` nor `error` (`response_mode=fragment`). The
/// code is borrowed from `url` when it needed no decoding (so the JS layer
/// can slice its own string).
pub fn callback_code<'a>(
    url: &'a str,
    expected_state: &str,
    issuer: Issuer,
) -> Result<Cow<'a, str>> {
    callback_params(url, expected_state, issuer, None).map(|(code, _)| code)
}

/// [`callback_code`], plus the value of the provider's `extra` parameter
/// (Zoho's `accounts-server`), which must not be repeated either.
pub fn callback_params<'a>(
    url: &'a str,
    expected_state: &str,
    issuer: Issuer,
    extra: Option<&str>,
) -> Result<(Cow<'a, str>, Option<Cow<'a, str>>)> {
    let (before_fragment, fragment) = match split_byte(url, b"#") {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    };
    let query = split_byte(before_fragment, b"?").map_or("", |(_, q)| q);
    let undecodable = || invalid("callback parameters are not decodable");
    // A loop, not `collect::<Option<Vec<_>>>` (a GenericShunt of ~0.6 KB).
    let parse = |s| {
        let mut pairs = Vec::new();
        for pair in form_pairs(s) {
            pairs.push(pair.ok_or_else(undecodable)?);
        }
        Ok::<_, Error>(pairs)
    };
    let mut params = parse(query)?;
    let has_result =
        |p: &[(Cow<str>, Cow<str>)]| p.iter().any(|(k, _)| k == "code" || k == "error");
    if let Some(fragment) = fragment.filter(|_| !has_result(&params)) {
        params = parse(fragment)?;
    }

    let mut found = Found::default();
    for (i, (key, _)) in params.iter().enumerate() {
        let slot = match key.as_ref() {
            "code" => &mut found.code,
            "state" => &mut found.state,
            "error" => &mut found.error,
            "iss" => &mut found.iss,
            name if Some(name) == extra => &mut found.extra,
            "error_description" => {
                found.error_description.get_or_insert(i);
                continue;
            }
            _ => continue,
        };
        if slot.replace(i).is_some() {
            return Err(invalid("callback repeats a parameter"));
        }
    }
    let value = |slot: Option<usize>| slot.and_then(|i| params.get(i)).map(|(_, v)| v.as_ref());

    if value(found.iss).is_some_and(|iss| !issuer.accepts(iss)) {
        return Err(invalid("callback comes from an unexpected issuer"));
    }
    // Not a callback at all (a bare URL, a stray page load): say so before
    // blaming the state.
    if found.code.is_none() && found.error.is_none() {
        return Err(invalid("callback has neither code nor error"));
    }
    if expected_state.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "expected state is empty",
        ));
    }
    let state = value(found.state);
    let state_matches = state.map(|s| constant_time_eq(s.as_bytes(), expected_state.as_bytes()));
    if state_matches != Some(true) {
        let reason = match state_matches {
            None => "callback has no state",
            Some(_) => "callback state does not match",
        };
        return Err(Error::new(ErrorCode::StateMismatch, reason));
    }
    if let Some(error) = value(found.error) {
        let mut e = Error::new(
            ErrorCode::AuthorizationDenied,
            concat(&["authorization server answered ", printable_code(error)]),
        );
        e.error = Some(error.to_owned());
        e.error_description = value(found.error_description).map(str::to_owned);
        return Err(e);
    }
    let extra = found
        .extra
        .and_then(|i| params.get_mut(i))
        .map(|(_, v)| core::mem::take(v));
    // Move the code out of the list: a decoded (owned) code is not copied.
    match found.code.and_then(|i| params.get_mut(i)) {
        Some((_, code)) if !code.is_empty() => Ok((core::mem::take(code), extra)),
        _ => Err(invalid("callback has no code")),
    }
}

/// Compares two byte strings without stopping at the first difference, so the
/// time taken does not reveal how much of a secret matched. Only the lengths
/// (not secret here) may end the comparison early.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const CB: &str = "https://app.example/cb";

    /// `callback_code` against an exact issuer (or none), owned.
    fn parse_callback(url: &str, state: &str, issuer: Option<&str>) -> Result<String> {
        callback_code(url, state, issuer.map_or(Issuer::Any, Issuer::Exact)).map(Cow::into_owned)
    }

    fn code_of(url: &str) -> Result<String> {
        parse_callback(url, "st", Some("https://as.example"))
    }

    fn err(url: &str) -> ErrorCode {
        match parse_callback(url, "st", Some("https://as.example")) {
            Err(e) => e.code,
            Ok(_) => panic!("accepted {url}"),
        }
    }

    #[test]
    fn ok_from_query() {
        let cb = parse_callback(&format!("{CB}?code=a%2Bb+c&state=st"), "st", None).unwrap();
        assert_eq!(cb, "a+b c");
        assert_eq!(
            code_of(&format!("{CB}?state=st&code=x#ignored")).unwrap(),
            "x"
        );
        let with_iss = format!("{CB}?code=x&state=st&iss=https%3A%2F%2Fas.example");
        assert_eq!(code_of(&with_iss).unwrap(), "x");
        // No expected issuer: any iss is accepted.
        assert!(parse_callback(&format!("{CB}?code=x&state=st&iss=other"), "st", None).is_ok());
    }

    #[test]
    fn fragment_mode() {
        assert_eq!(code_of(&format!("{CB}#code=f&state=st")).unwrap(), "f");
        assert_eq!(
            code_of(&format!("{CB}?foo=1#state=st&code=f")).unwrap(),
            "f"
        );
        // The query wins when it carries a result.
        assert_eq!(
            code_of(&format!("{CB}?code=q&state=st#code=f&state=st")).unwrap(),
            "q"
        );
        assert_eq!(
            err(&format!("{CB}?x=1#code=%FF&state=st")),
            ErrorCode::InvalidCallback
        );
    }

    #[test]
    fn rejections_in_order() {
        use ErrorCode::*;
        assert_eq!(err(&format!("{CB}?code=%FF&state=st")), InvalidCallback);
        assert_eq!(
            err(&format!("{CB}?code=x&state=st&state=st")),
            InvalidCallback
        );
        assert_eq!(
            err(&format!("{CB}?code=x&code=x&state=st")),
            InvalidCallback
        );
        assert_eq!(
            err(&format!("{CB}?error=a&error=a&state=st")),
            InvalidCallback
        );
        assert_eq!(
            err(&format!("{CB}?code=x&state=st&iss=a&iss=a")),
            InvalidCallback
        );
        assert_eq!(
            err(&format!("{CB}?code=x&state=st&iss=https://evil")),
            InvalidCallback
        );
        // Issuer before state: a mix-up attempt is reported as such.
        assert_eq!(
            err(&format!("{CB}?code=x&state=no&iss=https://evil")),
            InvalidCallback
        );
        assert_eq!(err(&format!("{CB}?code=x")), StateMismatch);
        assert_eq!(err(&format!("{CB}?code=x&state=sT")), StateMismatch);
        assert_eq!(err(&format!("{CB}?code=x&state=")), StateMismatch);
        assert_eq!(err(&format!("{CB}?state=st")), InvalidCallback);
        assert_eq!(err(&format!("{CB}?code=&state=st")), InvalidCallback);
        assert_eq!(err(CB), InvalidCallback, "a bare URL is not a callback");
        let e = parse_callback(&format!("{CB}?code=x&state=st"), "", None).unwrap_err();
        assert_eq!(e.code, InvalidArgument);
    }

    #[test]
    fn denied_carries_details() {
        let url = format!("{CB}?error=access_denied&error_description=User+said+no&state=st");
        let e = parse_callback(&url, "st", None).unwrap_err();
        assert_eq!(e.code, ErrorCode::AuthorizationDenied);
        assert_eq!(e.error.as_deref(), Some("access_denied"));
        assert_eq!(e.error_description.as_deref(), Some("User said no"));
        assert_eq!(e.message, "authorization server answered access_denied");
        // Denial still requires a matching state (no CSRF-driven error pages).
        assert_eq!(
            err(&format!("{CB}?error=access_denied")),
            ErrorCode::StateMismatch
        );
    }

    #[test]
    fn messages_never_echo_values() {
        let urls = [
            format!("{CB}?code=SECRETCODE&state=SECRETSTATE"),
            format!("{CB}?code=SECRETCODE&state=SECRETSTATE&state=SECRETSTATE"),
            format!("{CB}?error=SECRETCODE%3D&state=st"),
        ];
        for url in urls {
            let e = parse_callback(&url, "st", None).unwrap_err();
            assert!(!e.message.contains("SECRET"), "{}", e.message);
        }
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
