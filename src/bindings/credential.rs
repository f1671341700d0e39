//! Applies a provider's credential to a JS `Request`, and the
//! `ApiKeyCredentials` class returned by the providers' `apiKey()`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{Request, RequestInit};

use super::error::to_js;
use super::options::Options;
use crate::core::error::{Error, ErrorCode, Result};
use crate::providers::credential::{ApiKey, Style};
use crate::providers::{agilecrm, flexie, flowlu, virtuous};

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// The access token of a `TokenSet` (or any object with a string
/// `accessToken`, e.g. one restored by the app).
pub fn access_token(tokens: &JsValue) -> Result<String> {
    Reflect::get(tokens, &"accessToken".into())
        .ok()
        .and_then(|v| v.as_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("tokens must be a TokenSet"))
}

/// Returns a new `Request` carrying `secret` as `style` says; the caller's
/// request is not modified.
pub fn authorize_request(request: JsValue, style: &Style, secret: &str) -> Result<Request> {
    let original: Request = request.dyn_into().map_err(|_| invalid("request must be a Request"))?;
    let applied = style.apply(secret, &original.url());
    let copy = match &applied.url {
        // A Request is a valid init dictionary: method, headers and body carry over.
        Some(url) => Request::new_with_str_and_init(url, original.unchecked_ref::<RequestInit>()),
        // `clone` tees any body, so the original stays readable.
        None => original.clone(),
    }
    .map_err(|_| invalid("the request could not be copied (was its body already read?)"))?;
    let headers = copy.headers();
    for (name, value) in &applied.headers {
        headers.set(name, value).map_err(|_| invalid("the request's headers are immutable"))?;
    }
    Ok(copy)
}

/// A static API key for one provider, from `Flexie.apiKey(…)`,
/// `Flowlu.apiKey(…)`, `AgileCrm.apiKey(…)` or `Virtuous.apiKey(…)`.
#[wasm_bindgen(skip_typescript)]
pub struct ApiKeyCredentials {
    inner: ApiKey,
}

fn api_key(provider: &str, o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?.into();
    let origin = o.string("origin")?;
    let origin = origin.as_deref();
    match provider {
        flexie::NAME => flexie::api_key(o.string("subdomain")?.as_deref(), key, o.string("placement")?.as_deref(), origin),
        agilecrm::NAME => agilecrm::api_key(o.string("domain")?.as_deref(), o.required("email")?, key, origin),
        flowlu::NAME => flowlu::api_key(o.string("company")?.as_deref(), key, origin),
        virtuous::NAME => virtuous::api_key(key, origin),
        _ => Err(invalid("unknown provider")),
    }
}

#[wasm_bindgen]
impl ApiKeyCredentials {
    /// `provider` is `"flexie"`, `"agilecrm"`, `"flowlu"` or `"virtuous"`;
    /// use the providers' static `apiKey(options)`, which pass it.
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, options: JsValue) -> std::result::Result<ApiKeyCredentials, JsValue> {
        let provider_name = [flexie::NAME, agilecrm::NAME, flowlu::NAME, virtuous::NAME]
            .into_iter()
            .find(|n| *n == provider)
            .unwrap_or("crm-auth");
        Options::new(options, "apiKey options", false)
            .and_then(|o| api_key(provider, &o))
            .map(|inner| ApiKeyCredentials { inner })
            .map_err(|e| to_js(e, provider_name))
    }

    /// Returns a copy of `request` carrying the key, in the one place the
    /// provider expects it.
    pub fn authorize(&self, request: JsValue) -> std::result::Result<Request, JsValue> {
        authorize_request(request, &self.inner.style, self.inner.key.expose()).map_err(|e| to_js(e, self.inner.provider))
    }

    /// The provider these credentials are for.
    #[wasm_bindgen(getter)]
    pub fn provider(&self) -> String {
        self.inner.provider.to_owned()
    }

    /// Base URL of the provider's API.
    #[wasm_bindgen(getter, js_name = apiBase)]
    pub fn api_base(&self) -> String {
        self.inner.api_base.clone()
    }

    /// A redacted view, safe to log.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        let o = Object::new();
        for (k, v) in [("provider", self.inner.provider), ("apiBase", &self.inner.api_base), ("apiKey", "[redacted]")] {
            let _ = Reflect::set(&o, &k.into(), &v.into());
        }
        o.into()
    }

    /// A redacted one-line description, safe to log.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_display(&self) -> String {
        format!("ApiKeyCredentials {{ provider: {}, apiKey: [redacted] }}", self.inner.provider)
    }
}
