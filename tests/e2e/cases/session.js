// The Session table (issue 5, "Done means"; issue 11: fetch seam, redirects, shared stores,
// logout races, 401 loops, encryption at rest), shared by three runtimes: Node
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
    live: (provider) => control('GET', `/__sim/live?provider=${provider}`),
  };
}

// ---- providers and logins (public clients: no secret anywhere) -------------------------

// The public client: the simulator's `oauth2` profile (PKCE, rotating refresh tokens, /userinfo,
// RFC 7009 revocation). Flextell is a confidential client and cannot log in from a browser.
const oauth2 = (crm, env, extra = {}) => {
  const o = env.origins.oauth2;
  return new crm.OAuth2({
    authorizationEndpoint: `${o}/authorize`,
    tokenEndpoint: `${o}/token`,
    revocationEndpoint: `${o}/revoke`,
    ...PUBLIC,
    redirectUri: REDIRECT,
    apiBase: o,
    timeoutMs: TIMEOUT,
    ...extra,
  });
};

/** authorize -> consent (env.approve) -> parseCallback -> exchangeCode with PKCE. */
async function login(env, p) {
  const req = p.createAuthorizationRequest({ scopes: ['users.read'] });
  const { code } = p.parseCallback(await env.approve(req.url), { state: req.state });
  return withTimeout(p.exchangeCode(code, { codeVerifier: req.codeVerifier }), TIMEOUT + 2000, 'exchangeCode');
}

/** OAuth2 tokens that are already expired (issued with expires_in 0). */
async function expiredLogin(env, s, p) {
  await s.config('oauth2', { expiresIn: 0 });
  try {
    const tokens = await login(env, p);
    ok(tokens.isExpired(0), 'the login tokens are expired');
    ok(typeof tokens.refreshToken === 'string', 'the login tokens have a refresh token');
    return tokens;
  } finally {
    await s.config('oauth2', { expiresIn: 3600 });
  }
}

async function me(session, path = '/userinfo', init) {
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
  const p = oauth2(crm, env);
  const old = await expiredLogin(env, s, p);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(old);
  const before = (await s.counts('oauth2')).refresh_token;

  const all = await withTimeout(Promise.all(Array.from({ length: 1000 }, () => session.tokens())), 10_000, '1,000 tokens()');
  eq((await s.counts('oauth2')).refresh_token - before, 1, 'refresh_token grants seen by the simulator');
  const fresh = all[0];
  ok(fresh instanceof crm.TokenSet, 'tokens() gives a TokenSet');
  ok(fresh.accessToken !== old.accessToken, 'a new access token');
  ok(fresh.refreshToken !== old.refreshToken, 'the server rotated the refresh token');
  ok(!fresh.isExpired(), 'the new set is fresh');
  ok(all.every((t) => t.accessToken === fresh.accessToken), 'all 1,000 callers got the same access token');
  eq(new URLSearchParams((await s.last('oauth2', 'token')).body).get('refresh_token'), old.refreshToken, 'the refresh sent the stored refresh token');
  eq(store.get(KEY), fresh.serialize(), 'the new set is in the store');

  eq((await me(session)).email, ALICE, 'API answer');
  eq((await s.counts('oauth2')).refresh_token - before, 1, 'no refresh for a fresh token');
  noSecrets(env, session, [fresh.accessToken, fresh.refreshToken, old.refreshToken], 'Session');
  noSecrets(env, store, [fresh.accessToken, fresh.refreshToken], 'MemoryStore');
});

