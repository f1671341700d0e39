//! Token sets cross the boundary in their serialized form; these functions
//! validate what JS hands in (a stored string or a `TokenSetInit`).

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::{tokens, Options};
use super::spans::{answer_error, answer_text, with_input, write_token_spans, AT_SPANS, AT_TEXT};
use crate::core::secret::Secret;
use crate::core::token::{not_stored, serialize_fields, StoredMembers, TokenSet};

const LIBRARY: &str = "crm-auth";

/// `TokenSet.deserialize` of the input buffer's `len` bytes: spans (when
/// `ascii`), the canonical stored form as text, or the error (see
/// `spans.rs`).
#[wasm_bindgen(js_name = tokenSetDeserializeAt, skip_typescript)]
pub fn token_set_deserialize_at(len: usize, ascii: bool) -> u8 {
    with_input(len, |text| {
        let stored = StoredMembers::read(text);
        match stored.as_ref().and_then(StoredMembers::fields) {
            Some(fields) if ascii && write_token_spans(text, &fields) => AT_SPANS,
            Some(fields) => answer_text(fields.to_set().serialize(), AT_TEXT),
            None => answer_error(&not_stored(), LIBRARY),
        }
    })
}

/// `TokenSet.serialize()`: the stored form is written here only (the JS
/// TokenSet holds checked fields; `expires_at` whole milliseconds, `scope`
/// canonical words).
#[wasm_bindgen(js_name = tokenSetSerialize, skip_typescript)]
pub fn token_set_serialize(
    access_token: &str,
    token_type: &str,
    expires_at: Option<f64>,
    refresh_token: Option<String>,
    scope: Option<String>,
    api_base: Option<String>,
) -> String {
    let refresh_token = refresh_token.map(Secret::new); // wiped when dropped
    serialize_fields(
        access_token,
        token_type,
        expires_at,
        refresh_token.as_ref().map(Secret::expose),
        scope.as_deref(),
        api_base.as_deref(),
    )
}

/// Builds a serialized token set from `{accessToken, tokenType?, expiresAt?,
/// refreshToken?, scopes?, apiBase?}` (JSON).
#[wasm_bindgen(js_name = tokenSetFromInit, skip_typescript)]
pub fn token_set_from_init(init: &str) -> Result<String, String> {
    tokens(
        LIBRARY,
        Options::parse(init, "TokenSet init", false).and_then(|o| TokenSet::from_init(&o)),
    )
}
