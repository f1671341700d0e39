//! The wasm exports as the package's JS layer calls them, run by
//! wasm-bindgen-test in Node and (WASM_BINDGEN_USE_BROWSER=1) headless
//! Chromium: randomness from the host, the string ABI, errors as JSON.
#![cfg(target_arch = "wasm32")]

use crm_auth::bindings::{
    api_error, has_api_errors, input_buffer, rate_limit_status, refreshes_on_401, spans_pointer,
    token_set_deserialize_at, token_set_from_init, CredentialCore, HmacCore,
};
use crm_auth::core::json::{parse, Value};
use wasm_bindgen_test::*;

fn flextell(origin: &str) -> Result<CredentialCore, String> {
    CredentialCore::new(
        "flextell",
        &format!(
            r#"{{"clientId":"client-1","redirectUri":"https://app.example/cb","origin":"{origin}"}}"#
        ),
        false,
    )
}

/// Writes `parts` into the input buffer as the JS layer does; their lengths.
fn write_input(parts: &[&str]) -> Vec<usize> {
    let at = input_buffer(parts.iter().map(|p| p.len()).sum());
    let mut offset = 0;
    for part in parts {
        // SAFETY: `input_buffer` made room for every part, and nothing else
        // touches the buffer until the call that reads it.
        unsafe { core::ptr::copy_nonoverlapping(part.as_ptr(), at.add(offset), part.len()) };
        offset += part.len();
    }
    parts.iter().map(|p| p.len()).collect()
}

/// An `…At` call's text answer (1) or error JSON (2), read from the output
/// buffer like `spans.js` does. The calls below pass `ascii: false`, so the
/// answer is text (the spans path is covered by tests/e2e/spans.node.test.js).
fn answer(kind: u8) -> Result<String, String> {
    // SAFETY: the spans are 11 f64 in static memory; the output buffer lives
    // until the next answer.
    let text = unsafe {
        let spans = core::slice::from_raw_parts(spans_pointer(), 2);
        let bytes = core::slice::from_raw_parts(spans[0] as usize as *const u8, spans[1] as usize);
        String::from_utf8(bytes.to_vec()).unwrap()
    };
    match kind {
        1 => Ok(text),
        2 => Err(text),
        other => panic!("unexpected answer {other}"),
    }
}

fn parse_token(
    p: &CredentialCore,
    status: u16,
    retry_after: &str,
    body: String,
    old_refresh: &str,
    now_ms: f64,
) -> Result<String, String> {
    let l = write_input(&[&body, old_refresh, retry_after]);
    answer(p.parse_token_at(status, l[0], l[1], l[2], false, now_ms, ""))
}

fn parse_callback(p: &CredentialCore, url: &str, state: &str) -> Result<String, String> {
    let l = write_input(&[url, state]);
    answer(p.parse_callback_at(l[0], l[1], false))
}

fn token_set_deserialize(stored: &str) -> Result<String, String> {
    let l = write_input(&[stored]);
    answer(token_set_deserialize_at(l[0], false))
}

