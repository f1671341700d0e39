//! The string ABI between the wasm and the package's JS layer: arguments
//! arrive as strings (option objects as JSON), results leave as strings
//! (requests and token sets as JSON), errors as JSON the JS layer turns into
//! `CrmAuthError`. Strings are the cheapest values to cross the boundary and
//! keep the wasm free of JS object plumbing.

use crate::core::encode::decimal;
use crate::core::error::{Error, Result};
use crate::core::json::write_string;
pub use crate::core::options::Options;
use crate::core::request::HttpRequest;
use crate::core::token::TokenSet;
use crate::prelude::*;
use crate::providers::credential::{Applied, Style};

/// An error as thrown to JS: `{"code","message","provider",…}`.
pub fn error_json(err: &Error, provider: &str) -> String {
    let mut out = String::from("{\"code\":");
    write_string(&mut out, err.code.as_str());
    for (key, value) in [
        ("message", Some(err.message.as_str())),
        ("provider", Some(provider)),
        ("error", err.error.as_deref()),
        ("errorDescription", err.error_description.as_deref()),
    ] {
        if let Some(v) = value {
            out.push_str(",\"");
            out.push_str(key);
            out.push_str("\":");
            write_string(&mut out, v);
        }
    }
    for (key, value) in [
        ("status", err.status.map(u64::from)),
        ("retryAfter", err.retry_after.map(|r| r as u64)),
    ] {
        if let Some(v) = value {
            out.push_str(",\"");
            out.push_str(key);
            out.push_str("\":");
            out.push_str(&decimal(v));
        }
    }
    out.push('}');
    out
}

/// Runs `f`, turning its error into the JSON JS expects.
pub fn run<T>(provider: &str, f: impl FnOnce() -> Result<T>) -> core::result::Result<T, String> {
    f().map_err(|e| thrown(e, provider))
}

/// `err` as JSON, consumed: out of line, so each export carries one call
/// instead of the conversion and the error's drop.
#[inline(never)]
fn thrown(err: Error, provider: &str) -> String {
    error_json(&err, provider)
}

/// A built request as JSON, or its error: shared out of line by every
/// request-building export.
#[inline(never)]
pub fn requested(provider: &str, req: Result<HttpRequest>) -> core::result::Result<String, String> {
    match req {
        Ok(req) => Ok(request_json(&req)),
        Err(e) => Err(thrown(e, provider)),
    }
}

/// A parsed token set in its serialized form, or its error (out of line,
/// like [`requested`]).
#[inline(never)]
pub fn tokens(provider: &str, tokens: Result<TokenSet>) -> core::result::Result<String, String> {
    match tokens {
        Ok(tokens) => Ok(tokens.serialize()),
        Err(e) => Err(thrown(e, provider)),
    }
}

/// `{"method","url","headers":[[name,value]…],"body"}` for `fetch`.
pub fn request_json(req: &HttpRequest) -> String {
    let mut out = String::from("{\"method\":");
    write_string(&mut out, req.method);
    out.push_str(",\"url\":");
    write_string(&mut out, &req.url);
    out.push_str(",\"headers\":");
    pairs(&mut out, &req.headers);
    out.push_str(",\"body\":");
    match &req.body {
        Some(body) => write_string(&mut out, body),
        None => out.push_str("null"),
    }
    out.push('}');
    out
}

/// `{"url": string|null, "headers": [[name, value]…], "perUrl": bool}` for
/// `authorize`; `perUrl` false: the same answer serves every URL (JS reuses it).
pub fn applied_json(applied: &Applied, style: &Style) -> String {
    let mut out = String::from("{\"url\":");
    match &applied.url {
        Some(url) => write_string(&mut out, url),
        None => out.push_str("null"),
    }
    out.push_str(",\"headers\":");
    pairs(&mut out, &applied.headers);
    out.push_str(if style.per_url() {
        ",\"perUrl\":true}"
    } else {
        ",\"perUrl\":false}"
    });
    out
}

/// `[[name, value]…]`: headers, one non-generic writer for all of them.
pub fn pairs(out: &mut String, items: &[(&str, String)]) {
    out.push('[');
    for (i, (k, v)) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        write_string(out, k);
        out.push(',');
        write_string(out, v);
        out.push(']');
    }
    out.push(']');
}
