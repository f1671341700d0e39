//! `TokenSet`: tokens as JS sees them. Tokens are readable through getters
//! but never appear in `toJSON`, `toString` or Node's inspect output.

use js_sys::{Array, Date, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::error::to_js;
use super::options::Options;
use crate::core::error::{Error, ErrorCode};
use crate::core::secret::Secret;
use crate::core::token;

/// Provider name on errors that are not about one provider.
const LIBRARY: &str = "crm-auth";
const REDACTED: &str = "[redacted]";

/// Access token, type, expiry, refresh token and scopes, as issued.
#[wasm_bindgen]
pub struct TokenSet {
    pub(crate) inner: token::TokenSet,
}

impl From<token::TokenSet> for TokenSet {
    fn from(inner: token::TokenSet) -> Self {
        TokenSet { inner }
    }
}

fn opt<T: Into<JsValue>>(v: Option<T>) -> JsValue {
    v.map_or(JsValue::NULL, Into::into)
}

#[wasm_bindgen]
impl TokenSet {
    /// Wraps tokens obtained elsewhere: `{ accessToken, tokenType?, expiresAt?,
    /// refreshToken?, scopes? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "TokenSetInit")] init: JsValue) -> Result<TokenSet, JsValue> {
        let read = || -> crate::core::error::Result<token::TokenSet> {
            let o = Options::new(init, "TokenSet init", false)?;
            let scopes = o.strings("scopes")?;
            Ok(token::TokenSet {
                access_token: Secret::new(o.required("accessToken")?),
                token_type: o.string("tokenType")?.unwrap_or_else(|| "Bearer".into()),
                expires_at: o.number("expiresAt")?.map(token::epoch_ms),
                refresh_token: o.secret("refreshToken")?,
                scopes: (!scopes.is_empty()).then_some(scopes),
            })
        };
        read().map(TokenSet::from).map_err(|e| to_js(e, LIBRARY))
    }

    /// The access token (a secret: do not log it).
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> String {
        self.inner.access_token.expose().to_owned()
    }

    /// The token type the server sent (`"Bearer"` when it sent none).
    #[wasm_bindgen(getter, js_name = tokenType)]
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// Expiry as epoch milliseconds, computed from receipt time, or `null`.
    #[wasm_bindgen(getter, js_name = expiresAt, unchecked_return_type = "number | null")]
    pub fn expires_at(&self) -> JsValue {
        opt(self.inner.expires_at)
    }

    /// The refresh token, or `null` (a secret: do not log it).
    #[wasm_bindgen(getter, js_name = refreshToken, unchecked_return_type = "string | null")]
    pub fn refresh_token(&self) -> JsValue {
        opt(self.inner.refresh_token.as_ref().map(Secret::expose))
    }

    /// Granted scopes when the server said, else `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "string[] | null")]
    pub fn scopes(&self) -> JsValue {
        opt(self.inner.scopes.as_ref().map(|s| s.iter().map(|x| JsValue::from_str(x)).collect::<Array>()))
    }

    /// True when the token expires within `skewSeconds` (default 60); a
    /// token without expiry never is.
    #[wasm_bindgen(js_name = isExpired)]
    pub fn is_expired(
        &self,
        #[wasm_bindgen(js_name = skewSeconds, unchecked_param_type = "number | undefined")] skew_seconds: JsValue,
    ) -> Result<bool, JsValue> {
        let skew = if skew_seconds.is_undefined() {
            60.0
        } else {
            skew_seconds.as_f64().filter(|s| s.is_finite() && *s >= 0.0).ok_or_else(|| {
                to_js(Error::new(ErrorCode::InvalidArgument, "skewSeconds must be a non-negative number"), LIBRARY)
            })?
        };
        Ok(self.inner.is_expired(Date::now(), skew))
    }

    /// A string for storage; `TokenSet.deserialize` reads it back. It holds
    /// the tokens: store it like a password.
    pub fn serialize(&self) -> String {
        self.inner.serialize()
    }

    /// Reads a `serialize()` string; anything else is `invalid_argument`.
    pub fn deserialize(#[wasm_bindgen(unchecked_param_type = "string")] value: JsValue) -> Result<TokenSet, JsValue> {
        let s = value
            .as_string()
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, "expected a serialized TokenSet string"));
        s.and_then(|s| token::TokenSet::deserialize(&s))
            .map(TokenSet::from)
            .map_err(|e| to_js(e, LIBRARY))
    }

    /// A redacted view, safe to log.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "TokenSetSummary")]
    pub fn to_json(&self) -> JsValue {
        let o = Object::new();
        let t = &self.inner;
        for (k, v) in [
            ("accessToken", JsValue::from_str(REDACTED)),
            ("tokenType", JsValue::from_str(&t.token_type)),
            ("expiresAt", opt(t.expires_at)),
            ("refreshToken", opt(t.refresh_token.as_ref().map(|_| REDACTED))),
            ("scopes", self.scopes()),
        ] {
            let _ = Reflect::set(&o, &k.into(), &v);
        }
        o.into()
    }

    /// A redacted one-line description, safe to log.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_display(&self) -> String {
        let t = &self.inner;
        let refresh = if t.refresh_token.is_some() { REDACTED } else { "null" };
        let expires = t.expires_at.map_or("null".to_owned(), |ms| (ms as i64).to_string());
        format!("TokenSet {{ tokenType: {}, expiresAt: {expires}, accessToken: {REDACTED}, refreshToken: {refresh} }}", t.token_type)
    }
}
