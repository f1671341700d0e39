//! The client's error: the core's [`ErrorCode`] (the codes of JS
//! `CrmAuthError`) plus the provider it concerns. Its `Debug` and `Display`
//! carry what the core's messages carry: never a secret or a response body.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::core::error::{Error as CoreError, ErrorCode};

/// A failed call: a stable [`code`](Error::code), the provider, and the
/// protocol details JS `CrmAuthError` has (`status`, `error`,
/// `errorDescription`, `retryAfter`).
#[derive(Clone, PartialEq)]
pub struct Error {
    provider: &'static str,
    inner: CoreError,
}

/// Shorthand for results carrying the client's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// `inner` as reported for `provider` (a registry name, or `"crm-auth"`).
    pub fn new(provider: &'static str, inner: CoreError) -> Self {
        Error { provider, inner }
    }

    /// An error of `code` with a message of its own.
    pub(crate) fn of(provider: &'static str, code: ErrorCode, message: &str) -> Self {
        Error::new(provider, CoreError::new(code, message))
    }

    /// What went wrong, as a stable code (`code.as_str()` is the JS name).
    pub fn code(&self) -> ErrorCode {
        self.inner.code
    }

    /// The provider's registry name (`"flextell"`, …), or `"crm-auth"`.
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// A short reason, free of secrets.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status of the answer involved, if any.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The provider's OAuth error code (`invalid_grant`, …), if it sent one.
    pub fn error(&self) -> Option<&str> {
        self.inner.error.as_deref()
    }

    /// The provider's error description, as sent.
    pub fn error_description(&self) -> Option<&str> {
        self.inner.error_description.as_deref()
    }

    /// Seconds to wait before retrying (`rate_limited`).
    pub fn retry_after(&self) -> Option<f64> {
        self.inner.retry_after
    }

    /// The core error inside.
    pub fn into_inner(self) -> CoreError {
        self.inner
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &self.code().as_str())
            .field("provider", &self.provider)
            .field("message", &self.message())
            .field("status", &self.status())
            .field("error", &self.error())
            .field("retry_after", &self.retry_after())
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.provider, self.inner)
    }
}

impl std::error::Error for Error {}

/// The fields of JS `CrmAuthError` under its names (`code`, `message`,
/// `provider`, `error`, `errorDescription`, `status`, `retryAfter`), absent
/// ones left out: for a Leptos or Yew app handing errors to JS.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("CrmAuthError", 7)?;
        out.serialize_field("code", self.code().as_str())?;
        out.serialize_field("message", self.message())?;
        out.serialize_field("provider", self.provider)?;
        let optional: [(&str, Option<&str>); 2] = [
            ("error", self.error()),
            ("errorDescription", self.error_description()),
        ];
        for (key, value) in optional {
            match value {
                Some(v) => out.serialize_field(key, v)?,
                None => out.skip_field(key)?,
            }
        }
        match self.status() {
            Some(v) => out.serialize_field("status", &v)?,
            None => out.skip_field("status")?,
        }
        match self.retry_after() {
            Some(v) => out.serialize_field("retryAfter", &v)?,
            None => out.skip_field("retryAfter")?,
        }
        out.end()
    }
}

/// A plain JS object with the fields of `CrmAuthError` (see the
/// `Serialize` impl).
#[cfg(target_arch = "wasm32")]
impl From<Error> for wasm_bindgen::JsValue {
    fn from(e: Error) -> Self {
        serde_wasm_bindgen::to_value(&e).unwrap_or_else(|_| e.code().as_str().into())
    }
}
