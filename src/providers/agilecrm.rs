//! Agile CRM (https://{domain}.agilecrm.com): OAuth 2.0 authorization code,
//! or — what every real integration uses — HTTP Basic `email:REST_API_KEY`.
//!
//! - Authorize at `/oauth/authorize`, token at `/oauth/token` (form body).
//! - API under `/dev/api/…`; always send `Accept: application/json`, else
//!   Agile answers XML.
//! - 204 means not found / empty; 429 with `Retry-After` means slow down
//!   (the core maps it to `rate_limited`).

use crate::prelude::*;
use super::code_flow::HostedFlow;
use super::credential::{Placement, Style};
use super::tenant::{Home, Host};

/// Provider name used in errors.
pub const NAME: &str = "agilecrm";
/// Where Agile CRM lives.
pub const HOST: Host = Host { name: NAME, home: Home::Tenant("domain", "agilecrm.com"), api: "/dev/api" };
/// Agile CRM's OAuth paths; tokens go with `Accept: application/json`.
pub const FLOW: HostedFlow = HostedFlow { host: HOST, authorize: "/oauth/authorize", token: "/oauth/token", accept_json: true };

/// HTTP Basic `email:key` plus `Accept: application/json`.
pub fn key_style(email: &str) -> Style {
    Style { placement: Placement::BasicUser(email.to_owned()), accept_json: true }
}
