//! Property tests (proptest) on the parsers of untrusted input, bounded so
//! the whole file runs in a few seconds. The long runs are the cargo-fuzz
//! targets in fuzz/; crashes they found are the `regression_*` tests at the
//! end.

mod common;

use common::{parse_callback, parse_form};
use crm_auth::core::encode::{append_query, base64url, form_encode};
use crm_auth::core::endpoint::{check_endpoint, is_loopback_url, join_origin, origin_of};
use crm_auth::core::error::ErrorCode;
use crm_auth::core::hmac::{path_and_query, HmacConfig};
use crm_auth::core::json::{self, number_value};
use crm_auth::core::request::HttpResponse;
use crm_auth::core::secret::Secret;
use crm_auth::core::time::{parse_http_date, parse_retry_after};
use crm_auth::core::token::{epoch_ms, parse_token_response, Answers, TokenSet};
use proptest::prelude::*;

const NOW_MS: f64 = 1_700_000_000_000.0;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Failures are reported, not written next to the tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Strings from the characters the parsers care about, so that generated
/// input reaches past the first syntax check more often than `any::<String>`.
fn structured() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":,\\\\/u0-9a-fA-FeE+.%&=?#@ \t\n-]{0,80}",
        "(https?://)?[a-z0-9.\\[\\]:@%-]{0,20}(/[a-z%?&=#]{0,20})?",
        "\\{(\"[a-z_.]{1,14}\":(\"[^\"\\\\]{0,8}\"|-?[0-9]{1,4}(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?|null|true|\\[\\]|\\{\\}),?){0,6}\\}",
    ]
}

/// Tokens that can go in a header: printable ASCII.
const HEADER_SAFE: &str = "[ -~]{1,40}";

/// `Bearer` in any case: the only token type accepted.
fn bearer() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<bool>(), 6).prop_map(|upper| {
        "bearer"
            .chars()
            .zip(upper)
            .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
            .collect()
    })
}

fn token_response(status: u16, body: &str, retry_after: Option<&str>) -> HttpResponse {
    HttpResponse {
        status,
        retry_after: retry_after.map(str::to_owned),
        body: body.to_owned(),
    }
}

