//! HubSpot (https://developers.hubspot.com): OAuth 2.0 authorization code
//! for apps, and private-app access tokens.
//!
//! From HubSpot's docs (OAuth 2026-03 reference, "Manage OAuth tokens"):
//! - Authorize at `https://app.hubspot.com/oauth/authorize` with
//!   `client_id`, `redirect_uri`, `scope` (space-separated, required),
//!   `optional_scope` and `state`.
//! - Token at `POST https://api.hubapi.com/oauth/2026-03/token`, a form with
//!   `client_id` and `client_secret` in the body ("all parameters in the
//!   request body"); `code_verifier` is a documented field. The legacy
//!   `/oauth/v1/token` sunsets on 2027-02-16: this file uses the dated one.
//! - Access tokens last 30 minutes (`expires_in` 1800); the refresh token is
//!   long-lived and the same value comes back on refresh (stored anyway).
//! - Revoke at `POST /oauth/2026-03/token/revoke` (form: `client_id`,
//!   `client_secret`, `token`, `token_type_hint`).
//! - API at `https://api.hubapi.com` with `Authorization: Bearer`, for OAuth
//!   tokens and private-app tokens alike.
//! - "A 401 is not a valid indicator that a new token is needed": refresh
//!   from the expiry only ([`RefreshTrigger::Expiry`]).
//! - Token errors carry the RFC 6749 `error` and the legacy `status` /
//!   `message` (`BAD_REFRESH_TOKEN`); 2026-03 error bodies carry `message`
//!   and `category` (see [`ANSWERS`]).
//! - 429 with `X-HubSpot-RateLimit-*` headers (Session: `rate_limited`,
//!   with `retryAfter` when a `Retry-After` comes too).
//!
//! Our assumptions (❓): the authorize endpoint takes a PKCE challenge
//! (only `code_verifier` at the token endpoint is documented; `pkce: false`
//! on `createAuthorizationRequest` turns it off); no public clients (every
//! app has a secret); token answers use RFC 6749 snake_case names.

use super::code_flow::{CodeFlow, Endpoints, Registration};
use super::credential::{ApiKey, Style};
use super::tenant::{Home, Host};
use super::{Provider, RefreshTrigger};
use crate::core::endpoint::join_origin;
use crate::core::error::Result;
use crate::core::json::Value;
use crate::core::options::Options;
use crate::core::request::ClientAuth;
use crate::core::token::{first_str, Answers};

/// Provider name used in errors.
pub const NAME: &str = "hubspot";
/// Where users approve an app.
pub const APP_ORIGIN: &str = "https://app.hubspot.com";
/// Where tokens are issued and the API lives (the API base is this origin).
pub const HOST: Host = Host {
    name: NAME,
    home: Home::Fixed("https://api.hubapi.com"),
    api: "",
};
/// The dated token endpoint (the legacy `/oauth/v1/token` sunsets 2027-02-16).
pub const TOKEN_PATH: &str = "/oauth/2026-03/token";
/// Its RFC 7009-style revocation endpoint.
pub const REVOKE_PATH: &str = "/oauth/2026-03/token/revoke";

/// HubSpot's token errors: `message` stands in for `error_description`, and
/// a body with only the legacy `status` (or the 2026-03 `category`) is read
/// on an error status, legacy codes mapped to RFC 6749 ones so that a dead
/// refresh token is `invalid_grant` like everywhere else.
pub const ANSWERS: Answers = Answers {
    description_alias: Some("message"),
    error_shape: Some(legacy_error),
    ..Answers::STANDARD
};

fn legacy_error<'v>(body: &'v Value<'v>) -> Option<(&'v str, Option<&'v str>)> {
    let status = first_str(body, &["status", "category"])?;
    let code = match status {
        "BAD_REFRESH_TOKEN" | "BAD_AUTH_CODE" | "MISMATCH_REDIRECT_URI_AUTH_CODE" => {
            "invalid_grant"
        }
        "BAD_CLIENT_ID" | "BAD_CLIENT_SECRET" => "invalid_client",
        "BAD_GRANT_TYPE" => "unsupported_grant_type",
        "BAD_SCOPES" => "invalid_scope",
        other => other,
    };
    Some((code, first_str(body, &["message"])))
}

