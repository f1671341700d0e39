//! Salesforce (https://help.salesforce.com, "OAuth Authorization Flows"):
//! web-server code flow with PKCE, refresh, revocation, and the
//! client-credentials grant on a My Domain.
//!
//! From Salesforce's docs:
//! - Endpoints `https://{host}/services/oauth2/authorize`, `/token`,
//!   `/revoke`; the host is `login.salesforce.com`, `test.salesforce.com`
//!   (sandboxes) or the org's My Domain (`acme.my.salesforce.com`,
//!   `acme--sbx.sandbox.my.salesforce.com`).
//! - Client authentication `client_secret_post` or `client_secret_basic`
//!   (`clientAuth`); a connected app may take public clients with PKCE.
//! - Scopes are space-separated; a refresh token needs `refresh_token` or
//!   `offline_access`.
//! - A refresh answer carries a new refresh token only when the app enables
//!   rotation (the old one then dies); otherwise the old one is kept.
//! - The client-credentials grant is run against the My Domain only.
//! - An exhausted API allocation answers **403** `REQUEST_LIMIT_EXCEEDED`,
//!   not 429 (see [`PROVIDER`]'s `rate_limit_status`).
//!
//! From production integrations (◐): token answers carry `access_token`,
//! `instance_url` (this org's API base), `id`, `token_type`, `issued_at`
//! (a *string* of epoch milliseconds: not an expiry), `signature`, `scope`
//! and **no `expires_in`**: the expiry is unknown (`expiresAt` null) and a
//! 401 `INVALID_SESSION_ID` is the refresh signal
//! ([`RefreshTrigger::ExpiryOr401`]). API errors are a JSON array
//! `[{message, errorCode}]` ([`api_error`]).
//!
//! Our assumption (❓): `/revoke` takes the `token` alone and ignores the
//! client id (and, for confidential clients, the secret) we send with it,
//! as every revocation request here authenticates the client.
//!
//! Our decisions: `*.lightning.force.com` (the Lightning UI host) and hosts
//! that are not Salesforce login hosts are refused as `invalid_argument`;
//! `origin` names any other server (tests, proxies) and then allows the
//! client-credentials grant too. Experience Cloud (`*.my.site.com`) and
//! government hosts are reached through `origin`.

use super::code_flow::{invalid, ClientCredentials, CodeFlow, Endpoints, Registration};
use super::credential::Style;
use super::oauth2::client_auth;
use super::tenant::api_base;
use super::{Provider, RefreshTrigger};
use crate::core::encode::concat;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::{self, Value};
use crate::core::options::Options;
use crate::core::token::Answers;
use crate::prelude::*;

/// Provider name used in errors.
pub const NAME: &str = "salesforce";
/// The default login host (production orgs).
pub const LOGIN_HOST: &str = "login.salesforce.com";
/// The login host of sandboxes.
pub const SANDBOX_HOST: &str = "test.salesforce.com";
/// What every My Domain login host ends with (sandboxes included).
const MY_DOMAIN: &str = ".my.salesforce.com";

/// Salesforce's token answers name the org's API base in `instance_url`
/// (kept in the token set; a refresh answer repeats it).
pub const ANSWERS: Answers = Answers {
    api_base: Some("instance_url"),
    ..Answers::STANDARD
};

/// Salesforce in the registry: a code flow (with client credentials on a My
/// Domain), its JSON-array API errors, 403 rate limits and, for tokens of
/// unknown expiry, a 401 as the refresh signal.
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(code_flow),
    api_error: Some(api_error),
    rate_limit_status: Some(403),
    refresh_trigger: RefreshTrigger::ExpiryOr401,
    ..Provider::NONE
};

/// Where a Salesforce login host sends us.
#[derive(Debug, PartialEq, Eq)]
enum Login {
    /// `login.salesforce.com` / `test.salesforce.com`: any org.
    Shared,
    /// An org's own My Domain (its API lives there too).
    MyDomain,
}

