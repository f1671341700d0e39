//! Flowlu (https://{company}.flowlu.com): password grant (admins only) or an
//! API key.
//!
//! From Flowlu's API docs:
//! - Password grant: POST `grant_type=password, username, password,
//!   client_id` → `{access_token, token_type: "bearer"}`: no expiry, no
//!   refresh token.
//! - The token is then sent as HTTP Basic `bearer:TOKEN`.
//! - Token errors are `{error, error_descrption}` (sic; see [`ANSWERS`])
//!   with `invalid_grant`, `invalid_request_ssl`, `invalid_request`.
//! - API base `https://{company}.flowlu.com/api/v1/module/{module}/{entity}/{method}`.
//! - API keys go in the `api_key` query parameter on every request (POST
//!   bodies are form-urlencoded and left alone).
//! - API errors are `{error: {error_code, error_msg}}`, often with HTTP 200:
//!   11 = authorization failed, 22 = access denied.
//!
//! Our assumptions: the token URL is not public: default
//! `https://{company}.flowlu.com/oauth/token` (`tokenEndpoint` overrides);
//! the default client id is the one Flowlu's Android app sends
//! (`clientId` overrides).

use super::credential::{ApiKey, Placement, Style};
use super::password::{explain, PasswordFlow};
use super::tenant::{api_base, Home, Host};
use super::Provider;
use crate::core::endpoint::{check_endpoint, join_origin};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::{self, Value};
use crate::core::options::Options;
use crate::core::request::{check_header_value, Client, ClientAuth};
use crate::core::token::{first_str, Answers};
use crate::prelude::*;

/// Provider name used in errors.
pub const NAME: &str = "flowlu";
/// Where Flowlu lives; `/{module}/{entity}/{method}` follow the API base.
pub const HOST: Host = Host {
    name: NAME,
    home: Home::Tenant("company", "flowlu.com"),
    api: "/api/v1/module",
};
/// API keys go in the `api_key` query parameter.
pub const KEY_STYLE: Style = Style {
    placement: Placement::Query("api_key"),
    accept_json: false,
};
/// Flowlu's API docs: token errors spell the description
/// `error_descrption` (sic), and API-style errors `{error: {error_code,
/// error_msg}}` can answer a token request too (on an error status).
pub const ANSWERS: Answers = Answers {
    description_alias: Some("error_descrption"),
    error_shape: Some(error_object),
    expires_date: None,
    fix_error: Some(explain_ssl),
    api_base: None,
    comma_scopes: false,
};

fn error_object<'v>(body: &'v Value<'v>) -> Option<(&'v str, Option<&'v str>)> {
    let nested = body
        .get("error")
        .filter(|e| matches!(e, Value::Object(_)))?;
    // `error_code` is a number (see `api_error`): not an OAuth error code.
    let code = first_str(nested, &["error"]).unwrap_or("invalid_request");
    Some((code, first_str(nested, &["error_msg"])))
}

/// The client id Flowlu's own app uses; the password grant wants one.
pub const DEFAULT_CLIENT_ID: &str = "android_app_v1";

/// Settings a Flowlu client is built from.
#[derive(Clone, Copy, Debug)]
pub struct FlowluConfig<'a> {
    /// `acme` in `acme.flowlu.com`.
    pub company: Option<&'a str>,
    /// Defaults to [`DEFAULT_CLIENT_ID`].
    pub client_id: Option<&'a str>,
    /// Replaces `https://{company}.flowlu.com`.
    pub origin: Option<&'a str>,
    /// Full token URL, when Flowlu's unpublished default is not it.
    pub token_endpoint: Option<&'a str>,
    /// Full API base URL, replacing `{origin}/api/v1/module`.
    pub api_base: Option<&'a str>,
}

fn explain_ssl(_: u16, error: Option<Error>) -> Option<Error> {
    error.map(|e| match e.error.as_deref() {
        Some("invalid_request_ssl") => explain(
            e,
            "Flowlu only accepts the password grant over HTTPS (invalid_request_ssl)",
        ),
        _ => e,
    })
}

/// Builds the Flowlu password flow.
pub fn password_flow(config: FlowluConfig) -> Result<PasswordFlow> {
    let origin = HOST.origin(config.company, config.origin);
    // Given only a `tokenEndpoint`, the API's host is unknown: no API base
    // unless `apiBase` names it.
    let (token_endpoint, origin) = match config.token_endpoint {
        // Assumed default, not published by Flowlu: `tokenEndpoint` overrides.
        Some(url) => (url.to_owned(), origin.ok()),
        None => {
            let origin = origin?;
            (join_origin(&origin, "/oauth/token")?, Some(origin))
        }
    };
    check_endpoint(&token_endpoint)?;
    let api_base = match (config.api_base, origin) {
        (Some(url), _) => Some(api_base(url)?),
        (None, origin) => origin.map(|o| HOST.api_base(&o, None)).transpose()?,
    };
    let client_id = config.client_id.unwrap_or(DEFAULT_CLIENT_ID);
    check_header_value(client_id, "clientId")?;
    let client = Client {
        client_id: client_id.to_owned(),
        client_secret: None,
        auth: ClientAuth::None,
    };
    let style = Style {
        placement: Placement::BasicPassword("bearer"),
        accept_json: false,
    };
    let mut flow = PasswordFlow::new(NAME, token_endpoint, api_base, Some(client), style)?;
    flow.refreshable = false; // tokens without expiry, and no refresh token
    flow.answers = &ANSWERS;
    Ok(flow)
}

