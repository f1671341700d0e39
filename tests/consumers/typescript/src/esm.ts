import { Flextell, CrmAuthError, type AuthorizationRequest } from "crm-auth";

const req: AuthorizationRequest = new Flextell({ clientId: "consumer", clientSecret: "s3cret", redirectUri: "https://app.example/callback" })
  .createAuthorizationRequest({ scopes: ["read"] });
const isError = (e: unknown): e is CrmAuthError => e instanceof CrmAuthError;
console.log(isError(null) ? "" : req.url);
