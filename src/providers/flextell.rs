//! Flextell (https://dev.flextell.ai): OAuth 2.0 authorization code.
//!
//! From Flextell's OAuth docs:
//! - Authorize at `/oauth/authorize` (response_type=code, client_id, exact
//!   redirect_uri, state, and `scope`: "string, required", space-separated).
//! - Token at `/oauth/token`: form POST with `client_secret` ("required"):
//!   Flextell documents confidential (server-side) clients only, no public
//!   clients. Answers `{access_token, token_type: "Bearer", expires_in: 3600,
//!   refresh_token}`.
//! - Refresh tokens rotate: the old one dies at once, so the new one must
//!   always be stored (the session layer does; `refresh` returns it).
//! - No revocation endpoint is documented.
//! - API with `Authorization: Bearer`, optional `X-Tenant`; 429 with
//!   `X-RateLimit-*`.
//!
//! Our assumptions: PKCE (S256) is sent too (Flextell does not document it;
//! `pkce: false` turns it off). The API base is `/api/v1` (its API
//! reference); its older guides show `/api/v0.0.1/…`: pick with `apiBase`.

use super::code_flow::{CodeFlow, HostedFlow, Registration};
use super::credential::Placement;
use super::tenant::{Home, Host};
use super::Provider;
use crate::core::error::Result;
use crate::core::options::Options;
use crate::core::token::Answers;

/// Provider name used in errors.
pub const NAME: &str = "flextell";

/// Where Flextell lives and its OAuth paths.
pub const FLOW: HostedFlow = HostedFlow {
    // API base: Flextell's API reference (`/api/v1`); `apiBase` overrides.
    host: Host {
        name: NAME,
        home: Home::Fixed("https://dev.flextell.ai"),
        api: "/api/v1",
    },
    authorize: "/oauth/authorize",
    token: "/oauth/token",
    accept_json: false,
    // Flextell's docs: `scope` is required on the authorize request.
    scope_required: true,
    answers: &Answers::STANDARD,
};

/// Flextell in the registry: a code flow with Bearer tokens.
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(code_flow),
    ..Provider::NONE
};

fn code_flow(o: &Options, registration: Registration) -> Result<CodeFlow> {
    FLOW.code_flow(FLOW.host.place(o)?, Ok(Placement::Bearer), registration)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::prelude::*;
    use crate::providers::code_flow::{Registration, TEST_REGISTRATION};
    use crate::providers::credential::Placement;
    use crate::providers::tenant::Place;

    fn registration(scopes: &[String]) -> Registration<'_> {
        Registration {
            scopes,
            ..TEST_REGISTRATION
        }
    }

    #[test]
    fn production_urls() {
        let flow = FLOW
            .code_flow(Place::default(), Ok(Placement::Bearer), registration(&[]))
            .unwrap();
        assert_eq!(
            flow.authorization_endpoint,
            "https://dev.flextell.ai/oauth/authorize"
        );
        assert_eq!(flow.token_endpoint, "https://dev.flextell.ai/oauth/token");
        assert_eq!(flow.revocation_endpoint, None);
        assert_eq!(
            flow.api_base.as_deref(),
            Some("https://dev.flextell.ai/api/v1")
        );
        let older = Place {
            api_base: Some("https://dev.flextell.ai/api/v0.0.1/"),
            ..Place::default()
        };
        let flow = FLOW
            .code_flow(older, Ok(Placement::Bearer), registration(&[]))
            .unwrap();
        assert_eq!(
            flow.api_base.as_deref(),
            Some("https://dev.flextell.ai/api/v0.0.1")
        );
    }

    #[test]
    fn scope_is_required() {
        let flow = FLOW
            .code_flow(Place::default(), Ok(Placement::Bearer), registration(&[]))
            .unwrap();
        let e = flow
            .authorization_request(&[], Some(true), &[])
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        let req = flow
            .authorization_request(&["read".to_owned()], Some(true), &[])
            .unwrap();
        assert!(req.url.contains("&scope=read&"), "{}", req.url);
        let defaults = ["read".to_owned(), "write".to_owned()];
        let flow = FLOW
            .code_flow(
                Place::default(),
                Ok(Placement::Bearer),
                registration(&defaults),
            )
            .unwrap();
        assert!(flow
            .authorization_request(&[], Some(true), &[])
            .unwrap()
            .url
            .contains("&scope=read+write&"));
        let own = flow
            .authorization_request(&["calls".to_owned()], Some(true), &[])
            .unwrap();
        assert!(
            own.url.contains("&scope=calls&"),
            "per-call scopes replace the defaults: {}",
            own.url
        );
    }
}
