//! `PasswordCore`: the password-grant flow of Flowlu or Virtuous behind the
//! string ABI, plus Flowlu's API-error reader.

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::{authorization, error_json, requested, run, tokens, Options};
use super::code_flow::response;
use crate::core::error::Result;
use crate::core::request::HttpRequest;
use crate::providers::code_flow::invalid;
use crate::providers::password::PasswordFlow;
use crate::providers::{flowlu, virtuous};

fn build(provider: &str, o: &Options) -> Result<PasswordFlow> {
    match provider {
        flowlu::NAME => flowlu::password_flow(flowlu::FlowluConfig {
            company: o.str("company")?,
            client_id: o.str("clientId")?,
            origin: o.str("origin")?,
            token_endpoint: o.str("tokenEndpoint")?,
            api_base: o.str("apiBase")?,
        }),
        virtuous::NAME => virtuous::password_flow(o.str("origin")?, o.str("apiBase")?),
        _ => Err(invalid("unknown provider")),
    }
}

/// `loginRequest`'s request from `{username, password, otp?}` as JSON.
fn login(flow: &PasswordFlow, options: &str) -> Result<HttpRequest> {
    let o = Options::parse(options, "login options", false)?;
    let otp = o.str("otp")?.filter(|v| !v.is_empty());
    let extra: &[(&str, &str)] = match &otp {
        Some(v) => &[("otp", v)],
        None => &[],
    };
    flow.login_request(o.required("username")?, o.required("password")?, extra)
}

/// One provider's password-grant flow.
#[wasm_bindgen(skip_typescript)]
pub struct PasswordCore {
    flow: PasswordFlow,
}

#[wasm_bindgen]
impl PasswordCore {
    /// `provider`: `"flowlu"` or `"virtuous"`; `options` as JSON (may be null).
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, options: &str) -> core::result::Result<PasswordCore, String> {
        let name = [flowlu::NAME, virtuous::NAME]
            .into_iter()
            .find(|n| *n == provider)
            .unwrap_or("crm-auth");
        run(name, || {
            Ok(PasswordCore {
                flow: build(provider, &Options::parse(options, "options", true)?)?,
            })
        })
    }

    /// The login request (JSON) from `{username, password, otp?}` as JSON.
    #[wasm_bindgen(js_name = loginRequest)]
    pub fn login_request(&self, options: &str) -> core::result::Result<String, String> {
        requested(self.flow.provider, login(&self.flow, options))
    }

    /// The refresh request (JSON), or `unsupported`.
    #[wasm_bindgen(js_name = refreshRequest)]
    pub fn refresh_request(&self, refresh_token: &str) -> core::result::Result<String, String> {
        requested(self.flow.provider, self.flow.refresh_request(refresh_token))
    }

    /// Parses a token answer (provider quirks included) into a serialized
    /// token set.
    #[wasm_bindgen(js_name = parseToken)]
    pub fn parse_token(
        &self,
        status: u16,
        retry_after: &str,
        body: String,
        old_refresh: &str,
        now_ms: f64,
    ) -> core::result::Result<String, String> {
        let old = (!old_refresh.is_empty()).then_some(old_refresh);
        tokens(
            self.flow.provider,
            self.flow
                .parse(&response(status, retry_after, body), old, now_ms),
        )
    }

    /// Where the access token goes on a request to `url` (JSON).
    pub fn authorization(
        &self,
        url: &str,
        access_token: &str,
    ) -> core::result::Result<String, String> {
        authorization(
            self.flow.provider,
            &self.flow.token_style,
            url,
            access_token,
        )
    }

    /// Base URL of the provider's API, when known.
    #[wasm_bindgen(getter, js_name = apiBase)]
    pub fn api_base(&self) -> Option<String> {
        self.flow.api_base.clone()
    }
}

/// Flowlu's `{error: {error_code, error_msg}}` (often with HTTP 200) as error
/// JSON, or an empty string when `body` is not such an error.
#[wasm_bindgen(js_name = flowluApiError, skip_typescript)]
pub fn flowlu_api_error(body: &str) -> String {
    flowlu::api_error(body).map_or_else(String::new, |e| error_json(&e, flowlu::NAME))
}
