//! The wasm bindings as JS sees them, run by wasm-bindgen-test in Node and
//! (WASM_BINDGEN_USE_BROWSER=1) headless Chromium. Network cases talk to the
//! provider simulator when scripts/test.sh exports CRM_AUTH_SIM_URL at build time.
#![cfg(target_arch = "wasm32")]

use crm_auth::bindings::{CodeFlowClient, TokenSet};
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn code_of(err: &JsValue) -> String {
    get(err, "code").as_string().unwrap_or_default()
}

fn flextell(origin: &str) -> Result<CodeFlowClient, JsValue> {
    CodeFlowClient::new("flextell", obj(&[
        ("clientId", "client-1".into()),
        ("redirectUri", "https://app.example/cb".into()),
        ("origin", origin.into()),
    ]))
}

#[wasm_bindgen_test]
fn authorization_request_has_state_and_pkce() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    let req = p
        .create_authorization_request(obj(&[("scopes", js_sys::Array::of2(&"a".into(), &"b".into()).into())]))
        .unwrap();
    let url = get(&req, "url").as_string().unwrap();
    let state = get(&req, "state").as_string().unwrap();
    let verifier = get(&req, "codeVerifier").as_string().unwrap();
    assert!(url.starts_with("https://sandbox.flextell.test/oauth/authorize?response_type=code&client_id=client-1"));
    assert!(url.contains("&scope=a+b&") && url.contains("code_challenge_method=S256"));
    assert!(url.contains(&format!("state={state}")));
    assert_eq!(state.len(), 43);
    assert_eq!(verifier.len(), 43);
    assert!(!url.contains(&verifier), "the verifier never travels in the URL");
}

#[wasm_bindgen_test]
fn callback_is_checked() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    let opts = obj(&[("state", "s1".into())]);
    let ok = p.parse_callback("https://app.example/cb?code=c1&state=s1".into(), opts.clone()).unwrap();
    assert_eq!(get(&ok, "code").as_string().unwrap(), "c1");
    let cases = [
        ("https://app.example/cb?code=c1&state=s2", "state_mismatch"),
        ("https://app.example/cb?code=c1&state=s1&state=s1", "invalid_callback"),
        ("https://app.example/cb?state=s1", "invalid_callback"),
        ("https://app.example/cb?error=access_denied&state=s1", "authorization_denied"),
    ];
    for (url, code) in cases {
        let err = p.parse_callback(url.into(), opts.clone()).unwrap_err();
        assert_eq!(code_of(&err), code, "{url}");
        assert_eq!(get(&err, "provider").as_string().unwrap(), "flextell");
    }
    let err = p.parse_callback(JsValue::from(42), opts).unwrap_err();
    assert_eq!(code_of(&err), "invalid_argument");
}

#[wasm_bindgen_test]
fn bad_options_are_crm_auth_errors() {
    assert_eq!(code_of(&flextell("http://flextell.example").err().unwrap()), "insecure_endpoint");
    assert!(flextell("http://127.0.0.1:9").is_ok());
    let err = CodeFlowClient::new("flextell", JsValue::from("nope")).err().unwrap();
    assert_eq!(code_of(&err), "invalid_argument");
    assert_eq!(get(&err, "name").as_string().unwrap(), "CrmAuthError");
    let err = CodeFlowClient::new("oauth2", obj(&[("clientId", "x".into()), ("redirectUri", "https://app.example/cb".into())])).err().unwrap();
    assert_eq!(code_of(&err), "invalid_argument");
    let msg = get(&err, "message").as_string().unwrap();
    assert!(msg.contains("authorizationEndpoint"), "{msg}");
}

#[wasm_bindgen_test]
fn token_set_round_trips_and_redacts() {
    let t = TokenSet::new(obj(&[
        ("accessToken", "at-secret".into()),
        ("refreshToken", "rt-secret".into()),
        ("expiresAt", 1.0e15.into()),
    ]))
    .unwrap();
    let back = TokenSet::deserialize(t.serialize().into()).unwrap();
    assert_eq!(back.access_token(), "at-secret");
    assert_eq!(back.refresh_token().as_string().unwrap(), "rt-secret");
    assert_eq!(back.token_type(), "Bearer");
    assert!(!back.is_expired(JsValue::UNDEFINED).unwrap());
    assert_eq!(code_of(&back.is_expired("soon".into()).unwrap_err()), "invalid_argument");
    let shown = js_sys::JSON::stringify(&back.to_json()).unwrap().as_string().unwrap() + &back.to_display();
    assert!(!shown.contains("secret"), "{shown}");
    assert_eq!(code_of(&TokenSet::deserialize("{}".into()).err().unwrap()), "invalid_argument");
}

