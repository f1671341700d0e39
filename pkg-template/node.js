// Node: compile the wasm synchronously from the file next to this one.
import { initSync } from "./crm_auth.js";
import { setRandomSource, webCryptoRandom } from "./random.js";

// Not `import … from "node:fs"`: an ESM import of fs evaluates all its lazy
// getters, loading node:stream (~5 ms of a cold start).
const { openSync, readFileSync, readSync } = globalThis.process.getBuiltinModule?.("fs") ?? (await import("node:fs"));

initSync({ module: readFileSync(new URL("./crm_auth_bg.wasm", import.meta.url)) });

// /dev/urandom through the already loaded `fs`: the first globalThis.crypto
// access costs ~2 ms of a cold start. Opened on first use; WebCrypto where it
// cannot be opened (Windows).
let urandom;
setRandomSource((view) => {
  if (urandom === undefined) {
    try {
      urandom = openSync("/dev/urandom", "r");
    } catch {
      urandom = null;
    }
  }
  if (urandom === null) return webCryptoRandom(view);
  for (let i = 0; i < view.length; ) {
    const n = readSync(urandom, view, i, view.length - i, null);
    if (n <= 0) throw new Error("short read from /dev/urandom");
    i += n;
  }
});

export * from "./api.js";
export { KvStore, DurableObjectStore } from "./edge-stores.js";
