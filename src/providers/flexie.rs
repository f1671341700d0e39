//! Flexie CRM (https://{subdomain}.flexie.io): OAuth 2.0 authorization code,
//! or an API key.
//!
//! - Authorize at `/oauth2/authorize`, token at `/oauth2/token` (form POST
//!   with client_id + client_secret; refresh_token grant too).
//! - Access tokens go in `Authorization: Bearer` or, by choice, the
//!   `?access_token=` query parameter.
//! - API keys go in the `apikey` header or the `?apikey=` query parameter.
//! - API base `/api`; check call `GET /api/users/self`.
//! - Errors come as `{error}` or `{errors:[{message}]}` (the core reads both).
//! - Tokens can only be revoked in Flexie's UI: no revocation endpoint.

use super::code_flow::{invalid, CodeFlow, Endpoints, Registration};
use super::credential::{ApiKey, Placement, Style};
use super::tenant::tenant_origin;
use crate::core::endpoint::join_origin;
use crate::core::error::Result;
use crate::core::request::ClientAuth;

/// Provider name used in errors.
pub const NAME: &str = "flexie";
const DOMAIN: &str = "flexie.io";
const API_PATH: &str = "/api";

/// Reads `"header"` (default) or `"query"`, with the query parameter name.
fn placement(option: Option<&str>, query_param: &'static str, header: Placement) -> Result<Placement> {
    match option {
        None | Some("header") => Ok(header),
        Some("query") => Ok(Placement::Query(query_param)),
        Some(_) => Err(invalid("placement must be \"header\" or \"query\"")),
    }
}

/// Settings a Flexie client is built from.
#[derive(Debug)]
pub struct FlexieConfig<'a> {
    /// `acme` in `acme.flexie.io`.
    pub subdomain: Option<&'a str>,
    /// Client id, secret, redirect URI and expected issuer.
    pub registration: Registration<'a>,
    /// Replaces `https://{subdomain}.flexie.io`.
    pub origin: Option<&'a str>,
    /// `"header"` (Bearer, default) or `"query"` (`access_token`).
    pub token_placement: Option<&'a str>,
}

/// Builds the Flexie code flow.
pub fn code_flow(config: FlexieConfig) -> Result<CodeFlow> {
    let origin = tenant_origin(config.subdomain, "subdomain", DOMAIN, config.origin)?;
    let token_placement = placement(config.token_placement, "access_token", Placement::Bearer)?;
    // No revocation endpoint: revocation exists only in Flexie's UI.
    let endpoints = Endpoints::at(&origin, "/oauth2/authorize", "/oauth2/token", API_PATH)?;
    let mut flow = CodeFlow::registered(NAME, endpoints, config.registration, ClientAuth::SecretPost)?;
    flow.token_style = Style { placement: token_placement, accept_json: false };
    Ok(flow)
}

/// An API key in the `apikey` header (default) or query parameter.
pub fn api_key(subdomain: Option<&str>, key: &str, placement_option: Option<&str>, origin: Option<&str>) -> Result<ApiKey> {
    let origin = tenant_origin(subdomain, "subdomain", DOMAIN, origin)?;
    let placement = placement(placement_option, "apikey", Placement::Header("apikey"))?;
    Ok(ApiKey { provider: NAME, api_base: join_origin(&origin, API_PATH)?, style: Style { placement, accept_json: false }, key: key.into() })
}
