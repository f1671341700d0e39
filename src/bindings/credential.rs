//! `ApiKeyCore`: a provider's static API key behind the string ABI.

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::{applied_json, run, Options};
use crate::core::error::Result;
use crate::providers::code_flow::invalid;
use crate::providers::credential::{ApiKey, Style};
use crate::providers::{agilecrm, flexie, flowlu, virtuous};

fn build(provider: &str, o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?;
    let (host, style) = match provider {
        flexie::NAME => (&flexie::HOST, flexie::key_style(o.str("placement")?)),
        agilecrm::NAME => (&agilecrm::HOST, agilecrm::key_style(o.required("email")?)),
        flowlu::NAME => (&flowlu::HOST, Ok(flowlu::KEY_STYLE)),
        virtuous::NAME => (&virtuous::HOST, Ok(Style::BEARER)),
        _ => return Err(invalid("unknown provider")),
    };
    ApiKey::hosted(host, o.place(host)?, style, key)
}

/// A static API key for one provider.
#[wasm_bindgen(skip_typescript)]
pub struct ApiKeyCore {
    inner: ApiKey,
}

#[wasm_bindgen]
impl ApiKeyCore {
    /// `provider`: `"flexie"`, `"agilecrm"`, `"flowlu"` or `"virtuous"`;
    /// `options` as JSON.
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, options: &str) -> core::result::Result<ApiKeyCore, String> {
        let name = [flexie::NAME, agilecrm::NAME, flowlu::NAME, virtuous::NAME]
            .into_iter()
            .find(|n| *n == provider)
            .unwrap_or("crm-auth");
        run(name, || {
            Ok(ApiKeyCore {
                inner: build(provider, &Options::parse(options, "apiKey options", false)?)?,
            })
        })
    }

    /// Where the key goes on a request to `url` (JSON).
    pub fn authorization(&self, url: &str) -> String {
        applied_json(&self.inner.apply(url))
    }

    /// Base URL of the provider's API.
    #[wasm_bindgen(getter, js_name = apiBase)]
    pub fn api_base(&self) -> String {
        self.inner.api_base.clone()
    }
}
