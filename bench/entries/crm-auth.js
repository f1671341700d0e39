// Size entry (informational): the same usage with crm-auth's browser entry, bundled with the
// same esbuild flags as the peers. The wasm is inside the entry.
import { OAuth2 } from "../../pkg/browser.js";

export function client(clientId, clientSecret, redirectUri) {
  return new OAuth2({ authorizationEndpoint: "https://as.example/authorize", tokenEndpoint: "https://as.example/token",
    clientId, clientSecret, redirectUri, clientAuth: "client_secret_basic" });
}
export const start = (c, scopes) => c.createAuthorizationRequest({ scopes });
export const callback = (c, href, state) => c.parseCallback(href, { state }).code;
export const exchange = (c, code, codeVerifier) => c.exchangeCode(code, { codeVerifier });
