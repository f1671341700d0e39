// The embedded wasm (see scripts/embed-wasm.js) back as bytes, for
// browser.js, which compiles it synchronously: the Latin-1 form, the
// smaller download (the Node entries use node-wasm-bytes.js).
import latin1, { byteLength } from "./wasm-latin1.js";

export function wasmBytes() {
  // A classic <script> on a page with no charset is read as windows-1252.
  if (latin1.length !== byteLength) throw new Error('crm-auth: this script was not read as UTF-8: add <meta charset="utf-8"> to the page or serve it with charset=utf-8');
  // Node, Deno, Bun: a native Latin-1 decode (~0.2 ms; the loop costs ~3 ms
  // of a cold start). `globalThis.` so bundlers do not inject a Buffer polyfill.
  if (typeof globalThis.Buffer === "function") return globalThis.Buffer.from(latin1, "latin1");
  const bytes = new Uint8Array(latin1.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = latin1.charCodeAt(i);
  return bytes;
}
