//! HmacConfig::canonical_string / signature / path_and_query: never panic;
//! deterministic; path_and_query is a fragment-free suffix-free slice of the
//! URL starting with '/' or '?'; the default canonical string has its
//! documented shape; signatures have the encoding's length and cover the body.
#![no_main]
use crm_auth::core::hmac::{path_and_query, Encoding, HmacConfig, Part};
use crm_auth::core::secret::Secret;
use libfuzzer_sys::fuzz_target;

const PARTS: [Part; 4] = [Part::Method, Part::Path, Part::Timestamp, Part::BodySha256];

fuzz_target!(|data: &[u8]| {
    if data.len() < 10 {
        return;
    }
    let (head, rest) = data.split_at(10);
    let timestamp = u64::from_le_bytes(head[..8].try_into().unwrap());
    let layout = head[8];
    let flags = head[9];
    let text = String::from_utf8_lossy(rest);
    // "method \0 url \0 separator \0 key \0 body"
    let mut fields = text.splitn(5, '\0');
    let method = fields.next().unwrap_or("");
    let url = fields.next().unwrap_or("");
    let separator = fields.next().unwrap_or("\n");
    let key = fields.next().unwrap_or("k");
    let body = fields.next().unwrap_or("").as_bytes();

    let pq = path_and_query(url);
    assert!(pq.starts_with('/') || pq.starts_with('?'), "{pq:?}");
    assert!(!pq.contains('#'));
    assert!(pq == "/" || url.contains(pq));

    let Ok(mut config) = HmacConfig::new(Secret::new(key)) else {
        assert!(key.is_empty());
        return;
    };
    let defaults = config.canonical_string(method, url, timestamp, body);
    let digest = config.canonical_string("", "", 0, body);
    let digest = digest.rsplit('\n').next().unwrap();
    assert_eq!(
        defaults,
        format!(
            "{}\n{pq}\n{timestamp}\n{digest}",
            method.to_ascii_uppercase()
        )
    );

    config.separator = separator.to_owned();
    config.encoding = if flags & 1 == 0 {
        Encoding::Base64
    } else {
        Encoding::Hex
    };
    config.parts = (0..(layout >> 6))
        .map(|i| PARTS[usize::from(layout >> (2 * i)) & 3])
        .collect();
    let a = config.canonical_string(method, url, timestamp, body);
    assert_eq!(a, config.canonical_string(method, url, timestamp, body));
    let sig = config.signature(method, url, timestamp, body);
    assert_eq!(sig, config.signature(method, url, timestamp, body));
    assert_eq!(
        sig.len(),
        if config.encoding == Encoding::Hex {
            64
        } else {
            44
        }
    );
    if config.parts.contains(&Part::BodySha256) {
        let mut other = body.to_vec();
        other.push(flags);
        assert_ne!(sig, config.signature(method, url, timestamp, &other));
    }
    let headers = config.headers(method, url, timestamp, body);
    assert_eq!(
        headers.first().map(|h| h.1.clone()),
        Some(timestamp.to_string())
    );
    assert!(headers.last().is_some_and(|h| h.1.ends_with(&sig)));
});
