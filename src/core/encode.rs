//! Form/URL encoding (WHATWG `application/x-www-form-urlencoded`), base64 and
//! HTTP Basic credentials, hand-written to keep the wasm small.

use crate::prelude::*;
use alloc::borrow::Cow;

use super::secret::wipe;

const HEX: &[u8; 16] = b"0123456789ABCDEF";
const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `s` encoded as one form component: ASCII alphanumerics and `*-._`
/// stay, space becomes `+`, every other UTF-8 byte becomes `%XX`.
pub fn form_urlencode_into(out: &mut String, s: &str) {
    out.reserve(s.len());
    // Runs of bytes that stay as they are are ASCII, so copying them by
    // slice stays on char boundaries.
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_') {
            continue;
        }
        out.push_str(s.get(start..i).unwrap_or(""));
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
}

/// Where the first byte of `s` that is in `set` (ASCII) is. Byte searches
/// instead of `char` patterns: those link core's memchr and char searchers
/// (~1 KB of wasm), and an ASCII byte never occurs inside a multi-byte char.
// Not `set.contains`: on bytes that is memchr again (~0.4 KB).
#[allow(clippy::manual_contains)]
pub fn find_byte(s: &str, set: &[u8]) -> Option<usize> {
    match set {
        // The hot case (callback and form parsing).
        [c] => find_one(s.as_bytes(), *c),
        _ => s.bytes().position(|b| set.iter().any(|&c| c == b)),
    }
}

/// The first `c` in `bytes`.
fn find_one(bytes: &[u8], c: u8) -> Option<usize> {
    let at = scan(bytes, |word| zero_byte(word ^ splat(c)), |b| b == c);
    (at < bytes.len()).then_some(at)
}

const LOW: u64 = 0x0101_0101_0101_0101;

/// `b` in every byte of a word.
pub(crate) const fn splat(b: u8) -> u64 {
    LOW * b as u64
}

/// Whether some byte of `word` is zero (the classic SWAR test, exact).
pub(crate) const fn zero_byte(word: u64) -> bool {
    word.wrapping_sub(LOW) & !word & splat(0x80) != 0
}

/// Whether some byte of `word` is below `n` (≤ 0x80).
pub(crate) const fn byte_below(word: u64, n: u8) -> bool {
    word.wrapping_sub(splat(n)) & !word & splat(0x80) != 0
}

/// The index of the first byte for which `stops` holds (or the length),
/// stepping eight bytes at a time past words `may_stop` rules out: the hot
/// scans (callback URLs, JSON strings) run ~8× fewer iterations.
pub(crate) fn scan(
    bytes: &[u8],
    may_stop: impl Fn(u64) -> bool,
    stops: impl Fn(u8) -> bool,
) -> usize {
    let mut i = 0;
    while let Some(word) = bytes
        .get(i..i + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        if may_stop(u64::from_le_bytes(word)) {
            break;
        }
        i += 8;
    }
    let rest = bytes.get(i..).unwrap_or_default();
    i + rest.iter().position(|&b| stops(b)).unwrap_or(rest.len())
}

