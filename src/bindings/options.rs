//! Reads option objects passed from JS, with errors that name the option.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::secret::Secret;
use crate::http::{Fetcher, DEFAULT_TIMEOUT_MS};

/// A JS object being read as options.
pub struct Options(JsValue);

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

impl Options {
    /// `value` must be an object (or, when `optional`, undefined/null).
    pub fn new(value: JsValue, what: &str, optional: bool) -> Result<Self> {
        if value.is_object() || (optional && value.is_null_or_undefined()) {
            Ok(Options(value))
        } else {
            Err(invalid(format!("{what} must be an object")))
        }
    }

    fn get(&self, key: &str) -> Option<JsValue> {
        if self.0.is_null_or_undefined() {
            return None;
        }
        Reflect::get(&self.0, &key.into()).ok().filter(|v| !v.is_null_or_undefined())
    }

    /// An optional string option.
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        self.get(key)
            .map(|v| v.as_string().ok_or_else(|| invalid(format!("`{key}` must be a string"))))
            .transpose()
    }

    /// A required, non-empty string option.
    pub fn required(&self, key: &str) -> Result<String> {
        match self.string(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(invalid(format!("`{key}` is required"))),
        }
    }

    /// An optional secret; its value never appears in errors.
    pub fn secret(&self, key: &str) -> Result<Option<Secret>> {
        Ok(self.string(key)?.filter(|s| !s.is_empty()).map(Secret::new))
    }

    /// An optional boolean option.
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)
            .map(|v| v.as_bool().ok_or_else(|| invalid(format!("`{key}` must be a boolean"))))
            .transpose()
    }

    /// An optional finite, non-negative number.
    pub fn number(&self, key: &str) -> Result<Option<f64>> {
        self.get(key)
            .map(|v| {
                v.as_f64()
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .ok_or_else(|| invalid(format!("`{key}` must be a non-negative number")))
            })
            .transpose()
    }

    /// An optional function option.
    pub fn function(&self, key: &str) -> Result<Option<Function>> {
        self.get(key)
            .map(|v| v.dyn_into::<Function>().map_err(|_| invalid(format!("`{key}` must be a function"))))
            .transpose()
    }

    /// An optional array of strings.
    pub fn strings(&self, key: &str) -> Result<Vec<String>> {
        let Some(v) = self.get(key) else { return Ok(Vec::new()) };
        let err = || invalid(format!("`{key}` must be an array of strings"));
        let arr: Array = v.dyn_into().map_err(|_| err())?;
        arr.iter().map(|s| s.as_string().ok_or_else(err)).collect()
    }

    /// An optional record of string values.
    pub fn record(&self, key: &str) -> Result<Vec<(String, String)>> {
        let Some(v) = self.get(key) else { return Ok(Vec::new()) };
        let err = || invalid(format!("`{key}` must be an object of strings"));
        let obj: Object = v.dyn_into().map_err(|_| err())?;
        Object::entries(&obj)
            .iter()
            .map(|entry| {
                let pair: Array = entry.unchecked_into();
                match (pair.get(0).as_string(), pair.get(1).as_string()) {
                    (Some(k), Some(v)) => Ok((k, v)),
                    _ => Err(err()),
                }
            })
            .collect()
    }
}

/// A string argument (not an option): anything else is `invalid_argument`.
pub fn string_arg(value: &JsValue, name: &str) -> Result<String> {
    match value.as_string() {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(invalid(format!("{name} must be a non-empty string"))),
    }
}

impl Options {
    /// `timeoutMs` and `fetch`, which every provider takes.
    pub fn fetcher(&self) -> Result<Fetcher> {
        let timeout_ms = self.number("timeoutMs")?.map_or(DEFAULT_TIMEOUT_MS, |ms| ms.min(f64::from(u32::MAX)) as u32);
        Ok(Fetcher { custom: self.function("fetch")?, timeout_ms })
    }

    /// Refuses a client secret in a browser page unless the caller opted in
    /// with `dangerouslyAllowBrowser: true`.
    pub fn guard_secret(&self, secret: &Option<Secret>) -> Result<()> {
        if secret.is_some() && in_browser_window() && self.bool("dangerouslyAllowBrowser")? != Some(true) {
            return Err(Error::new(
                ErrorCode::SecretInBrowser,
                "a clientSecret must not be shipped to a browser; exchange codes on a server \
                 (or pass dangerouslyAllowBrowser: true)",
            ));
        }
        Ok(())
    }
}

/// A page (not a worker, Node or workerd) has a `document`.
fn in_browser_window() -> bool {
    Reflect::get(&js_sys::global(), &"document".into()).is_ok_and(|d| d.is_object())
}
