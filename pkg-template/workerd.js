// Cloudflare Workers / workerd: the bundler hands us a compiled WebAssembly.Module.
import { DurableObject } from "cloudflare:workers";
import wasm from "./crm_auth_bg.wasm";
import { initSync } from "./crm_auth.js";
import { defineTokenStoreObject } from "./edge-stores.js";

initSync({ module: wasm });

export * from "./api.js";
export { KvStore, DurableObjectStore } from "./edge-stores.js";
/** Re-export it from your Worker and bind it as a Durable Object (see DurableObjectStore). */
export const TokenStoreObject = defineTokenStoreObject(DurableObject);
