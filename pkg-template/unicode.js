// Unicode character data for the wasm (imported by crm_auth.js as
// "./unicode.js"): the JS engine has the tables, which would be ~2 KB of the
// gzipped wasm (src/core/endpoint.rs decides; this only answers).

/** Rust's `char::is_alphanumeric`: the Alphabetic property or a Number (Nd, Nl, No). */
const ALPHANUMERIC = /^[\p{Alphabetic}\p{N}]$/u;

/** Whether code point `c` is a letter or digit (of an IDN host). */
export function isAlphanumeric(c) {
  return ALPHANUMERIC.test(String.fromCodePoint(c));
}
