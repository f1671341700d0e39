//! "Never panics": mutated and random inputs through every parser of
//! untrusted data. Deterministic (xorshift), so failures reproduce.

use crm_auth::core::callback::{callback_code, Issuer};
use crm_auth::core::encode::form_pairs;
use crm_auth::core::endpoint::{check_endpoint, is_loopback_url, join_origin, origin_of};
use crm_auth::core::error::Error;
use crm_auth::core::json;
use crm_auth::core::request::{parse_revoke_response, HttpResponse};
use crm_auth::core::time::parse_retry_after;
use crm_auth::core::token::{parse_token_response, Answers, TokenSet};

/// The checked code of a callback URL (`callback_code`, owned).
fn parse_callback(url: &str, state: &str, issuer: Option<&str>) -> Result<String, Error> {
    callback_code(url, state, issuer.map_or(Issuer::Any, Issuer::Exact)).map(|c| c.into_owned())
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"{"access_token":"AT","token_type":"Bearer","expires_in":3600,"refresh_token":"RT","scope":"a b"}"#,
    r#"{"error":"invalid_grant","error_descrption":"x"}"#,
    r#"{"errors":[{"message":"m","code":"c"}],"error":{"error_msg":"e"}}"#,
    r#"{"access_token":"A","expires_in":"3600.0",".expires":"Sun, 06 Nov 1994 08:49:37 GMT","scope":["a"]}"#,
    r#"{"v":1,"access_token":"AT","token_type":"Bearer","expires_at":1.5e12,"refresh_token":null,"scope":"a"}"#,
    r#"["\ud83d\ude00\u00e9\n",-0.5e-3,true,false,null,{"a":[[[{}]]]}]"#,
    "https://app.example/cb?code=a%2Bb+c&state=st&iss=https%3A%2F%2Fas&error_description=%C3%BC#code=x&state=st",
    "https://app.example/cb#error=access_denied&state=st&state=st",
    "http://[::1]:8787/oauth/token?x=1",
    "http://127.0.0.1:80/",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "",
];

const INTERESTING: &[u8] = b"{}[]\":,\\/u0123456789eE+-.%&=?#@[]: \t\n\x00\x7f\xc3\xbc\xed\xa0\x80\xef\xbb\xbf\xf0\x9f\x98\x80";

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let at = at.min(out.len() - 1);
                out[at] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < out.len() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(16)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            4 => out.truncate(at),
            _ => out.insert(at, rng.next() as u8),
        }
    }
    out
}

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    (0..rng.below(64))
        .map(|_| match rng.below(3) {
            0 => rng.next() as u8,
            _ => INTERESTING[rng.below(INTERESTING.len())],
        })
        .collect()
}

/// Feeds one input to every parser; the only assertion is "no panic", plus
/// the TokenSet round trip whenever a parse succeeds. Returns which of the
/// main parsers accepted the input, to check the corpus reaches both paths.
fn exercise(input: &str, status: u16) -> [bool; 3] {
    let callback_ok = parse_callback(input, "st", Some("https://as")).is_ok();
    let _ = parse_callback(input, "st", None);
    let json_ok = json::parse(input).is_some();
    let _ = form_pairs(input).count();
    let _ = check_endpoint(input);
    let _ = origin_of(input);
    let _ = join_origin(input, "/oauth/token");
    let _ = is_loopback_url(input);
    let _ = parse_retry_after(input, 0.0);
    let resp = HttpResponse {
        status,
        retry_after: Some(input.to_owned()),
        body: input.to_owned(),
    };
    let parsed = parse_token_response(&resp, 1e12, &Answers::STANDARD);
    let token_ok = parsed.is_ok();
    if let Ok(tokens) = parsed {
        assert_eq!(TokenSet::deserialize(&tokens.serialize()), Ok(tokens));
    }
    let _ = parse_revoke_response(&resp, 1e12, &Answers::STANDARD);
    if let Ok(tokens) = TokenSet::deserialize(input) {
        assert_eq!(TokenSet::deserialize(&tokens.serialize()), Ok(tokens));
    }
    [callback_ok, json_ok, token_ok]
}

#[test]
fn parsers_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let statuses = [200, 201, 202, 204, 400, 401, 429, 500, 0, 999];
    let mut accepted = [0; 3];
    for i in 0..30_000 {
        let bytes = if i % 4 == 0 {
            random_bytes(&mut rng)
        } else {
            let seed = SEEDS[rng.below(SEEDS.len())];
            mutate(&mut rng, seed.as_bytes())
        };
        let input = String::from_utf8_lossy(&bytes);
        let ok = exercise(&input, statuses[rng.below(statuses.len())]);
        for (count, ok) in accepted.iter_mut().zip(ok) {
            *count += usize::from(ok);
        }
    }
    // Mutations must not be so destructive that only error paths run.
    assert!(accepted.iter().all(|&n| n > 100), "{accepted:?}");
}

#[test]
fn huge_and_deep_inputs() {
    let inputs = [
        "[".repeat(100_000),
        "{\"a\":".repeat(100_000),
        format!("\"{}\"", "\\u".repeat(50_000)),
        "9".repeat(100_000),
        format!("{{\"access_token\":\"{}\"}}", "x".repeat(1 << 20)),
        "%".repeat(100_000),
        "&=".repeat(100_000),
        format!("https://{}", "a".repeat(100_000)),
        "\u{feff}".repeat(1000),
    ];
    for input in &inputs {
        for status in [200, 400, 429] {
            let _ = exercise(input, status);
        }
    }
}
