//! crm-auth: authenticate against CRM APIs from browsers, Node and edge workers.
//!
//! The crate is layered so that almost everything is plain Rust:
//! - [`core`]: sans-IO building blocks (encoding, state + PKCE, callback and
//!   token-response parsing, request builders, secrets, errors);
//! - [`providers`]: one short description per CRM, quirks included;
//! - `bindings`: `#[wasm_bindgen]` exports over a string ABI (wasm only); the
//!   package's JS layer wraps them and is the one place that calls `fetch`.
#![deny(missing_docs)]

pub mod core;
pub mod providers;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
