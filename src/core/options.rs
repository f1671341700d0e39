//! Options objects as the JS layer hands them over (`JSON.stringify(options)`):
//! typed reads with one error shape, `` `key` must be … ``.

use super::encode::concat;
use super::error::{Error, ErrorCode, Result};
use super::json::{self, Value};
use crate::prelude::*;

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
