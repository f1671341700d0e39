const { Flextell, CrmAuthError } = require("crm-auth");

test("authorize URL from crm-auth", () => {
  const flextell = new Flextell({ clientId: "consumer", clientSecret: "s3cret", redirectUri: "https://app.example/callback" });
  const { url } = flextell.createAuthorizationRequest({ scopes: ["read"] });
  expect(url).toMatch(/^https:\/\/.*code_challenge_method=S256/);
  expect(() => flextell.parseCallback("https://app.example/callback?state=x", { state: "y" })).toThrow(CrmAuthError);
  console.log(url);
});
