//! Helpers shared by the native test binaries (`mod common;` in each).

use crm_auth::core::callback::{callback_code, Issuer};
use crm_auth::core::encode::form_pairs;
use crm_auth::core::error::Error;

/// The checked code of a callback URL (`callback_code`, owned).
pub fn parse_callback(url: &str, state: &str, issuer: Option<&str>) -> Result<String, Error> {
    callback_code(url, state, issuer.map_or(Issuer::Any, Issuer::Exact)).map(|c| c.into_owned())
}

/// The decoded pairs of a form string; `None` when one is undecodable.
pub fn parse_form(s: &str) -> Option<Vec<(String, String)>> {
    form_pairs(s)
        .map(|p| p.map(|(k, v)| (k.into_owned(), v.into_owned())))
        .collect()
}
