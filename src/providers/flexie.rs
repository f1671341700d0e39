//! Flexie CRM (https://{subdomain}.flexie.io): OAuth 2.0 authorization code,
//! or an API key.
//!
//! From Flexie's API docs:
//! - Authorize at `/oauth2/authorize`, token at `/oauth2/token` (form POST
//!   with client_id + client_secret; refresh_token grant too).
//! - Access tokens go in `Authorization: Bearer` or, by choice, the
//!   `?access_token=` query parameter.
//! - API keys go in the `apikey` header or the `?apikey=` query parameter.
//! - API base `/api`; check call `GET /api/users/self`.
//! - Errors come as `{error}` or `{errors:[{message}]}` (see [`ANSWERS`]).
//! - Tokens can only be revoked in Flexie's UI: no revocation endpoint.
//!
//! Our assumption: the token answer carries the standard RFC 6749 fields
//! (`access_token`, `token_type`, `expires_in`, `refresh_token`); Flexie's
//! docs do not list them. The parser is lenient where that matters: no
//! `expires_in` means no known expiry, no `refresh_token` means none.

use super::code_flow::{invalid, CodeFlow, HostedFlow, Registration};
use super::credential::{ApiKey, Placement, Style};
use super::tenant::{Home, Host};
use super::Provider;
use crate::core::error::Result;
use crate::core::json::Value;
use crate::core::options::Options;
use crate::core::token::{first_str, Answers};

/// Provider name used in errors.
pub const NAME: &str = "flexie";
/// Where Flexie lives.
pub const HOST: Host = Host {
    name: NAME,
    home: Home::Tenant("subdomain", "flexie.io"),
    api: "/api",
};
/// Flexie's OAuth paths. No revocation endpoint: revocation exists only in
/// Flexie's UI. Assumed: standard RFC 6749 token answer fields (see above).
pub const FLOW: HostedFlow = HostedFlow {
    host: HOST,
    authorize: "/oauth2/authorize",
    token: "/oauth2/token",
    accept_json: false,
    scope_required: false,
    answers: &ANSWERS,
};

/// Flexie's docs: errors come as `{errors:[{code, message}]}` besides the
/// standard `{error}` (read on an error status only).
pub const ANSWERS: Answers = Answers {
    error_shape: Some(errors_list),
    ..Answers::STANDARD
};

fn errors_list<'v>(body: &'v Value<'v>) -> Option<(&'v str, Option<&'v str>)> {
    let Some(Value::Array(list)) = body.get("errors") else {
        return None;
    };
    let first = list.first()?;
    // `code` is a number in Flexie's examples: not an OAuth error code.
    let code = first_str(first, &["code"]).unwrap_or("invalid_request");
    Some((code, first_str(first, &["message"])))
}

/// Reads `"header"` (default) or `"query"`, with the query parameter name.
fn placement(
    option: Option<&str>,
    query_param: &'static str,
    header: Placement,
) -> Result<Placement> {
    match option {
        None | Some("header") => Ok(header),
        Some("query") => Ok(Placement::Query(query_param)),
        Some(_) => Err(invalid("placement must be \"header\" or \"query\"")),
    }
}

/// The `tokenPlacement` option: `"header"` (Bearer, default) or `"query"`
/// (`access_token`).
pub fn token_placement(option: Option<&str>) -> Result<Placement> {
    placement(option, "access_token", Placement::Bearer)
}

/// The `placement` option of an API key: the `apikey` header (default) or
/// query parameter.
pub fn key_style(option: Option<&str>) -> Result<Style> {
    Ok(Style {
        placement: placement(option, "apikey", Placement::Header("apikey"))?,
        accept_json: false,
    })
}

/// Flexie in the registry: a code flow (`tokenPlacement`) and API keys
/// (`placement`).
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(code_flow),
    api_key: Some(api_key),
    ..Provider::NONE
};

fn code_flow(o: &Options, registration: Registration) -> Result<CodeFlow> {
    let placement = token_placement(o.str("tokenPlacement")?);
    FLOW.code_flow(HOST.place(o)?, placement, registration)
}

fn api_key(o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?;
    let style = key_style(o.str("placement")?);
    ApiKey::hosted(&HOST, HOST.place(o)?, style, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::code_flow::Registration;
    use crate::providers::credential::ApiKey;
    use crate::providers::tenant::Place;

    #[test]
    fn production_urls() {
        let registration = Registration {
            client_id: "c",
            client_secret: None,
            redirect_uri: "https://app.example/cb",
            issuer: None,
            scopes: &[],
        };
        let place = Place {
            tenant: Some("Acme"),
            ..Place::default()
        };
        let flow = FLOW
            .code_flow(place, token_placement(None), registration)
            .unwrap();
        assert_eq!(
            flow.authorization_endpoint,
            "https://acme.flexie.io/oauth2/authorize"
        );
        assert_eq!(flow.token_endpoint, "https://acme.flexie.io/oauth2/token");
        assert_eq!(flow.revocation_endpoint, None);
        assert_eq!(flow.api_base.as_deref(), Some("https://acme.flexie.io/api"));
        assert!(
            flow.authorization_request(&[], Some(true), &[]).is_ok(),
            "Flexie does not require scope"
        );
        let key = ApiKey::hosted(&HOST, place, key_style(None), "k").unwrap();
        assert_eq!(key.api_base, "https://acme.flexie.io/api");
    }

    #[test]
    fn errors_list_on_error_status() {
        use crate::core::error::ErrorCode;
        use crate::core::request::HttpResponse;
        use crate::core::token::parse_token_response;
        let resp = |status, body: &str| HttpResponse {
            status,
            retry_after: None,
            body: body.into(),
        };
        let body = r#"{"errors":[{"code":401,"message":"API authorization denied."}]}"#;
        let e = parse_token_response(&resp(401, body), 0.0, &ANSWERS).unwrap_err();
        assert_eq!(
            (e.code, e.error.as_deref(), e.error_description.as_deref()),
            (
                ErrorCode::OauthError,
                Some("invalid_request"),
                Some("API authorization denied.")
            )
        );
        let e = parse_token_response(&resp(400, r#"{"errors":[]}"#), 0.0, &ANSWERS).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse);
    }
}