add('rotation: the old refresh token is rejected by the simulator; a new Session over the same store works after a restart', ALL,
  async (crm, env) => {
    const s = sim(env);
    await s.reset();
    const p = oauth2(crm, env);
    const old = await expiredLogin(env, s, p);
    const store = env.restartableStore(crm);
    await store.delete(KEY);
    const session = new crm.Session({ provider: p, store, key: KEY });
    await session.save(old);
    const fresh = await session.tokens();
    ok(fresh.refreshToken !== old.refreshToken, 'the refresh token rotated');
    eq(await store.get(KEY), fresh.serialize(), 'the rotated set is stored');
    // The old refresh token is dead at the server (presented directly, not through the session).
    await rejects(crm, () => p.refresh(old.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'oauth2' }, 'old refresh token');
    const c = await s.counts('oauth2');
    eq(c.refresh_token, 2, 'the session\'s refresh + the rejected one');
    return { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, refreshes: c.refresh_token };
  },
  async (crm, env, state) => {
    // After the restart: nothing in memory but the store.
    const s = sim(env);
    const store = env.restartableStore(crm);
    const raw = await store.get(KEY);
    ok(typeof raw === 'string' && raw.length > 0, 'the store still holds the tokens after the restart');
    const session = new crm.Session({ provider: oauth2(crm, env), store, key: KEY });
    const t = await session.tokens();
    eq(t.accessToken, state.accessToken, 'the restarted session reads the rotated set');
    eq((await me(session)).email, ALICE, 'API answer after the restart');
    eq((await s.counts('oauth2')).refresh_token, state.refreshes, 'no refresh for a fresh token');
    // And the stored (rotated) refresh token is the live one: force a refresh with it.
    const eager = new crm.Session({ provider: oauth2(crm, env), store, key: KEY, skewSeconds: 7200 });
    const again = await eager.tokens();
    ok(again.accessToken !== state.accessToken, 'refreshed with the stored refresh token');
    ok(again.refreshToken !== state.refreshToken, 'and rotated again');
    eq((await s.counts('oauth2')).refresh_token, state.refreshes + 1, 'one more refresh');
    eq(await store.get(KEY), again.serialize(), 'stored');
    await store.delete(KEY);
  });

add('a store whose set throws loses nothing: callers get an error, the store keeps a working set', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const old = await expiredLogin(env, s, p);
  const map = new Map();
  let failNext = false;
  let refused = null; // the set the store refused: the NEW tokens
  const store = {
    get: async (k) => map.get(k),
    set: async (k, v) => {
      if (failNext) {
        failNext = false;
        refused = crm.TokenSet.deserialize(v);
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
  ok(refused !== null && refused.accessToken !== old.accessToken, 'the store was handed the new set');
  // The store's error text quotes the new set: none of it (nor the old set) may reach the caller.
  noSecrets(env, err, [old.refreshToken, old.accessToken, refused.refreshToken, refused.accessToken], 'store failure');
  eq(map.get(KEY), old.serialize(), 'the store kept the old set (its refresh token was not used up for nothing)');
  eq((await s.counts('oauth2')).refresh_token, 1, 'one refresh so far');

  const fresh = await session.tokens();
  ok(fresh.accessToken !== old.accessToken, 'the refreshed set is handed out on the next call');
  eq(map.get(KEY), fresh.serialize(), 'and written to the store then');
  eq((await s.counts('oauth2')).refresh_token, 1, 'still one refresh');
  eq((await me(session)).email, ALICE, 'API answer');

  // A restart right after: the store's set works (its refresh token is the live one).
  const restarted = new crm.Session({ provider: oauth2(crm, env), store, key: KEY, skewSeconds: 7200 });
  const again = await restarted.tokens();
  ok(again.accessToken !== fresh.accessToken, 'the stored refresh token still works');
  eq((await s.counts('oauth2')).refresh_token, 2, 'one more refresh');
});

add('401 from the API: one refresh, one retry with the caller\'s headers', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const real = await login(env, p);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  // Valid-looking tokens whose access token the server does not know.
  await session.save(new crm.TokenSet({ accessToken: 'not-a-live-token', refreshToken: real.refreshToken, expiresAt: Date.now() + 3600_000 }));
  const before = await s.counts('oauth2');
  const body = await me(session, `${env.origins.oauth2}/userinfo`, { headers: { 'x-tenant': 't1' } });
  eq(body.email, ALICE, 'API answer');
  eq((await s.last('oauth2', 'api')).headers['x-tenant'], 't1', 'the retry keeps the caller\'s headers');
  const c = await s.counts('oauth2');
  eq(c.refresh_token - before.refresh_token, 1, 'one refresh');
  eq(c.api - before.api, 2, 'two API requests (401, then the retry)');
  ok(crm.TokenSet.deserialize(store.get(KEY)).accessToken !== 'not-a-live-token', 'the refreshed set is stored');

});

add('429 with Retry-After within maxRetryAfterSeconds: waits, retries once, succeeds; 429 again → rate_limited', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const store = new crm.MemoryStore();
  await store.set(KEY, (await login(env, p)).serialize());
  const session = new crm.Session({ provider: p, store, key: KEY, maxRetryAfterSeconds: 2 });

  await s.fault('oauth2', 'api', 'rate_limit', { retryAfter: 1 });
  const t0 = Date.now();
  eq((await me(session)).email, ALICE, 'API answer after the wait');
  const waited = Date.now() - t0;
  ok(waited >= 950, `waited for Retry-After: 1 (${waited} ms)`);
  ok(waited < 4000, `did not wait much longer (${waited} ms)`);
  eq((await s.counts('oauth2')).api, 2, 'the 429 and the retry');

  await s.fault('oauth2', 'api', 'rate_limit', { retryAfter: 1, times: 2 });
  await rejects(crm, () => session.fetch('/userinfo'), 'rate_limited', { status: 429, retryAfter: 1, provider: 'oauth2' }, '429 twice');
  eq((await s.counts('oauth2')).api, 4, 'one retry only');
});

