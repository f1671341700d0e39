// Node: compile the wasm synchronously from the file next to this one.
import { readFileSync } from "node:fs";
import { initSync } from "./crm_auth.js";

initSync({ module: readFileSync(new URL("./crm_auth_bg.wasm", import.meta.url)) });

export * from "./api.js";
export { KvStore, DurableObjectStore } from "./edge-stores.js";
