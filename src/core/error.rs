//! The crate's error type: a stable code plus details that are safe to show.
//! Messages carry a short reason, an HTTP status and a provider error code at
//! most — never a secret or a response body (error pages can echo secrets).

use crate::prelude::*;
use core::fmt;

/// Stable failure codes, surfaced to JavaScript as `CrmAuthError.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The caller passed a malformed or missing argument.
    InvalidArgument,
    /// An endpoint uses `http://` on a host that is not loopback.
    InsecureEndpoint,
    /// A client secret was given to code running in a browser window.
    SecretInBrowser,
    /// The callback's `state` is missing or differs from the expected one.
    StateMismatch,
    /// The callback URL is malformed, ambiguous or from the wrong issuer.
    InvalidCallback,
    /// The authorization server redirected back with `error=…`.
    AuthorizationDenied,
    /// The token endpoint answered with an OAuth error.
    OauthError,
    /// The account needs a one-time password (Virtuous two-factor).
    OtpRequired,
    /// The server's answer could not be understood.
    InvalidResponse,
    /// The request could not reach the server.
    NetworkError,
    /// No answer arrived within the timeout.
    Timeout,
    /// The server answered HTTP 429.
    RateLimited,
    /// The operation is not available (provider or runtime lacks it).
    Unsupported,
}

impl ErrorCode {
    /// The snake_case name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidArgument => "invalid_argument",
            Self::InsecureEndpoint => "insecure_endpoint",
            Self::SecretInBrowser => "secret_in_browser",
            Self::StateMismatch => "state_mismatch",
            Self::InvalidCallback => "invalid_callback",
            Self::AuthorizationDenied => "authorization_denied",
            Self::OauthError => "oauth_error",
            Self::OtpRequired => "otp_required",
            Self::InvalidResponse => "invalid_response",
            Self::NetworkError => "network_error",
            Self::Timeout => "timeout",
            Self::RateLimited => "rate_limited",
            Self::Unsupported => "unsupported",
        }
    }
}

/// A failure with a stable code and optional protocol details. One pointer
/// wide: every `Result` in the crate moves and drops it, and a boxed error
/// made the wasm smaller than the ~64-byte struct moved around by value.
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<ErrorDetails>);

/// What an [`Error`] carries (its fields are reached through the error).
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorDetails {
    /// What went wrong, as a stable code.
    pub code: ErrorCode,
    /// A short human-readable reason, free of secrets.
    pub message: String,
    /// The HTTP status of the response involved, if any.
    pub status: Option<u16>,
    /// The provider's own error code (e.g. `invalid_grant`).
    pub error: Option<String>,
    /// The provider's error description, as sent.
    pub error_description: Option<String>,
    /// Seconds to wait before retrying (HTTP 429).
    pub retry_after: Option<f64>,
}

impl core::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl Error {
    /// An error with a code and message and no further details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::with_message(code, message.into())
    }

    fn with_message(code: ErrorCode, message: String) -> Self {
        Self(Box::new(ErrorDetails {
            code,
            message,
            status: None,
            error: None,
            error_description: None,
            retry_after: None,
        }))
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl core::error::Error for Error {}

/// Shorthand for results carrying [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

/// `code` if it looks like an OAuth error code, so it can go into a message;
/// anything longer or stranger could be an echoed secret and is left out.
pub(crate) fn printable_code(code: &str) -> &str {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    if ok {
        code
    } else {
        "an error"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_display() {
        let all = [
            (ErrorCode::InvalidArgument, "invalid_argument"),
            (ErrorCode::InsecureEndpoint, "insecure_endpoint"),
            (ErrorCode::SecretInBrowser, "secret_in_browser"),
            (ErrorCode::StateMismatch, "state_mismatch"),
            (ErrorCode::InvalidCallback, "invalid_callback"),
            (ErrorCode::AuthorizationDenied, "authorization_denied"),
            (ErrorCode::OauthError, "oauth_error"),
            (ErrorCode::OtpRequired, "otp_required"),
            (ErrorCode::InvalidResponse, "invalid_response"),
            (ErrorCode::NetworkError, "network_error"),
            (ErrorCode::Timeout, "timeout"),
            (ErrorCode::RateLimited, "rate_limited"),
            (ErrorCode::Unsupported, "unsupported"),
        ];
        for (code, name) in all {
            assert_eq!(code.as_str(), name);
        }
        let e = Error::new(ErrorCode::Timeout, "no answer").with_status(504);
        assert_eq!(e.to_string(), "timeout: no answer");
        assert_eq!(e.status, Some(504));
        assert_eq!(
            (&e.error, &e.error_description, e.retry_after),
            (&None, &None, None)
        );
    }

    #[test]
    fn printable_code_filters() {
        assert_eq!(printable_code("invalid_grant"), "invalid_grant");
        assert_eq!(printable_code(""), "an error");
        assert_eq!(printable_code("token=abc"), "an error");
        assert_eq!(printable_code(&"a".repeat(65)), "an error");
    }
}
