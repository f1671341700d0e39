// Node, and what runs Node's builds (Jest, Next's server, Deno, Bun). Built
// twice from this file: node.js (ESM) and node.cjs (CommonJS, for `require`
// where Node cannot require ESM, and Jest). No top-level await, so Node
// 20.19+ requires node.js itself ("module-sync" condition): one wasm instance
// and one CrmAuthError whichever way it is loaded. The wasm travels inside
// the module: bundlers that bundle for Node need no copy step.
import { initSync } from "./crm_auth.js";
import { setRandomSource, webCryptoRandom } from "./random.js";
import { wasmBytes } from "./node-wasm-bytes.js";

initSync({ module: wasmBytes() });

// Not `import … from "node:fs"`: an ESM import of fs evaluates all its lazy
// getters, loading node:stream (~5 ms of a cold start). Node < 20.16 has no
// getBuiltinModule and uses WebCrypto.
const fs = globalThis.process?.getBuiltinModule?.("fs");

// /dev/urandom through the already loaded `fs`: the first globalThis.crypto
// access costs ~2 ms of a cold start. Opened on first use; WebCrypto where it
// cannot be opened (Windows, or no `fs`).
let urandom;
setRandomSource((view) => {
  if (urandom === undefined) {
    try {
      urandom = fs.openSync("/dev/urandom", "r");
    } catch {
      urandom = null;
    }
  }
  if (urandom === null) return webCryptoRandom(view);
  for (let i = 0; i < view.length; ) {
    const n = fs.readSync(urandom, view, i, view.length - i, null);
    if (n <= 0) throw new Error("short read from /dev/urandom");
    i += n;
  }
});

export * from "./api.js";
export { KvStore, DurableObjectStore } from "./edge-stores.js";
