//! A string that must not leak: redacted `Debug`, constant-time equality and
//! zeroed memory on drop.

use super::callback::constant_time_eq;
use crate::prelude::*;
use core::fmt;
use core::sync::atomic::{compiler_fence, Ordering};

/// A secret string (token, code, verifier, password, client secret).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value; only call this where the value is actually sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut core::mem::take(&mut self.0).into_bytes());
    }
}

/// Overwrites `bytes` with zeros in a way the optimizer cannot drop as a dead
/// store just before the memory is freed.
pub(crate) fn wipe(bytes: &mut [u8]) {
    // Eight bytes per store where aligned: inputs of a few hundred bytes are
    // wiped on every hot call.
    // SAFETY: u64 has no invalid bit patterns, so viewing aligned bytes as words is sound.
    let (head, words, tail) = unsafe { bytes.align_to_mut::<u64>() };
    for w in words {
        // SAFETY: `w` is a valid, aligned, exclusive reference.
        unsafe { core::ptr::write_volatile(w, 0) };
    }
    for b in head.iter_mut().chain(tail) {
        // SAFETY: as above.
        unsafe { core::ptr::write_volatile(b, 0) };
    }
    compiler_fence(Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_and_comparable() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(s.clone(), Secret::from("hunter2"));
        assert_ne!(s, Secret::from(String::from("hunter3")));
        assert_ne!(s, Secret::from("hunter"));
    }

    #[test]
    fn wipe_zeroes() {
        let mut b = *b"abc";
        wipe(&mut b);
        assert_eq!(b, [0, 0, 0]);
    }
}
