// The Session table (issue 5, "Done means"), shared by three runtimes: Node
// (session.node.test.js), headless Chromium (browser/session.html imports this file) and workerd
// (worker/session-cases-worker.js bundles a copy of it, next to a copy of ./providers.js).
// Plain ESM with web APIs only: no node:* imports, no Buffer; nothing runs at import time
// (workerd forbids random values at global scope).
//
// A case is { name, runtimes, run(crm, env) -> state, restart?(crm, env, state) }:
//   crm  the packed package's namespace (`import * as crm from "crm-auth"`)
//   env  { runtime, simUrl, origins, approve(authorizeUrl) -> callback URL,
//          restartableStore(crm) -> the store that outlives a restart,
//          noSecrets?(value, secrets, label) -> throws when a rendering leaks a secret }
// Every login is one a browser can do: public client + PKCE (consent through env.approve),
// Flowlu's password grant, an API key. The simulator is driven over HTTP (/__sim/*) from inside
// the case, so counts are what the server saw, in every runtime.
//
// `restart` (optional) is a second phase run after a "process restart": a new provider and a
// new Session over the same store. Node and workerd keep a MemoryStore across the two phases
// (workerd: across two requests to the Worker); Chromium uses WebStorageStore(sessionStorage)
// and reloads the page in between.
import { withTimeout, fetchApprove, REDIRECT, PUBLIC, API_KEY, show, ok, eq, rejects } from './providers.js';

export { fetchApprove };

const ALL = ['node', 'browser', 'workerd'];
const TIMEOUT = 5000;
const KEY = 'user-1';
const ALICE = 'alice@example.com';

// ---- tiny asserts -----------------------------------------------------------------------

