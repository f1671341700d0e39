// The embedded wasm (see scripts/embed-wasm.js) back as bytes, for node.js
// and node.cjs: the base64 form. Node's ESM loader decodes and parses a
// non-ASCII source several ms slower than an ASCII one of the same size, and
// no browser downloads these entries.
import base64 from "./wasm-base64.js";

export function wasmBytes() {
  // `globalThis.` so bundlers do not inject a Buffer polyfill.
  if (typeof globalThis.Buffer === "function") return globalThis.Buffer.from(base64, "base64");
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(base64);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
