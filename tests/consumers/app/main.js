// The browser app every bundler consumer builds (copied to its src/): an authorize URL made
// by crm-auth, shown on the page. A public client (PKCE, no secret), as a page must be.
import { OAuth2 } from "crm-auth";

const client = new OAuth2({
  authorizationEndpoint: "https://as.example/authorize",
  tokenEndpoint: "https://as.example/token",
  clientId: "consumer",
  redirectUri: "https://app.example/callback",
  clientAuth: "none",
});
const out = document.getElementById("out") ?? document.body.appendChild(document.createElement("p"));
out.id = "out";
out.textContent = client.createAuthorizationRequest({ scopes: ["read"] }).url;