/// The `code` of an error JSON (and checks it is valid JSON with a provider).
fn code_of(err: &str) -> String {
    let v = parse(err).expect("errors are JSON");
    assert!(
        !v.get("provider")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty(),
        "{err}"
    );
    v.get("code")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

#[wasm_bindgen_test]
fn authorization_request_uses_host_randomness() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    let first = p.authorization_request(r#"{"scopes":["a","b"]}"#).unwrap();
    let second = p.authorization_request(r#"{"scopes":["a"]}"#).unwrap();
    let parts: Vec<&str> = first.split('\n').collect();
    let [url, state, verifier] = parts[..] else {
        panic!("three lines: {first}")
    };
    assert!(url.starts_with(
        "https://sandbox.flextell.test/oauth/authorize?response_type=code&client_id=client-1"
    ));
    assert!(url.contains("&scope=a+b&") && url.contains("code_challenge_method=S256"));
    assert!(url.contains(&format!("state={state}")) && !url.contains(verifier));
    assert_eq!((state.len(), verifier.len()), (43, 43));
    assert!(!second.contains(state), "fresh state every time");
    let no_pkce = p
        .authorization_request(r#"{"pkce":false,"scopes":["a"]}"#)
        .unwrap();
    assert!(no_pkce.ends_with('\n') && !no_pkce.contains("code_challenge"));
}

#[wasm_bindgen_test]
fn flextell_requires_scopes_unless_defaulted() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    for options in ["null", "{}", r#"{"scopes":[]}"#] {
        assert_eq!(
            code_of(&p.authorization_request(options).unwrap_err()),
            "invalid_argument",
            "{options}"
        );
    }
    let options =
        r#"{"clientId":"c","redirectUri":"https://app.example/cb","scopes":["read","calls"]}"#;
    let defaulted = CredentialCore::new("flextell", options, false).unwrap();
    assert!(defaulted
        .authorization_request("null")
        .unwrap()
        .contains("&scope=read+calls&"));
    assert!(defaulted
        .authorization_request(r#"{"scopes":["x"]}"#)
        .unwrap()
        .contains("&scope=x&"));
}

#[wasm_bindgen_test]
fn header_values_are_checked_without_echo() {
    let bad = "SECRET\r\nx-injected: 1";
    let key_options = format!(
        r#"{{"apiKey":"{bad}","email":"a@b.c","subdomain":"acme","domain":"acme","company":"acme"}}"#
    );
    for provider in ["flexie", "agilecrm", "flowlu", "virtuous"] {
        let err = CredentialCore::api_key(provider, &key_options)
            .err()
            .unwrap();
        assert_eq!(code_of(&err), "invalid_argument", "{provider}");
        assert!(!err.contains("SECRET"), "{err}");
    }
    let err = CredentialCore::api_key(
        "agilecrm",
        r#"{"domain":"acme","email":"mé@b.c","apiKey":"k"}"#,
    )
    .err()
    .unwrap();
    assert_eq!(code_of(&err), "invalid_argument");
    let err = CredentialCore::new(
        "flexie",
        r#"{"subdomain":"a","clientId":"c\u0000","redirectUri":"https://a.example/cb"}"#,
        false,
    )
    .err()
    .unwrap();
    assert_eq!(code_of(&err), "invalid_argument");
    let err = CredentialCore::new("flowlu", r#"{"company":"a","clientId":"ü"}"#, false)
        .err()
        .unwrap();
    assert_eq!(code_of(&err), "invalid_argument");
    let err = HmacCore::new(r#"{"key":"k","keyId":"kid\n"}"#)
        .err()
        .unwrap();
    assert_eq!(code_of(&err), "invalid_argument");
    let p = flextell("https://sandbox.flextell.test").unwrap();
    for err in [
        p.authorization("https://sandbox.flextell.test/api/v1/x", bad).unwrap_err(),
        p.request(1, bad, "", "").unwrap_err(),
        token_set_from_init(&format!(r#"{{"accessToken":"{bad}"}}"#)).unwrap_err(),
        token_set_from_init(&format!(r#"{{"accessToken":"at","refreshToken":"{bad}"}}"#)).unwrap_err(),
        token_set_deserialize(&format!(r#"{{"v":1,"access_token":"{bad}","token_type":"Bearer","expires_at":null,"refresh_token":null,"scope":null}}"#)).unwrap_err(),
    ] {
        assert_eq!(code_of(&err), "invalid_argument");
        assert!(!err.contains("SECRET"), "{err}");
    }
    let answer = format!(r#"{{"access_token":"{bad}","token_type":"Bearer"}}"#);
    let err = parse_token(&p, 200, "", answer, "", 0.0).unwrap_err();
    assert!(
        code_of(&err) == "invalid_response" && !err.contains("SECRET"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn only_bearer_token_types() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    for kind in ["DPoP", "mac", "N_A"] {
        let err = parse_token(
            &p,
            200,
            "",
            format!(r#"{{"access_token":"at","token_type":"{kind}"}}"#),
            "",
            0.0,
        )
        .unwrap_err();
        assert_eq!(code_of(&err), "invalid_response", "{kind}");
        let err = token_set_from_init(&format!(r#"{{"accessToken":"at","tokenType":"{kind}"}}"#))
            .unwrap_err();
        assert_eq!(code_of(&err), "invalid_argument", "{kind}");
    }
    assert!(parse_token(
        &p,
        200,
        "",
        r#"{"access_token":"at","token_type":"bearer"}"#.into(),
        "",
        0.0
    )
    .unwrap()
    .contains(r#""token_type":"bearer""#));
    assert!(token_set_from_init(r#"{"accessToken":"at","tokenType":"BEARER"}"#).is_ok());
}

#[wasm_bindgen_test]
fn callback_is_checked() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    assert_eq!(
        parse_callback(&p, "https://app.example/cb?code=c1&state=s1", "s1").unwrap(),
        "c1"
    );
    for (url, code) in [
        ("https://app.example/cb?code=c1&state=s2", "state_mismatch"),
        (
            "https://app.example/cb?code=c1&state=s1&state=s1",
            "invalid_callback",
        ),
        ("https://app.example/cb?state=s1", "invalid_callback"),
        (
            "https://app.example/cb?error=access_denied&state=s1",
            "authorization_denied",
        ),
    ] {
        assert_eq!(
            code_of(&parse_callback(&p, url, "s1").unwrap_err()),
            code,
            "{url}"
        );
    }
}

#[wasm_bindgen_test]
fn bad_options_are_errors_with_codes() {
    assert_eq!(
        code_of(&flextell("http://flextell.example").err().unwrap()),
        "insecure_endpoint"
    );
    assert!(flextell("http://127.0.0.1:9").is_ok());
    assert_eq!(
        code_of(
            &CredentialCore::new("flextell", "\"nope\"", false)
                .err()
                .unwrap()
        ),
        "invalid_argument"
    );
    let secret = r#"{"clientId":"c","clientSecret":"s","redirectUri":"https://a.example/cb"}"#;
    assert_eq!(
        code_of(&CredentialCore::new("flextell", secret, true).err().unwrap()),
        "secret_in_browser"
    );
    let err = CredentialCore::new(
        "oauth2",
        r#"{"clientId":"x","redirectUri":"https://a.example/cb"}"#,
        false,
    )
    .err()
    .unwrap();
    assert!(err.contains("authorizationEndpoint"), "{err}");
    assert_eq!(
        code_of(&CredentialCore::new("nobody", "null", false).err().unwrap()),
        "invalid_argument"
    );
    assert_eq!(
        code_of(
            &CredentialCore::api_key("flexie", r#"{"subdomain":"a.b/","apiKey":"k"}"#)
                .err()
                .unwrap()
        ),
        "invalid_argument"
    );
}

#[wasm_bindgen_test]
fn requests_and_answers_cross_as_json() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    let req = p.request(0, "the-code", "", "").unwrap();
    let req = parse(&req).unwrap();
    assert_eq!(req.get("method").and_then(Value::as_str), Some("POST"));
    assert_eq!(
        req.get("url").and_then(Value::as_str),
        Some("https://sandbox.flextell.test/oauth/token")
    );
    let body = r#"{"access_token":"at-secret","token_type":"Bearer","expires_in":"3600","refresh_token":"rt"}"#;
    let tokens = parse_token(&p, 200, "", body.into(), "", 1_000.0).unwrap();
    assert_eq!(token_set_deserialize(&tokens).unwrap(), tokens);
    assert!(tokens.contains(r#""expires_at":3601000"#), "{tokens}");
    let limited = parse_token(&p, 429, "7", String::new(), "", 0.0).unwrap_err();
    assert!(
        limited.contains(r#""retryAfter":7"#) && code_of(&limited) == "rate_limited",
        "{limited}"
    );
    assert_eq!(
        code_of(&p.request(2, "t", "", "").unwrap_err()),
        "unsupported"
    );
    let applied = p
        .authorization("https://sandbox.flextell.test/api/v1/users/me", "at-1")
        .unwrap();
    assert_eq!(
        applied,
        r#"{"url":null,"headers":[["authorization","Bearer at-1"]],"perUrl":false}"#
    );
    // A key in the query: the answer depends on the URL, so JS must not reuse it.
    let query = CredentialCore::api_key(
        "flexie",
        r#"{"subdomain":"acme","apiKey":"k-1","placement":"query"}"#,
    )
    .unwrap();
    assert_eq!(
        query
            .authorization("https://acme.flexie.io/api/x", "")
            .unwrap(),
        r#"{"url":"https://acme.flexie.io/api/x?apikey=k-1","headers":[],"perUrl":true}"#
    );
    // A key asked for a token flow's calls: `unsupported`, no panic.
    assert_eq!(
        code_of(&query.request(1, "rt", "", "").unwrap_err()),
        "unsupported"
    );
    assert_eq!(
        code_of(&query.parse_revoke(200, "", String::new(), 0.0).unwrap_err()),
        "unsupported"
    );
}

#[wasm_bindgen_test]
fn token_sets_and_helpers() {
    let t =
        token_set_from_init(r#"{"accessToken":"at","refreshToken":"rt","expiresAt":1.5}"#).unwrap();
    assert_eq!(
        t,
        r#"{"v":1,"access_token":"at","token_type":"Bearer","expires_at":2,"refresh_token":"rt","scope":null}"#
    );
    assert_eq!(
        code_of(&token_set_deserialize("{}").unwrap_err()),
        "invalid_argument"
    );
    assert_eq!(
        code_of(&api_error("flowlu", r#"{"error":{"error_code":11}}"#)),
        "oauth_error"
    );
    assert_eq!(api_error("flowlu", r#"{"response":{}}"#), "");
    // Only providers that report errors inside 2xx answers have them.
    assert!(has_api_errors("flowlu"));
    assert!(!has_api_errors("virtuous"));
    assert_eq!(api_error("virtuous", r#"{"error":{"error_code":11}}"#), "");
    // Salesforce reads its error arrays but has no errors inside 2xx; its 403 is a rate limit.
    assert!(!has_api_errors("salesforce"));
    assert_eq!(
        code_of(&api_error(
            "salesforce",
            r#"[{"message":"m","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#
        )),
        "rate_limited"
    );
    assert_eq!(
        (
            rate_limit_status("salesforce"),
            rate_limit_status("hubspot")
        ),
        (403, 0)
    );
    // The refresh trigger: HubSpot's 401s are not about expiry.
    assert!(!refreshes_on_401("hubspot"));
    assert!(
        refreshes_on_401("salesforce") && refreshes_on_401("flextell") && refreshes_on_401("?")
    );
    let signer = HmacCore::new(r#"{"key":"k","encoding":"hex"}"#).unwrap();
    assert_eq!(signer.sign(1, "GET", "https://h/x", 1.0, b"").len(), 64);
    assert_eq!(
        code_of(
            &HmacCore::new(r#"{"key":"k","encoding":"base32"}"#)
                .err()
                .unwrap()
        ),
        "invalid_argument"
    );
}