/** JSON and String renderings (Node adds util.inspect through env.noSecrets). */
function noSecrets(env, value, secrets, label) {
  const texts = [show(value), String(value), `${value}`];
  if (value instanceof Error) texts.push(value.message, value.stack ?? '');
  for (const s of secrets.filter((x) => typeof x === 'string' && x.length >= 4))
    for (const t of texts) ok(!t.includes(s), `${label} leaks a secret (${s.slice(0, 3)}…) in: ${t.slice(0, 200)}`);
  env.noSecrets?.(value, secrets, label);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- simulator ----------------------------------------------------------------------------

function sim(env) {
  const control = async (method, path, body) => {
    const init = body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const res = await withTimeout(fetch(env.simUrl + path, init), TIMEOUT, `simulator ${method} ${path}`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`simulator ${method} ${path} -> ${res.status} ${text}`);
    return JSON.parse(text);
  };
  return {
    reset: () => control('POST', '/__sim/reset', {}),
    counts: async (provider) => (await control('GET', '/__sim/counts'))[provider],
    config: (provider, c) => control('POST', '/__sim/config', { provider, ...c }),
    fault: (provider, endpoint, kind, extra = {}) => control('POST', '/__sim/fault', { provider, endpoint, kind, ...extra }),
    revokeRefresh: (provider, refreshToken) => control('POST', '/__sim/revoke-refresh', { provider, refreshToken }),
    last: (provider, endpoint) => control('GET', `/__sim/last-request?provider=${provider}&endpoint=${endpoint}`),
  };
}

// ---- providers and logins (public clients: no secret anywhere) -------------------------

const flextell = (crm, env) =>
  new crm.Flextell({ ...PUBLIC, redirectUri: REDIRECT, origin: env.origins.flextell, timeoutMs: TIMEOUT });

const oauth2 = (crm, env) => {
  const o = env.origins.oauth2;
  return new crm.OAuth2({
    authorizationEndpoint: `${o}/authorize`,
    tokenEndpoint: `${o}/token`,
    revocationEndpoint: `${o}/revoke`,
    ...PUBLIC,
    redirectUri: REDIRECT,
    apiBase: o,
    timeoutMs: TIMEOUT,
  });
};

/** authorize -> consent (env.approve) -> parseCallback -> exchangeCode with PKCE. */
async function login(env, p) {
  const req = p.createAuthorizationRequest({ scopes: ['users.read'] });
  const { code } = p.parseCallback(await env.approve(req.url), { state: req.state });
  return withTimeout(p.exchangeCode(code, { codeVerifier: req.codeVerifier }), TIMEOUT + 2000, 'exchangeCode');
}

/** Flextell tokens that are already expired (issued with expires_in 0). */
async function expiredLogin(env, s, p) {
  await s.config('flextell', { expiresIn: 0 });
  try {
    const tokens = await login(env, p);
    ok(tokens.isExpired(0), 'the login tokens are expired');
    ok(typeof tokens.refreshToken === 'string', 'the login tokens have a refresh token');
    return tokens;
  } finally {
    await s.config('flextell', { expiresIn: 3600 });
  }
}

async function me(session, path = '/users/me', init) {
  const r = await withTimeout(session.fetch(path, init), TIMEOUT + 2000, `session.fetch ${path}`);
  const text = await r.text();
  eq(r.status, 200, `session.fetch ${path} status (${text.slice(0, 200)})`);
  return JSON.parse(text);
}

// ---- the table --------------------------------------------------------------------------

export const CASES = [];
const add = (name, runtimes, run, restart) => CASES.push({ name, runtimes, run, restart });

add('single-flight: 1,000 concurrent tokens() on an expired token → exactly 1 refresh at the simulator', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = flextell(crm, env);
  const old = await expiredLogin(env, s, p);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(old);
  const before = (await s.counts('flextell')).refresh_token;

  const all = await withTimeout(Promise.all(Array.from({ length: 1000 }, () => session.tokens())), 10_000, '1,000 tokens()');
  eq((await s.counts('flextell')).refresh_token - before, 1, 'refresh_token grants seen by the simulator');
  const fresh = all[0];
  ok(fresh instanceof crm.TokenSet, 'tokens() gives a TokenSet');
  ok(fresh.accessToken !== old.accessToken, 'a new access token');
  ok(fresh.refreshToken !== old.refreshToken, 'Flextell rotated the refresh token');
  ok(!fresh.isExpired(), 'the new set is fresh');
  ok(all.every((t) => t.accessToken === fresh.accessToken), 'all 1,000 callers got the same access token');
  eq(new URLSearchParams((await s.last('flextell', 'token')).body).get('refresh_token'), old.refreshToken, 'the refresh sent the stored refresh token');
  eq(store.get(KEY), fresh.serialize(), 'the new set is in the store');

  eq((await me(session)).email, ALICE, 'API answer');
  eq((await s.counts('flextell')).refresh_token - before, 1, 'no refresh for a fresh token');
  noSecrets(env, session, [fresh.accessToken, fresh.refreshToken, old.refreshToken], 'Session');
  noSecrets(env, store, [fresh.accessToken, fresh.refreshToken], 'MemoryStore');
});

