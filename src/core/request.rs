//! Token-endpoint requests and responses as plain data: the core builds them,
//! the `http` module sends them.

use super::encode::{byte_below, client_basic_auth, concat, form_encode, scan, splat, zero_byte};
use super::error::{Error, ErrorCode, Result};
use super::secret::Secret;
use super::token::{response_error, Answers};
use crate::prelude::*;
use core::fmt;

/// An HTTP request to execute.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(&'static str, String)>,
    /// Request body, if any.
    pub body: Option<String>,
}

/// Shows method and URL only: headers and body can carry secrets, and some
/// providers put tokens in the query, so that is elided too.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url.find(['?', '#']) {
            // Keep the `?` or `#` itself, so the elision is visible.
            Some(i) => concat(&[self.url.get(..=i).unwrap_or_default(), "…"]),
            None => self.url.clone(),
        };
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &url)
            .finish()
    }
}

/// An HTTP response, reduced to what the parsers need.
#[derive(Clone, PartialEq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The `Retry-After` header, if present.
    pub retry_after: Option<String>,
    /// The body as text.
    pub body: String,
}

/// Leaves the body out: token responses carry tokens.
impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("retry_after", &self.retry_after)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Whether `value` can travel in an HTTP header byte for byte: printable
/// ASCII only. CR, LF or NUL make `fetch` throw a `TypeError` that quotes the
/// value (a token, an API key), and runtimes disagree on non-ASCII bytes.
pub fn header_safe(value: &str) -> bool {
    // Eight bytes per step: every token answer and stored set checks both
    // tokens.
    let word = |w| byte_below(w, 0x20) || w & splat(0x80) != 0 || zero_byte(w ^ splat(0x7f));
    let byte = |b: u8| !(0x20..0x7f).contains(&b);
    scan(value.as_bytes(), word, byte) == value.len()
}

/// `invalid_argument` naming `what` (never the value) unless `value` is
/// [`header_safe`]: client ids, API keys, tokens, emails and key ids.
pub fn check_header_value(value: &str, what: &str) -> Result<()> {
    if header_safe(value) {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::InvalidArgument,
        concat(&[
            what,
            " must be printable ASCII (no CR, LF, NUL or non-ASCII characters)",
        ]),
    ))
}

/// How the client authenticates to the token endpoint (RFC 6749 §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_post`: id and secret in the form body.
    SecretPost,
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret.
    SecretBasic,
    /// `none`: a public client; only `client_id` in the body.
    None,
}

/// A registered OAuth client.
#[derive(Clone, Debug)]
pub struct Client {
    /// The client identifier.
    pub client_id: String,
    /// The client secret, for confidential clients.
    pub client_secret: Option<Secret>,
    /// Where the credentials go.
    pub auth: ClientAuth,
}

/// A form POST to a token-style endpoint: `params` followed by the client's
/// credentials as `client.auth` says (none at all when `client` is `None`).
pub fn token_request(
    endpoint: &str,
    client: Option<&Client>,
    params: &[(&str, &str)],
) -> HttpRequest {
    let mut headers = vec![
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("accept", "application/json".to_owned()),
    ];
    let mut fields = params.to_vec();
    if let Some(client) = client {
        match (client.auth, &client.client_secret) {
            (ClientAuth::SecretBasic, Some(secret)) => {
                headers.push((
                    "authorization",
                    client_basic_auth(&client.client_id, secret.expose()),
                ));
            }
            (ClientAuth::SecretPost, Some(secret)) => {
                fields.push(("client_id", &client.client_id));
                fields.push(("client_secret", secret.expose()));
            }
            // No secret to send (or a public client): identify by id only.
            _ => fields.push(("client_id", &client.client_id)),
        }
    }
    HttpRequest {
        method: "POST",
        url: endpoint.to_owned(),
        headers,
        body: Some(form_encode(&fields)),
    }
}

/// Authorization-code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5).
pub fn code_grant(
    endpoint: &str,
    client: &Client,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
) -> HttpRequest {
    let mut params = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(verifier) = code_verifier {
        params.push(("code_verifier", verifier));
    }
    token_request(endpoint, Some(client), &params)
}

