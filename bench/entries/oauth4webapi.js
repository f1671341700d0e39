// Size entry: one provider's login with oauth4webapi 3 — authorize URL (state + PKCE S256),
// callback check, code exchange. Bundled by bench/size.js with esbuild --bundle --minify --format=esm.
import * as oauth from "oauth4webapi";

const as = {
  issuer: "https://as.example",
  authorization_endpoint: "https://as.example/authorize",
  token_endpoint: "https://as.example/token",
};

export function client(clientId, clientSecret, redirectUri) {
  return { client: { client_id: clientId }, auth: oauth.ClientSecretBasic(clientSecret), redirectUri };
}

export async function start(c, scopes) {
  const state = oauth.generateRandomState();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", c.client.client_id);
  url.searchParams.set("redirect_uri", c.redirectUri);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set("scope", scopes.join(" "));
  return { url: url.href, state, codeVerifier };
}

export function callback(href, storedState, c) {
  return oauth.validateAuthResponse(as, c.client, new URL(href), storedState);
}

export async function exchange(c, params, codeVerifier) {
  const res = await oauth.authorizationCodeGrantRequest(as, c.client, c.auth, params, c.redirectUri, codeVerifier);
  const t = await oauth.processAuthorizationCodeResponse(as, c.client, res);
  return { accessToken: t.access_token, refreshToken: t.refresh_token ?? null, expiresIn: t.expires_in };
}
