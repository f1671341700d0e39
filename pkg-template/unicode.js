// Unicode character data for the wasm (imported by crm_auth.js as
// "./unicode.js"): the JS engine has the tables, which would be ~2 KB of the
// gzipped wasm (src/core/endpoint.rs decides; this only answers).

/** Rust's `char::is_alphanumeric`: the Alphabetic property or a Number (Nd, Nl, No). */
let alphanumeric;

/** Whether code point `c` is a letter or digit (of an IDN host). */
export function isAlphanumeric(c) {
  // Built on first use: a property-escape regex costs ~0.15 ms to create,
  // which the cold start would pay for hosts that are nearly always ASCII.
  alphanumeric ??= new RegExp("^[\\p{Alphabetic}\\p{N}]$", "u");
  return alphanumeric.test(String.fromCodePoint(c));
}
