//! The Rust client (feature `client`) in wasm, run by wasm-bindgen-test in
//! Node and (WASM_BINDGEN_USE_BROWSER=1) headless Chromium against the
//! provider simulator over real HTTP on 127.0.0.1: every provider and
//! method. scripts/test.sh starts the simulator and compiles its URLs in
//! (`CRM_AUTH_SIM`, from scripts/simulator-env.js).
#![cfg(all(target_arch = "wasm32", feature = "client"))]

use crm_auth::client::{
    AgileCrm, AuthorizationRequestOptions, ErrorCode, Flexie, Flextell, Flowlu, HubSpot,
    LoginOptions, MemoryStore, OAuth2, Pipedrive, Request, Salesforce, Session, Store, TokenSet,
    Virtuous, WebStorageStore, ZohoCrm,
};
use futures_util::future::join_all;
use gloo_net::http::Request as Raw;
use serde_json::{json, Value};
use wasm_bindgen_test::*;

const SIM: Option<&str> = option_env!("CRM_AUTH_SIM");

fn sim() -> Value {
    let sim = SIM.expect("CRM_AUTH_SIM: run through scripts/test.sh (it starts the simulator)");
    serde_json::from_str(sim).unwrap()
}

fn main_url() -> String {
    sim()["url"].as_str().unwrap().to_owned()
}

fn origin(provider: &str) -> String {
    sim()["origins"][provider].as_str().unwrap().to_owned()
}

/// Where the test clients are sent back to: a simulator page that answers
/// 200 (with CORS), so a followed consent redirect ends there with the code.
fn redirect_uri() -> String {
    format!("{}/__sim/health", main_url())
}

