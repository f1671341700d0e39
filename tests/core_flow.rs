//! The core pieces strung together the way a provider uses them.

mod common;

use common::{parse_callback, parse_form};
use crm_auth::core::encode::{append_query, basic_auth};
use crm_auth::core::endpoint::{check_endpoint, join_origin, origin_of};
use crm_auth::core::error::ErrorCode;
use crm_auth::core::pkce;
use crm_auth::core::random;
use crm_auth::core::request::{
    code_grant, parse_revoke_response, password_grant, refresh_grant, revoke_request, Client,
    ClientAuth, HttpRequest, HttpResponse,
};
use crm_auth::core::secret::Secret;
use crm_auth::core::token::{parse_token_response, Answers, TokenSet};
use crm_auth::providers::{flowlu, virtuous};

const NOW: f64 = 1_700_000_000_000.0;
const REDIRECT: &str = "https://app.example/callback";

fn ok(body: &str) -> HttpResponse {
    HttpResponse {
        status: 200,
        retry_after: None,
        body: body.to_owned(),
    }
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

fn client() -> Client {
    Client {
        client_id: "crm-app".into(),
        client_secret: Some(Secret::from("s3cr&t")),
        auth: ClientAuth::SecretPost,
    }
}

#[test]
fn authorization_code_flow_with_pkce() {
    let origin = "https://Tenant.Flextell.example";
    let authorize = join_origin(origin, "/oauth/authorize").unwrap();
    let token_endpoint = join_origin(origin, "/oauth/token").unwrap();
    check_endpoint(&token_endpoint).unwrap();
    let issuer = origin_of(&authorize).unwrap();
    assert_eq!(issuer, "https://tenant.flextell.example");

    // 1. Authorization request.
    let state = random::token().unwrap();
    let pkce = pkce::generate().unwrap();
    let url = append_query(
        &authorize,
        &[
            ("response_type", "code"),
            ("client_id", "crm-app"),
            ("redirect_uri", REDIRECT),
            ("scope", "contacts.read deals.write"),
            ("state", &state),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let (_, query) = url.split_once('?').unwrap();
    let params = parse_form(query).unwrap();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("scope"), Some("contacts.read deals.write"));
    assert_eq!(get("redirect_uri"), Some(REDIRECT));
    assert_eq!(get("state"), Some(state.as_str()));
    assert!(url.starts_with("https://tenant.flextell.example/oauth/authorize?response_type=code&client_id=crm-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&scope=contacts.read+deals.write&state="));

    // 2. The server redirects back (with RFC 9207 `iss`).
    let callback_url = append_query(
        REDIRECT,
        &[("code", "c0de/+= ü"), ("state", &state), ("iss", &issuer)],
    );
    let callback = parse_callback(&callback_url, &state, Some(&issuer)).unwrap();
    assert_eq!(callback, "c0de/+= ü");
    let replayed = parse_callback(&callback_url, &random::token().unwrap(), Some(&issuer));
    assert_eq!(replayed.unwrap_err().code, ErrorCode::StateMismatch);
    let mixed_up = parse_callback(&callback_url, &state, Some("https://other.example"));
    assert_eq!(mixed_up.unwrap_err().code, ErrorCode::InvalidCallback);

    // 3. Code exchange: the exact bytes on the wire.
    let req = code_grant(
        &token_endpoint,
        &client(),
        &callback,
        REDIRECT,
        Some(pkce.verifier.expose()),
    );
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://tenant.flextell.example/oauth/token");
    assert_eq!(
        req.body.unwrap(),
        format!(
            "grant_type=authorization_code&code=c0de%2F%2B%3D+%C3%BC&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&code_verifier={}&client_id=crm-app&client_secret=s3cr%26t",
            pkce.verifier.expose()
        )
    );

    // 4. Token response (text/plain JSON is fine: the content type is ignored).
    let tokens = parse_token_response(
        &ok(r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1","scope":"contacts.read deals.write"}"#),
        NOW, &Answers::STANDARD,
    )
    .unwrap();
    assert_eq!(tokens.expires_at, Some(NOW + 3_600_000.0));

    // 5. Storage round trip.
    let stored = tokens.serialize();
    assert!(!format!("{tokens:?}").contains("at-1"));
    assert_eq!(TokenSet::deserialize(&stored).unwrap(), tokens);

    // 6. Refresh without a new refresh token keeps the old one.
    let rt = tokens.refresh_token.as_ref().unwrap().expose();
    let req = refresh_grant(&token_endpoint, Some(&client()), rt);
    assert_eq!(
        req.body.as_deref(),
        Some(
            "grant_type=refresh_token&refresh_token=rt-1&client_id=crm-app&client_secret=s3cr%26t"
        )
    );
    let mut refreshed = parse_token_response(
        &ok(r#"{"access_token":"at-2","expires_in":"3600"}"#),
        NOW,
        &Answers::STANDARD,
    )
    .unwrap();
    refreshed.keep_refresh_token(Some(rt));
    assert_eq!(refreshed.refresh_token, Some(Secret::from("rt-1")));

    // 7. Revocation with Basic client auth.
    let basic = Client {
        auth: ClientAuth::SecretBasic,
        ..client()
    };
    let req = revoke_request(
        &join_origin(origin, "/oauth/revoke").unwrap(),
        &basic,
        "rt-1",
    );
    assert_eq!(req.body.as_deref(), Some("token=rt-1"));
    assert_eq!(
        header(&req, "authorization"),
        Some(basic_auth("crm-app", "s3cr%26t").as_str())
    );
    parse_revoke_response(&ok(""), NOW, &Answers::STANDARD).unwrap();
}

#[test]
fn rfc7636_verifier_in_code_grant() {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert_eq!(
        pkce::challenge_s256(verifier),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let public = Client {
        client_id: "pub".into(),
        client_secret: None,
        auth: ClientAuth::None,
    };
    let req = code_grant(
        "http://127.0.0.1:8787/oauth/token",
        &public,
        "abc",
        "http://localhost:5173/cb",
        Some(verifier),
    );
    assert_eq!(
        req.body.as_deref(),
        Some("grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Fcb&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=pub")
    );
}

#[test]
fn fragment_callback_and_denial() {
    let state = random::token().unwrap();
    let url = format!("{REDIRECT}#state={state}&code=frag");
    assert_eq!(parse_callback(&url, &state, None).unwrap(), "frag");
    let denied = format!("{REDIRECT}?error=access_denied&error_description=Nope&state={state}");
    let e = parse_callback(&denied, &state, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthorizationDenied);
    assert_eq!(e.error_description.as_deref(), Some("Nope"));
    let repeated = format!("{REDIRECT}?code=x&state={state}&state={state}");
    assert_eq!(
        parse_callback(&repeated, &state, None).unwrap_err().code,
        ErrorCode::InvalidCallback
    );
}

#[test]
fn flowlu_password_grant() {
    let flowlu = Client {
        client_id: "android_app_v1".into(),
        client_secret: None,
        auth: ClientAuth::SecretPost,
    };
    let endpoint = join_origin("https://acme.flowlu.com", "/oauth/token").unwrap();
    let req = password_grant(&endpoint, Some(&flowlu), "me@acme.io", "p&s=w+rd ü", &[]);
    assert_eq!(
        req.body.as_deref(),
        Some("grant_type=password&username=me%40acme.io&password=p%26s%3Dw%2Brd+%C3%BC&client_id=android_app_v1")
    );
    let tokens = parse_token_response(
        &ok(r#"{"access_token":"tok","token_type":"bearer"}"#),
        NOW,
        &Answers::STANDARD,
    )
    .unwrap();
    assert_eq!(
        (tokens.token_type.as_str(), tokens.expires_at),
        ("bearer", None)
    );
    assert_eq!(
        basic_auth("bearer", tokens.access_token.expose()),
        "Basic YmVhcmVyOnRvaw=="
    );
    let e = parse_token_response(
        &ok(r#"{"error":"invalid_grant","error_descrption":"Wrong login or password"}"#),
        NOW,
        &flowlu::ANSWERS,
    )
    .unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::OauthError, Some(200)));
    assert_eq!(
        e.error_description.as_deref(),
        Some("Wrong login or password")
    );
    assert!(!e.to_string().contains("p&s"));
}

#[test]
fn virtuous_password_grant_without_client() {
    let req = password_grant(
        "https://api.virtuoussoftware.com/Token",
        None,
        "u",
        "p",
        &[("otp", "123456")],
    );
    assert_eq!(
        req.body.as_deref(),
        Some("grant_type=password&username=u&password=p&otp=123456")
    );
    let body = r#"{"access_token":"a","token_type":"bearer","refresh_token":"r","userName":"u",".issued":"Tue, 14 Nov 2023 22:13:20 GMT",".expires":"Tue, 28 Nov 2023 22:13:20 GMT"}"#;
    let tokens = parse_token_response(&ok(body), NOW, &virtuous::ANSWERS).unwrap();
    assert_eq!(tokens.expires_at, Some(NOW + 14.0 * 86_400_000.0));
}

#[test]
fn errors_never_leak_secrets() {
    let leaky = [
        (500, "<html>password=hunter2 access_token=at-1</html>"),
        (
            400,
            r#"{"error":"invalid_client","error_description":"secret s3cr&t is wrong"}"#,
        ),
        (200, "not json hunter2"),
        (429, "hunter2"),
    ];
    for (status, body) in leaky {
        let resp = HttpResponse {
            status,
            retry_after: Some("Tue, 14 Nov 2023 22:14:20 GMT".into()),
            body: body.into(),
        };
        let e = parse_token_response(&resp, NOW, &Answers::STANDARD).unwrap_err();
        for secret in ["hunter2", "at-1", "s3cr"] {
            assert!(!e.message.contains(secret), "{}", e.message);
        }
        if status == 429 {
            assert_eq!(
                (e.code, e.retry_after),
                (ErrorCode::RateLimited, Some(60.0))
            );
        }
    }
}