/// Checks the `host` option: a Salesforce login host, lower-cased.
fn login_host(host: &str) -> Result<(String, Login)> {
    let host = host.to_ascii_lowercase();
    let labels_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !labels_ok {
        return Err(invalid(
            "`host` must be a host name like \"acme.my.salesforce.com\" (no scheme or path)",
        ));
    }
    if host.ends_with(".lightning.force.com") {
        return Err(invalid(
            "`host` is the Lightning UI host: use the org's My Domain (acme.my.salesforce.com)",
        ));
    }
    let login = if host == LOGIN_HOST || host == SANDBOX_HOST {
        Login::Shared
    } else if host.ends_with(MY_DOMAIN) {
        Login::MyDomain
    } else {
        return Err(invalid(
            "`host` must be login.salesforce.com, test.salesforce.com or a My Domain \
             (*.my.salesforce.com); pass `origin` for another server",
        ));
    };
    Ok((host, login))
}

fn code_flow(o: &Options, registration: Registration) -> Result<CodeFlow> {
    let (origin, login) = match (o.str("origin")?, o.str("host")?) {
        (Some(origin), _) => (origin.to_owned(), Login::MyDomain),
        (None, host) => {
            let (host, login) = login_host(host.unwrap_or(LOGIN_HOST))?;
            (concat(&["https://", &host]), login)
        }
    };
    // A My Domain is its org's API host; a shared login host is not (the
    // token answer's `instance_url` names it).
    let api = match (o.str("apiBase")?, &login) {
        (Some(url), _) => Some(api_base(url)?),
        (None, Login::MyDomain) => Some(api_base(&origin)?),
        (None, Login::Shared) => None,
    };
    let mut endpoints = Endpoints::at(
        &origin,
        "/services/oauth2/authorize",
        "/services/oauth2/token",
        Some("/services/oauth2/revoke"),
    )?;
    endpoints.api = api;
    let auth = client_auth(o.str("clientAuth")?, registration.client_secret.is_some())?;
    let mut flow = CodeFlow::registered(NAME, endpoints, registration, auth, Style::BEARER)?;
    flow.answers = &ANSWERS;
    flow.client_credentials = match login {
        Login::MyDomain => ClientCredentials::Allowed,
        Login::Shared => ClientCredentials::Refused(
            "Salesforce runs the client-credentials grant on a My Domain only: pass `host` \
             (acme.my.salesforce.com)",
        ),
    };
    Ok(flow)
}