proptest! {
    #![proptest_config(config(1500))]

    /// Nothing that parses untrusted text panics, whatever the text.
    #[test]
    fn parsers_never_panic(s in structured(), t in structured(), status in prop::sample::select(vec![200u16, 400, 401, 429, 500, 302, 0, 999])) {
        let _ = parse_callback(&s, &t, None);
        let _ = parse_callback(&s, "st", Some(&t));
        let _ = parse_token_response(&token_response(status, &s, Some(&t)), NOW_MS, &Answers::STANDARD);
        let _ = TokenSet::deserialize(&s);
        let _ = parse_form(&s);
        let _ = json::parse(&s);
        let _ = number_value(&s);
        let _ = path_and_query(&s);
        let _ = HmacConfig::new(Secret::new("k")).unwrap().canonical_string(&t, &s, 1, s.as_bytes());
        let _ = check_endpoint(&s);
        let _ = origin_of(&s);
        let _ = is_loopback_url(&s);
        let _ = join_origin(&s, &t);
        let _ = parse_http_date(&s, NOW_MS);
        let _ = parse_retry_after(&s, NOW_MS);
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// form_encode → parse_form gives back exactly the pairs, for any pairs.
    #[test]
    fn form_round_trip(pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..8)) {
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let encoded = form_encode(&borrowed);
        prop_assert_eq!(parse_form(&encoded), Some(pairs.clone()));
        // The same pairs appended to a URL are its query.
        let url = append_query("https://app.example/cb", &borrowed);
        let query = url.split_once('?').map_or("", |(_, q)| q);
        prop_assert_eq!(parse_form(query), Some(pairs));
    }

    /// parse_form refuses exactly the input whose decoded pieces are not UTF-8.
    #[test]
    fn parse_form_refuses_only_invalid_utf8(bytes in prop::collection::vec(any::<u8>(), 0..12)) {
        let encoded: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
        let parsed = parse_form(&format!("k={encoded}"));
        match std::str::from_utf8(&bytes) {
            Ok(text) if !bytes.is_empty() => prop_assert_eq!(parsed, Some(vec![("k".to_owned(), text.to_owned())])),
            Ok(_) => prop_assert_eq!(parsed, Some(vec![("k".to_owned(), String::new())])),
            Err(_) => prop_assert_eq!(parsed, None),
        }
    }

    /// base64url is unpadded, URL-safe, and as long as its bytes need.
    #[test]
    fn base64url_shape(bytes in prop::collection::vec(any::<u8>(), 0..96)) {
        let encoded = base64url(&bytes);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        prop_assert_eq!(encoded.len(), (bytes.len() * 4).div_ceil(3));
    }

    /// json::write_string → json::parse gives the string back, alone and as
    /// an object member.
    #[test]
    fn json_string_round_trip(s in any::<String>(), k in any::<String>()) {
        let mut lit = String::new();
        json::write_string(&mut lit, &s);
        let parsed = json::parse(&lit);
        prop_assert_eq!(parsed.as_ref().and_then(|v| v.as_str()), Some(s.as_str()));
        let mut obj = String::from("{");
        json::write_string(&mut obj, &k);
        obj.push(':');
        obj.push_str(&lit);
        obj.push('}');
        let parsed = json::parse(&obj);
        prop_assert_eq!(parsed.as_ref().and_then(|v| v.get(&k)).and_then(|v| v.as_str()), Some(s.as_str()));
    }

    /// number_value agrees with Rust's correctly rounded parser on ordinary numbers.
    #[test]
    fn number_value_matches_std(negative in any::<bool>(), int in 0u64..1_000_000_000_000_000, frac in "[0-9]{0,6}", exp in prop::option::of(-40i32..40)) {
        let mut s = format!("{}{int}", if negative { "-" } else { "" });
        if !frac.is_empty() {
            s.push('.');
            s.push_str(&frac);
        }
        if let Some(e) = exp {
            s.push_str(&format!("e{e}"));
        }
        let expected: f64 = s.parse().unwrap();
        let got = number_value(&s).expect("a JSON number");
        prop_assert!((got - expected).abs() <= 1e-12 * expected.abs(), "{} → {} (expected {})", s, got, expected);
    }

    /// TokenSet serialize → deserialize is the identity (expiry normalised to
    /// whole epoch milliseconds; scopes are words).
    #[test]
    fn token_set_round_trip(
        access in HEADER_SAFE,
        token_type in bearer(),
        expires_at in prop_oneof![Just(None), any::<f64>().prop_map(Some), (0u64..1u64 << 53).prop_map(|n| Some(n as f64))],
        refresh in prop::option::of(HEADER_SAFE),
        scopes in prop::option::of(prop::collection::vec("[^ \t\n\r\u{c}]{1,10}", 0..5)),
        api_base in prop::option::of("https://[a-z]{1,10}\\.example(/[a-z]{1,5}){0,2}"),
    ) {
        let tokens = TokenSet {
            access_token: Secret::new(access),
            token_type,
            expires_at,
            refresh_token: refresh.map(Secret::new),
            scopes,
            api_base,
        };
        let stored = tokens.serialize();
        let back = TokenSet::deserialize(&stored).expect("deserializes");
        let expected = TokenSet { expires_at: tokens.expires_at.filter(|at| at.is_finite()).map(epoch_ms), ..tokens.clone() };
        prop_assert!(back == expected, "{:?} != {:?}", back, expected);
        prop_assert_eq!(back.serialize(), stored);
    }

    /// A well-formed token response with arbitrary strings parses to exactly
    /// those tokens, and the result round-trips through storage.
    #[test]
    fn token_response_fields(access in HEADER_SAFE, refresh in prop::option::of(HEADER_SAFE), token_type in prop::option::of(bearer()), expires_in in prop::option::of(0u32..100_000_000), scope in prop::option::of("[a-z:. ]{0,30}")) {
        let mut body = String::from("{\"access_token\":");
        json::write_string(&mut body, &access);
        if let Some(r) = &refresh { body.push_str(",\"refresh_token\":"); json::write_string(&mut body, r); }
        if let Some(t) = &token_type { body.push_str(",\"token_type\":"); json::write_string(&mut body, t); }
        if let Some(e) = expires_in { body.push_str(&format!(",\"expires_in\":{e}")); }
        if let Some(s) = &scope { body.push_str(",\"scope\":"); json::write_string(&mut body, s); }
        body.push('}');
        let t = parse_token_response(&token_response(200, &body, None), NOW_MS, &Answers::STANDARD).expect("parses");
        prop_assert_eq!(t.access_token.expose(), access.as_str());
        prop_assert_eq!(t.refresh_token.as_ref().map(Secret::expose), refresh.as_deref());
        prop_assert_eq!(t.token_type.as_str(), token_type.as_deref().unwrap_or("Bearer"));
        prop_assert_eq!(t.expires_at, expires_in.map(|e| NOW_MS + f64::from(e) * 1000.0));
        let words = scope.as_ref().map(|s| s.split_ascii_whitespace().map(str::to_owned).collect::<Vec<_>>());
        prop_assert_eq!(&t.scopes, &words);
        prop_assert!(TokenSet::deserialize(&t.serialize()).ok() == Some(t.clone()));
        // Debug never depends on the tokens.
        let redacted = TokenSet { access_token: Secret::new("A"), refresh_token: t.refresh_token.as_ref().map(|_| Secret::new("R")), ..t.clone() };
        prop_assert_eq!(format!("{t:?}"), format!("{redacted:?}"));
    }

    /// A token answer whose token holds anything outside printable ASCII,
    /// or whose token_type is not Bearer, is refused; the message never
    /// shows the token.
    #[test]
    fn unsendable_tokens_are_refused(prefix in "[ -~]{0,8}", bad in "[\u{0}-\u{1f}\u{7f}-\u{10ffff}]", in_refresh in any::<bool>(), token_type in "[^bB].{0,8}") {
        let token = format!("{prefix}{bad}SECRET");
        let mut body = String::from("{\"access_token\":");
        json::write_string(&mut body, if in_refresh { "AT" } else { &token });
        if in_refresh { body.push_str(",\"refresh_token\":"); json::write_string(&mut body, &token); }
        body.push('}');
        let e = parse_token_response(&token_response(200, &body, None), NOW_MS, &Answers::STANDARD).unwrap_err();
        prop_assert_eq!(e.code, ErrorCode::InvalidResponse);
        prop_assert!(!e.message.contains("SECRET"));
        let mut typed = String::from("{\"access_token\":\"AT\",\"token_type\":");
        json::write_string(&mut typed, &token_type);
        typed.push('}');
        prop_assert_eq!(parse_token_response(&token_response(200, &typed, None), NOW_MS, &Answers::STANDARD).unwrap_err().code, ErrorCode::InvalidResponse);
    }

    /// A callback built from arbitrary code and state (query or fragment)
    /// parses to that code; any other expected state is state_mismatch.
    #[test]
    fn callback_round_trip(code in ".+", state in ".+", fragment in any::<bool>()) {
        let pairs = [("code", code.as_str()), ("state", state.as_str())];
        let url = if fragment {
            format!("https://app.example/cb#{}", form_encode(&pairs))
        } else {
            append_query("https://app.example/cb", &pairs)
        };
        let cb = parse_callback(&url, &state, None).expect("parses");
        prop_assert_eq!(cb.as_str(), code.as_str());
        let e = parse_callback(&url, &format!("{state}x"), None).unwrap_err();
        prop_assert_eq!(e.code, ErrorCode::StateMismatch);
    }

    /// canonical_string is deterministic, and path_and_query is a
    /// fragment-free piece of the URL starting with '/' or '?'.
    #[test]
    fn hmac_canonical_deterministic(method in "[a-zA-Z]{0,8}", url in structured(), ts in any::<u64>(), body in prop::collection::vec(any::<u8>(), 0..64)) {
        let c = HmacConfig::new(Secret::new("key")).unwrap();
        let a = c.canonical_string(&method, &url, ts, &body);
        prop_assert_eq!(&a, &c.canonical_string(&method, &url, ts, &body));
        let pq = path_and_query(&url);
        prop_assert!(pq.starts_with('/') || pq.starts_with('?'));
        prop_assert!(!pq.contains('#'));
        let expected_prefix = format!("{}\n{}\n{}\n", method.to_ascii_uppercase(), pq, ts);
        prop_assert!(a.starts_with(&expected_prefix));
        prop_assert_eq!(c.signature(&method, &url, ts, &body).len(), 44);
    }
}

