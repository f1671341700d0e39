//! Token sets cross the boundary in their serialized form; these functions
//! validate what JS hands in (a stored string or a `TokenSetInit`).

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::{tokens, Options};
use super::spans::{with_input, write_token_spans};
use crate::core::json;
use crate::core::secret::Secret;
use crate::core::token::{epoch_ms, stored_fields, TokenSet};

const LIBRARY: &str = "crm-auth";

/// Checks a `serialize()` string and returns it in canonical form.
#[wasm_bindgen(js_name = tokenSetDeserialize, skip_typescript)]
pub fn token_set_deserialize(stored: &str) -> Result<String, String> {
    tokens(LIBRARY, TokenSet::deserialize(stored))
}

/// `tokenSetDeserialize` over the input buffer (`len` bytes): true when the
/// token spans were written; false for anything else, which JS then hands to
/// `tokenSetDeserialize` (for the fallback or the error).
#[wasm_bindgen(js_name = tokenSetDeserializeAt, skip_typescript)]
pub fn token_set_deserialize_at(len: usize) -> bool {
    with_input(len, |stored| {
        let value = json::parse(stored);
        value.as_ref().and_then(stored_fields).is_some_and(|fields| write_token_spans(stored, &fields))
    })
}

/// Builds a serialized token set from `{accessToken, tokenType?, expiresAt?,
/// refreshToken?, scopes?}` (JSON).
#[wasm_bindgen(js_name = tokenSetFromInit, skip_typescript)]
pub fn token_set_from_init(init: &str) -> Result<String, String> {
    tokens(LIBRARY, from_init(init))
}

/// The token set a `TokenSetInit` (JSON) describes.
fn from_init(init: &str) -> crate::core::error::Result<TokenSet> {
    let o = Options::parse(init, "TokenSet init", false)?;
    let scopes = o.strings("scopes")?;
    Ok(TokenSet {
        access_token: Secret::new(o.required("accessToken")?),
        token_type: o.str("tokenType")?.unwrap_or("Bearer").to_owned(),
        expires_at: o.number("expiresAt")?.map(epoch_ms),
        refresh_token: o.secret("refreshToken")?.map(Secret::from),
        scopes: (!scopes.is_empty()).then_some(scopes),
    })
}
