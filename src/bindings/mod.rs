//! `#[wasm_bindgen]` classes: translate JS values to Rust and back, no logic.

mod code_flow;
mod error;
mod options;
mod token_set;
mod typescript;

pub use code_flow::{Flextell, OAuth2};
pub use error::set_error_class;
pub use token_set::TokenSet;
