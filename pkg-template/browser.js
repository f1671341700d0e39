// Browsers and every bundler's default config: the wasm travels inside this
// module (no file to copy, no top-level await) and is compiled synchronously.
import { initSync } from "./crm_auth.js";
import { wasmBytes } from "./wasm-bytes.js";

initSync({ module: wasmBytes() });

export * from "./api.js";
export { KvStore, DurableObjectStore } from "./edge-stores.js";