// Crashes and wrong results found by the fuzz targets (inputs saved in
// fuzz/artifacts/json/), fixed in src/core/json.rs and kept as regressions.

/// fuzz/artifacts/json/panic-negate-overflow-*: a fraction with a huge
/// negative exponent saturates `exp10` to i32::MIN and `-exp10` overflows
/// (panic with overflow checks; in release it wraps and yields ±inf for 0).
#[test]
fn regression_number_value_huge_negative_exponent() {
    assert_eq!(number_value("0.1e-9999999999"), Some(0.0));
    assert_eq!(number_value("-0.5e-27777777777"), Some(-0.0));
    // The fuzzer's input, verbatim.
    let v = json::parse(r#"["\ud83d\ude00\u00e9\n",-0.5e-27777777777e,null,{"a":[[[{}]]]}]"#);
    assert!(v.is_none(), "not JSON (`e,`), but must not panic");
    assert!(json::parse("[-0.5e-27777777777]").is_some());
    let resp = token_response(
        200,
        r#"{"access_token":"a","expires_in":0.5e-99999999999}"#,
        None,
    );
    let tokens = parse_token_response(&resp, NOW_MS, &Answers::STANDARD).unwrap();
    assert_eq!(tokens.expires_at, Some(NOW_MS));
}

/// fuzz/artifacts/json/nan-zero-mantissa-huge-exponent: 0 × 10^1311 is
/// computed as 0 × inf = NaN; JSON's `0e999` is 0 (JS: `JSON.parse("0e999") === 0`).
#[test]
fn regression_number_value_zero_with_huge_exponent() {
    assert_eq!(number_value("0e999"), Some(0.0));
    assert!(number_value("-0e+1311").is_some_and(|x| x == 0.0));
    let resp = token_response(200, r#"{"access_token":"a","expires_in":0e999}"#, None);
    assert_eq!(
        parse_token_response(&resp, NOW_MS, &Answers::STANDARD)
            .unwrap()
            .expires_at,
        Some(NOW_MS)
    );
}