/// `s` split around its first byte in `set` (which is dropped).
pub fn split_byte<'a>(s: &'a str, set: &[u8]) -> Option<(&'a str, &'a str)> {
    let i = find_byte(s, set)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s` up to its first byte in `set`, or all of it.
pub fn head<'a>(s: &'a str, set: &[u8]) -> &'a str {
    split_byte(s, set).map_or(s, |(head, _)| head)
}

/// `s` split at every byte in `set`, as `str::split` with ASCII chars does.
pub fn split_bytes<'a>(mut s: &'a str, set: &'a [u8]) -> impl Iterator<Item = &'a str> {
    let mut done = false;
    core::iter::from_fn(move || {
        if done {
            return None;
        }
        Some(match split_byte(s, set) {
            Some((piece, rest)) => {
                s = rest;
                piece
            }
            None => {
                done = true;
                s
            }
        })
    })
}

/// `parts` joined: string building without `format!`, which would put
/// core::fmt into the wasm.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| out.push_str(p));
    out
}

/// `items` separated by `sep`: `[String]::join` is a generic ~1 KB of wasm.
pub fn join(items: &[String], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

/// `n` in decimal (no core::fmt).
pub fn decimal(mut n: u64) -> String {
    let mut reversed = Vec::with_capacity(20);
    loop {
        reversed.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(reversed.len());
    for &d in reversed.iter().rev() {
        out.push(char::from(d));
    }
    out
}

/// A non-empty run of ASCII digits as a number; `None` for anything else or
/// on overflow. One parser instead of `str::parse` for u8, u16, i64 and u64
/// (a monomorphized body each).
pub fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        let digit = char::from(b).to_digit(10)?;
        n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(n)
}

fn push_pairs(out: &mut String, pairs: &[(&str, &str)]) {
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_urlencode_into(out, key);
        out.push('=');
        form_urlencode_into(out, value);
    }
}

/// Encodes pairs as a form body: `a=b&c=d`.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    push_pairs(&mut out, pairs);
    out
}

/// Adds `pairs` to the query of `url`, keeping any `#fragment` at the end.
pub fn append_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match split_byte(url, b"#") {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len() + 64);
    out.push_str(base);
    if !pairs.is_empty() {
        if find_byte(base, b"?").is_none() {
            out.push('?');
        } else if !matches!(base.as_bytes().last(), Some(b'?' | b'&')) {
            out.push('&');
        }
        push_pairs(&mut out, pairs);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// The pairs of `a=b&c=d`, decoded like a browser's URLSearchParams (empty
/// pieces skipped, `+` is space, invalid `%` escapes kept literally),
/// borrowed from `s` where nothing needed decoding (the usual case: no
/// allocation); `None` for a pair whose decoded name or value is not UTF-8.
pub fn form_pairs(s: &str) -> impl Iterator<Item = Option<(Cow<'_, str>, Cow<'_, str>)>> {
    split_bytes(s, b"&")
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = split_byte(piece, b"=").unwrap_or((piece, ""));
            Some((percent_decode(key)?, percent_decode(value)?))
        })
}