add('429 with Retry-After over maxRetryAfterSeconds: rate_limited at once, no retry', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const store = new crm.MemoryStore();
  await store.set(KEY, (await login(env, p)).serialize());
  const session = new crm.Session({ provider: p, store, key: KEY, maxRetryAfterSeconds: 5 });
  await s.fault('oauth2', 'api', 'rate_limit'); // Retry-After: 7
  const t0 = Date.now();
  await rejects(crm, () => session.fetch('/userinfo'), 'rate_limited', { status: 429, retryAfter: 7, provider: 'oauth2' }, 'Retry-After 7 > 5');
  ok(Date.now() - t0 < 3000, 'no waiting');
  eq((await s.counts('oauth2')).api, 1, 'no retry');
  eq((await me(session)).email, ALICE, 'the next call goes through');
});

/** `at` (ms) in the three HTTP-date forms of RFC 9110 §5.6.7. */
function httpDates(at) {
  const d = new Date(at);
  const [wd, dd, mon, yyyy, time] = d.toUTCString().replace(',', '').split(' ');
  const long = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()];
  return {
    imf: d.toUTCString(),
    rfc850: `${long}, ${dd}-${mon}-${yyyy.slice(2)} ${time} GMT`,
    asctime: `${wd} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${yyyy}`,
  };
}

add('429 with Retry-After as an HTTP-date (IMF-fixdate, RFC 850, asctime) is read by the core; negative or non-HTTP dates → rate_limited, no retry', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const store = new crm.MemoryStore();
  await store.set(KEY, (await login(env, p)).serialize());
  const session = new crm.Session({ provider: p, store, key: KEY, maxRetryAfterSeconds: 3 });

  // One or two seconds ahead (HTTP dates have whole seconds): waited for, then retried.
  const soon = httpDates(Math.ceil(Date.now() / 1000) * 1000 + 1000).imf;
  await s.fault('oauth2', 'api', 'rate_limit', { retryAfterHeader: soon });
  eq((await me(session)).email, ALICE, `API answer after Retry-After: ${soon}`);
  eq((await s.counts('oauth2')).api, 2, 'the 429 and the retry');

  // An hour ahead, in each form: over maxRetryAfterSeconds, so rate_limited with the seconds.
  for (const [form, date] of Object.entries(httpDates(Date.now() + 3600_000))) {
    await s.fault('oauth2', 'api', 'rate_limit', { retryAfterHeader: date });
    const e = await rejects(crm, () => session.fetch('/userinfo'), 'rate_limited', { status: 429 }, `${form}: ${date}`);
    ok(e.retryAfter >= 3595 && e.retryAfter <= 3601, `${form}: retryAfter ${e.retryAfter} ≈ 3600`);
  }
  // Neither delay-seconds nor an HTTP-date (Date.parse reads "-1" and "1.5" as days of 2001: retry at once).
  for (const bad of ['-1', '1.5', 'soon', '2030-01-01T00:00:00Z', 'Dec 2 2030']) {
    const before = (await s.counts('oauth2')).api;
    await s.fault('oauth2', 'api', 'rate_limit', { retryAfterHeader: bad });
    const e = await rejects(crm, () => session.fetch('/userinfo'), 'rate_limited', { status: 429 }, `Retry-After: ${bad}`);
    eq(e.retryAfter, undefined, `Retry-After: ${bad} → no retryAfter`);
    eq((await s.counts('oauth2')).api - before, 1, `Retry-After: ${bad} → no retry`);
  }
});

