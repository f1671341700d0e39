//! Agile CRM (https://{domain}.agilecrm.com): OAuth 2.0 authorization code,
//! or — what every real integration uses — HTTP Basic `email:REST_API_KEY`.
//!
//! From Agile CRM's REST API docs and its OAuth article:
//! - Authorize at `/oauth/authorize`, token at `/oauth/token`.
//! - API under `/dev/api/…`; always send `Accept: application/json`, else
//!   Agile answers XML.
//! - 204 means not found / empty; 429 with `Retry-After` means slow down
//!   (the core maps it to `rate_limited`).
//!
//! Our assumptions (the article shows only the code exchange):
//! - Token body: the article posts JSON; we send the RFC 6749 form body
//!   (Agile's token endpoint takes both), so one request builder serves
//!   every provider and no Agile-only JSON encoder ships in the wasm.
//! - Refresh: the standard `grant_type=refresh_token` at the same token URL.
//! - Revocation: none is documented, so `revoke` is `unsupported`.
//!
//! If your Agile CRM answers otherwise, use `OAuth2` with its endpoints.

use super::code_flow::{CodeFlow, HostedFlow, Registration};
use super::credential::{ApiKey, Placement, Style};
use super::tenant::{Home, Host};
use super::Provider;
use crate::core::error::Result;
use crate::core::options::Options;
use crate::core::request::check_header_value;
use crate::core::token::Answers;
use crate::prelude::*;

/// Provider name used in errors.
pub const NAME: &str = "agilecrm";
/// Where Agile CRM lives.
pub const HOST: Host = Host {
    name: NAME,
    home: Home::Tenant("domain", "agilecrm.com"),
    api: "/dev/api",
};
/// Agile CRM's OAuth paths; tokens go with `Accept: application/json`.
/// Assumed (see the module notes): a form token body, not the article's
/// JSON; refresh at the same URL; no revocation endpoint.
pub const FLOW: HostedFlow = HostedFlow {
    host: HOST,
    authorize: "/oauth/authorize",
    token: "/oauth/token",
    accept_json: true,
    scope_required: false,
    answers: &Answers::STANDARD,
};

/// HTTP Basic `email:key` plus `Accept: application/json`.
pub fn key_style(email: &str) -> Result<Style> {
    check_header_value(email, "email")?;
    Ok(Style {
        placement: Placement::BasicUser(email.to_owned()),
        accept_json: true,
    })
}

/// Agile CRM in the registry: a code flow and API keys (with `email`).
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(code_flow),
    api_key: Some(api_key),
    ..Provider::NONE
};

fn code_flow(o: &Options, registration: Registration) -> Result<CodeFlow> {
    FLOW.code_flow(HOST.place(o)?, Ok(Placement::Bearer), registration)
}

fn api_key(o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?;
    let style = key_style(o.required("email")?);
    ApiKey::hosted(&HOST, HOST.place(o)?, style, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::code_flow::TEST_REGISTRATION;
    use crate::providers::credential::ApiKey;
    use crate::providers::tenant::Place;

    #[test]
    fn production_urls() {
        let registration = TEST_REGISTRATION;
        let place = Place {
            tenant: Some("acme"),
            ..Place::default()
        };
        let flow = FLOW
            .code_flow(place, Ok(Placement::Bearer), registration)
            .unwrap();
        assert_eq!(
            flow.authorization_endpoint,
            "https://acme.agilecrm.com/oauth/authorize"
        );
        assert_eq!(flow.token_endpoint, "https://acme.agilecrm.com/oauth/token");
        assert_eq!(flow.revocation_endpoint, None);
        assert_eq!(
            flow.api_base.as_deref(),
            Some("https://acme.agilecrm.com/dev/api")
        );
        let body = flow.refresh_request("rt", None).unwrap().body.unwrap();
        assert!(
            body.starts_with("grant_type=refresh_token&refresh_token=rt&"),
            "{body}"
        );
        let key = ApiKey::hosted(&HOST, place, Ok(key_style("me@acme.com").unwrap()), "k").unwrap();
        assert_eq!(key.api_base, "https://acme.agilecrm.com/dev/api");
    }
}
