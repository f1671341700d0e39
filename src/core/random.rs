//! Secure randomness from a pooled buffer: the host call costs ~2 µs in wasm,
//! so it is made once per 4 KiB rather than per value. The pool is filled on
//! first use, never at load (workerd forbids random values at global scope).

use super::encode::base64url;
use super::error::{Error, ErrorCode, Result};
use super::secret::wipe;
use crate::prelude::*;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

// With the Rust client (feature `client`) the wasm takes getrandom's
// `wasm_js` backend instead: a Rust app has no package JS to import.
#[cfg(all(target_arch = "wasm32", not(feature = "client")))]
mod source {
    use wasm_bindgen::prelude::wasm_bindgen;

    #[cfg_attr(feature = "shipped", wasm_bindgen(raw_module = "./random.js"))]
    #[cfg_attr(
        not(feature = "shipped"),
        wasm_bindgen(module = "/pkg-template/random.js")
    )]
    extern "C" {
        /// Fills `buf` from the package's source; false when there is none.
        #[wasm_bindgen(js_name = fillRandom)]
        pub fn fill(buf: &mut [u8]) -> bool;
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "client"))]
mod source {
    pub fn fill(buf: &mut [u8]) -> bool {
        getrandom::fill(buf).is_ok()
    }
}

const POOL_SIZE: usize = 4096;

struct Pool {
    bytes: [u8; POOL_SIZE],
    /// Bytes before `used` have been handed out (and zeroed).
    used: usize,
}

/// The pool behind a spin lock: no_std has no thread-locals or mutexes. The
/// wasm is single-threaded (never contended); native tests run in threads.
struct Locked {
    busy: AtomicBool,
    pool: UnsafeCell<Pool>,
}

// SAFETY: `pool` is only reached through `with_pool`, which holds `busy`.
unsafe impl Sync for Locked {}

static POOL: Locked = Locked {
    busy: AtomicBool::new(false),
    pool: UnsafeCell::new(Pool {
        bytes: [0; POOL_SIZE],
        used: POOL_SIZE,
    }),
};

fn with_pool<R>(f: impl FnOnce(&mut Pool) -> R) -> R {
    while POOL.busy.swap(true, Ordering::Acquire) {
        core::hint::spin_loop();
    }
    // SAFETY: `busy` gives this call exclusive access until it is released;
    // `f` cannot re-enter (Pool::take calls no user code).
    let result = f(unsafe { &mut *POOL.pool.get() });
    POOL.busy.store(false, Ordering::Release);
    result
}

impl Pool {
    fn take(&mut self, mut out: &mut [u8]) -> Result<()> {
        while !out.is_empty() {
            if self.used >= POOL_SIZE {
                if !source::fill(&mut self.bytes) {
                    return Err(Error::new(
                        ErrorCode::Unsupported,
                        "no secure random source",
                    ));
                }
                self.used = 0;
            }
            let available = self.bytes.get_mut(self.used..).unwrap_or_default();
            // Zipped, not split_at + copy_from_slice: no panic paths (and
            // their messages) in the wasm.
            let mut n = 0;
            for (dst, src) in out.iter_mut().zip(available.iter()) {
                *dst = *src;
                n += 1;
            }
            // Handed-out bytes must not linger in memory for a later reader.
            wipe(available.get_mut(..n).unwrap_or_default());
            self.used += n;
            out = core::mem::take(&mut out).get_mut(n..).unwrap_or_default();
        }
        Ok(())
    }
}

/// Fills `buf` with cryptographically secure random bytes.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    with_pool(|pool| pool.take(buf))
}

/// 32 random bytes as base64url (43 characters, 256 bits): a `state` value or
/// a PKCE verifier.
pub fn token() -> Result<String> {
    let mut bytes = [0u8; 32];
    fill(&mut bytes)?;
    let token = base64url(&bytes);
    wipe(&mut bytes);
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_well_formed() {
        let a = token().unwrap();
        let b = token().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn fills_across_refills_and_zeroes_pool() {
        // Larger than the pool: several refills in one call.
        let mut big = vec![0u8; POOL_SIZE * 2 + 17];
        fill(&mut big).unwrap();
        assert!(big.iter().filter(|&&b| b == 0).count() < big.len() / 16);
        fill(&mut []).unwrap();
        with_pool(|pool| {
            assert!(pool.bytes.iter().take(pool.used).all(|&b| b == 0));
        });
    }
}
