// In-memory state of every simulated provider: clients, config, codes, tokens, faults, counts.
import { random } from './http.js';

export const ENDPOINTS = ['token', 'api', 'revoke'];
export const DEFAULT_REDIRECT = 'http://127.0.0.1/callback';

/** Test user every provider knows (password grants, API keys, profile endpoints). */
export const USER = { id: 1, name: 'Alice Example', email: 'alice@example.com', username: 'alice', password: 'wonderland' };
export const API_KEY = 'test-api-key';

const baseConfig = {
  expiresIn: 3600, // token lifetime, seconds (0 = born expired)
  codeTtlSeconds: 60, // authorization-code lifetime
  sendIss: false, // RFC 9207 iss on the callback redirect
  rotateRefreshTokens: true, // false: the refresh token stays valid and refresh responses omit it
};

function freshProvider(p) {
  const clients = new Map();
  for (const c of [
    { clientId: 'test-client', clientSecret: 'test-secret' },
    // public: no secret, PKCE required; only where the provider documents public clients
    ...(p.publicClients === false ? [] : [{ clientId: 'public-client', clientSecret: null }]),
  ]) clients.set(c.clientId, { ...c, redirectUris: [DEFAULT_REDIRECT] });
  return {
    clients,
    config: { ...baseConfig, ...p.defaults },
    codes: new Map(), // code -> { clientId, redirectUri, codeChallenge, scope, expiresAt, used, family }
    access: new Map(), // token -> { clientId, scope, user, expiresAt, family }
    refresh: new Map(), // token -> { clientId, scope, user, family }
    faults: Object.fromEntries(ENDPOINTS.map((e) => [e, []])),
    counts: { authorization_code: 0, refresh_token: 0, password: 0, other: 0, revoke: 0, api: 0, authorize: 0, consent: 0 },
    last: {}, // endpoint -> { method, path, headers, body }
  };
}

export function createState(providers) {
  const state = { providers, byName: {} };
  resetState(state);
  return state;
}

export function resetState(state) {
  for (const p of Object.values(state.providers)) state.byName[p.name] = freshProvider(p);
}

/** Issues an access token (and a refresh token unless refresh=false); family groups one grant's tokens. */
export function issueTokens(ps, { clientId = null, scope = '', user = USER, family = random(9), refresh = true, expires = true }) {
  const expiresIn = ps.config.expiresIn;
  const access_token = random();
  ps.access.set(access_token, { clientId, scope, user, family, expiresAt: expires ? Date.now() + expiresIn * 1000 : null });
  const out = { access_token, expires_in: expires ? expiresIn : undefined, scope, family, user };
  if (refresh) {
    out.refresh_token = random(32);
    ps.refresh.set(out.refresh_token, { clientId, scope, user, family });
  }
  return out;
}

/** Kills every token of one grant (code reuse, refresh-token revocation). */
export function revokeFamily(ps, family) {
  for (const map of [ps.access, ps.refresh]) for (const [t, rec] of map) if (rec.family === family) map.delete(t);
}

/** The live access-token record, or null when unknown or expired. */
export function liveAccess(ps, token) {
  const rec = token != null && ps.access.get(token);
  if (!rec) return null;
  if (rec.expiresAt !== null && Date.now() >= rec.expiresAt) return null;
  return rec;
}
