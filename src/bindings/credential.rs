//! `ApiKeyCore`: a provider's static API key behind the string ABI.

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::{applied_json, run, Options};
use crate::providers::code_flow::invalid;
use crate::providers::{self, credential::ApiKey};

/// A static API key for one provider.
#[wasm_bindgen(skip_typescript)]
pub struct ApiKeyCore {
    inner: ApiKey,
}

#[wasm_bindgen]
impl ApiKeyCore {
    /// `provider`: a registry name with API keys; `options` as JSON.
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, options: &str) -> core::result::Result<ApiKeyCore, String> {
        let build = providers::find(provider).and_then(|p| Some((p.name, p.api_key?)));
        run(build.map_or("crm-auth", |(name, _)| name), || {
            let (_, build) = build.ok_or_else(|| invalid("unknown provider"))?;
            Ok(ApiKeyCore {
                inner: build(&Options::parse(options, "apiKey options", false)?)?,
            })
        })
    }

    /// Where the key goes on a request to `url` (JSON, with `perUrl`).
    pub fn authorization(&self, url: &str) -> String {
        applied_json(&self.inner.apply(url), &self.inner.style)
    }

    /// Base URL of the provider's API.
    #[wasm_bindgen(getter, js_name = apiBase)]
    pub fn api_base(&self) -> String {
        self.inner.api_base.clone()
    }
}
