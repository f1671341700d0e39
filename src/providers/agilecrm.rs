//! Agile CRM (https://{domain}.agilecrm.com): OAuth 2.0 authorization code,
//! or — what every real integration uses — HTTP Basic `email:REST_API_KEY`.
//!
//! - Authorize at `/oauth/authorize`, token at `/oauth/token` (form body).
//! - API under `/dev/api/…`; always send `Accept: application/json`, else
//!   Agile answers XML.
//! - 204 means not found / empty; 429 with `Retry-After` means slow down
//!   (the core maps it to `rate_limited`).

use crate::prelude::*;
use super::code_flow::{CodeFlow, Endpoints, Registration};
use super::credential::{ApiKey, Placement, Style};
use super::tenant::tenant_origin;
use crate::core::endpoint::join_origin;
use crate::core::error::Result;
use crate::core::request::ClientAuth;

/// Provider name used in errors.
pub const NAME: &str = "agilecrm";
const DOMAIN: &str = "agilecrm.com";
const API_PATH: &str = "/dev/api";

/// Settings an Agile CRM client is built from.
#[derive(Debug)]
pub struct AgileCrmConfig<'a> {
    /// `acme` in `acme.agilecrm.com`.
    pub domain: Option<&'a str>,
    /// Client id, secret, redirect URI and expected issuer.
    pub registration: Registration<'a>,
    /// Replaces `https://{domain}.agilecrm.com`.
    pub origin: Option<&'a str>,
}

/// Builds the Agile CRM code flow.
pub fn code_flow(config: AgileCrmConfig) -> Result<CodeFlow> {
    let origin = tenant_origin(config.domain, "domain", DOMAIN, config.origin)?;
    let endpoints = Endpoints::at(&origin, "/oauth/authorize", "/oauth/token", API_PATH)?;
    let mut flow = CodeFlow::registered(NAME, endpoints, config.registration, ClientAuth::SecretPost)?;
    flow.token_style = Style { placement: Placement::Bearer, accept_json: true };
    Ok(flow)
}

/// HTTP Basic `email:key` plus `Accept: application/json`.
pub fn api_key(domain: Option<&str>, email: &str, key: &str, origin: Option<&str>) -> Result<ApiKey> {
    let origin = tenant_origin(domain, "domain", DOMAIN, origin)?;
    let style = Style { placement: Placement::BasicUser(email.to_owned()), accept_json: true };
    Ok(ApiKey { provider: NAME, api_base: join_origin(&origin, API_PATH)?, style, key: key.into() })
}