add('revoked refresh token → oauth_error invalid_grant and the store key is deleted', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const old = await expiredLogin(env, s, p);
  const store = new crm.MemoryStore();
  await store.set('someone-else', 'kept');
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(old);
  eq((await s.revokeRefresh('oauth2', old.refreshToken)).revoked, true, 'simulator revoked the refresh token');
  await rejects(crm, () => session.tokens(), 'oauth_error', { error: 'invalid_grant', provider: 'oauth2' }, 'dead refresh token');
  eq(store.get(KEY), null, 'the store key is deleted');
  eq(store.get('someone-else'), 'kept', 'other keys are untouched');
  // Nothing stored: still invalid_grant, without a request.
  await rejects(crm, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' }, 'nothing stored');
  await rejects(crm, () => session.fetch('/userinfo'), 'oauth_error', { error: 'invalid_grant' }, 'fetch with nothing stored');
  const c = await s.counts('oauth2');
  eq(c.refresh_token, 1, 'one refresh attempt');
  eq(c.api, 0, 'no API request without tokens');
});

add('a transient refresh failure keeps the tokens; a second call within the cooldown sends nothing', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const old = await expiredLogin(env, s, p);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(old);
  await s.fault('oauth2', 'token', 'html500');
  const first = await rejects(crm, () => session.tokens(), 'invalid_response', { status: 500 }, 'HTTP 500 from the token endpoint');
  const second = await rejects(crm, () => session.tokens(), 'invalid_response', { status: 500 }, 'within the cooldown');
  eq(second, first, 'the last failure is rethrown');
  eq((await s.counts('oauth2')).refresh_token, 1, 'no request during the cooldown');
  eq(store.get(KEY), old.serialize(), 'stored tokens kept');
  await sleep(1100); // first cooldown: 1 s
  const fresh = await session.tokens();
  ok(fresh.accessToken !== old.accessToken, 'refreshed after the cooldown');
  eq((await s.counts('oauth2')).refresh_token, 2, 'one more refresh');
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

  // A provider without revocation (Flexie): logout clears the store.
  const f = new crm.Flexie({ ...PUBLIC, redirectUri: REDIRECT, origin: env.origins.flexie, timeoutMs: TIMEOUT });
  const s2 = new crm.Session({ provider: f, store, key: 'user-2' });
  await s2.save(await login(env, f));
  await s2.logout();
  eq(store.get('user-2'), null, 'Flexie session cleared');
  eq((await s.counts('flexie')).revoke, 0, 'no revocation request');
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

// ---- issue 11: the fetch seam, redirects, shared stores, logout races, 401 loops, encryption ----

/** A Web-Storage-shaped object (what localStorage looks like) where there is no localStorage. */
const webStorageLike = () => {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => { m.set(k, String(v)); }, removeItem: (k) => { m.delete(k); } };
};

/** A copy of `t` whose access token expired a second ago (its refresh token unchanged). */
const expiredCopy = (crm, t) =>
  new crm.TokenSet({ accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: Date.now() - 1000 });

add('session.fetch goes through the provider\'s fetch and timeoutMs; a caller\'s signal aborts it', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const seen = [];
  const spy = (input, init) => {
    seen.push(typeof input === 'string' ? input : input.url);
    return fetch(input, init);
  };
  const p = oauth2(crm, env, { fetch: spy, timeoutMs: 800 });
  const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: KEY });
  await session.save(await login(env, p));
  seen.length = 0;
  eq((await me(session)).email, ALICE, 'API answer');
  eq(show(seen), show([`${env.origins.oauth2}/userinfo`]), 'the API request went through the provider\'s fetch');

  const key = crm.Flexie.apiKey({ origin: env.origins.flexie, apiKey: API_KEY, fetch: spy });
  seen.length = 0;
  eq((await me(new crm.Session({ provider: key, store: new crm.MemoryStore(), key: KEY }), '/users/self')).email, ALICE, 'API-key answer');
  eq(show(seen), show([`${env.origins.flexie}/api/users/self`]), 'API-key credentials use their fetch option too');

  // An API that never answers: timeout, not a hang.
  await s.fault('oauth2', 'api', 'slow', { delayMs: 8000 });
  const t0 = Date.now();
  const err = await rejects(crm, () => session.fetch('/userinfo'), 'timeout', { provider: 'oauth2' }, 'API that never answers');
  ok(Date.now() - t0 < 5000, `timed out after timeoutMs (${Date.now() - t0} ms)`);
  noSecrets(env, err, [API_KEY], 'timeout error');

  // The caller's own signal aborts the request (its reason, not a CrmAuthError).
  await s.fault('oauth2', 'api', 'slow', { delayMs: 8000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  let aborted;
  try {
    await withTimeout(session.fetch('/userinfo', { signal: ac.signal }), TIMEOUT, 'aborted fetch');
  } catch (e) {
    aborted = e;
  }
  ok(aborted !== undefined && !(aborted instanceof crm.CrmAuthError) && aborted.name === 'AbortError', `the caller's abort comes back as an AbortError (${show(aborted)})`);
  eq((await me(session)).email, ALICE, 'the next call goes through');
});

