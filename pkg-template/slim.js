// `crm-auth/slim`, for size-sensitive browser apps: the wasm stays a separate
// file, compiled while it downloads. Needs top-level await and a bundler that
// copies `new URL("…", import.meta.url)` assets (README "Slim entry").
import init from "./crm_auth.js";

await init({ module_or_path: new URL("./crm_auth_bg.wasm", import.meta.url) });

export * from "./api.js";
export { KvStore, DurableObjectStore } from "./edge-stores.js";
