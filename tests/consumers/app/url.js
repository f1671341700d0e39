// The server-side call every runtime consumer makes (copied next to its entry): a
// confidential Flextell client's authorize URL.
import { Flextell, CrmAuthError } from "crm-auth";

export function authorizeUrl() {
  const flextell = new Flextell({ clientId: "consumer", clientSecret: "s3cret", redirectUri: "https://app.example/callback" });
  if (typeof CrmAuthError !== "function") throw new Error("CrmAuthError missing");
  return flextell.createAuthorizationRequest({ scopes: ["read"] }).url;
}