/// Reads Salesforce's API error array `[{message, errorCode}]` (its first
/// entry): `REQUEST_LIMIT_EXCEEDED` is `rate_limited`, `INVALID_SESSION_ID`
/// (an expired or revoked token) `oauth_error`, others `invalid_response`;
/// `error` is the `errorCode`, `errorDescription` the `message`. `None` when
/// the body is not such an array.
pub fn api_error(body: &str) -> Option<Error> {
    let value = json::parse(body)?;
    let Value::Array(items) = &value else {
        return None;
    };
    let first = items.first()?;
    let code = first.get("errorCode")?.as_str()?;
    let (kind, message) = match code {
        "REQUEST_LIMIT_EXCEEDED" => (
            ErrorCode::RateLimited,
            "Salesforce: the org's API request limit is exhausted (REQUEST_LIMIT_EXCEEDED)",
        ),
        "INVALID_SESSION_ID" => (
            ErrorCode::OauthError,
            "Salesforce refused the access token (INVALID_SESSION_ID)",
        ),
        _ => (
            ErrorCode::InvalidResponse,
            "Salesforce answered with an API error",
        ),
    };
    let mut err = Error::new(kind, message);
    err.error = Some(code.to_owned());
    err.error_description = first
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::request::HttpResponse;
    use crate::core::token::parse_token_response;
    use crate::providers::code_flow::{assert_urls, TEST_REGISTRATION};

    fn flow(options: &str, secret: Option<&str>) -> Result<CodeFlow> {
        let o = Options::parse(options, "options", false).unwrap();
        let registration = Registration {
            client_secret: secret,
            ..TEST_REGISTRATION
        };
        code_flow(&o, registration)
    }

    #[test]
    fn production_urls() {
        let f = flow("{}", Some("s")).unwrap();
        // No API base: the token answer's instance_url names it.
        assert_urls(
            &f,
            "https://login.salesforce.com/services/oauth2/authorize",
            "https://login.salesforce.com/services/oauth2/token",
            Some("https://login.salesforce.com/services/oauth2/revoke"),
            None,
        );
        let sandbox = flow(r#"{"host":"test.salesforce.com"}"#, None).unwrap();
        assert_eq!(
            sandbox.token_endpoint,
            "https://test.salesforce.com/services/oauth2/token"
        );
        let mine = flow(r#"{"host":"Acme--SBX.sandbox.my.salesforce.com"}"#, None).unwrap();
        assert_eq!(
            mine.token_endpoint,
            "https://acme--sbx.sandbox.my.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            mine.api_base.as_deref(),
            Some("https://acme--sbx.sandbox.my.salesforce.com")
        );
    }

    #[test]
    fn hosts_are_checked() {
        for bad in [
            "acme.lightning.force.com",
            "evil.example",
            "https://acme.my.salesforce.com",
            "acme.my.salesforce.com/x",
            "my.salesforce.com.evil.example",
            "",
        ] {
            let e = flow(&format!(r#"{{"host":"{bad}"}}"#), None).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{bad}");
        }
        let e = flow(r#"{"host":"acme.lightning.force.com"}"#, None).unwrap_err();
        assert!(e.message.contains("My Domain"), "{}", e.message);
    }

    #[test]
    fn client_credentials_on_my_domain_only() {
        let cc = |options: &str, secret| {
            flow(options, secret)
                .unwrap()
                .client_credentials_request(&["api".to_owned()])
        };
        let req = cc(r#"{"host":"acme.my.salesforce.com"}"#, Some("s")).unwrap();
        assert_eq!(
            req.url,
            "https://acme.my.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            req.body.as_deref(),
            Some("grant_type=client_credentials&scope=api&client_id=c&client_secret=s")
        );
        for shared in ["{}", r#"{"host":"test.salesforce.com"}"#] {
            assert_eq!(
                cc(shared, Some("s")).unwrap_err().code,
                ErrorCode::InvalidArgument
            );
        }
        assert_eq!(
            cc(r#"{"host":"acme.my.salesforce.com"}"#, None)
                .unwrap_err()
                .code,
            ErrorCode::InvalidArgument
        );
        let basic = flow(
            r#"{"host":"acme.my.salesforce.com","clientAuth":"client_secret_basic"}"#,
            Some("s"),
        )
        .unwrap()
        .client_credentials_request(&[])
        .unwrap();
        assert_eq!(basic.body.as_deref(), Some("grant_type=client_credentials"));
    }

    #[test]
    fn token_answer_without_expiry() {
        let resp = HttpResponse {
            status: 200,
            retry_after: None,
            body: r#"{"access_token":"00D!AQ","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D/005","token_type":"Bearer","issued_at":"1764676800000","signature":"c2ln","scope":"api refresh_token"}"#.into(),
        };
        let t = parse_token_response(&resp, 1.0, &ANSWERS).unwrap();
        assert_eq!(t.expires_at, None, "issued_at is not an expiry");
        assert_eq!(
            t.api_base.as_deref(),
            Some("https://acme.my.salesforce.com")
        );
        assert_eq!(
            t.scopes,
            Some(vec!["api".to_owned(), "refresh_token".to_owned()])
        );
    }

    #[test]
    fn api_error_arrays() {
        let e = api_error(
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        )
        .unwrap();
        assert_eq!(
            (e.code, e.error.as_deref(), e.error_description.as_deref()),
            (
                ErrorCode::RateLimited,
                Some("REQUEST_LIMIT_EXCEEDED"),
                Some("TotalRequests Limit exceeded.")
            )
        );
        let e = api_error(
            r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        )
        .unwrap();
        assert_eq!(e.code, ErrorCode::OauthError);
        let e = api_error(r#"[{"errorCode":"INSUFFICIENT_ACCESS","message":"no"}]"#).unwrap();
        assert_eq!(e.code, ErrorCode::InvalidResponse);
        for other in [
            r#"{"errorCode":"X"}"#,
            "[]",
            r#"[{"message":"m"}]"#,
            "<html>",
            r#"[1]"#,
        ] {
            assert!(api_error(other).is_none(), "{other}");
        }
    }
}
