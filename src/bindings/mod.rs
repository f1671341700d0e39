//! `#[wasm_bindgen]` exports: translate between the string ABI (see [`abi`])
//! and the Rust core, no logic. The package's JS layer (`pkg-template/`)
//! wraps them in the public classes and runs `fetch`.

pub mod abi;
mod credential;
mod formats;
mod hmac;
mod registry;
mod spans;
mod token_set;

pub use credential::{is_loopback, CredentialCore};
pub use formats::{base64url_decode, base64url_encode, retry_after_seconds};
pub use hmac::HmacCore;
pub use registry::{api_error, has_api_errors, rate_limit_status, refreshes_on_401};
pub use spans::{input_buffer, spans_pointer, wasm_memory};
pub use token_set::{token_set_deserialize_at, token_set_from_init, token_set_serialize};
