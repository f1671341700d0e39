//! `#[wasm_bindgen]` classes: translate JS values to Rust and back, no logic.

mod code_flow;
mod credential;
mod error;
mod exchange;
mod hmac;
mod options;
mod password;
mod token_set;
mod typescript;

pub use code_flow::{AgileCrm, Flexie, Flextell, OAuth2};
pub use credential::ApiKeyCredentials;
pub use error::set_error_class;
pub use hmac::HmacSigner;
pub use password::{Flowlu, Virtuous};
pub use token_set::TokenSet;
