// The embedded wasm (see scripts/embed-wasm.js) back as bytes, for
// browser.js, which compiles it synchronously: the Latin-1 form, the
// smaller download (the Node entries use node-wasm-bytes.js).
import latin1, { byteLength, xor } from "./wasm-latin1.js";

export function wasmBytes() {
  // A classic <script> on a page with no charset is read as windows-1252.
  if (latin1.length !== byteLength) throw new Error('crm-auth: this script was not read as UTF-8: add <meta charset="utf-8"> to the page or serve it with charset=utf-8');
  // Each char back to its byte (see scripts/embed-wasm.js for the XOR). Node,
  // Deno and Bun load node.js, whose base64 Buffer decodes natively.
  const bytes = new Uint8Array(latin1.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = latin1.charCodeAt(i) ^ xor;
  return bytes;
}
