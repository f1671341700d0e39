//! crm-auth: authenticate against CRM APIs from browsers, Node and edge workers.
//!
//! The crate is layered so that almost everything is plain Rust:
//! - [`core`]: sans-IO building blocks (encoding, state + PKCE, callback and
//!   token-response parsing, request builders, secrets, errors);
//! - [`providers`]: one short description per CRM, quirks included;
//! - `http`: the only code that calls `fetch` (wasm only);
//! - `bindings`: `#[wasm_bindgen]` classes that translate JS <-> Rust (wasm only).
#![deny(missing_docs)]

pub mod core;
pub mod providers;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
pub mod http;
