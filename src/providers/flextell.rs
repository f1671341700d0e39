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

use super::code_flow::{CodeFlow, Endpoints, Registration};
use crate::core::error::Result;
use crate::core::request::ClientAuth;

/// Provider name used in errors.
pub const NAME: &str = "flextell";
/// Production origin.
pub const ORIGIN: &str = "https://dev.flextell.ai";
/// API base path below the origin.
pub const API_PATH: &str = "/api/v1";

/// Settings a Flextell client is built from.
#[derive(Debug)]
pub struct FlextellConfig<'a> {
    /// Client id, secret, redirect URI and expected issuer.
    pub registration: Registration<'a>,
    /// Replaces scheme+host+port (sandboxes, tests).
    pub origin: Option<&'a str>,
}

/// Builds the Flextell code flow.
pub fn code_flow(config: FlextellConfig) -> Result<CodeFlow> {
    let endpoints = Endpoints::at(config.origin.unwrap_or(ORIGIN), "/oauth/authorize", "/oauth/token", API_PATH)?;
    CodeFlow::registered(NAME, endpoints, config.registration, ClientAuth::SecretPost)
}
