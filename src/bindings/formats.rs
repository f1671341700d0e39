//! Text formats the JS layer needs too, exported so that the core stays
//! their one owner: `Retry-After` of API answers (`Session.fetch` sees them,
//! the core never does) and base64url of sealed cookies and encrypted tokens.

use crate::core::{encode, time};
use crate::prelude::*;
use wasm_bindgen::prelude::*;

/// `Retry-After` as whole seconds from `nowMs` (delay-seconds or any HTTP-date
/// form), or `undefined` when the value is missing, negative or garbage.
#[wasm_bindgen(js_name = retryAfterSeconds, skip_typescript)]
pub fn retry_after_seconds(value: &str, now_ms: f64) -> Option<f64> {
    time::parse_retry_after(value, now_ms)
}

/// Unpadded base64url of `bytes`.
#[wasm_bindgen(js_name = base64urlEncode, skip_typescript)]
pub fn base64url_encode(bytes: &[u8]) -> String {
    encode::base64url(bytes)
}

/// The bytes of canonical unpadded base64url `text`, or `undefined` (padding,
/// other characters, impossible lengths, non-zero trailing bits).
#[wasm_bindgen(js_name = base64urlDecode, skip_typescript)]
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    encode::base64url_decode(text)
}
