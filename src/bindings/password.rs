//! `PasswordClient`: the one wasm class behind the password-grant providers
//! (`Flowlu`, `Virtuous`), subclassed per provider in the package's `api.js`.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use web_sys::Request;

use super::credential::{access_token, authorize_request};
use super::error::to_js;
use super::exchange::token_promise;
use super::options::{string_arg, Options};
use crate::core::error::Result;
use crate::http::Fetcher;
use crate::providers::code_flow::invalid;
use crate::providers::password::PasswordFlow;
use crate::providers::{flowlu, virtuous};

/// The password-grant flow of one provider (`"flowlu"` or `"virtuous"`).
/// Use the provider classes (`new Flowlu(options)`, …), which pass it.
#[wasm_bindgen(skip_typescript)]
pub struct PasswordClient {
    flow: PasswordFlow,
    http: Fetcher,
}

fn flowlu_flow(o: &Options) -> Result<PasswordFlow> {
    flowlu::password_flow(flowlu::FlowluConfig {
        company: o.string("company")?,
        client_id: o.string("clientId")?,
        origin: o.string("origin")?,
        token_endpoint: o.string("tokenEndpoint")?,
    })
}

fn virtuous_flow(o: &Options) -> Result<PasswordFlow> {
    virtuous::password_flow(o.string("origin")?.as_deref())
}

#[wasm_bindgen]
impl PasswordClient {
    /// Validates the options; throws `CrmAuthError` on bad ones.
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, options: JsValue) -> std::result::Result<PasswordClient, JsValue> {
        let (name, build): (&'static str, fn(&Options) -> Result<PasswordFlow>) = match provider {
            flowlu::NAME => (flowlu::NAME, flowlu_flow),
            virtuous::NAME => (virtuous::NAME, virtuous_flow),
            _ => return Err(to_js(invalid("unknown provider"), "crm-auth")),
        };
        let made = Options::new(options, "options", true).and_then(|o| Ok(PasswordClient { http: o.fetcher()?, flow: build(&o)? }));
        made.map_err(|e| to_js(e, name))
    }

    /// Logs in with `{ username, password }` plus, for Virtuous, `otp`.
    pub fn login(&self, options: JsValue) -> Promise {
        let req = Options::new(options, "login options", false).and_then(|o| {
            let otp = o.string("otp")?.filter(|v| !v.is_empty());
            let extra: Vec<(&str, &str)> = otp.as_deref().map(|v| ("otp", v)).into_iter().collect();
            self.flow.login_request(&o.required("username")?, &o.required("password")?, &extra)
        });
        let flow = self.flow.clone();
        token_promise(&self.http, self.flow.provider, req, move |resp, now| flow.parse(resp, None, now))
    }

    /// Refreshes tokens (keeps the old refresh token when none comes back);
    /// `unsupported` for providers without refresh tokens.
    pub fn refresh(&self, refresh_token: JsValue) -> Promise {
        let old = string_arg(&refresh_token, "refreshToken");
        let req = old.as_ref().map_err(Clone::clone).and_then(|rt| self.flow.refresh_request(rt));
        let flow = self.flow.clone();
        let old = old.unwrap_or_default();
        token_promise(&self.http, self.flow.provider, req, move |resp, now| flow.parse(resp, Some(&old), now))
    }

    /// Returns a copy of `request` carrying the access token.
    pub fn authorize(&self, request: JsValue, tokens: JsValue) -> std::result::Result<Request, JsValue> {
        access_token(&tokens)
            .and_then(|t| authorize_request(request, &self.flow.token_style, &t))
            .map_err(|e| to_js(e, self.flow.provider))
    }
}

/// `Flowlu.apiError(body)`: a `CrmAuthError` for Flowlu's HTTP-200 API
/// errors, or `null`.
#[wasm_bindgen(js_name = flowluApiError, skip_typescript)]
pub fn flowlu_api_error(body: JsValue) -> JsValue {
    let text = body.as_string().or_else(|| js_sys::JSON::stringify(&body).ok().and_then(|s| s.as_string()));
    text.and_then(|t| flowlu::api_error(&t)).map_or(JsValue::NULL, |e| to_js(e, flowlu::NAME))
}
