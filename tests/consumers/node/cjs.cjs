const { Flextell, CrmAuthError } = require("crm-auth");

const url = new Flextell({ clientId: "consumer", clientSecret: "s3cret", redirectUri: "https://app.example/callback" })
  .createAuthorizationRequest({ scopes: ["read"] }).url;
import("crm-auth").then((m) => {
  if (m.CrmAuthError !== CrmAuthError) throw new Error("require and import gave two CrmAuthError classes");
  console.log(url);
});