fn percent_decode(s: &str) -> Option<Cow<'_, str>> {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Some(Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = match (b, bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex_value(hi).zip(hex_value(lo)),
            _ => None,
        };
        match escaped {
            Some((hi, lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            None => {
                out.push(if b == b'+' { b' ' } else { b });
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

fn encode64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| chunk.get(i).map_or(0, |&b| u32::from(b));
        let n = byte(0) << 16 | byte(1) << 8 | byte(2);
        // A chunk of k bytes yields k + 1 significant characters.
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(alphabet[index as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Base64url without padding (RFC 4648 §5), as used by PKCE and `state`.
pub fn base64url(bytes: &[u8]) -> String {
    encode64(bytes, URL_SAFE, false)
}

/// Decodes unpadded base64url (sealed cookies and encrypted tokens, through
/// the `base64urlDecode` export). Rejects padding, other characters, impossible
/// lengths and non-zero trailing bits (so every input has one encoding).
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // 6 leftover bits means a length of 4n+1, which no input can produce.
    (bits < 6 && acc == 0).then_some(out)
}

/// Standard base64 with padding (RFC 4648 §4), as used by HTTP Basic.
pub fn base64(bytes: &[u8]) -> String {
    encode64(bytes, STANDARD, true)
}

/// `Basic base64(user:password)`, raw (Flowlu `bearer:TOKEN`, Agile `email:key`).
pub fn basic_auth(user: &str, password: &str) -> String {
    let mut raw = Vec::with_capacity(user.len() + 1 + password.len());
    raw.extend_from_slice(user.as_bytes());
    raw.push(b':');
    raw.extend_from_slice(password.as_bytes());
    let header = concat(&["Basic ", &base64(&raw)]);
    wipe(&mut raw);
    header
}

/// Basic client authentication, both parts form-encoded first (RFC 6749 §2.3.1).
pub fn client_basic_auth(client_id: &str, client_secret: &str) -> String {
    let (mut id, mut secret) = (String::new(), String::new());
    form_urlencode_into(&mut id, client_id);
    form_urlencode_into(&mut secret, client_secret);
    let header = basic_auth(&id, &secret);
    wipe(&mut secret.into_bytes());
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_tests_agree_with_bytes() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mostly bytes near the interesting values.
            let bytes = x
                .to_le_bytes()
                .map(|b| if b & 1 == 0 { b } else { b & 0x3f });
            let word = u64::from_le_bytes(bytes);
            assert_eq!(zero_byte(word), bytes.contains(&0), "{word:x}");
            assert_eq!(
                byte_below(word, 0x20),
                bytes.iter().any(|&b| b < 0x20),
                "{word:x}"
            );
        }
    }

    #[test]
    fn find_one_agrees_with_position() {
        let text: Vec<u8> = (0..200u32)
            .map(|i| b"ab#?&=\x80\xff"[(i * 7 % 8) as usize])
            .collect();
        for len in 0..text.len() {
            for c in [b'a', b'#', b'?', b'&', b'=', 0x80, 0xff, b'z'] {
                let hay = &text[..len];
                assert_eq!(
                    find_one(hay, c),
                    hay.iter().position(|&b| b == c),
                    "len {len} c {c}"
                );
            }
        }
    }

    #[test]
    fn concat_and_decimal() {
        assert_eq!(concat(&["a", "", "bc"]), "abc");
        assert_eq!(concat(&[]), "");
        for n in [0, 7, 10, 429, 1_764_000_000_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode(&[("p", "p&s=w+rd ü")]),
            "p=p%26s%3Dw%2Brd+%C3%BC"
        );
        assert_eq!(
            form_encode(&[("a", "*-._~!'()"), ("b", "")]),
            "a=*-._%7E%21%27%28%29&b="
        );
        assert_eq!(form_encode(&[]), "");
        let mut s = String::new();
        form_urlencode_into(&mut s, "😀/\n");
        assert_eq!(s, "%F0%9F%98%80%2F%0A");
    }

    #[test]
    fn query_appending() {
        let p = [("a", "1 2"), ("b", "&")];
        assert_eq!(append_query("https://x/a", &p), "https://x/a?a=1+2&b=%26");
        assert_eq!(
            append_query("https://x/a?z=0", &p),
            "https://x/a?z=0&a=1+2&b=%26"
        );
        assert_eq!(append_query("https://x/a?", &p), "https://x/a?a=1+2&b=%26");
        assert_eq!(
            append_query("https://x/a?z&", &p[..1]),
            "https://x/a?z&a=1+2"
        );
        assert_eq!(
            append_query("https://x/a#f?g", &p[..1]),
            "https://x/a?a=1+2#f?g"
        );
        assert_eq!(append_query("https://x/a#f", &[]), "https://x/a#f");
    }

    /// `form_pairs`, owned; `None` when a pair is undecodable.
    fn parse_form(s: &str) -> Option<Vec<(String, String)>> {
        form_pairs(s)
            .map(|pair| pair.map(|(k, v)| (k.into_owned(), v.into_owned())))
            .collect()
    }

    #[test]
    fn form_parsing() {
        let parsed = parse_form("p=p%26s%3Dw%2Brd+%C3%BC&&x&=v&k=a=b").unwrap();
        let want = [("p", "p&s=w+rd ü"), ("x", ""), ("", "v"), ("k", "a=b")];
        assert_eq!(parsed, pairs(&want));
        // Invalid escapes stay literal, like URLSearchParams.
        assert_eq!(parse_form("a=%zz%4%").unwrap(), pairs(&[("a", "%zz%4%")]));
        assert_eq!(parse_form("a=%e2%82%ac").unwrap(), pairs(&[("a", "€")]));
        assert!(parse_form("a=%C3").is_none());
        assert!(parse_form("%FF=1").is_none());
        assert_eq!(parse_form("").unwrap(), vec![]);
    }

    #[test]
    fn form_round_trip() {
        let original = [("k €", "p&s=w+rd ü%"), ("e", "")];
        let parsed = parse_form(&form_encode(&original)).unwrap();
        assert_eq!(parsed, pairs(&original));
    }

    #[test]
    fn base64_known_answers() {
        let vectors = [
            ("", "", ""),
            ("f", "Zg==", "Zg"),
            ("fo", "Zm8=", "Zm8"),
            ("foo", "Zm9v", "Zm9v"),
            ("foob", "Zm9vYg==", "Zm9vYg"),
            ("fooba", "Zm9vYmE=", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
        ];
        for (raw, std, url) in vectors {
            assert_eq!(base64(raw.as_bytes()), std);
            assert_eq!(base64url(raw.as_bytes()), url);
            assert_eq!(base64url_decode(url).unwrap(), raw.as_bytes());
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(base64url_decode("-_-_").unwrap(), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn base64url_decode_rejects() {
        for bad in [
            "Zg==", "Zm9v+", "Zm9/", "Z", "Zm9vY", "Zh", "Zm9", "Zm 9v", "é",
        ] {
            assert!(base64url_decode(bad).is_none(), "{bad}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64url_decode(&base64url(&all)).unwrap(), all);
    }

    #[test]
    fn basic_auth_headers() {
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_auth("bearer", "T"), "Basic YmVhcmVyOlQ=");
        // "a:b" -> "a%3Ab", "c d" -> "c+d"
        assert_eq!(client_basic_auth("a:b", "c d"), basic_auth("a%3Ab", "c+d"));
    }
}
