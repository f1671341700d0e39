//! Sans-IO core: pure Rust, no JS types. Requests are built as data and
//! responses parsed as data; the `http` module executes them.

pub mod callback;
pub mod encode;
pub mod endpoint;
pub mod error;
pub mod hmac;
pub mod json;
pub mod options;
pub mod pkce;
pub mod random;
pub mod request;
pub mod secret;
pub mod sha256;
pub mod time;
pub mod token;
