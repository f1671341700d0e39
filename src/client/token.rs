//! `TokenSet` for Rust callers: serde in the stored form JS `serialize()`
//! writes (`{"v":1,"access_token",…}`, written and checked by the core),
//! expiry against the clock, and the crossing to JS.

use std::string::String;

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Error as _, Serialize, Serializer};

use super::clock::now_ms;
use crate::core::json::Value;
use crate::core::token::{StoredMembers, TokenSet};

/// The stored form's members, borrowed from the core's canonical output.
#[derive(serde::Serialize)]
struct Stored<'a> {
    v: u8,
    access_token: &'a str,
    token_type: &'a str,
    expires_at: Option<u64>,
    refresh_token: Option<&'a str>,
    scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_base: Option<&'a str>,
}

/// The members of [`TokenSet::serialize`], in its order: with serde_json the
/// very same string, so Rust and JS read each other's stored sets.
impl Serialize for TokenSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = TokenSet::serialize(self);
        let stored = StoredMembers::read(&text);
        let fields = stored
            .as_ref()
            .and_then(StoredMembers::fields)
            .ok_or_else(|| S::Error::custom("not a storable TokenSet"))?;
        let scope = match fields.scope {
            Some(Value::String(s)) => Some(&**s),
            _ => None,
        };
        Stored {
            v: 1,
            access_token: fields.access_token,
            token_type: fields.token_type.unwrap_or("Bearer"),
            expires_at: fields.expires_at.map(|at| at as u64),
            refresh_token: fields.refresh_token,
            scope,
            api_base: fields.api_base,
        }
        .serialize(s)
    }
}

/// Anything [`TokenSet::deserialize`] reads (checked there: `v`, Bearer,
/// tokens that fit in a header), from any self-describing format.
impl<'de> Deserialize<'de> for TokenSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let text: String = serde_json::to_string(&value).map_err(D::Error::custom)?;
        TokenSet::deserialize(&text).map_err(|e| D::Error::custom(e.message.as_str()))
    }
}

impl TokenSet {
    /// True when the access token expires within `skew_seconds` (the JS
    /// default is 60); never without an expiry.
    pub fn is_expired(&self, skew_seconds: f64) -> bool {
        self.expires_at
            .is_some_and(|at| now_ms() + skew_seconds * 1000.0 >= at)
    }
}

#[cfg(target_arch = "wasm32")]
mod js {
    use super::super::error::{Error, Result};
    use crate::core::error::{Error as CoreError, ErrorCode};
    use crate::core::token::TokenSet;
    use wasm_bindgen::JsValue;

    impl TokenSet {
        /// The stored form as a plain JS object (serde-wasm-bindgen), e.g.
        /// for an app's JS state; read back with [`TokenSet::from_js`].
        pub fn to_js(&self) -> Result<JsValue> {
            serde_wasm_bindgen::to_value(self).map_err(|_| invalid())
        }

        /// Reads what [`TokenSet::to_js`] (or a parsed JS `serialize()`
        /// string) holds.
        pub fn from_js(value: JsValue) -> Result<TokenSet> {
            serde_wasm_bindgen::from_value(value).map_err(|_| invalid())
        }
    }

    fn invalid() -> Error {
        Error::new(
            "crm-auth",
            CoreError::new(ErrorCode::InvalidArgument, "not a serialized TokenSet"),
        )
    }
}
