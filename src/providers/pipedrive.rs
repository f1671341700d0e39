//! Pipedrive (https://oauth.pipedrive.com, API at each company's own
//! domain): OAuth 2.0 authorization code for Marketplace apps, or a
//! personal API token.
//!
//! From Pipedrive's OAuth docs ("Authorization", "Step 3: getting the
//! tokens", "Refreshing the tokens", "Revoking the tokens"):
//! - Authorize at `https://oauth.pipedrive.com/oauth/authorize` with
//!   `client_id`, `redirect_uri` and `state`: **no `scope` parameter** (the
//!   app's scopes are set in Developer Hub), so naming scopes is
//!   `invalid_argument` here rather than silently dropped.
//! - Token at `/oauth/token`: form POST, **HTTP Basic client
//!   authentication** (`client_id:client_secret`) required: confidential
//!   (server-side) clients only.
//! - The answer: `access_token`, `token_type`, `expires_in` (3599),
//!   `refresh_token`, `scope` (comma-separated) and `api_domain` — the
//!   company's API base (`https://acme.pipedrive.com`), which can change:
//!   every answer's is used (see [`ANSWERS`]).
//! - Refresh at the same endpoint with Basic; the answer carries
//!   `refresh_token` and `api_domain` again.
//! - Revoke at `/oauth/revoke` (Basic; `token`).
//! - API: `{api_domain}/api/v1/…` (and `/api/v2/…`) with
//!   `Authorization: Bearer`; a personal API token goes in the
//!   `x-api-token` header. A spent daily budget answers 429.
//!
//! Our assumptions: PKCE is not offered (production integrations send none;
//! asking for it is `invalid_argument`). An idle refresh token expires after
//! 60 days (integrations report it; nothing to configure). The API-token
//! form's base is `https://{companyDomain}.pipedrive.com` (paths
//! `/api/v1/…`, as with `api_domain`); the legacy `?api_token=` query is
//! not used.

use super::code_flow::{CodeFlow, Endpoints, Registration};
use super::credential::{ApiKey, Placement, Style};
use super::tenant::{api_base, Home, Host};
use super::Provider;
use crate::core::error::Result;
use crate::core::options::Options;
use crate::core::request::ClientAuth;
use crate::core::token::Answers;

/// Provider name used in errors.
pub const NAME: &str = "pipedrive";
/// Pipedrive's OAuth server (`origin` replaces it).
pub const OAUTH_ORIGIN: &str = "https://oauth.pipedrive.com";
/// A company's API host, for the API-token form: paths start with `/api/`.
pub const API_HOST: Host = Host {
    name: NAME,
    home: Home::Tenant("companyDomain", "pipedrive.com"),
    api: "",
};
/// Pipedrive's docs: `api_domain` names the API base of the grant, and
/// `scope` lists the granted scopes with commas.
pub const ANSWERS: Answers = Answers {
    api_base: Some("api_domain"),
    comma_scopes: true,
    ..Answers::STANDARD
};
/// Personal API tokens go in the `x-api-token` header (Pipedrive's docs).
pub const KEY_STYLE: Style = Style {
    placement: Placement::Header("x-api-token"),
    accept_json: false,
};

/// Pipedrive in the registry: a code flow and personal API tokens.
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(code_flow),
    api_key: Some(api_key),
    ..Provider::NONE
};

/// The code flow at `origin` (default [`OAUTH_ORIGIN`]); its static API
/// base is the `apiBase` option only: each grant names its own.
pub fn code_flow(o: &Options, registration: Registration) -> Result<CodeFlow> {
    let origin = o.str("origin")?.unwrap_or(OAUTH_ORIGIN);
    let mut endpoints = Endpoints::at(
        origin,
        "/oauth/authorize",
        "/oauth/token",
        Some("/oauth/revoke"),
    )?;
    endpoints.api = o.str("apiBase")?.map(api_base).transpose()?;
    let mut flow = CodeFlow::registered(
        NAME,
        endpoints,
        registration,
        ClientAuth::SecretBasic,
        Style::BEARER,
    )?;
    flow.answers = &ANSWERS;
    flow.scope_separator = ""; // no `scope` parameter
    flow.pkce = false;
    Ok(flow)
}

fn api_key(o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?;
    ApiKey::hosted(&API_HOST, API_HOST.place(o)?, Ok(KEY_STYLE), key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::request::HttpResponse;
    use crate::core::token::parse_token_response;
    use crate::prelude::*;
    use crate::providers::code_flow::{assert_urls, test_flow};
    use crate::providers::tenant::Place;

    fn flow(options: &str) -> Result<CodeFlow> {
        test_flow(code_flow, options)
    }

    #[test]
    fn production_urls() {
        assert_urls(
            &flow("{}").unwrap(),
            "https://oauth.pipedrive.com/oauth/authorize",
            "https://oauth.pipedrive.com/oauth/token",
            Some("https://oauth.pipedrive.com/oauth/revoke"),
            None,
        );
        let place = Place {
            tenant: Some("acme"),
            ..Place::default()
        };
        let key = ApiKey::hosted(&API_HOST, place, Ok(KEY_STYLE), "k").unwrap();
        assert_eq!(key.api_base, "https://acme.pipedrive.com");
        assert_eq!(
            key.apply("https://acme.pipedrive.com/api/v1/users/me")
                .headers,
            vec![("x-api-token", "k".to_owned())]
        );
    }

    #[test]
    fn basic_auth_no_scope_no_pkce() {
        let f = flow("{}").unwrap();
        let req = f.exchange_request("code", None, None).unwrap();
        assert_eq!(
            req.headers.iter().find(|(k, _)| *k == "authorization"),
            Some(&("authorization", "Basic Yzpz".to_owned()))
        );
        assert!(!req.body.unwrap().contains("client_secret"));
        let url = f.authorization_request(&[], None, &[]).unwrap().url;
        assert!(
            !url.contains("scope=") && !url.contains("code_challenge"),
            "{url}"
        );
        let e = f
            .authorization_request(&["deals:full".to_owned()], None, &[])
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        let e = f.authorization_request(&[], Some(true), &[]).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
    }

    #[test]
    fn answers_name_the_api_domain_and_comma_scopes() {
        let body = r#"{"access_token":"AT","token_type":"Bearer","expires_in":3599,"refresh_token":"RT","scope":"base,deals:full","api_domain":"https://acme.pipedrive.com"}"#;
        let resp = HttpResponse {
            status: 200,
            retry_after: None,
            body: body.into(),
        };
        let t = parse_token_response(&resp, 0.0, &ANSWERS).unwrap();
        assert_eq!(t.api_base.as_deref(), Some("https://acme.pipedrive.com"));
        assert_eq!(t.scopes.unwrap(), ["base", "deals:full"]);
    }
}