add('rotation: the old refresh token is rejected by the simulator; a new Session over the same store works after a restart', ALL,
  async (crm, env) => {
    const s = sim(env);
    await s.reset();
    const p = flextell(crm, env);
    const old = await expiredLogin(env, s, p);
    const store = env.restartableStore(crm);
    await store.delete(KEY);
    const session = new crm.Session({ provider: p, store, key: KEY });
    await session.save(old);
    const fresh = await session.tokens();
    ok(fresh.refreshToken !== old.refreshToken, 'the refresh token rotated');
    eq(await store.get(KEY), fresh.serialize(), 'the rotated set is stored');
    // The old refresh token is dead at the server (presented directly, not through the session).
    await rejects(crm, () => p.refresh(old.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'flextell' }, 'old refresh token');
    const c = await s.counts('flextell');
    eq(c.refresh_token, 2, 'the session\'s refresh + the rejected one');
    return { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, refreshes: c.refresh_token };
  },
  async (crm, env, state) => {
    // After the restart: nothing in memory but the store.
    const s = sim(env);
    const store = env.restartableStore(crm);
    const raw = await store.get(KEY);
    ok(typeof raw === 'string' && raw.length > 0, 'the store still holds the tokens after the restart');
    const session = new crm.Session({ provider: flextell(crm, env), store, key: KEY });
    const t = await session.tokens();
    eq(t.accessToken, state.accessToken, 'the restarted session reads the rotated set');
    eq((await me(session)).email, ALICE, 'API answer after the restart');
    eq((await s.counts('flextell')).refresh_token, state.refreshes, 'no refresh for a fresh token');
    // And the stored (rotated) refresh token is the live one: force a refresh with it.
    const eager = new crm.Session({ provider: flextell(crm, env), store, key: KEY, skewSeconds: 7200 });
    const again = await eager.tokens();
    ok(again.accessToken !== state.accessToken, 'refreshed with the stored refresh token');
    ok(again.refreshToken !== state.refreshToken, 'and rotated again');
    eq((await s.counts('flextell')).refresh_token, state.refreshes + 1, 'one more refresh');
    eq(await store.get(KEY), again.serialize(), 'stored');
    await store.delete(KEY);
  });

add('a store whose set throws loses nothing: callers get an error, the store keeps a working set', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = flextell(crm, env);
  const old = await expiredLogin(env, s, p);
  const map = new Map();
  let failNext = false;
  const store = {
    get: async (k) => map.get(k),
    set: async (k, v) => {
      if (failNext) {
        failNext = false;
        throw new Error(`quota exceeded while writing ${v}`);
      }
      map.set(k, v);
    },
    delete: async (k) => { map.delete(k); },
  };
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(old);
  failNext = true;
  const err = await rejects(crm, () => session.tokens(), 'invalid_response', {}, 'store.set throws');
  ok(/could not save the refreshed tokens/.test(err.message), `message: ${err.message}`);
  noSecrets(env, err, [old.refreshToken, old.accessToken], 'store failure');
  eq(map.get(KEY), old.serialize(), 'the store kept the old set (its refresh token was not used up for nothing)');
  eq((await s.counts('flextell')).refresh_token, 1, 'one refresh so far');

  const fresh = await session.tokens();
  ok(fresh.accessToken !== old.accessToken, 'the refreshed set is handed out on the next call');
  eq(map.get(KEY), fresh.serialize(), 'and written to the store then');
  eq((await s.counts('flextell')).refresh_token, 1, 'still one refresh');
  eq((await me(session)).email, ALICE, 'API answer');

  // A restart right after: the store's set works (its refresh token is the live one).
  const restarted = new crm.Session({ provider: flextell(crm, env), store, key: KEY, skewSeconds: 7200 });
  const again = await restarted.tokens();
  ok(again.accessToken !== fresh.accessToken, 'the stored refresh token still works');
  eq((await s.counts('flextell')).refresh_token, 2, 'one more refresh');
});

add('401 from the API: one refresh, one retry with the caller\'s headers', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = flextell(crm, env);
  const real = await login(env, p);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  // Valid-looking tokens whose access token the server does not know.
  await session.save(new crm.TokenSet({ accessToken: 'not-a-live-token', refreshToken: real.refreshToken, expiresAt: Date.now() + 3600_000 }));
  const before = await s.counts('flextell');
  const body = await me(session, `${env.origins.flextell}/api/v1/users/me`, { headers: { 'x-tenant': 't1' } });
  eq(body.tenant, 't1', 'the retry keeps the caller\'s headers');
  const c = await s.counts('flextell');
  eq(c.refresh_token - before.refresh_token, 1, 'one refresh');
  eq(c.api - before.api, 2, 'two API requests (401, then the retry)');
  ok(crm.TokenSet.deserialize(store.get(KEY)).accessToken !== 'not-a-live-token', 'the refreshed set is stored');

});

