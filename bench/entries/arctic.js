// Size entry: one provider's login with arctic 3 — authorize URL (state + PKCE S256),
// callback check, code exchange. Bundled by bench/size.js with esbuild --bundle --minify --format=esm.
import { OAuth2Client, CodeChallengeMethod, generateState, generateCodeVerifier } from "arctic";

const AUTHORIZE = "https://as.example/authorize";
const TOKEN = "https://as.example/token";

export function client(clientId, clientSecret, redirectUri) {
  return new OAuth2Client(clientId, clientSecret, redirectUri);
}

export function start(c, scopes) {
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  const url = c.createAuthorizationURLWithPKCE(AUTHORIZE, state, CodeChallengeMethod.S256, codeVerifier, scopes);
  return { url: url.toString(), state, codeVerifier };
}

export function callback(href, storedState) {
  const url = new URL(href);
  const code = url.searchParams.get("code");
  const state = url.searchParams.get("state");
  if (code === null || state === null || state !== storedState) throw new Error("invalid callback");
  return code;
}

export async function exchange(c, code, codeVerifier) {
  const t = await c.validateAuthorizationCode(TOKEN, code, codeVerifier);
  return { accessToken: t.accessToken(), refreshToken: t.hasRefreshToken() ? t.refreshToken() : null,
    expiresAt: t.accessTokenExpiresAt() };
}