/** Every place a credential goes: [label, simulator provider, make(crm, env) -> provider, API path, the credential as the server sees it]. */
const FAKE = 'fake-access-token-0123456789';
const PLACEMENTS = [
  ['Bearer header', 'oauth2', (crm, env) => oauth2(crm, env), '/userinfo', FAKE],
  ['Flexie apikey header', 'flexie', (crm, env) => crm.Flexie.apiKey({ origin: env.origins.flexie, apiKey: API_KEY }), '/users/self', API_KEY],
  ['Flexie ?apikey=', 'flexie', (crm, env) => crm.Flexie.apiKey({ origin: env.origins.flexie, apiKey: API_KEY, placement: 'query' }), '/users/self', API_KEY],
  ['Flexie ?access_token=', 'flexie',
    (crm, env) => new crm.Flexie({ ...PUBLIC, redirectUri: REDIRECT, origin: env.origins.flexie, tokenPlacement: 'query', timeoutMs: TIMEOUT }), '/users/self', FAKE],
  ['Flowlu ?api_key=', 'flowlu', (crm, env) => crm.Flowlu.apiKey({ origin: env.origins.flowlu, apiKey: API_KEY }), '/crm/lead/list', API_KEY],
  ['Agile CRM Basic', 'agilecrm', (crm, env) => crm.AgileCrm.apiKey({ origin: env.origins.agilecrm, email: ALICE, apiKey: API_KEY }), '/contacts/1',
    btoa(`${ALICE}:${API_KEY}`)],
  ['Flowlu Basic bearer:TOKEN', 'flowlu', (crm, env) => new crm.Flowlu({ origin: env.origins.flowlu, timeoutMs: TIMEOUT }), '/crm/lead/list', btoa(`bearer:${FAKE}`)],
];

async function placementSession(crm, env, make) {
  const provider = make(crm, env);
  const session = new crm.Session({ provider, store: new crm.MemoryStore(), key: KEY });
  if (!(provider instanceof crm.ApiKeyCredentials)) await session.save(new crm.TokenSet({ accessToken: FAKE }));
  return { provider, session };
}

add('a redirect to another origin: no credential in any placement reaches it (invalid_response)', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  // The "other origin": the simulator's Virtuous port; nothing may arrive there.
  const elsewhere = `${env.origins.virtuous}/api/Contact/1`;
  for (const [label, name, make, path, credential] of PLACEMENTS) {
    const { provider, session } = await placementSession(crm, env, make);
    for (const status of [302, 307]) {
      await s.fault(name, 'api', 'redirect_to', { location: `${elsewhere}?from=${encodeURIComponent(label)}`, status });
      const err = await rejects(crm, () => session.fetch(path), 'invalid_response', { provider: name }, `${label}: ${status} to another origin`);
      // Node and workerd see the 3xx; a browser only an opaque redirect (status 0).
      eq(err.status, env.runtime === 'browser' ? 0 : status, `${label}: status`);
      noSecrets(env, err, [credential, API_KEY, FAKE], `${label}: redirect error`);
    }
    eq((await s.counts('virtuous')).api, 0, `${label}: no request reached the other origin`);
    provider.free?.();
  }
});

add('a redirect within the origin is followed with the credential placed again (Node, workerd); a browser\'s opaque redirect is refused', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  for (const [label, name, make, path, credential] of PLACEMENTS) {
    const { session, provider } = await placementSession(crm, env, make);
    const before = (await s.counts(name)).api;
    const full = new URL(provider.apiBase + path).pathname;
    await s.fault(name, 'api', 'redirect_to', { location: `${full}?hop=1`, status: 302 });
    if (env.runtime === 'browser') {
      await rejects(crm, () => session.fetch(path), 'invalid_response', { status: 0 }, `${label}: opaque redirect`);
      eq((await s.counts(name)).api - before, 1, `${label}: nothing sent after the opaque redirect`);
      continue;
    }
    const r = await withTimeout(session.fetch(path), TIMEOUT, `${label}: followed`);
    await r.arrayBuffer();
    eq((await s.counts(name)).api - before, 2, `${label}: the redirect and its target`);
    const last = await s.last(name, 'api');
    ok(last.path.includes('hop=1'), `${label}: the target was asked (${last.path})`);
    ok(`${last.path} ${JSON.stringify(last.headers)}`.includes(credential), `${label}: the credential was placed again`);
    ok(last.path.split(credential).length <= 2, `${label}: placed once (${last.path})`);
  }
});