/// Refresh-token grant (RFC 6749 §6).
pub fn refresh_grant(endpoint: &str, client: Option<&Client>, refresh_token: &str) -> HttpRequest {
    token_request(
        endpoint,
        client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
}

/// Resource-owner password grant (RFC 6749 §4.3), plus provider extras such
/// as Virtuous's `otp`.
pub fn password_grant(
    endpoint: &str,
    client: Option<&Client>,
    username: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> HttpRequest {
    let mut params = vec![
        ("grant_type", "password"),
        ("username", username),
        ("password", password),
    ];
    params.extend_from_slice(extra);
    token_request(endpoint, client, &params)
}

/// Token revocation (RFC 7009 §2.1).
pub fn revoke_request(endpoint: &str, client: &Client, token: &str) -> HttpRequest {
    token_request(endpoint, Some(client), &[("token", token)])
}

/// Any 2xx means revoked, whatever the body (RFC 7009 §2.2); anything else
/// maps like a token-endpoint error.
pub fn parse_revoke_response(resp: &HttpResponse, now_ms: f64, answers: &Answers) -> Result<()> {
    if (200..300).contains(&resp.status) {
        return Ok(());
    }
    response_error(resp, now_ms, answers).map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encode::basic_auth;
    use crate::core::error::ErrorCode;

    #[test]
    fn header_safe_is_printable_ascii() {
        // Every character at every position of a run longer than a word.
        for c in (0u32..0x100)
            .chain([0x141, 0x20ac, 0x1f600])
            .filter_map(char::from_u32)
        {
            for at in 0..17 {
                let mut value: std::string::String = "a".repeat(17);
                value.replace_range(at..at + 1, c.encode_utf8(&mut [0; 4]));
                let want = (' '..='~').contains(&c);
                assert_eq!(header_safe(&value), want, "{c:?} at {at}");
            }
        }
        assert!(header_safe(""));
    }

    fn client(auth: ClientAuth, secret: Option<&str>) -> Client {
        Client {
            client_id: "my app".into(),
            client_secret: secret.map(Secret::from),
            auth,
        }
    }

    fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
        req.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    const EP: &str = "https://as.example/oauth/token";

    #[test]
    fn client_authentication_modes() {
        let params = [("grant_type", "x")];
        let post = token_request(
            EP,
            Some(&client(ClientAuth::SecretPost, Some("s&3"))),
            &params,
        );
        assert_eq!(post.method, "POST");
        assert_eq!(post.url, EP);
        assert_eq!(
            post.body.as_deref(),
            Some("grant_type=x&client_id=my+app&client_secret=s%263")
        );
        assert_eq!(
            header(&post, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(header(&post, "accept"), Some("application/json"));
        assert_eq!(header(&post, "authorization"), None);

        let basic = token_request(
            EP,
            Some(&client(ClientAuth::SecretBasic, Some("s&3"))),
            &params,
        );
        assert_eq!(basic.body.as_deref(), Some("grant_type=x"));
        assert_eq!(
            header(&basic, "authorization"),
            Some(basic_auth("my+app", "s%263").as_str())
        );

        let expected_id_only = Some("grant_type=x&client_id=my+app");
        for c in [
            client(ClientAuth::SecretBasic, None),
            client(ClientAuth::SecretPost, None),
            client(ClientAuth::None, Some("ignored")),
        ] {
            let req = token_request(EP, Some(&c), &params);
            assert_eq!(req.body.as_deref(), expected_id_only, "{c:?}");
            assert_eq!(header(&req, "authorization"), None);
        }
        assert_eq!(
            token_request(EP, None, &params).body.as_deref(),
            Some("grant_type=x")
        );
    }

    #[test]
    fn grant_builders() {
        let c = client(ClientAuth::None, None);
        let code = code_grant(EP, &c, "c/1", "https://app/cb", Some("v"));
        assert_eq!(
            code.body.as_deref(),
            Some("grant_type=authorization_code&code=c%2F1&redirect_uri=https%3A%2F%2Fapp%2Fcb&code_verifier=v&client_id=my+app")
        );
        let code = code_grant(EP, &c, "c", "r", None);
        assert_eq!(
            code.body.as_deref(),
            Some("grant_type=authorization_code&code=c&redirect_uri=r&client_id=my+app")
        );
        let refresh = refresh_grant(EP, None, "r+t");
        assert_eq!(
            refresh.body.as_deref(),
            Some("grant_type=refresh_token&refresh_token=r%2Bt")
        );
        let password = password_grant(EP, None, "u@x", "p&s=w+rd ü", &[("otp", "123")]);
        assert_eq!(
            password.body.as_deref(),
            Some("grant_type=password&username=u%40x&password=p%26s%3Dw%2Brd+%C3%BC&otp=123")
        );
        assert_eq!(
            revoke_request(EP, &c, "t").body.as_deref(),
            Some("token=t&client_id=my+app")
        );
    }

    #[test]
    fn debug_is_redacted() {
        let mut req = password_grant(
            EP,
            Some(&client(ClientAuth::SecretBasic, Some("SECRET"))),
            "u",
            "PASSWORD",
            &[],
        );
        req.url = format!("{EP}?access_token=TOKEN");
        assert_eq!(
            format!("{req:?}"),
            "HttpRequest { method: \"POST\", url: \"https://as.example/oauth/token?…\" }"
        );
        req.url = format!("{EP}#TOKEN");
        assert_eq!(
            format!("{req:?}"),
            "HttpRequest { method: \"POST\", url: \"https://as.example/oauth/token#…\" }"
        );
        req.url = EP.into();
        assert!(!format!("{req:?}").contains("SECRET"));
        let resp = HttpResponse {
            status: 200,
            retry_after: None,
            body: "{\"access_token\":\"TOKEN\"}".into(),
        };
        assert_eq!(
            format!("{resp:?}"),
            "HttpResponse { status: 200, retry_after: None, body_len: 24 }"
        );
    }

    #[test]
    fn revoke_responses() {
        let resp = |status: u16, body: &str| HttpResponse {
            status,
            retry_after: None,
            body: body.into(),
        };
        assert_eq!(
            parse_revoke_response(&resp(200, ""), 0.0, &Answers::STANDARD),
            Ok(())
        );
        assert_eq!(
            parse_revoke_response(&resp(204, "{\"error\":\"x\"}"), 0.0, &Answers::STANDARD),
            Ok(())
        );
        let e = parse_revoke_response(
            &resp(400, "{\"error\":\"unsupported_token_type\"}"),
            0.0,
            &Answers::STANDARD,
        )
        .unwrap_err();
        assert_eq!(
            (e.code, e.error.as_deref(), e.status),
            (
                ErrorCode::OauthError,
                Some("unsupported_token_type"),
                Some(400)
            )
        );
        let e = parse_revoke_response(&resp(503, "<html>down</html>"), 0.0, &Answers::STANDARD)
            .unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::InvalidResponse, Some(503)));
        let mut limited = resp(429, "");
        limited.retry_after = Some("7".into());
        let e = parse_revoke_response(&limited, 0.0, &Answers::STANDARD).unwrap_err();
        assert_eq!((e.code, e.retry_after), (ErrorCode::RateLimited, Some(7.0)));
    }
}
