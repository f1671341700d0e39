//! The Rust client natively (feature `ureq`): the same API over
//! `UreqClient`, against the provider simulator on 127.0.0.1 that
//! scripts/test.sh starts (`CRM_AUTH_SIM`, read at run time).
#![cfg(all(not(target_arch = "wasm32"), feature = "ureq"))]

use crm_auth::client::{ErrorCode, LoginOptions, MemoryStore, OAuth2, Request, Session, Virtuous};
use pollster::block_on;
use serde_json::{json, Value};

fn sim() -> Value {
    let sim = std::env::var("CRM_AUTH_SIM")
        .expect("CRM_AUTH_SIM: run through scripts/test.sh (it starts the simulator)");
    serde_json::from_str(&sim).unwrap()
}

fn login(username: &str, password: &str) -> LoginOptions {
    LoginOptions {
        username: username.into(),
        password: password.into(),
        ..LoginOptions::default()
    }
}

/// Servers (Tokio, axum) move futures between threads: the client's are `Send`.
#[test]
fn futures_are_send() {
    fn send<T: Send>(_: T) {}
    let virtuous = Virtuous::new(json!({ "origin": "http://127.0.0.1:9" })).unwrap();
    let session = Session::new(&virtuous, MemoryStore::new(), "k").unwrap();
    send(virtuous.login(&login("a", "b")));
    send(session.tokens());
    send(session.fetch(Request::get("/x")));
    send(session.logout());
    send(session);
}

#[test]
fn virtuous_login_refresh_and_session() {
    let origin = sim()["origins"]["virtuous"].as_str().unwrap().to_owned();
    block_on(async {
        let virtuous = Virtuous::new(json!({ "origin": origin })).unwrap();
        let tokens = virtuous.login(&login("alice", "wonderland")).await.unwrap();
        let fresh = virtuous
            .refresh(tokens.refresh_token.as_ref().unwrap().expose(), None)
            .await
            .unwrap();
        let session = Session::new(&virtuous, MemoryStore::new(), "k").unwrap();
        session.save(&fresh).await.unwrap();
        let contact = session.fetch(Request::get("/Contact/1")).await.unwrap();
        assert_eq!(contact.status, 200);
        assert!(contact.text().contains("alice@example.com"));
        let e = virtuous.login(&login("bob", "builder")).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::OtpRequired);
    });
}

#[test]
fn oauth2_password_grant_revocation_and_network_errors() {
    let base = format!("{}/oauth2", sim()["url"].as_str().unwrap());
    block_on(async {
        let oauth2 = OAuth2::new(json!({
            "authorizationEndpoint": format!("{base}/authorize"), "tokenEndpoint": format!("{base}/token"),
            "revocationEndpoint": format!("{base}/revoke"), "clientId": "test-client",
            "clientSecret": "test-secret", "redirectUri": "http://127.0.0.1/callback",
        }))
        .unwrap();
        let tokens = oauth2.login(&login("alice", "wonderland")).await.unwrap();
        let refresh = tokens.refresh_token.as_ref().unwrap().expose();
        oauth2.revoke(refresh, None).await.unwrap();
        let e = oauth2.refresh(refresh, None).await.unwrap_err();
        assert_eq!(
            (e.code(), e.error()),
            (ErrorCode::OauthError, Some("invalid_grant"))
        );

        let nowhere = Virtuous::new(json!({ "origin": "http://127.0.0.1:9" })).unwrap();
        let e = nowhere
            .login(&login("alice", "wonderland"))
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::NetworkError);
        assert!(!format!("{e} {e:?}").contains("wonderland"));
    });
}
