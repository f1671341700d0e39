// Browsers and bundlers: fetch + instantiate the wasm next to this file.
import init from "./crm_auth.js";

await init({ module_or_path: new URL("./crm_auth_bg.wasm", import.meta.url) });

export * from "./api.js";
export { KvStore, DurableObjectStore } from "./edge-stores.js";
