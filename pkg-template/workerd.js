// Cloudflare Workers / workerd: the bundler hands us a compiled WebAssembly.Module.
import wasm from "./crm_auth_bg.wasm";
import { initSync } from "./crm_auth.js";

initSync({ module: wasm });

export * from "./api.js";