add('redirect modes: manual returns the redirect, error is network_error; method rules and a bound on hops (Node, workerd)', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const key = crm.Flowlu.apiKey({ origin: env.origins.flowlu, apiKey: API_KEY });
  const session = new crm.Session({ provider: key, store: new crm.MemoryStore(), key: KEY });
  const target = '/api/v1/module/crm/lead/list';
  await s.fault('flowlu', 'api', 'redirect_to', { location: `${env.origins.virtuous}/api/Contact/1`, status: 302 });
  const manual = await withTimeout(session.fetch('/crm/lead/list', { redirect: 'manual' }), TIMEOUT, 'manual');
  if (env.runtime === 'browser') eq(manual.type, 'opaqueredirect', 'a browser hands back an opaque redirect');
  else {
    eq(manual.status, 302, 'the redirect itself');
    eq(manual.headers.get('location'), `${env.origins.virtuous}/api/Contact/1`, 'its Location');
  }
  if (env.runtime !== 'workerd') await s.fault('flowlu', 'api', 'redirect_to', { location: `${target}?hop=1`, status: 302 });
  // workerd has no redirect mode "error": its Request refuses it (invalid_argument, nothing sent).
  const refused = env.runtime === 'workerd' ? 'invalid_argument' : 'network_error';
  await rejects(crm, () => session.fetch('/crm/lead/list', { redirect: 'error' }), refused, {}, 'redirect: "error"');
  eq((await s.counts('flowlu')).api, env.runtime === 'workerd' ? 1 : 2, 'nothing was followed');
  eq((await s.counts('virtuous')).api, 0, 'nothing reached the other origin');
  if (env.runtime === 'browser') return; // the browser hides same-origin redirects too (case above)

  const post = () => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'page=2' });
  for (const [status, method, body] of [[302, 'GET', ''], [301, 'GET', ''], [303, 'GET', ''], [307, 'POST', 'page=2'], [308, 'POST', 'page=2']]) {
    await s.fault('flowlu', 'api', 'redirect_to', { location: `${target}?hop=${status}`, status });
    const r = await withTimeout(session.fetch('/crm/lead/list', post()), TIMEOUT, `POST + ${status}`);
    eq((await r.json()).response.entity, 'lead', `POST + ${status}: answered`);
    const last = await s.last('flowlu', 'api');
    eq(show([last.method, last.body]), show([method, body]), `POST + ${status}: ${method} to the target`);
    ok(last.path.includes(`hop=${status}`) && last.path.includes(`api_key=${API_KEY}`), `POST + ${status}: the key placed again`);
    eq(last.headers['content-type'], method === 'GET' ? undefined : 'application/x-www-form-urlencoded', `POST + ${status}: content-type`);
  }

  const before = (await s.counts('flowlu')).api;
  await s.fault('flowlu', 'api', 'redirect_to', { location: `${target}?loop=1`, status: 302, times: 30 });
  await rejects(crm, () => session.fetch('/crm/lead/list'), 'invalid_response', { status: 302 }, 'a redirect loop');
  eq((await s.counts('flowlu')).api - before, 21, 'the request and 20 redirects, no more');
});

