//! The one way across the boundary for the calls that read untrusted text
//! (callback, token answers, stored token sets): JS writes its strings into
//! one reusable input buffer with `TextEncoder.encodeInto` (a native copy, no
//! allocation) and the call answers with a number, [`AT_SPANS`],
//! [`AT_TEXT`] or [`AT_ERROR`]. With spans, the results' byte positions are
//! (ASCII input) its own string's indices: JS slices the string it has
//! instead of decoding new ones. Otherwise (non-ASCII input, escaped values)
//! the result, or the error as JSON, waits in the output buffer.

use crate::prelude::*;
use core::cell::UnsafeCell;

use wasm_bindgen::prelude::*;

use super::abi::error_json;
use crate::core::error::Error;
use crate::core::json::Value;
use crate::core::secret::wipe;
use crate::core::token::{json_object, token_fields, Answers, TokenFields};

/// The results' positions in the input are in the spans.
pub const AT_SPANS: u8 = 0;
/// The result is text in the output buffer (its pointer and byte length in
/// the first two spans).
pub const AT_TEXT: u8 = 1;
/// An error, as JSON, in the output buffer (like [`AT_TEXT`]).
pub const AT_ERROR: u8 = 2;

/// `[access, token type, refresh, scope, API base]` as start/end pairs
/// (`-1`: absent, for the token type: `"Bearer"`), then the expiry (NaN:
/// none).
const SPAN_SLOTS: usize = 11;

struct Shared {
    input: UnsafeCell<Vec<u8>>,
    output: UnsafeCell<Vec<u8>>,
    spans: UnsafeCell<[f64; SPAN_SLOTS]>,
}

// SAFETY: wasm32-unknown-unknown runs one thread, and no export re-enters another.
unsafe impl Sync for Shared {}

static SHARED: Shared = Shared {
    input: UnsafeCell::new(Vec::new()),
    output: UnsafeCell::new(Vec::new()),
    spans: UnsafeCell::new([0.0; SPAN_SLOTS]),
};

/// Inputs larger than this are not kept between calls.
const KEEP_BYTES: usize = 64 * 1024;

/// Makes room for `len` input bytes and returns where JS writes them.
#[wasm_bindgen(js_name = inputBuffer, skip_typescript)]
pub fn input_buffer(len: usize) -> *mut u8 {
    // SAFETY: single-threaded, and no reference to the buffer outlives a call.
    let input = unsafe { &mut *SHARED.input.get() };
    if input.len() < len {
        input.resize(len, 0);
    }
    input.as_mut_ptr()
}

/// Where [`write_token_spans`] leaves its numbers (a `Float64Array` view in JS).
#[wasm_bindgen(js_name = spansPointer, skip_typescript)]
pub fn spans_pointer() -> *const f64 {
    SHARED.spans.get().cast_const().cast()
}

/// The wasm's memory, for the JS views over the two buffers above.
#[wasm_bindgen(js_name = wasmMemory, skip_typescript)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Runs `f` on the first `len` input bytes as text, then wipes them (they may
/// hold a code or tokens). Invalid UTF-8 (JS writes it with encodeInto, so
/// never) reads as "". The previous answer's text, read by now, is dropped
/// first (wiped), and a large one is not kept.
pub fn with_input<R>(len: usize, f: impl FnOnce(&str) -> R) -> R {
    // SAFETY: as in `input_buffer`.
    let (input, output) = unsafe { (&mut *SHARED.input.get(), &mut *SHARED.output.get()) };
    if !output.is_empty() {
        wipe(output);
        output.clear();
        if output.capacity() > KEEP_BYTES {
            *output = Vec::new();
        }
    }
    let used = input.get_mut(..len).unwrap_or_default();
    let result = f(core::str::from_utf8(used).unwrap_or_default());
    wipe(used);
    if input.len() > KEEP_BYTES {
        *input = Vec::new();
    }
    result
}

/// Leaves `text` in the output buffer for JS (which decodes, then zeroes
/// it) and answers `kind`. What it held before is wiped first.
pub fn answer_text(text: String, kind: u8) -> u8 {
    // SAFETY: as in `input_buffer`.
    let (output, spans) = unsafe { (&mut *SHARED.output.get(), &mut *SHARED.spans.get()) };
    wipe(output);
    *output = text.into_bytes();
    spans[0] = output.as_ptr() as usize as f64;
    spans[1] = output.len() as f64;
    kind
}

/// `err` as JSON in the output buffer: [`AT_ERROR`].
pub fn answer_error(err: &Error, provider: &str) -> u8 {
    answer_text(error_json(err, provider), AT_ERROR)
}

/// `part`'s byte range within `whole`, if it is a slice of it.
pub fn span_of(whole: &str, part: &str) -> Option<(f64, f64)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start + part.len();
    (end <= whole.len()).then_some((start as f64, end as f64))
}

