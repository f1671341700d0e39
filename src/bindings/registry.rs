//! The registry's questions the JS layer asks by provider name: a
//! provider's API-error reader and its `Session` policy.

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::error_json;
use crate::providers;
use crate::providers::RefreshTrigger;

/// A provider's API error answer (see
/// [`Provider::api_error`](crate::providers::Provider)) as error JSON, or an
/// empty string when `body` is not one or the provider has no error reader.
#[wasm_bindgen(js_name = apiError, skip_typescript)]
pub fn api_error(provider: &str, body: &str) -> String {
    match providers::find(provider) {
        Some(p) => p
            .api_error
            .and_then(|read| read(body))
            .map_or_else(String::new, |e| error_json(&e, p.name)),
        None => String::new(),
    }
}

/// Whether the provider reports errors (authorization failures included)
/// inside 2xx answers, which `Session` must then read.
#[wasm_bindgen(js_name = hasApiErrors, skip_typescript)]
pub fn has_api_errors(provider: &str) -> bool {
    providers::find(provider).is_some_and(|p| p.api_errors_in_2xx)
}

/// Whether a 401 from the provider's API makes `Session` refresh (see
/// [`RefreshTrigger`](crate::providers::RefreshTrigger)); unknown names: yes.
#[wasm_bindgen(js_name = refreshesOn401, skip_typescript)]
pub fn refreshes_on_401(provider: &str) -> bool {
    providers::find(provider).map_or(true, |p| p.refresh_trigger == RefreshTrigger::ExpiryOr401)
}

/// The status besides 429 the provider's API reports exhausted limits
/// with, or 0 (see [`Provider::rate_limit_status`](crate::providers::Provider)).
#[wasm_bindgen(js_name = rateLimitStatus, skip_typescript)]
pub fn rate_limit_status(provider: &str) -> u16 {
    providers::find(provider)
        .and_then(|p| p.rate_limit_status)
        .unwrap_or(0)
}
