// workerd cold-start worker: crm-auth. bench/coldstart.js bundles it like the peers' workers,
// from the package name (pkg/ installed as node_modules/crm-auth; `workerd` condition, .wasm
// imports kept as CompiledWasm modules), as wrangler would.
// Randomness is only allowed inside a handler in workerd: the client is built per request.
import { OAuth2 } from "crm-auth";

export default {
  async fetch() {
    const client = new OAuth2({
      authorizationEndpoint: "https://as.example/authorize",
      tokenEndpoint: "https://as.example/token",
      clientId: "bench-client",
      redirectUri: "https://app.example/callback",
    });
    return new Response(client.createAuthorizationRequest({ scopes: ["read", "write"] }).url);
  },
};