/// HubSpot in the registry: a code flow, private-app tokens, and a refresh
/// trigger of expiry only.
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(code_flow),
    api_key: Some(api_key),
    refresh_trigger: RefreshTrigger::Expiry,
    ..Provider::NONE
};

/// The flow; `origin` (tests, proxies) replaces both HubSpot hosts.
fn code_flow(o: &Options, registration: Registration) -> Result<CodeFlow> {
    let place = HOST.place(o)?;
    let api = HOST.origin(None, place.origin)?;
    let app = place.origin.unwrap_or(APP_ORIGIN);
    let endpoints = Endpoints {
        authorization: join_origin(app, "/oauth/authorize")?,
        token: join_origin(&api, TOKEN_PATH)?,
        revocation: Some(join_origin(&api, REVOKE_PATH)?),
        api: Some(HOST.api_base(&api, place.api_base)?),
    };
    let mut flow = CodeFlow::registered(
        NAME,
        endpoints,
        registration,
        ClientAuth::SecretPost,
        Style::BEARER,
    )?;
    flow.scope_required = true; // its docs: `scope` is required
    flow.answers = &ANSWERS;
    Ok(flow)
}

/// A private-app access token, sent as `Authorization: Bearer`.
fn api_key(o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?;
    ApiKey::hosted(&HOST, HOST.place(o)?, Ok(Style::BEARER), key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::request::HttpResponse;
    use crate::core::token::parse_token_response;
    use crate::providers::code_flow::{assert_urls, test_flow};

    fn flow(options: &str) -> CodeFlow {
        test_flow(code_flow, options).unwrap()
    }

    #[test]
    fn production_urls() {
        let f = flow("{}");
        assert_urls(
            &f,
            "https://app.hubspot.com/oauth/authorize",
            "https://api.hubapi.com/oauth/2026-03/token",
            Some("https://api.hubapi.com/oauth/2026-03/token/revoke"),
            Some("https://api.hubapi.com"),
        );
        assert!(f.scope_required);
        let key =
            api_key(&Options::parse(r#"{"apiKey":"pat-na1-x"}"#, "o", false).unwrap()).unwrap();
        assert_eq!(key.api_base, "https://api.hubapi.com");
        assert_eq!(key.style, Style::BEARER);
        let local = flow(r#"{"origin":"http://127.0.0.1:9/"}"#);
        assert_eq!(
            local.authorization_endpoint,
            "http://127.0.0.1:9/oauth/authorize"
        );
        assert_eq!(local.api_base.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(PROVIDER.refresh_trigger, RefreshTrigger::Expiry);
    }

    #[test]
    fn token_body_and_client_auth() {
        let req = flow("{}").refresh_request("rt", None).unwrap();
        assert_eq!(
            req.body.as_deref(),
            Some("grant_type=refresh_token&refresh_token=rt&client_id=c&client_secret=s")
        );
        let revoke = flow("{}").revoke_request("rt", None).unwrap();
        assert_eq!(
            revoke.body.as_deref(),
            Some("token=rt&client_id=c&client_secret=s")
        );
    }

    #[test]
    fn legacy_error_fields() {
        let parse = |status, body: &str| {
            let resp = HttpResponse {
                status,
                retry_after: None,
                body: body.into(),
            };
            parse_token_response(&resp, 0.0, &ANSWERS).unwrap_err()
        };
        // Both shapes: the RFC code, `message` as the description.
        let e = parse(
            400,
            r#"{"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token","error":"invalid_grant","correlationId":"x"}"#,
        );
        assert_eq!(
            (e.code, e.error.as_deref(), e.error_description.as_deref()),
            (
                ErrorCode::OauthError,
                Some("invalid_grant"),
                Some("missing or invalid refresh token")
            )
        );
        // Legacy only: mapped, so Session clears a dead grant.
        let e = parse(
            400,
            r#"{"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token"}"#,
        );
        assert_eq!(e.error.as_deref(), Some("invalid_grant"));
        assert_eq!(
            parse(401, r#"{"status":"BAD_CLIENT_ID"}"#).error.as_deref(),
            Some("invalid_client")
        );
        let e = parse(
            400,
            r#"{"message":"Invalid input","category":"VALIDATION_ERROR"}"#,
        );
        assert_eq!(
            (e.error.as_deref(), e.error_description.as_deref()),
            (Some("VALIDATION_ERROR"), Some("Invalid input"))
        );
    }
}
