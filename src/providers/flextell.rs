//! Flextell (https://dev.flextell.ai): OAuth 2.0 authorization code.
//!
//! - Authorize at `/oauth/authorize` (response_type=code, client_id, exact
//!   redirect_uri, space-separated scope, state); PKCE is sent too.
//! - Token at `/oauth/token`: form POST with the client secret in the body.
//!   Answers `{access_token, token_type: "Bearer", expires_in: 3600, refresh_token}`.
//! - Refresh tokens rotate: the old one dies at once, so the new one must
//!   always be stored (the session layer does; `refresh` returns it).
//! - No revocation endpoint.
//! - API under `/api/v1/…` with `Authorization: Bearer`, optional `X-Tenant`.

use super::code_flow::HostedFlow;
use super::tenant::{Home, Host};

/// Provider name used in errors.
pub const NAME: &str = "flextell";

/// Where Flextell lives and its OAuth paths.
pub const FLOW: HostedFlow = HostedFlow {
    host: Host { name: NAME, home: Home::Fixed("https://dev.flextell.ai"), api: "/api/v1" },
    authorize: "/oauth/authorize",
    token: "/oauth/token",
    accept_json: false,
};
