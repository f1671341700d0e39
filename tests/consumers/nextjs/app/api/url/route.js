import { Flextell } from "crm-auth";

export function GET() {
  const flextell = new Flextell({ clientId: "consumer", clientSecret: "s3cret", redirectUri: "https://app.example/callback" });
  return new Response(flextell.createAuthorizationRequest({ scopes: ["read"] }).url);
}
