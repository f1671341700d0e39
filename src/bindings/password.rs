//! The password-grant classes: `Flowlu` and `Virtuous`.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use web_sys::Request;

use super::code_flow::api_key_credentials;
use super::credential::{access_token, authorize_request, ApiKeyCredentials};
use super::error::to_js;
use super::exchange::token_promise;
use super::options::{string_arg, Options};
use crate::core::error::Result;
use crate::http::Fetcher;
use crate::providers::password::PasswordFlow;
use crate::providers::{flowlu, virtuous};

/// A password flow plus the fetch that runs it.
struct PasswordClient {
    flow: PasswordFlow,
    http: Fetcher,
}

impl PasswordClient {
    fn new(
        options: JsValue,
        provider: &'static str,
        build: impl FnOnce(&Options) -> Result<PasswordFlow>,
    ) -> std::result::Result<Self, JsValue> {
        let made = Options::new(options, "options", true).and_then(|o| Ok(PasswordClient { http: o.fetcher()?, flow: build(&o)? }));
        made.map_err(|e| to_js(e, provider))
    }

    fn login(&self, options: JsValue, extra_fields: &[&'static str]) -> Promise {
        let req = Options::new(options, "login options", false).and_then(|o| {
            let mut extra = Vec::new();
            for &name in extra_fields {
                if let Some(value) = o.string(name)?.filter(|v| !v.is_empty()) {
                    extra.push((name, value));
                }
            }
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            self.flow.login_request(&o.required("username")?, &o.required("password")?, &extra)
        });
        let flow = self.flow.clone();
        token_promise(&self.http, self.flow.provider, req, move |resp, now| flow.parse(resp, None, now))
    }

    fn refresh(&self, refresh_token: JsValue) -> Promise {
        let old = string_arg(&refresh_token, "refreshToken");
        let req = old.as_ref().map_err(Clone::clone).and_then(|rt| self.flow.refresh_request(rt));
        let flow = self.flow.clone();
        let old = old.unwrap_or_default();
        token_promise(&self.http, self.flow.provider, req, move |resp, now| flow.parse(resp, Some(&old), now))
    }

    fn authorize(&self, request: JsValue, tokens: JsValue) -> std::result::Result<Request, JsValue> {
        access_token(&tokens)
            .and_then(|t| authorize_request(request, &self.flow.token_style, &t))
            .map_err(|e| to_js(e, self.flow.provider))
    }
}

/// Flowlu: password grant (admins only; token without expiry or refresh),
/// sent as HTTP Basic `bearer:TOKEN`; or `Flowlu.apiKey`.
#[wasm_bindgen]
pub struct Flowlu {
    inner: PasswordClient,
}

#[wasm_bindgen]
impl Flowlu {
    /// `{ company, clientId?, origin?, tokenEndpoint?, timeoutMs?, fetch? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "FlowluOptions")] options: JsValue) -> std::result::Result<Flowlu, JsValue> {
        let inner = PasswordClient::new(options, flowlu::NAME, |o| {
            flowlu::password_flow(flowlu::FlowluConfig {
                company: o.string("company")?,
                client_id: o.string("clientId")?,
                origin: o.string("origin")?,
                token_endpoint: o.string("tokenEndpoint")?,
            })
        })?;
        Ok(Flowlu { inner })
    }

    /// Logs in with a Flowlu admin's credentials.
    #[wasm_bindgen(unchecked_return_type = "Promise<TokenSet>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ username: string; password: string }")] options: JsValue,
    ) -> Promise {
        self.inner.login(options, &[])
    }

    /// Returns a copy of `request` with HTTP Basic `bearer:TOKEN`.
    pub fn authorize(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TokenSet")] tokens: JsValue,
    ) -> std::result::Result<Request, JsValue> {
        self.inner.authorize(request, tokens)
    }

    /// A Flowlu API key, sent as the `api_key` query parameter on every request.
    #[wasm_bindgen(js_name = apiKey)]
    pub fn api_key(
        #[wasm_bindgen(unchecked_param_type = "FlowluApiKeyOptions")] options: JsValue,
    ) -> std::result::Result<ApiKeyCredentials, JsValue> {
        api_key_credentials(options, flowlu::NAME, |o| {
            let key = o.required("apiKey")?.into();
            flowlu::api_key(o.string("company")?.as_deref(), key, o.string("origin")?.as_deref())
        })
    }

    /// Flowlu reports API failures as `{error: {error_code, error_msg}}`,
    /// often with HTTP 200. Pass the parsed body (or its text): returns a
    /// `CrmAuthError` (`oauth_error` with `invalid_token` for code 11 and
    /// `access_denied` for 22; `invalid_response` for other codes), or `null`
    /// when the body is not an error.
    #[wasm_bindgen(js_name = apiError, unchecked_return_type = "CrmAuthError | null")]
    pub fn api_error(body: JsValue) -> JsValue {
        let text = body.as_string().or_else(|| js_sys::JSON::stringify(&body).ok().and_then(|s| s.as_string()));
        text.and_then(|t| flowlu::api_error(&t)).map_or(JsValue::NULL, |e| to_js(e, flowlu::NAME))
    }
}

/// Virtuous CRM: password grant with two-factor (`otp_required`), refresh;
/// or `Virtuous.apiKey`.
#[wasm_bindgen]
pub struct Virtuous {
    inner: PasswordClient,
}

#[wasm_bindgen]
impl Virtuous {
    /// `{ origin?, timeoutMs?, fetch? }` (all optional).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "VirtuousOptions | undefined")] options: JsValue,
    ) -> std::result::Result<Virtuous, JsValue> {
        let inner =
            PasswordClient::new(options, virtuous::NAME, |o| virtuous::password_flow(o.string("origin")?.as_deref()))?;
        Ok(Virtuous { inner })
    }

    /// Logs in. A two-factor account first rejects with `otp_required`:
    /// ask the user for the code and call `login` again with `otp`.
    #[wasm_bindgen(unchecked_return_type = "Promise<TokenSet>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ username: string; password: string; otp?: string }")] options: JsValue,
    ) -> Promise {
        self.inner.login(options, &["otp"])
    }

    /// Refreshes tokens (keeps the old refresh token when none comes back).
    #[wasm_bindgen(unchecked_return_type = "Promise<TokenSet>")]
    pub fn refresh(
        &self,
        #[wasm_bindgen(js_name = refreshToken, unchecked_param_type = "string")] refresh_token: JsValue,
    ) -> Promise {
        self.inner.refresh(refresh_token)
    }

    /// Returns a copy of `request` with `Authorization: Bearer`.
    pub fn authorize(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TokenSet")] tokens: JsValue,
    ) -> std::result::Result<Request, JsValue> {
        self.inner.authorize(request, tokens)
    }

    /// A Virtuous API key, sent as `Authorization: Bearer`.
    #[wasm_bindgen(js_name = apiKey)]
    pub fn api_key(
        #[wasm_bindgen(unchecked_param_type = "VirtuousApiKeyOptions")] options: JsValue,
    ) -> std::result::Result<ApiKeyCredentials, JsValue> {
        api_key_credentials(options, virtuous::NAME, |o| virtuous::api_key(o.required("apiKey")?.into(), o.string("origin")?.as_deref()))
    }
}