add('429 with Retry-After within maxRetryAfterSeconds: waits, retries once, succeeds; 429 again → rate_limited', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = flextell(crm, env);
  const store = new crm.MemoryStore();
  await store.set(KEY, (await login(env, p)).serialize());
  const session = new crm.Session({ provider: p, store, key: KEY, maxRetryAfterSeconds: 2 });

  await s.fault('flextell', 'api', 'rate_limit', { retryAfter: 1 });
  const t0 = Date.now();
  eq((await me(session)).email, ALICE, 'API answer after the wait');
  const waited = Date.now() - t0;
  ok(waited >= 950, `waited for Retry-After: 1 (${waited} ms)`);
  ok(waited < 4000, `did not wait much longer (${waited} ms)`);
  eq((await s.counts('flextell')).api, 2, 'the 429 and the retry');

  await s.fault('flextell', 'api', 'rate_limit', { retryAfter: 1, times: 2 });
  await rejects(crm, () => session.fetch('/users/me'), 'rate_limited', { status: 429, retryAfter: 1, provider: 'flextell' }, '429 twice');
  eq((await s.counts('flextell')).api, 4, 'one retry only');
});

add('429 with Retry-After over maxRetryAfterSeconds: rate_limited at once, no retry', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = flextell(crm, env);
  const store = new crm.MemoryStore();
  await store.set(KEY, (await login(env, p)).serialize());
  const session = new crm.Session({ provider: p, store, key: KEY, maxRetryAfterSeconds: 5 });
  await s.fault('flextell', 'api', 'rate_limit'); // Retry-After: 7
  const t0 = Date.now();
  await rejects(crm, () => session.fetch('/users/me'), 'rate_limited', { status: 429, retryAfter: 7, provider: 'flextell' }, 'Retry-After 7 > 5');
  ok(Date.now() - t0 < 3000, 'no waiting');
  eq((await s.counts('flextell')).api, 1, 'no retry');
  eq((await me(session)).email, ALICE, 'the next call goes through');
});

add('revoked refresh token → oauth_error invalid_grant and the store key is deleted', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = flextell(crm, env);
  const old = await expiredLogin(env, s, p);
  const store = new crm.MemoryStore();
  await store.set('someone-else', 'kept');
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(old);
  eq((await s.revokeRefresh('flextell', old.refreshToken)).revoked, true, 'simulator revoked the refresh token');
  await rejects(crm, () => session.tokens(), 'oauth_error', { error: 'invalid_grant', provider: 'flextell' }, 'dead refresh token');
  eq(store.get(KEY), null, 'the store key is deleted');
  eq(store.get('someone-else'), 'kept', 'other keys are untouched');
  // Nothing stored: still invalid_grant, without a request.
  await rejects(crm, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' }, 'nothing stored');
  await rejects(crm, () => session.fetch('/users/me'), 'oauth_error', { error: 'invalid_grant' }, 'fetch with nothing stored');
  const c = await s.counts('flextell');
  eq(c.refresh_token, 1, 'one refresh attempt');
  eq(c.api, 0, 'no API request without tokens');
});

add('a transient refresh failure keeps the tokens; a second call within the cooldown sends nothing', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = flextell(crm, env);
  const old = await expiredLogin(env, s, p);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(old);
  await s.fault('flextell', 'token', 'html500');
  const first = await rejects(crm, () => session.tokens(), 'invalid_response', { status: 500 }, 'HTTP 500 from the token endpoint');
  const second = await rejects(crm, () => session.tokens(), 'invalid_response', { status: 500 }, 'within the cooldown');
  eq(second, first, 'the last failure is rethrown');
  eq((await s.counts('flextell')).refresh_token, 1, 'no request during the cooldown');
  eq(store.get(KEY), old.serialize(), 'stored tokens kept');
  await sleep(1100); // first cooldown: 1 s
  const fresh = await session.tokens();
  ok(fresh.accessToken !== old.accessToken, 'refreshed after the cooldown');
  eq((await s.counts('flextell')).refresh_token, 2, 'one more refresh');
});