/// Turns an API answer of the form `{error: {error_code, error_msg}}` —
/// which Flowlu sends with HTTP 200 — into an error: codes 11 and 22 are
/// authorization failures (`oauth_error` with `invalid_token` /
/// `access_denied`), others `invalid_response`. `None` when the body is not
/// such an error.
pub fn api_error(body: &str) -> Option<Error> {
    let value = json::parse(body)?;
    let detail = value.get("error")?;
    let code = detail.get("error_code")?;
    let code = code
        .as_f64()
        .or_else(|| json::number_value(code.as_str()?.trim()))?;
    let (kind, error, message) = match code as i64 {
        11 => (
            ErrorCode::OauthError,
            "invalid_token",
            "Flowlu refused the credentials (error 11: authorization failed)",
        ),
        22 => (
            ErrorCode::OauthError,
            "access_denied",
            "Flowlu denied access (error 22)",
        ),
        _ => (
            ErrorCode::InvalidResponse,
            "api_error",
            "Flowlu answered with an API error",
        ),
    };
    let mut err = Error::new(kind, message).with_status(200);
    err.error = Some(error.to_owned());
    err.error_description = detail
        .get("error_msg")
        .and_then(|m| m.as_str())
        .map(str::to_owned);
    Some(err)
}

/// Flowlu in the registry: a password grant, API keys, and API errors
/// inside HTTP 200 (its API docs: "often with HTTP 200").
pub const PROVIDER: Provider = Provider {
    name: NAME,
    password_flow: Some(|o| {
        password_flow(FlowluConfig {
            company: o.str("company")?,
            client_id: o.str("clientId")?,
            origin: o.str("origin")?,
            token_endpoint: o.str("tokenEndpoint")?,
            api_base: o.str("apiBase")?,
        })
    }),
    api_key: Some(api_key),
    api_error: Some(api_error),
    api_errors_in_2xx: true,
    ..Provider::NONE
};

fn api_key(o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?;
    ApiKey::hosted(&HOST, HOST.place(o)?, Ok(KEY_STYLE), key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::request::HttpResponse;

    #[test]
    fn api_errors_inside_200() {
        let e =
            api_error(r#"{"error":{"error_code":11,"error_msg":"Authorization failed"}}"#).unwrap();
        assert_eq!(
            (e.code, e.error.as_deref(), e.status),
            (ErrorCode::OauthError, Some("invalid_token"), Some(200))
        );
        assert_eq!(e.error_description.as_deref(), Some("Authorization failed"));
        assert_eq!(
            api_error(r#"{"error":{"error_code":"22"}}"#)
                .unwrap()
                .error
                .as_deref(),
            Some("access_denied")
        );
        assert_eq!(
            api_error(r#"{"error":{"error_code":5}}"#).unwrap().code,
            ErrorCode::InvalidResponse
        );
        assert!(api_error(r#"{"response":{"id":1}}"#).is_none());
        assert!(api_error("<html>").is_none());
    }

    const ACME: FlowluConfig = FlowluConfig {
        company: Some("acme"),
        client_id: None,
        origin: None,
        token_endpoint: None,
        api_base: None,
    };

    #[test]
    fn production_urls() {
        let flow = password_flow(ACME).unwrap();
        assert_eq!(flow.token_endpoint, "https://acme.flowlu.com/oauth/token");
        assert_eq!(
            flow.api_base.as_deref(),
            Some("https://acme.flowlu.com/api/v1/module")
        );
        assert_eq!(
            flow.refresh_request("rt").unwrap_err().code,
            ErrorCode::Unsupported
        );
        let key = crate::providers::credential::ApiKey::hosted(
            &HOST,
            crate::providers::tenant::Place {
                tenant: Some("acme"),
                ..Default::default()
            },
            Ok(KEY_STYLE),
            "k",
        )
        .unwrap();
        assert_eq!(key.api_base, "https://acme.flowlu.com/api/v1/module");
        let custom = FlowluConfig {
            company: None,
            token_endpoint: Some("https://auth.example/t"),
            ..ACME
        };
        assert_eq!(password_flow(custom).unwrap().api_base, None);
        let both = FlowluConfig {
            api_base: Some("https://api.example/v1/"),
            ..custom
        };
        assert_eq!(
            password_flow(both).unwrap().api_base.as_deref(),
            Some("https://api.example/v1")
        );
        let bad_id = FlowluConfig {
            client_id: Some("app\r\nx"),
            ..ACME
        };
        assert_eq!(
            password_flow(bad_id).unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn ssl_error_is_explained() {
        let flow = password_flow(ACME).unwrap();
        let resp = HttpResponse {
            status: 400,
            retry_after: None,
            body: r#"{"error":"invalid_request_ssl","error_descrption":"SSL required"}"#.into(),
        };
        let e = crate::core::token::parse_token_response(&resp, 0.0, flow.answers).unwrap_err();
        assert_eq!(e.error.as_deref(), Some("invalid_request_ssl"));
        assert_eq!(e.error_description.as_deref(), Some("SSL required"));
        assert!(e.message.contains("HTTPS"));
    }

    #[test]
    fn token_errors_in_flowlu_shapes() {
        use crate::core::token::parse_token_response;
        let resp = |status, body: &str| HttpResponse {
            status,
            retry_after: None,
            body: body.into(),
        };
        let body = r#"{"error":{"error_code":11,"error_msg":"authorization failed"}}"#;
        let e = parse_token_response(&resp(400, body), 0.0, &ANSWERS).unwrap_err();
        assert_eq!(
            (e.error.as_deref(), e.error_description.as_deref()),
            (Some("invalid_request"), Some("authorization failed"))
        );
        let body = r#"{"error":"invalid_request_ssl","error_descrption":"use https"}"#;
        let e = parse_token_response(&resp(200, body), 0.0, &ANSWERS).unwrap_err();
        assert_eq!(e.error_description.as_deref(), Some("use https"));
    }
}
