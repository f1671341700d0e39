//! The string ABI between the wasm and the package's JS layer: arguments
//! arrive as strings (option objects as JSON), results leave as strings
//! (requests and token sets as JSON), errors as JSON the JS layer turns into
//! `CrmAuthError`. Strings are the cheapest values to cross the boundary and
//! keep the wasm free of JS object plumbing.

use crate::core::encode::{concat, decimal};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::{self, write_string, Value};
use crate::core::request::HttpRequest;
use crate::core::token::TokenSet;
use crate::prelude::*;
use crate::providers::code_flow::check_token;
use crate::providers::credential::{Applied, Style};
use crate::providers::tenant::{Host, Place};

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

/// `{"url": string|null, "headers": [[name, value]…]}` for `authorize`.
pub fn applied_json(applied: &Applied) -> String {
    let mut out = String::from("{\"url\":");
    match &applied.url {
        Some(url) => write_string(&mut out, url),
        None => out.push_str("null"),
    }
    out.push_str(",\"headers\":");
    pairs(&mut out, &applied.headers);
    out.push('}');
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

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// "`key` rule": one shared, out-of-line builder for every option error
/// (inlined, each call site carried its own copy).
#[inline(never)]
fn bad(key: &str, rule: &str) -> Error {
    invalid(concat(&["`", key, "` ", rule]))
}

/// An options object received as JSON (`JSON.stringify(options)`; `null`
/// or absent when the caller passed none). Strings are handed out borrowed
/// from it: callers copy only what they keep, and a failed option leaves
/// nothing to free.
pub struct Options<'a>(Option<Value<'a>>);

impl<'a> Options<'a> {
    /// Parses `json`; it must be an object, or (when `optional`) null.
    pub fn parse(json: &'a str, what: &str, optional: bool) -> Result<Self> {
        match json::parse(json) {
            Some(v @ Value::Object(_)) => Ok(Options(Some(v))),
            Some(Value::Null) | None if optional => Ok(Options(None)),
            _ => Err(invalid(concat(&[what, " must be an object"]))),
        }
    }

    fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.0
            .as_ref()?
            .get(key)
            .filter(|v| !matches!(v, Value::Null))
    }

    /// An optional string option.
    pub fn str(&self, key: &str) -> Result<Option<&str>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| bad(key, "must be a string")),
        }
    }

    /// A required, non-empty string option.
    pub fn required(&self, key: &str) -> Result<&str> {
        match self.str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(bad(key, "is required")),
        }
    }

    /// An optional secret (empty counts as absent); its value never appears
    /// in errors.
    pub fn secret(&self, key: &str) -> Result<Option<&str>> {
        Ok(self.str(key)?.filter(|s| !s.is_empty()))
    }

    /// Where a hosted provider or key is built: its tenant option (if it
    /// has tenants), `origin` and `apiBase`.
    pub fn place(&self, host: &Host) -> Result<Place<'_>> {
        let tenant = match host.tenant_option() {
            Some(key) => self.str(key)?,
            None => None,
        };
        Ok(Place {
            tenant,
            origin: self.str("origin")?,
            api_base: self.str("apiBase")?,
        })
    }

    /// An optional boolean option.
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(bad(key, "must be a boolean")),
        }
    }

    /// An optional finite, non-negative number.
    pub fn number(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(Some)
                .ok_or_else(|| bad(key, "must be a non-negative number")),
        }
    }

    /// An optional array of strings.
    pub fn strings(&self, key: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        match self.get(key) {
            None => {}
            Some(Value::Array(items)) => {
                // A plain loop: `collect::<Result<Vec<_>>>` monomorphizes a
                // GenericShunt per call shape.
                for item in items {
                    out.push(
                        item.as_str()
                            .ok_or_else(|| bad(key, "must be an array of strings"))?
                            .to_owned(),
                    );
                }
            }
            Some(_) => return Err(bad(key, "must be an array of strings")),
        }
        Ok(out)
    }

    /// An optional record of string values.
    pub fn record(&self, key: &str) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        match self.get(key) {
            None => {}
            Some(Value::Object(members)) => {
                for (k, v) in members {
                    let v = v
                        .as_str()
                        .ok_or_else(|| bad(key, "must be an object of strings"))?;
                    out.push((String::from(k.as_ref()), v.to_owned()));
                }
            }
            Some(_) => return Err(bad(key, "must be an object of strings")),
        }
        Ok(out)
    }
}

/// The `authorization` export of the token flows: where `access_token`
/// goes on a request to `url` (JSON), after the header-value check (the
/// token may come from any object, not only a checked TokenSet).
pub fn authorization(
    provider: &str,
    style: &Style,
    url: &str,
    access_token: &str,
) -> core::result::Result<String, String> {
    run(provider, || {
        check_token(access_token, "accessToken")?;
        Ok(applied_json(&style.apply(access_token, url)))
    })
}

/// A string argument that must be non-empty.
pub fn required_arg(value: &str, name: &str) -> Result<()> {
    if value.is_empty() {
        return Err(invalid(concat(&[name, " must be a non-empty string"])));
    }
    Ok(())
}