add('logout: generic OAuth2 revokes the refresh token and empties the store; local logout when revocation fails or is not offered', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const tokens = await login(env, p);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(tokens);
  eq((await me(session, '/userinfo')).email, ALICE, 'userinfo through session.fetch');
  await session.logout();
  eq((await s.counts('oauth2')).revoke, 1, 'one revocation request');
  eq(new URLSearchParams((await s.last('oauth2', 'revoke')).body).get('token'), tokens.refreshToken, 'the refresh token is revoked');
  eq(store.get(KEY), null, 'the store is empty');
  await rejects(crm, () => p.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant' }, 'refresh after logout');
  await rejects(crm, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' }, 'tokens() after logout');

  // The revocation endpoint fails: logout still succeeds locally.
  const t2 = await login(env, p);
  await session.save(t2);
  await s.fault('oauth2', 'revoke', 'html500');
  await withTimeout(session.logout(), TIMEOUT + 2000, 'logout with a failing revocation');
  eq((await s.counts('oauth2')).revoke, 2, 'revocation was attempted');
  eq(store.get(KEY), null, 'the store is empty anyway');

  // A provider without revocation (Flextell): logout clears the store.
  const f = flextell(crm, env);
  const s2 = new crm.Session({ provider: f, store, key: 'user-2' });
  await s2.save(await login(env, f));
  await s2.logout();
  eq(store.get('user-2'), null, 'Flextell session cleared');
});

add('Flowlu (password grant, no expiry) and a Flexie API key work through session.fetch', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const flowlu = new crm.Flowlu({ origin: env.origins.flowlu, timeoutMs: TIMEOUT });
  eq(flowlu.apiBase, `${env.origins.flowlu}/api/v1/module`, 'Flowlu apiBase');
  const session = new crm.Session({ provider: flowlu, store: new crm.MemoryStore(), key: KEY });
  await session.save(await flowlu.login({ username: 'alice', password: 'wonderland' }));
  eq((await session.tokens()).expiresAt, null, 'no expiry');
  const leads = await me(session, '/crm/lead/list', { method: 'POST', body: new URLSearchParams({ page: '1' }) });
  eq(leads.response.entity, 'lead', 'Flowlu API answer');

  const key = crm.Flexie.apiKey({ origin: env.origins.flexie, apiKey: API_KEY });
  const keySession = new crm.Session({ provider: key, store: new crm.MemoryStore(), key: KEY });
  eq(await keySession.tokens(), null, 'API keys have no tokens');
  eq((await me(keySession, '/users/self')).email, ALICE, 'Flexie API answer with the key');
  await keySession.logout();
});

// ---- runner -----------------------------------------------------------------------------

export const casesFor = (runtime) => CASES.filter((c) => c.runtimes.includes(runtime)).map((c) => c.name);
export const hasRestart = (name) => typeof CASES.find((c) => c.name === name)?.restart === 'function';

/**
 * Runs one phase of a case; never throws. `phase` is "run" (default) or "restart" (with the
 * `state` that "run" returned). Returns { name, phase, ok, ms, state?, error? } (JSON-safe).
 */
export async function runCase(name, crm, env, { phase = 'run', state = null, ms = 20_000 } = {}) {
  const c = CASES.find((x) => x.name === name);
  const t0 = Date.now();
  if (!c) return { name, phase, ok: false, ms: 0, error: `no such case: ${name}` };
  if (!c.runtimes.includes(env.runtime)) return { name, phase, ok: false, ms: 0, error: `case not meant for ${env.runtime}` };
  if (phase === 'restart' && !c.restart) return { name, phase, ok: false, ms: 0, error: `case has no restart phase: ${name}` };
  try {
    const out = await withTimeout(phase === 'restart' ? c.restart(crm, env, state) : c.run(crm, env), ms, `case "${name}" (${phase})`);
    return { name, phase, ok: true, ms: Date.now() - t0, state: out ?? null };
  } catch (e) {
    return { name, phase, ok: false, ms: Date.now() - t0, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : show(e) };
  }
}
