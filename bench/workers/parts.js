// workerd "ready" breakdown (bench/coldstart.js, workerdBreakdown): the baseline worker plus one
// part of what crm-auth's `workerd` entry does at load. coldstart.js replaces __PART__ with the
// variant and __WASM__ with the shipped .wasm; a line tagged `// only: a b` stays only in those
// variants (imports cannot be conditional).
import wasm from "__WASM__"; // only: compile instantiate
import { DurableObject } from "cloudflare:workers"; // only: workers
import { OAuth2 } from "crm-auth"; // only: entry js

const PART = "__PART__";
let detail = "";
if (PART === "js") detail = typeof OAuth2; // only: js
if (PART === "compile") detail = `${WebAssembly.Module.exports(wasm).length} exports`; // only: compile
// The entry defines TokenStoreObject as a subclass at module scope: so does this variant.
if (PART === "workers") detail = typeof class extends DurableObject {}; // only: workers
// Instantiated against stub imports and started as the glue's initSync does: the wasm's cost
// without the JS glue.
if (PART === "instantiate") { // only: instantiate
  const stubs = {}; // only: instantiate
  for (const { module, name } of WebAssembly.Module.imports(wasm)) (stubs[module] ??= {})[name] = () => 0; // only: instantiate
  const { exports } = new WebAssembly.Instance(wasm, stubs); // only: instantiate
  exports.__wbindgen_start?.(); // only: instantiate
  detail = `${Object.keys(exports).length} exports`; // only: instantiate
} // only: instantiate

export default {
  async fetch() {
    if (PART === "entry") { // only: entry
      const client = new OAuth2({ authorizationEndpoint: "https://as.example/authorize", // only: entry
        tokenEndpoint: "https://as.example/token", clientId: "bench-client", redirectUri: "https://app.example/callback" }); // only: entry
      detail = client.createAuthorizationRequest({ scopes: ["read"] }).url; // only: entry
    } // only: entry
    return new Response(`${PART} ${detail}`);
  },
};
