import crm = require("crm-auth");

const req: crm.AuthorizationRequest = new crm.Flextell({ clientId: "consumer", clientSecret: "s3cret", redirectUri: "https://app.example/callback" })
  .createAuthorizationRequest({ scopes: ["read"] });
console.log(req.url);