/// Whether `scope` is already in canonical form (words joined by single
/// spaces), which JS keeps as is and splits on " "; with `commas`, a comma
/// separates words too, so one makes it not canonical.
fn canonical_scope(scope: &str, commas: bool) -> bool {
    let mut previous = b' ';
    // Indexing, not `bytes()`: at opt-level "z" its `next` stays a call per byte.
    let mut i = 0;
    while let Some(&b) = scope.as_bytes().get(i) {
        if (b.is_ascii_whitespace() && (b != b' ' || previous == b' ')) || (commas && b == b',') {
            return false;
        }
        previous = b;
        i += 1;
    }
    previous != b' ' || scope.is_empty()
}

/// Records where each token field sits in `input`; false when one is not a
/// plain slice of it (an escaped string, a scope array or a scope not in
/// canonical form) and JS must take the string ABI.
pub fn write_token_spans(input: &str, fields: &TokenFields) -> bool {
    let optional = |part: Option<&str>| match part {
        None => Some((-1.0, -1.0)),
        Some(s) => span_of(input, s),
    };
    let scope = match fields.scope {
        None => Some((-1.0, -1.0)),
        Some(Value::String(s)) if canonical_scope(s, fields.comma_scopes) => span_of(input, s),
        Some(_) => None,
    };
    let (Some(access), Some(kind), Some(refresh), Some(scope), Some(base)) = (
        span_of(input, fields.access_token),
        optional(fields.token_type),
        optional(fields.refresh_token),
        scope,
        optional(fields.api_base),
    ) else {
        return false;
    };
    let expires = fields.expires_at.unwrap_or(f64::NAN);
    // SAFETY: as in `input_buffer`.
    let spans = unsafe { &mut *SHARED.spans.get() };
    *spans = [
        access.0, access.1, kind.0, kind.1, refresh.0, refresh.1, scope.0, scope.1, base.0, base.1,
        expires,
    ];
    true
}

/// Records where `part` (the callback's code) sits in `input`, as the first
/// span; false when it is not a slice of it (it was decoded).
pub fn write_span(input: &str, part: &str) -> bool {
    let Some((start, end)) = span_of(input, part) else {
        return false;
    };
    // SAFETY: as in `input_buffer`.
    let spans = unsafe { &mut *SHARED.spans.get() };
    spans[0] = start;
    spans[1] = end;
    true
}

/// Writes one number into span slot `i` (a callback's token-host index).
pub fn write_slot(i: usize, value: f64) {
    // SAFETY: as in `input_buffer`.
    let spans = unsafe { &mut *SHARED.spans.get() };
    if let Some(slot) = spans.get_mut(i) {
        *slot = value;
    }
}

/// The lengths of a token answer's parts in the input buffer, in order.
pub struct TokenInput {
    /// The body's bytes.
    pub body: usize,
    /// The refresh token sent (empty: a first grant), kept when the answer
    /// has none.
    pub old_refresh: usize,
    /// The `Retry-After` header (empty: none).
    pub retry_after: usize,
}

impl TokenInput {
    /// The parts' byte lengths as the exports receive them.
    pub fn new(body: usize, old_refresh: usize, retry_after: usize) -> Self {
        TokenInput {
            body,
            old_refresh,
            retry_after,
        }
    }
}

/// Reads a token answer from the input buffer with the provider's
/// `answers`: spans when `ascii` and every field is a plain slice, else the
/// stored form as text, or the error. `old_api_base` (empty: none) is the
/// refreshed set's, kept when the answer names none.
pub fn token_answer(
    provider: &str,
    answers: &Answers,
    status: u16,
    parts: TokenInput,
    ascii: bool,
    now_ms: f64,
    old_api_base: &str,
) -> u8 {
    with_input(
        parts.body + parts.old_refresh + parts.retry_after,
        |input| {
            let body = input.get(..parts.body).unwrap_or_default();
            let rest = input.get(parts.body..).unwrap_or_default();
            let old = rest.get(..parts.old_refresh).unwrap_or_default();
            let retry = rest.get(parts.old_refresh..).unwrap_or_default();
            let value = json_object(body);
            let retry = (!retry.is_empty()).then_some(retry);
            match token_fields(status, retry, now_ms, value.as_ref(), answers) {
                Ok(mut fields) => {
                    // A refresh answer without a refresh token keeps the old one.
                    if fields.refresh_token.is_none() && !old.is_empty() {
                        fields.refresh_token = Some(old);
                    }
                    // Likewise its API base (checked by the refresh request).
                    if fields.api_base.is_none() && !old_api_base.is_empty() {
                        fields.api_base = Some(old_api_base);
                    }
                    if ascii && write_token_spans(input, &fields) {
                        AT_SPANS
                    } else {
                        answer_text(fields.to_set().serialize(), AT_TEXT)
                    }
                }
                Err(e) => answer_error(&e, provider),
            }
        },
    )
}