/** `n` Sessions (tabs, isolates) over one store against the rotating server, `rounds` expiries. */
async function sharedStore(crm, env, store, n, rounds) {
  const s = sim(env);
  const p = oauth2(crm, env);
  await store.delete(KEY);
  await store.set(KEY, (await login(env, p)).serialize());
  const sessions = Array.from({ length: n }, () => new crm.Session({ provider: oauth2(crm, env), store, key: KEY }));
  for (let round = 0; round < rounds; round++) {
    const current = crm.TokenSet.deserialize(await store.get(KEY));
    await store.set(KEY, expiredCopy(crm, current).serialize());
    const calls = sessions.flatMap((session) => [
      ...Array.from({ length: 8 }, () => session.tokens()),
      session.fetch('/userinfo').then(async (r) => ({ status: r.status, body: await r.text() })),
    ]);
    const results = await Promise.allSettled(calls);
    const failed = results.filter((r) => r.status === 'rejected');
    eq(show(failed.map((r) => `${r.reason?.code}: ${r.reason?.message ?? r.reason}`)), '[]', `round ${round}: every call got tokens`);
    for (const r of results) {
      if (r.value instanceof crm.TokenSet) ok(!r.value.isExpired(), `round ${round}: a fresh set`);
      else eq(r.value.status, 200, `round ${round}: API answer ${r.value.body.slice(0, 100)}`);
    }
    const raw = await store.get(KEY);
    ok(typeof raw === 'string', `round ${round}: the store keeps a set`);
  }
  // The stored set is the live one: its refresh token works (and rotates once more).
  const stored = crm.TokenSet.deserialize(await store.get(KEY));
  const again = await p.refresh(stored.refreshToken);
  ok(again.accessToken !== stored.accessToken, 'the stored refresh token is live at the server');
  const c = await s.counts('oauth2');
  ok(c.refresh_token >= rounds + 1, `refreshes happened (${c.refresh_token})`);
  await store.delete(KEY);
}

add('2 and 5 Sessions on one MemoryStore: the losers of a rotation race use the winner\'s set; every call gets tokens', ALL, async (crm, env) => {
  await sim(env).reset();
  for (const n of [2, 5]) await sharedStore(crm, env, new crm.MemoryStore(), n, 3);
});

add('2 and 5 Sessions on one WebStorageStore (localStorage in Chromium): every call gets tokens, the store keeps the live set', ALL, async (crm, env) => {
  await sim(env).reset();
  const storage = env.runtime === 'browser' ? globalThis.localStorage : webStorageLike();
  for (const n of [2, 5]) await sharedStore(crm, env, new crm.WebStorageStore(storage), n, 3);
  eq(storage.getItem(KEY), null, 'cleaned up');
});

add('logout() racing a refresh: no refresh token of the grant stays live at the server', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: KEY });
  await session.save(await expiredLogin(env, s, p));
  eq((await s.live('oauth2')).refresh, 1, 'one live refresh token');
  // The revocation lands after the refresh rotated the token (the slow revocation endpoint).
  await s.fault('oauth2', 'revoke', 'slow', { delayMs: 800 });
  const refreshing = session.tokens().then((t) => t, (e) => e);
  await withTimeout(session.logout(), TIMEOUT + 2000, 'logout');
  const outcome = await refreshing;
  ok(outcome instanceof crm.CrmAuthError || outcome instanceof crm.TokenSet, `tokens() settled (${show(outcome)})`);
  eq((await s.counts('oauth2')).refresh_token, 1, 'the refresh reached the server');
  eq((await s.live('oauth2')).refresh, 0, 'no refresh token of the grant is live');
  eq(store.get(KEY), null, 'the store is empty');
  await rejects(crm, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' }, 'tokens() after logout');
});

add('an API that always answers 401: 20 calls → one refresh, then the 401 goes to the caller', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: KEY });
  await session.save(await login(env, p));
  await s.fault('oauth2', 'api', 'unauthorized', { times: 100 });
  for (let i = 0; i < 20; i++) {
    const r = await withTimeout(session.fetch('/userinfo'), TIMEOUT, `call ${i}`);
    await r.arrayBuffer();
    eq(r.status, 401, `call ${i}: the 401 is the caller's`);
  }
  const c = await s.counts('oauth2');
  eq(c.refresh_token, 1, 'one refresh for 20 calls');
  eq(c.api, 21, 'the first call retried once, the others not');
});

const ENC_KEY = 'encryption-key-one-0123456789abcdefghij';
const ENC_KEY_2 = 'encryption-key-two-0123456789abcdefghij';

