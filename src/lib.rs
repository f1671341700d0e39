//! crm-auth: authenticate against CRM APIs from browsers, Node and edge workers.
//!
//! The crate is layered so that almost everything is plain Rust:
//! - [`core`]: sans-IO building blocks (encoding, state + PKCE, callback and
//!   token-response parsing, request builders, secrets, errors);
//! - [`providers`]: one short description per CRM, quirks included;
//! - `bindings`: `#[wasm_bindgen]` exports over a string ABI (wasm only); the
//!   package's JS layer wraps them and is the one place that calls `fetch`;
//! - `client` (feature `client`): the same API as the JS package, async, for
//!   Rust wasm apps, Rust Workers and native servers.
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
// No std in the package's wasm: its panic machinery (core::fmt, unicode
// tables) and dlmalloc were a large part of it.
#![no_std]

extern crate alloc;
// Every other build links std (host builds, tests, the wasm-bindgen tests):
// a cdylib needs a panic handler and an allocator, and the package's own
// would clash with std's in a test binary.
#[cfg(not(all(target_arch = "wasm32", feature = "shipped")))]
extern crate std;

#[cfg(any(target_arch = "wasm32", test))]
mod heap;

/// The package's wasm traps on a panic (none is expected: errors are values)
/// instead of carrying std's formatting panic machinery.
#[cfg(all(target_arch = "wasm32", feature = "shipped"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

/// What std's prelude would bring in from `alloc`.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::String;
    pub use alloc::vec;
    pub use alloc::vec::Vec;
    // Tests only: `format!` and `to_string` link core::fmt into the wasm
    // (see encode::concat and encode::decimal).
    #[cfg(test)]
    pub use alloc::{format, string::ToString};
}

pub mod core;
pub mod providers;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

#[cfg(feature = "client")]
pub mod client;

// The client links std (gloo-net, serde); the npm package's wasm stays no_std.
#[cfg(all(feature = "client", feature = "shipped"))]
compile_error!(
    "features `client` and `shipped` exclude each other: the npm package's wasm has no client"
);
