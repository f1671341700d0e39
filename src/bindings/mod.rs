//! `#[wasm_bindgen]` classes: translate JS values to Rust and back, no logic.
//! The package's `api.js` subclasses the shared classes per provider and
//! `index.d.ts` types the public surface.

mod code_flow;
mod credential;
mod error;
mod exchange;
mod hmac;
mod options;
mod password;
mod token_set;
mod typescript;

pub use code_flow::CodeFlowClient;
pub use credential::ApiKeyCredentials;
pub use error::set_error_class;
pub use hmac::HmacSigner;
pub use password::{flowlu_api_error, PasswordClient};
pub use token_set::TokenSet;