add('encryptionKey: the store holds no token; wrong, missing or tampered → "log in"; key rotation; plain text is not trusted', ALL, async (crm, env) => {
  const s = sim(env);
  await s.reset();
  const p = oauth2(crm, env);
  const store = new crm.MemoryStore();
  const make = (encryptionKey, key = KEY) => new crm.Session({ provider: p, store, key, ...(encryptionKey === undefined ? {} : { encryptionKey }) });
  const session = make(ENC_KEY);
  const tokens = await login(env, p);
  await session.save(tokens);
  const raw = store.get(KEY);
  ok(typeof raw === 'string' && raw.startsWith('e1.'), 'an encrypted set');
  for (const secret of [tokens.accessToken, tokens.refreshToken]) ok(!raw.includes(secret), 'the stored string holds no token');
  eq((await session.tokens()).accessToken, tokens.accessToken, 'the right key reads it');
  eq((await me(session)).email, ALICE, 'API answer');
  const secrets = [tokens.accessToken, tokens.refreshToken, ENC_KEY, ENC_KEY_2];

  for (const [label, other] of [['wrong key', make(ENC_KEY_2)], ['no key', make(undefined)]]) {
    const err = await rejects(crm, () => other.tokens(), 'oauth_error', { error: 'invalid_grant' }, label);
    noSecrets(env, err, secrets, label);
    await rejects(crm, () => other.fetch('/userinfo'), 'oauth_error', { error: 'invalid_grant' }, `${label}: fetch`);
    eq(store.get(KEY), raw, `${label}: the stored set is left alone`);
  }
  // Bound to the store key: the same value under another key does not open.
  store.set('user-2', raw);
  await rejects(crm, () => make(ENC_KEY, 'user-2').tokens(), 'oauth_error', { error: 'invalid_grant' }, 'another store key');
  // Tampered: one character changed.
  const i = raw.length >> 1;
  store.set('user-3', raw.slice(0, i) + (raw[i] === 'A' ? 'B' : 'A') + raw.slice(i + 1));
  await rejects(crm, () => make(ENC_KEY, 'user-3').tokens(), 'oauth_error', { error: 'invalid_grant' }, 'tampered');
  // A plain-text set found by an encrypting Session is treated as absent (it may be planted).
  store.set('user-4', tokens.serialize());
  await rejects(crm, () => make(ENC_KEY, 'user-4').tokens(), 'oauth_error', { error: 'invalid_grant' }, 'plain text');

  // Rotation: [new, old] reads the old set and stores it under the new key.
  const rotated = make([ENC_KEY_2, ENC_KEY]);
  eq((await rotated.tokens()).accessToken, tokens.accessToken, 'the old key still decrypts');
  const raw2 = store.get(KEY);
  ok(raw2 !== raw && raw2.startsWith('e1.'), 're-written');
  eq((await make(ENC_KEY_2).tokens()).accessToken, tokens.accessToken, 'now under the new key');
  await rejects(crm, () => make(ENC_KEY).tokens(), 'oauth_error', { error: 'invalid_grant' }, 'the old key alone no longer reads it');

  // A refresh stores the rotated set encrypted too.
  const expired = await expiredLogin(env, s, p);
  const fresh = make(ENC_KEY, 'user-5');
  await fresh.save(expired);
  const next = await fresh.tokens();
  ok(next.refreshToken !== expired.refreshToken, 'refreshed and rotated');
  const raw5 = store.get('user-5');
  ok(raw5.startsWith('e1.') && !raw5.includes(next.refreshToken) && !raw5.includes(next.accessToken), 'the refreshed set is encrypted');
  noSecrets(env, fresh, secrets, 'Session');

  for (const bad of ['short', '', [], [ENC_KEY, 42], 42]) {
    await rejects(crm, () => make(bad), 'invalid_argument', {}, `encryptionKey ${show(bad)}`);
  }
});

add('timeoutMs must be an integer 1..2^31-1 and maxBodyBytes a non-negative integer (invalid_argument)', ALL, async (crm, env) => {
  const make = (extra) => oauth2(crm, env, extra);
  const key = (extra) => crm.Flexie.apiKey({ origin: env.origins.flexie, apiKey: API_KEY, ...extra });
  for (const timeoutMs of [0, -1, 1.5, 2 ** 31, Infinity, NaN, '100']) {
    await rejects(crm, () => make({ timeoutMs }), 'invalid_argument', {}, `timeoutMs ${show(timeoutMs)}`);
    await rejects(crm, () => key({ timeoutMs }), 'invalid_argument', {}, `apiKey timeoutMs ${show(timeoutMs)}`);
  }
  for (const maxBodyBytes of [-1, 1.5, Infinity, NaN, '100']) {
    await rejects(crm, () => make({ maxBodyBytes }), 'invalid_argument', {}, `maxBodyBytes ${show(maxBodyBytes)}`);
  }
  make({ timeoutMs: 1 });
  make({ timeoutMs: 2 ** 31 - 1, maxBodyBytes: 0 });
  key({ timeoutMs: 2 ** 31 - 1 });
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