#[wasm_bindgen_test]
async fn revoke_without_endpoint_rejects_unsupported() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    let err = JsFuture::from(p.revoke("tok".into())).await.unwrap_err();
    assert_eq!(code_of(&err), "unsupported");
}

#[wasm_bindgen_test]
async fn authorize_copies_the_request() {
    let p = flextell("https://sandbox.flextell.test").unwrap();
    let tokens = TokenSet::new(obj(&[("accessToken", "at-1".into())])).unwrap();
    let input = web_sys::Request::new_with_str("https://sandbox.flextell.test/api/v1/users/me").unwrap();
    let as_js: &JsValue = input.as_ref();
    let out = p.authorize(as_js.clone(), tokens.into()).unwrap();
    assert_eq!(out.headers().get("authorization").unwrap().unwrap(), "Bearer at-1");
    assert!(input.headers().get("authorization").unwrap().is_none());
}

/// The fetch seam against the simulator's generic OAuth2 server.
mod network {
    use super::*;

    /// scripts/test.sh starts a simulator and builds these tests with its URL.
    fn sim() -> &'static str {
        match option_env!("CRM_AUTH_SIM_URL") {
            Some(url) => url,
            None => panic!("build with CRM_AUTH_SIM_URL set to a running simulator"),
        }
    }

    fn oauth2(base: &str, timeout_ms: f64) -> CodeFlowClient {
        CodeFlowClient::new("oauth2", obj(&[
            ("authorizationEndpoint", format!("{base}/oauth2/authorize").into()),
            ("tokenEndpoint", format!("{base}/oauth2/token").into()),
            ("revocationEndpoint", format!("{base}/oauth2/revoke").into()),
            ("clientId", "public-client".into()),
            ("redirectUri", "http://127.0.0.1/callback".into()),
            ("timeoutMs", timeout_ms.into()),
        ]))
        .unwrap()
    }

    async fn exchange_error(p: &CodeFlowClient) -> JsValue {
        let verifier = "a".repeat(43);
        JsFuture::from(p.exchange_code("bogus-code".into(), obj(&[("codeVerifier", verifier.into())])))
            .await
            .unwrap_err()
    }

    #[wasm_bindgen_test]
    async fn token_endpoint_error_becomes_oauth_error() {
        let err = exchange_error(&oauth2(sim(), 10_000.0)).await;
        assert_eq!(code_of(&err), "oauth_error");
        assert_eq!(get(&err, "error").as_string().unwrap(), "invalid_grant");
        assert_eq!(get(&err, "status").as_f64().unwrap(), 400.0);
        assert!(!get(&err, "message").as_string().unwrap().contains("bogus-code"));
    }

    #[wasm_bindgen_test]
    async fn dead_server_is_network_error() {
        let err = exchange_error(&oauth2("http://127.0.0.1:9", 10_000.0)).await;
        assert_eq!(code_of(&err), "network_error");
    }

    #[wasm_bindgen_test]
    async fn a_fetch_that_never_answers_times_out() {
        // A custom fetch that ignores the abort signal: the deadline still fires.
        let hang = js_sys::Function::new_no_args("return new Promise(() => {})");
        let p = CodeFlowClient::new("oauth2", obj(&[
            ("authorizationEndpoint", "https://as.example/authorize".into()),
            ("tokenEndpoint", "https://as.example/token".into()),
            ("clientId", "c".into()),
            ("redirectUri", "https://app.example/cb".into()),
            ("timeoutMs", 200.into()),
            ("fetch", hang.into()),
        ]))
        .unwrap();
        let err = JsFuture::from(p.exchange_code("code".into(), JsValue::UNDEFINED)).await.unwrap_err();
        assert_eq!(code_of(&err), "timeout");
    }
}
