// The embedded wasm (see scripts/wasm-latin1.js) back as bytes, for entries
// that compile it synchronously.
import latin1 from "./wasm-latin1.js";

export function wasmBytes() {
  // Node, Deno, Bun: a native Latin-1 decode (~0.2 ms; the loop costs ~3 ms
  // of a cold start). `globalThis.` so bundlers do not inject a Buffer polyfill.
  if (typeof globalThis.Buffer === "function") return globalThis.Buffer.from(latin1, "latin1");
  const bytes = new Uint8Array(latin1.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = latin1.charCodeAt(i);
  return bytes;
}