async fn control(path: &str, body: Value) -> Value {
    let answer = Raw::post(&format!("{}/__sim/{path}", main_url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .unwrap()
        .send()
        .await
        .unwrap();
    serde_json::from_str(&answer.text().await.unwrap()).unwrap()
}

async fn count(provider: &str, what: &str) -> u64 {
    let answer = Raw::get(&format!("{}/__sim/counts", main_url()))
        .send()
        .await
        .unwrap();
    let counts: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    counts[provider][what].as_u64().unwrap()
}

/// Registers `client_id` (with a secret unless `None`) at `provider` with
/// [`redirect_uri`].
async fn register(provider: &str, client_id: &str, secret: Option<&str>) {
    control(
        "clients",
        json!({"provider": provider, "clientId": client_id, "clientSecret": secret,
               "redirectUris": [redirect_uri()]}),
    )
    .await;
}

/// Approves the consent page of `authorize_url` as the user would and
/// answers the callback URL the browser lands on.
async fn consent(authorize_url: &str) -> String {
    let (endpoint, query) = authorize_url.split_once('?').unwrap();
    let answer = Raw::post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{query}&decision=approve"))
        .unwrap()
        .send()
        .await
        .unwrap();
    answer.url()
}

fn code_options(provider: &str, client_id: &str, secret: Option<&str>) -> Value {
    json!({
        "clientId": client_id, "clientSecret": secret, "redirectUri": redirect_uri(),
        "origin": origin(provider), "scopes": ["read"], "dangerouslyAllowBrowser": true,
    })
}

fn login(username: &str, password: &str) -> LoginOptions {
    LoginOptions {
        username: username.into(),
        password: password.into(),
        ..LoginOptions::default()
    }
}

/// Runs a code flow of `p` to tokens: request, consent, callback, exchange.
macro_rules! code_flow_tokens {
    ($p:expr) => {{
        let request = $p
            .create_authorization_request(&AuthorizationRequestOptions::default())
            .unwrap();
        let callback_url = consent(&request.url).await;
        let callback = $p.parse_callback(&callback_url, &request.state).unwrap();
        let verifier = request.code_verifier.as_ref().map(|v| v.expose());
        $p.exchange_code(
            callback.code.expose(),
            verifier,
            callback.accounts_server.as_deref(),
        )
        .await
        .unwrap()
    }};
}

#[wasm_bindgen_test]
async fn flextell_code_flow_refresh_and_session() {
    register("flextell", "rust-flextell", Some("rust-secret")).await;
    let flextell = Flextell::new(code_options(
        "flextell",
        "rust-flextell",
        Some("rust-secret"),
    ))
    .unwrap();
    assert_eq!(
        flextell.api_base(),
        Some(format!("{}/api/v1", origin("flextell")).as_str())
    );
    let tokens = code_flow_tokens!(flextell);
    assert_eq!(tokens.scopes.as_deref(), Some(&["read".to_owned()][..]));
    assert!(tokens.expires_at.is_some() && !tokens.is_expired(60.0));

    // Refresh tokens rotate: the old one is dead afterwards.
    let old = tokens.refresh_token.clone().unwrap();
    let fresh = flextell.refresh(old.expose(), None).await.unwrap();
    assert_ne!(fresh.refresh_token.as_ref(), Some(&old));
    let dead = flextell.refresh(old.expose(), None).await.unwrap_err();
    assert_eq!(
        (dead.code(), dead.error()),
        (ErrorCode::OauthError, Some("invalid_grant"))
    );

    let revoke = flextell
        .revoke(fresh.access_token.expose(), None)
        .await
        .unwrap_err();
    assert_eq!(revoke.code(), ErrorCode::Unsupported);
    let no_login = flextell
        .login(&login("alice", "wonderland"))
        .await
        .unwrap_err();
    assert_eq!(no_login.code(), ErrorCode::Unsupported);

    let session = Session::new(&flextell, MemoryStore::new(), "alice").unwrap();
    session.save(&fresh).await.unwrap();
    let me = session.fetch(Request::get("/users/me")).await.unwrap();
    assert_eq!(me.status, 200, "{}", me.text());
    assert!(me.text().contains("alice@example.com"));
}

#[wasm_bindgen_test]
async fn callback_checks() {
    let flextell = Flextell::new(code_options("flextell", "rust-flextell", Some("s"))).unwrap();
    let request = flextell
        .create_authorization_request(&AuthorizationRequestOptions::default())
        .unwrap();
    let url = format!("{}?code=c&state=other", redirect_uri());
    let e = flextell.parse_callback(&url, &request.state).unwrap_err();
    assert_eq!(e.code(), ErrorCode::StateMismatch);
    let url = format!(
        "{}?error=access_denied&state={}",
        redirect_uri(),
        request.state
    );
    let e = flextell.parse_callback(&url, &request.state).unwrap_err();
    assert_eq!(
        (e.code(), e.error()),
        (ErrorCode::AuthorizationDenied, Some("access_denied"))
    );
    // A client secret in a page needs the opt-in.
    let guarded = Flextell::new(json!({
        "clientId": "c", "clientSecret": "s", "redirectUri": redirect_uri(), "origin": origin("flextell"),
    }));
    match guarded {
        Err(e) => assert!(e.code() == ErrorCode::SecretInBrowser && web_sys::window().is_some()),
        Ok(_) => assert!(web_sys::window().is_none()),
    }
    // Flextell requires scopes.
    let no_scopes = Flextell::new(json!({
        "clientId": "c", "clientSecret": "s", "redirectUri": redirect_uri(), "origin": origin("flextell"),
        "dangerouslyAllowBrowser": true,
    }))
    .unwrap();
    let e = no_scopes
        .create_authorization_request(&AuthorizationRequestOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
}

#[wasm_bindgen_test]
async fn oauth2_public_client_password_grant_and_revocation() {
    register("oauth2", "rust-public", None).await;
    let base = format!("{}/oauth2", main_url());
    let options = json!({
        "authorizationEndpoint": format!("{base}/authorize"), "tokenEndpoint": format!("{base}/token"),
        "revocationEndpoint": format!("{base}/revoke"), "clientId": "rust-public",
        "redirectUri": redirect_uri(), "apiBase": base,
    });
    let oauth2 = OAuth2::new(options).unwrap();
    let tokens = code_flow_tokens!(oauth2);
    let fresh = oauth2
        .refresh(tokens.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap();
    // Revoking the refresh token kills its family.
    oauth2
        .revoke(fresh.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap();
    let e = oauth2
        .refresh(fresh.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap_err();
    assert_eq!(e.error(), Some("invalid_grant"));

    let mut scoped = login("alice", "wonderland");
    scoped.scopes = vec!["read".into()];
    let tokens = oauth2.login(&scoped).await.unwrap();
    let mut request = Request::get(format!("{base}/userinfo"));
    oauth2.authorize(&mut request, &tokens).unwrap();
    assert_eq!(
        request.headers,
        vec![(
            "authorization".to_owned(),
            format!("Bearer {}", tokens.access_token.expose())
        )]
    );
    let session = Session::new(&oauth2, MemoryStore::new(), "k").unwrap();
    session.save(&tokens).await.unwrap();
    ok_call(&session, "/userinfo").await;
    session.logout().await.unwrap();
    let e = session.tokens().await.unwrap_err();
    assert_eq!(e.error(), Some("invalid_grant"));

    let wrong = oauth2.login(&login("alice", "hunter2")).await.unwrap_err();
    assert_eq!(wrong.error(), Some("invalid_grant"));
    let shown = format!("{wrong} {wrong:?} {scoped:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("wonderland"),
        "{shown}"
    );
}

#[wasm_bindgen_test]
async fn flexie_code_flow_and_api_keys() {
    register("flexie", "rust-flexie", Some("rust-secret")).await;
    let mut options = code_options("flexie", "rust-flexie", Some("rust-secret"));
    options["tokenPlacement"] = json!("query");
    let flexie = Flexie::new(options).unwrap();
    let tokens = code_flow_tokens!(flexie);
    let fresh = flexie
        .refresh(tokens.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap();
    assert_eq!(
        flexie
            .revoke(fresh.access_token.expose(), None)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Unsupported
    );
    let session = Session::new(&flexie, MemoryStore::new(), "k").unwrap();
    session.save(&fresh).await.unwrap();
    ok_call(&session, "/users/self").await;

    for placement in ["header", "query"] {
        let key = Flexie::api_key(json!({
            "apiKey": "test-api-key", "origin": origin("flexie"), "placement": placement,
        }))
        .unwrap();
        assert!(!format!("{key:?}").contains("test-api-key"));
        let session = Session::new(key, MemoryStore::new(), "k").unwrap();
        assert!(session.tokens().await.unwrap().is_none());
        let me = session.fetch(Request::get("/users/self")).await.unwrap();
        assert_eq!(me.status, 200, "{placement}");
    }
}

#[wasm_bindgen_test]
async fn agilecrm_code_flow_and_api_key() {
    register("agilecrm", "rust-agile", Some("rust-secret")).await;
    let agile = AgileCrm::new(code_options("agilecrm", "rust-agile", Some("rust-secret"))).unwrap();
    let tokens = code_flow_tokens!(agile);
    agile
        .refresh(tokens.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap();
    let key = AgileCrm::api_key(json!({
        "email": "alice@example.com", "apiKey": "test-api-key", "origin": origin("agilecrm"),
    }))
    .unwrap();
    let session = Session::new(key, MemoryStore::new(), "k").unwrap();
    let contact = session.fetch(Request::get("/contacts/1")).await.unwrap();
    assert_eq!(contact.status, 200);
    assert!(
        contact.text().starts_with('{'),
        "JSON, not XML: Accept was sent"
    );
}

#[wasm_bindgen_test]
async fn flowlu_login_api_errors_and_key() {
    let flowlu = Flowlu::new(json!({"origin": origin("flowlu")})).unwrap();
    let tokens = flowlu.login(&login("alice", "wonderland")).await.unwrap();
    assert!(tokens.refresh_token.is_none() && tokens.expires_at.is_none());
    assert_eq!(
        flowlu.refresh("anything", None).await.unwrap_err().code(),
        ErrorCode::Unsupported
    );
    let wrong = flowlu.login(&login("alice", "nope")).await.unwrap_err();
    assert_eq!(wrong.error(), Some("invalid_grant"));
    // Flowlu's misspelt `error_descrption` is read.
    assert!(wrong.error_description().is_some());

    let session = Session::new(&flowlu, MemoryStore::new(), "k").unwrap();
    session.save(&tokens).await.unwrap();
    let answer = session
        .fetch(Request::get("/crm/account/list"))
        .await
        .unwrap();
    assert!(answer.text().contains("\"response\""), "{}", answer.text());

    let key =
        Flowlu::api_key(json!({"apiKey": "test-api-key", "origin": origin("flowlu")})).unwrap();
    let session = Session::new(key, MemoryStore::new(), "k").unwrap();
    let answer = session
        .fetch(Request::get("/crm/account/list"))
        .await
        .unwrap();
    assert!(answer.text().contains("\"response\""));
}

#[wasm_bindgen_test]
async fn virtuous_login_two_factor_refresh_and_key() {
    let virtuous = Virtuous::new(json!({"origin": origin("virtuous")})).unwrap();
    let tokens = virtuous.login(&login("alice", "wonderland")).await.unwrap();
    assert!(tokens.expires_at.is_some());
    let odd = virtuous
        .login(&login("carol+crm@example.com", "p&s=w+rd ü€ %41"))
        .await
        .unwrap();
    assert!(!odd.access_token.expose().is_empty());

    let e = virtuous.login(&login("bob", "builder")).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::OtpRequired);
    let mut with_otp = login("bob", "builder");
    with_otp.otp = Some("123456".into());
    virtuous.login(&with_otp).await.unwrap();

    let fresh = virtuous
        .refresh(tokens.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap();
    let session = Session::new(&virtuous, MemoryStore::new(), "k").unwrap();
    session.save(&fresh).await.unwrap();
    ok_call(&session, "/Contact/1").await;

    let key =
        Virtuous::api_key(json!({"apiKey": "test-api-key", "origin": origin("virtuous")})).unwrap();
    let session = Session::new(key, MemoryStore::new(), "k").unwrap();
    ok_call(&session, "/Contact/1").await;
}

#[wasm_bindgen_test]
async fn session_refreshes_once_for_concurrent_callers() {
    let virtuous = Virtuous::new(json!({"origin": origin("virtuous")})).unwrap();
    let mut tokens = virtuous.login(&login("alice", "wonderland")).await.unwrap();
    tokens.expires_at = Some(0.0);
    let session = Session::new(&virtuous, MemoryStore::new(), "k").unwrap();
    session.save(&tokens).await.unwrap();
    let before = count("virtuous", "refresh_token").await;
    let all = join_all((0..5).map(|_| session.tokens())).await;
    let first = all[0]
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap()
        .access_token
        .clone();
    for got in &all {
        assert_eq!(got.as_ref().unwrap().as_ref().unwrap().access_token, first);
    }
    assert_eq!(count("virtuous", "refresh_token").await, before + 1);
    assert_ne!(first, tokens.access_token);
}

#[wasm_bindgen_test]
async fn session_refreshes_and_retries_after_401() {
    let virtuous = Virtuous::new(json!({"origin": origin("virtuous")})).unwrap();
    let mut tokens = virtuous.login(&login("alice", "wonderland")).await.unwrap();
    tokens.access_token = "revoked-or-unknown".into();
    let store = std::sync::Arc::new(MemoryStore::new());
    let session = Session::new(&virtuous, store.clone(), "k").unwrap();
    session.save(&tokens).await.unwrap();
    let before = count("virtuous", "refresh_token").await;
    let contact = session.fetch(Request::get("/Contact/1")).await.unwrap();
    assert_eq!(contact.status, 200);
    assert_eq!(count("virtuous", "refresh_token").await, before + 1);
    // The new set was stored, in the JS stored form.
    let stored = store.get("k").await.unwrap().unwrap();
    assert!(stored.starts_with("{\"v\":1,") && !stored.contains("revoked-or-unknown"));

    // A dead refresh token: invalid_grant, and the store is cleared.
    let mut dead = TokenSet::deserialize(&stored).unwrap();
    dead.expires_at = Some(0.0);
    dead.refresh_token = Some("dead".into());
    session.save(&dead).await.unwrap();
    let e = session.tokens().await.unwrap_err();
    assert_eq!(
        (e.code(), e.error()),
        (ErrorCode::OauthError, Some("invalid_grant"))
    );
    assert_eq!(store.get("k").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn rate_limits_and_network_errors() {
    control(
        "fault",
        json!({"provider": "virtuous", "endpoint": "token", "kind": "rate_limit", "retryAfter": 7}),
    )
    .await;
    let virtuous = Virtuous::new(json!({"origin": origin("virtuous")})).unwrap();
    let e = virtuous
        .login(&login("alice", "wonderland"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.retry_after()),
        (ErrorCode::RateLimited, Some(7.0))
    );
    let nowhere = Virtuous::new(json!({"origin": "http://127.0.0.1:9"})).unwrap();
    let e = nowhere
        .login(&login("alice", "wonderland"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NetworkError);
    assert!(!format!("{e} {e:?}").contains("wonderland"));
}

#[wasm_bindgen_test]
async fn echoed_secrets_are_redacted() {
    let oauth2 = OAuth2::new(json!({
        "authorizationEndpoint": format!("{}/oauth2/authorize", main_url()),
        "tokenEndpoint": format!("{}/oauth2/token", main_url()),
        "clientId": "test-client", "clientSecret": "test-secret", "clientAuth": "client_secret_basic",
        "redirectUri": "http://127.0.0.1/callback", "dangerouslyAllowBrowser": true,
    }))
    .unwrap();
    for password in ["p&s=w+rd ü€ %41", "plain-password"] {
        control(
            "fault",
            json!({"provider": "oauth2", "endpoint": "token", "kind": "echo_request"}),
        )
        .await;
        let e = oauth2.login(&login("alice", password)).await.unwrap_err();
        let shown = serde_json::to_string(&e).unwrap() + &format!("{e} {e:?}");
        assert_eq!(e.error(), Some("[redacted]"), "{shown}");
        for secret in [
            "plain-password",
            "p%26s",
            "ü€",
            "test-secret",
            "dGVzdC1jbGllbnQ6dGVzdC1zZWNyZXQ",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

#[wasm_bindgen_test]
async fn token_sets_serialize_as_js_does() {
    let virtuous = Virtuous::new(json!({"origin": origin("virtuous")})).unwrap();
    let tokens = virtuous.login(&login("alice", "wonderland")).await.unwrap();
    let text = serde_json::to_string(&tokens).unwrap();
    assert_eq!(text, tokens.serialize());
    let back: TokenSet = serde_json::from_str(&text).unwrap();
    assert_eq!(back, tokens);
    assert!(serde_json::from_str::<TokenSet>(r#"{"v":2,"access_token":"a"}"#).is_err());
    let js = tokens.to_js().unwrap();
    assert_eq!(TokenSet::from_js(js).unwrap(), tokens);
    let shown = format!("{tokens:?}");
    assert!(!shown.contains(tokens.access_token.expose()));

    let e = virtuous.login(&login("alice", "nope")).await.unwrap_err();
    let as_js: wasm_bindgen::JsValue = e.into();
    let code = js_sys::Reflect::get(&as_js, &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("oauth_error"));
}

#[wasm_bindgen_test]
async fn web_storage_store() {
    match WebStorageStore::session() {
        // A page: the same values a JS WebStorageStore holds.
        Ok(store) => {
            store.set("crm-auth-test", "v".into()).await.unwrap();
            assert_eq!(
                store.get("crm-auth-test").await.unwrap().as_deref(),
                Some("v")
            );
            store.delete("crm-auth-test").await.unwrap();
            assert_eq!(store.get("crm-auth-test").await.unwrap(), None);
        }
        // Node: no window.
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::Unsupported);
            assert!(web_sys::window().is_none());
        }
    }
}

// ---- The four CRMs of issue 14 -------------------------------------------------------

/// Options of a code-flow client at `provider` registered by [`register`]
/// (a secret unless `None`), with the scopes it takes.
async fn registered(provider: &str, secret: Option<&str>, scopes: &[&str]) -> Value {
    let client_id = format!("rust-{provider}-{}", secret.map_or("public", |_| "server"));
    register(provider, &client_id, secret).await;
    let mut options = code_options(provider, &client_id, secret);
    options["scopes"] = json!(scopes);
    options
}

/// `tokens` as stored with an access token about to expire: the session
/// refreshes before its next call.
fn expiring(tokens: &TokenSet) -> TokenSet {
    let mut soon = tokens.clone();
    soon.expires_at = Some(js_sys::Date::now() + 30_000.0);
    soon
}

/// Calls `path` through `session` and checks it answers 200.
async fn ok_call(session: &Session, path: &str) {
    let answer = session.fetch(Request::get(path)).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text());
}

/// Calls `path` through `session` and checks it answers 200 after exactly
/// one refresh at `provider`; the refreshed set.
async fn refreshed_call(session: &Session, provider: &str, path: &str) -> TokenSet {
    let refreshes = count(provider, "refresh_token").await;
    ok_call(session, path).await;
    assert_eq!(count(provider, "refresh_token").await, refreshes + 1);
    session.tokens().await.unwrap().unwrap()
}

/// Logs `session` out: exactly one revocation at `provider`.
async fn logs_out(session: &Session, provider: &str) {
    let revokes = count(provider, "revoke").await;
    session.logout().await.unwrap();
    assert_eq!(count(provider, "revoke").await, revokes + 1);
}

#[wasm_bindgen_test]
async fn hubspot_code_flow_session_refreshes_from_expiry_only() {
    let hubspot =
        HubSpot::new(registered("hubspot", Some("rust-secret"), &["oauth"]).await).unwrap();
    assert_eq!(hubspot.api_base(), Some(origin("hubspot").as_str()));
    let tokens = code_flow_tokens!(hubspot);
    assert!(tokens.expires_at.is_some() && tokens.refresh_token.is_some());
    let session = Session::new(&hubspot, MemoryStore::new(), "hubspot").unwrap();
    session.save(&tokens).await.unwrap();
    ok_call(&session, "/account-info/v3/details").await;

    // A HubSpot 401 is the caller's: no refresh.
    let refreshes = count("hubspot", "refresh_token").await;
    let denied = session
        .fetch(Request::get("/crm/v3/objects/quotes"))
        .await
        .unwrap();
    assert_eq!(denied.status, 401);
    assert_eq!(count("hubspot", "refresh_token").await, refreshes);

    // Near the expiry: one refresh before the call; the refresh token comes back.
    session.save(&expiring(&tokens)).await.unwrap();
    let fresh = refreshed_call(&session, "hubspot", "/account-info/v3/details").await;
    assert_ne!(fresh.access_token, tokens.access_token);
    assert_eq!(fresh.refresh_token, tokens.refresh_token);

    logs_out(&session, "hubspot").await;
    let refresh = tokens.refresh_token.as_ref().unwrap().expose();
    let e = hubspot.refresh(refresh, None).await.unwrap_err();
    assert_eq!(e.error(), Some("invalid_grant"));
}

#[wasm_bindgen_test]
async fn salesforce_instance_url_refresh_on_401_and_request_limit() {
    let options = registered("salesforce", None, &["api", "refresh_token"]).await;
    let salesforce = Salesforce::new(options).unwrap();
    let tokens = code_flow_tokens!(salesforce);
    let instance = format!("{}/salesforce", main_url());
    // The org's API lives at the token answer's instance_url, not at the login host.
    assert_eq!(tokens.api_base.as_deref(), Some(instance.as_str()));
    assert_ne!(salesforce.api_base(), Some(instance.as_str()));
    assert_eq!(tokens.expires_at, None, "Salesforce sends no expiry");
    let session = Session::new(&salesforce, MemoryStore::new(), "salesforce").unwrap();
    session.save(&tokens).await.unwrap();

    // No expiry: the session learns of it from a 401, refreshes and retries
    // at the instance (the refresh answer's instance_url, or the kept one).
    control(
        "fault",
        json!({"provider": "salesforce", "endpoint": "api", "kind": "unauthorized"}),
    )
    .await;
    let fresh = refreshed_call(&session, "salesforce", "/services/data/v62.0/limits").await;
    assert_ne!(fresh.access_token, tokens.access_token);
    assert_eq!(fresh.refresh_token, tokens.refresh_token, "kept");
    assert_eq!(fresh.api_base.as_deref(), Some(instance.as_str()));

    // 403 REQUEST_LIMIT_EXCEEDED is a rate limit, not a refresh signal.
    control(
        "fault",
        json!({"provider": "salesforce", "endpoint": "api", "kind": "rate_limit"}),
    )
    .await;
    let refreshes = count("salesforce", "refresh_token").await;
    let e = session
        .fetch(Request::get("/services/data/v62.0/limits"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.error()),
        (
            ErrorCode::RateLimited,
            Some(403),
            Some("REQUEST_LIMIT_EXCEEDED")
        )
    );
    assert_eq!(count("salesforce", "refresh_token").await, refreshes);

    logs_out(&session, "salesforce").await;
    let refresh = tokens.refresh_token.as_ref().unwrap().expose();
    let e = salesforce.refresh(refresh, None).await.unwrap_err();
    assert_eq!(e.error(), Some("invalid_grant"));
}

#[wasm_bindgen_test]
async fn salesforce_client_credentials() {
    let options = registered("salesforce", Some("rust-secret"), &["api"]).await;
    let salesforce = Salesforce::new(options.clone()).unwrap();
    let tokens = salesforce
        .client_credentials(&["api".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        (tokens.refresh_token.as_ref(), tokens.expires_at),
        (None, None)
    );
    let session = Session::new(&salesforce, MemoryStore::new(), "service").unwrap();
    session.save(&tokens).await.unwrap();
    ok_call(&session, "/services/data/v62.0/limits").await;

    // Not on login.salesforce.com, nor without a secret: nothing is sent.
    let sent = count("salesforce", "other").await;
    let mut login_host = options.clone();
    login_host.as_object_mut().unwrap().remove("origin");
    let e = Salesforce::new(login_host)
        .unwrap()
        .client_credentials(&[])
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    let mut public = options;
    public["clientSecret"] = Value::Null;
    let e = Salesforce::new(public)
        .unwrap()
        .client_credentials(&[])
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(count("salesforce", "other").await, sent);
}

#[wasm_bindgen_test]
async fn pipedrive_api_domain_session_and_api_key() {
    let pipedrive =
        Pipedrive::new(registered("pipedrive", Some("rust-secret"), &[]).await).unwrap();
    assert_eq!(pipedrive.api_base(), None, "each grant names its own");
    let request = pipedrive
        .create_authorization_request(&AuthorizationRequestOptions::default())
        .unwrap();
    assert!(request.code_verifier.is_none(), "Pipedrive takes no PKCE");
    let tokens = code_flow_tokens!(pipedrive);
    let own = origin("pipedrive");
    assert_eq!(tokens.api_base.as_deref(), Some(own.as_str()));
    let stored: TokenSet = serde_json::from_str(&serde_json::to_string(&tokens).unwrap()).unwrap();
    assert_eq!(stored.api_base, tokens.api_base, "api_base is stored");
    assert_eq!(serde_json::to_string(&tokens).unwrap(), tokens.serialize());

    let session = Session::new(&pipedrive, MemoryStore::new(), "pipedrive").unwrap();
    session.save(&expiring(&tokens)).await.unwrap();
    // The API answers 404 on another domain than the grant's api_domain.
    let fresh = refreshed_call(&session, "pipedrive", "/api/v1/users/me").await;
    assert_eq!(fresh.api_base.as_deref(), Some(own.as_str()));
    assert_ne!(fresh.access_token, tokens.access_token);

    logs_out(&session, "pipedrive").await;
    let refresh = fresh.refresh_token.as_ref().unwrap().expose();
    let e = pipedrive.refresh(refresh, Some(&own)).await.unwrap_err();
    assert_eq!(e.error(), Some("invalid_grant"));

    // The personal API token goes in x-api-token.
    let key = Pipedrive::api_key(json!({"apiKey": "test-api-key", "origin": own})).unwrap();
    let mut placed = Request::get(format!("{own}/api/v1/users/me"));
    key.authorize(&mut placed);
    assert_eq!(
        placed.headers,
        vec![("x-api-token".to_owned(), "test-api-key".to_owned())]
    );
    let session = Session::new(key, MemoryStore::new(), "pipedrive-key").unwrap();
    ok_call(&session, "/api/v1/users/me").await;
}

#[wasm_bindgen_test]
async fn zoho_accounts_server_api_domain_and_zoho_oauthtoken() {
    let scopes = ["ZohoCRM.modules.ALL", "ZohoCRM.users.READ"];
    let zoho = ZohoCrm::new(registered("zohocrm", None, &scopes).await).unwrap();
    let own = origin("zohocrm");
    let request = zoho
        .create_authorization_request(&AuthorizationRequestOptions::default())
        .unwrap();
    assert!(request
        .url
        .contains("scope=ZohoCRM.modules.ALL%2CZohoCRM.users.READ"));
    let callback_url = consent(&request.url).await;
    let callback = zoho.parse_callback(&callback_url, &request.state).unwrap();
    assert_eq!(callback.accounts_server.as_deref(), Some(own.as_str()));
    let verifier = request.code_verifier.as_ref().map(|v| v.expose());
    let server = callback.accounts_server.as_deref();
    let tokens = zoho
        .exchange_code(callback.code.expose(), verifier, server)
        .await
        .unwrap();
    assert_eq!(tokens.api_base.as_deref(), Some(own.as_str()));
    let mut placed = Request::get(format!("{own}/crm/v8/users?type=CurrentUser"));
    zoho.authorize(&mut placed, &tokens).unwrap();
    let scheme = format!("Zoho-oauthtoken {}", tokens.access_token.expose());
    assert_eq!(placed.headers, vec![("authorization".to_owned(), scheme)]);

    let session = Session::new(&zoho, MemoryStore::new(), "zoho").unwrap();
    session.save(&expiring(&tokens)).await.unwrap();
    let fresh = refreshed_call(&session, "zohocrm", "/crm/v8/users?type=CurrentUser").await;
    assert_eq!(fresh.refresh_token, tokens.refresh_token, "no rotation");
    assert_eq!(fresh.api_base.as_deref(), Some(own.as_str()));

    logs_out(&session, "zohocrm").await;
}

#[wasm_bindgen_test]
async fn zoho_refuses_foreign_accounts_servers() {
    let scopes = ["ZohoCRM.users.READ"];
    let zoho = ZohoCrm::new(registered("zohocrm", None, &scopes).await).unwrap();
    let sent = count("zohocrm", "authorization_code").await;
    for foreign in ["https://evil.example", "https://accounts.zoho.eu"] {
        control(
            "config",
            json!({"provider": "zohocrm", "accountsServer": foreign}),
        )
        .await;
        let request = zoho
            .create_authorization_request(&AuthorizationRequestOptions::default())
            .unwrap();
        let callback_url = consent(&request.url).await;
        let e = zoho.parse_callback(&callback_url, &request.state);
        control(
            "config",
            json!({"provider": "zohocrm", "accountsServer": null}),
        )
        .await;
        assert_eq!(
            e.unwrap_err().code(),
            ErrorCode::InvalidCallback,
            "{foreign}"
        );
    }
    let e = zoho
        .exchange_code("some-code", None, Some("https://evil.example"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(
        count("zohocrm", "authorization_code").await,
        sent,
        "nothing was sent"
    );
}
