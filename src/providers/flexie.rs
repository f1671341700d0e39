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

use super::code_flow::{invalid, HostedFlow};
use super::credential::{Placement, Style};
use super::tenant::{Home, Host};
use crate::core::error::Result;

/// Provider name used in errors.
pub const NAME: &str = "flexie";
/// Where Flexie lives.
pub const HOST: Host = Host { name: NAME, home: Home::Tenant("subdomain", "flexie.io"), api: "/api" };
/// Flexie's OAuth paths. No revocation endpoint: revocation exists only in
/// Flexie's UI.
pub const FLOW: HostedFlow = HostedFlow { host: HOST, authorize: "/oauth2/authorize", token: "/oauth2/token", accept_json: false };

/// Reads `"header"` (default) or `"query"`, with the query parameter name.
fn placement(option: Option<&str>, query_param: &'static str, header: Placement) -> Result<Placement> {
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
    Ok(Style { placement: placement(option, "apikey", Placement::Header("apikey"))?, accept_json: false })
}
