//! `PasswordCore`: a provider's password-grant flow behind the string ABI,
//! plus the registry's API-error reader.

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::{authorization, error_json, requested, run, Options};
use super::spans::{token_answer, TokenInput};
use crate::core::error::Result;
use crate::core::request::HttpRequest;
use crate::providers;
use crate::providers::code_flow::invalid;
use crate::providers::password::PasswordFlow;

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
    /// `provider`: a registry name with a password flow; `options` as JSON
    /// (may be null).
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, options: &str) -> core::result::Result<PasswordCore, String> {
        let build = providers::find(provider).and_then(|p| Some((p.name, p.password_flow?)));
        run(build.map_or("crm-auth", |(name, _)| name), || {
            let (_, build) = build.ok_or_else(|| invalid("unknown provider"))?;
            Ok(PasswordCore {
                flow: build(&Options::parse(options, "options", true)?)?,
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

    /// Reads a token answer from the input buffer, like
    /// `CodeFlowCore.parseTokenAt`.
    #[wasm_bindgen(js_name = parseTokenAt)]
    pub fn parse_token_at(
        &self,
        status: u16,
        body_len: usize,
        old_refresh_len: usize,
        retry_after_len: usize,
        ascii: bool,
        now_ms: f64,
    ) -> u8 {
        let parts = TokenInput::new(body_len, old_refresh_len, retry_after_len);
        token_answer(
            self.flow.provider,
            self.flow.answers,
            status,
            parts,
            ascii,
            now_ms,
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

/// A provider's API error inside a 2xx answer (see
/// [`Provider::api_error`](crate::providers::Provider)) as error JSON, or an
/// empty string when `body` is not one or the provider has no such errors.
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
    providers::find(provider).is_some_and(|p| p.api_error.is_some())
}
