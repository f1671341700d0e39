//! parse_token_response and TokenSet::deserialize: never panic; a parsed
//! TokenSet round-trips through serialize/deserialize, has a non-empty
//! access token and a whole, finite, non-negative expiry; Debug never
//! depends on the tokens; response_error agrees with the parser; a stored
//! set reads the same with and without the parser-free path.
#![no_main]
use crm_auth::core::error::ErrorCode;
use crm_auth::core::request::HttpResponse;
use crm_auth::core::secret::Secret;
use crm_auth::core::time::parse_retry_after;
use crm_auth::core::token::{parse_token_response, response_error, Answers, TokenSet};
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 201, 400, 401, 403, 429, 500, 302];
const NOW_MS: f64 = 1_700_000_000_000.0;

fn check_tokens(t: &TokenSet) {
    assert!(!t.access_token.expose().is_empty());
    if let Some(at) = t.expires_at {
        assert!(
            at.is_finite() && at >= 0.0 && at.fract() == 0.0,
            "expires_at {at}"
        );
    }
    let stored = t.serialize();
    let back = TokenSet::deserialize(&stored).expect("serialized TokenSet must deserialize");
    assert!(back == *t, "round trip changed the TokenSet: {stored}");
    assert_eq!(back.serialize(), stored);
    let redacted = TokenSet {
        access_token: Secret::new("A"),
        refresh_token: t.refresh_token.as_ref().map(|_| Secret::new("R")),
        ..t.clone()
    };
    assert_eq!(format!("{t:?}"), format!("{redacted:?}"));
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // "body [\0 retry-after]"
    let (body, retry_after) = match text.split_once('\0') {
        Some((b, r)) => (b, Some(r.to_owned())),
        None => (&*text, None),
    };
    let status = STATUSES[usize::from(selector) % STATUSES.len()];
    let status = if selector >= 248 {
        u16::from(selector) * 3
    } else {
        status
    };
    let resp = HttpResponse {
        status,
        retry_after: retry_after.clone(),
        body: body.to_owned(),
    };
    let parsed = parse_token_response(&resp, NOW_MS, &Answers::STANDARD);
    let error = response_error(&resp, NOW_MS, &Answers::STANDARD);
    match &parsed {
        Ok(t) => {
            assert!(error.is_none());
            check_tokens(t);
        }
        Err(e) => {
            if let Some(expected) = &error {
                assert_eq!(e.code, expected.code);
            }
            if status == 429 {
                assert_eq!(e.code, ErrorCode::RateLimited);
                if let Some(after) = e.retry_after {
                    assert!(after >= 0.0 && after.is_finite());
                }
            }
        }
    }
    if let Some(r) = &retry_after {
        if let Some(after) = parse_retry_after(r, NOW_MS) {
            assert!(after >= 0.0 && after.is_finite());
        }
    }
    // The same bytes as a stored TokenSet. A leading space takes the JSON
    // parser's path even where the layout `serialize` writes is read without
    // it: both must read the same set.
    let stored = TokenSet::deserialize(body).ok();
    if let Some(t) = &stored {
        check_tokens(t);
    }
    assert!(stored == TokenSet::deserialize(&format!(" {body}")).ok());
});
