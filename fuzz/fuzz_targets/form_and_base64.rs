//! form_pairs: never panics, yields None exactly for a pair whose decoded
//! piece is not UTF-8, and what it returns re-encodes (form_encode) to the
//! same pairs. base64url: unpadded, URL-safe, as long as its bytes need, and
//! base64url_decode (sealed cookies, tokens at rest) takes back exactly the
//! canonical spelling: decode(encode(b)) == b, and whatever decodes re-encodes
//! to the same text.
#![no_main]
use crm_auth::core::encode::{append_query, base64url, base64url_decode, form_encode, form_pairs};
use libfuzzer_sys::fuzz_target;

/// `form_pairs`, owned; None when a pair is undecodable.
fn parse_form(s: &str) -> Option<Vec<(String, String)>> {
    form_pairs(s)
        .map(|p| p.map(|(k, v)| (k.into_owned(), v.into_owned())))
        .collect()
}

fn check_base64url(data: &[u8]) {
    let encoded = base64url(data);
    assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(encoded.len(), (data.len() * 4).div_ceil(3));
    assert_eq!(base64url_decode(&encoded).as_deref(), Some(data));
}

/// Only canonical text decodes: what decodes re-encodes to the same text.
fn check_base64url_decode(text: &str) {
    if let Some(bytes) = base64url_decode(text) {
        assert_eq!(base64url(&bytes), text);
    }
}

/// Reference percent-decoding (WHATWG), bytes out.
fn reference_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Arbitrary bytes: the base64url encoder's shape.
        check_base64url(data);
        return;
    };
    check_base64url_decode(text);
    let reference: Vec<(Vec<u8>, Vec<u8>)> = text
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (reference_decode(k), reference_decode(v))
        })
        .collect();
    let all_utf8 = reference
        .iter()
        .all(|(k, v)| std::str::from_utf8(k).is_ok() && std::str::from_utf8(v).is_ok());
    match parse_form(text) {
        None => assert!(!all_utf8, "parse_form refused decodable input"),
        Some(pairs) => {
            assert!(all_utf8, "parse_form returned on invalid UTF-8");
            assert_eq!(pairs.len(), reference.len());
            for ((k, v), (rk, rv)) in pairs.iter().zip(&reference) {
                assert_eq!(k.as_bytes(), &rk[..]);
                assert_eq!(v.as_bytes(), &rv[..]);
            }
            let borrowed: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let encoded = form_encode(&borrowed);
            assert_eq!(parse_form(&encoded).as_ref(), Some(&pairs));
            let url = append_query("https://h/p?x=1#frag", &borrowed);
            assert!(url.ends_with("#frag"));
        }
    }
    check_base64url(data);
});
