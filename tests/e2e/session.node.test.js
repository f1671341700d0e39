// Session against the provider simulator, in Node, with the PACKED package: single-flight
// refresh, rotation safety across a restart, a failing store, 401 retry, 429 Retry-After,
// dead refresh tokens, transient failures with cooldown, logout, Flowlu and API keys.
import { describe, it, before, after, beforeEach } from 'node:test';
import http from 'node:http';
import assert from 'node:assert/strict';
import { loadPackage } from './helpers/pkg.js';
import { approve } from './helpers/sim.js';
import { withTimeout, expectCrmError, assertNoSecrets } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';

const { Session, MemoryStore, WebStorageStore, Flextell, Flexie, Flowlu, OAuth2, Virtuous, AgileCrm, TokenSet, CrmAuthError } =
  await loadPackage();

const T = { timeout: 30_000 };
const REDIRECT = 'http://127.0.0.1/callback'; // the simulator's default clients use it
const KEY = 'user-1';

let sim;
const control = async (method, path, body) => {
  const r = await fetch(sim.url + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw new Error(`simulator ${method} ${path} -> ${r.status}`);
  return r.json();
};
const counts = async (provider) => (await control('GET', '/__sim/counts'))[provider];
const config = (provider, c) => control('POST', '/__sim/config', { provider, ...c });
const fault = (provider, endpoint, kind) => control('POST', '/__sim/fault', { provider, endpoint, kind });

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
});
after(async () => { await sim?.close(); });
beforeEach(async () => { await control('POST', '/__sim/reset', {}); });

const flextell = () =>
  new Flextell({ clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.origins.flextell });
const oauth2 = () =>
  new OAuth2({
    authorizationEndpoint: `${sim.url}/oauth2/authorize`,
    tokenEndpoint: `${sim.url}/oauth2/token`,
    revocationEndpoint: `${sim.url}/oauth2/revoke`,
    clientId: 'test-client',
    clientSecret: 'test-secret',
    redirectUri: REDIRECT,
    apiBase: `${sim.url}/oauth2`,
  });

/** authorize -> approve -> callback -> code exchange. */
async function login(p) {
  const req = p.createAuthorizationRequest({ scopes: ['read'] });
  const { code } = p.parseCallback(await approve(req.url), { state: req.state });
  return p.exchangeCode(code, { codeVerifier: req.codeVerifier });
}

/** Flextell tokens that are already expired (the simulator issues them with expires_in 0). */
async function expiredFlextellTokens(p) {
  await config('flextell', { expiresIn: 0 });
  const tokens = await login(p);
  await config('flextell', { expiresIn: 3600 });
  assert.ok(tokens.isExpired(0));
  return tokens;
}

describe('Session (Node, packed package)', () => {
  it('1,000 concurrent tokens() on an expired token: one refresh, one new set for all', T, async () => {
    const p = flextell();
    const old = await expiredFlextellTokens(p);
    const store = new MemoryStore();
    const session = new Session({ provider: p, store, key: KEY });
    await session.save(old);
    const before = (await counts('flextell')).refresh_token;

    const all = await Promise.all(Array.from({ length: 1000 }, () => session.tokens()));
    assert.equal((await counts('flextell')).refresh_token - before, 1, 'exactly one refresh_token grant');
    const fresh = all[0];
    assert.notEqual(fresh.accessToken, old.accessToken);
    assert.notEqual(fresh.refreshToken, old.refreshToken, 'Flextell rotates refresh tokens');
    assert.ok(all.every((t) => t.accessToken === fresh.accessToken), 'every caller gets the same access token');
    assert.equal(store.get(KEY), fresh.serialize(), 'the new set is stored');

    // Rotation: the old refresh token is dead at the simulator.
    await expectCrmError(CrmAuthError, () => p.refresh(old.refreshToken), 'oauth_error', { error: 'invalid_grant' });

    // A "process restart": a new Session (and provider) over the same store still works.
    const restarted = new Session({ provider: flextell(), store, key: KEY });
    assert.equal((await restarted.tokens()).accessToken, fresh.accessToken);
    const r = await restarted.fetch('/users/me');
    assert.equal(r.status, 200);
    assert.equal((await r.json()).email, 'alice@example.com');
    // 2: the session's one refresh + the direct check of the old refresh token above.
    assert.equal((await counts('flextell')).refresh_token - before, 2, 'no further refresh');

    assertNoSecrets(session, [fresh.accessToken, fresh.refreshToken, old.refreshToken], 'Session');
    assertNoSecrets(store, [fresh.accessToken, fresh.refreshToken], 'MemoryStore');
  });

  it('a store whose set throws once loses nothing', T, async () => {
    const p = flextell();
    const old = await expiredFlextellTokens(p);
    const map = new Map();
    let failNext = false;
    const store = {
      get: async (k) => map.get(k),
      set: async (k, v) => {
        if (failNext) {
          failNext = false;
          throw new Error(`disk full while writing ${v}`);
        }
        map.set(k, v);
      },
      delete: async (k) => { map.delete(k); },
    };
    const session = new Session({ provider: p, store, key: KEY });
    await session.save(old);
    failNext = true;
    const err = await expectCrmError(CrmAuthError, () => session.tokens(), 'invalid_response');
    assert.match(err.message, /could not save the refreshed tokens/);
    assertNoSecrets(err, [old.refreshToken, old.accessToken], 'store failure');
    assert.equal(map.get(KEY), old.serialize(), 'the store kept the old set');

    const fresh = await session.tokens();
    assert.notEqual(fresh.accessToken, old.accessToken);
    assert.equal(map.get(KEY), fresh.serialize(), 'the fresh set was saved on the next call');
    assert.equal((await counts('flextell')).refresh_token, 1, 'still one refresh');
    assert.equal((await session.fetch('/users/me')).status, 200);
  });

  it('401 from the API: one refresh, then the request succeeds', T, async () => {
    const p = flextell();
    const real = await login(p);
    const store = new MemoryStore();
    const session = new Session({ provider: p, store, key: KEY });
    // Valid-looking tokens whose access token the server does not know.
    await session.save(new TokenSet({ accessToken: 'not-a-live-token', refreshToken: real.refreshToken, expiresAt: Date.now() + 3600_000 }));
    const r = await session.fetch(`${sim.origins.flextell}/api/v1/users/me`, { headers: { 'x-tenant': 't1' } });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).tenant, 't1', 'the retry keeps the caller\'s headers');
    const c = await counts('flextell');
    assert.equal(c.refresh_token, 1);
    assert.equal(c.api, 2);
    assert.notEqual(TokenSet.deserialize(store.get(KEY)).accessToken, 'not-a-live-token');
  });

  it('a POST body is buffered and sent again on the 401 retry', T, async () => {
    const p = oauth2();
    const real = await login(p);
    const seen = [];
    const api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        res.writeHead(seen.length === 1 ? 401 : 200, { 'content-type': 'text/plain' }).end(body);
      });
    });
    await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const store = new MemoryStore();
      const session = new Session({ provider: p, store, key: KEY });
      await session.save(real);
      const r = await session.fetch(`http://127.0.0.1:${api.address().port}/items`, { method: 'POST', body: 'name=caf%C3%A9' });
      assert.equal(r.status, 200);
      assert.equal(await r.text(), 'name=caf%C3%A9');
      assert.equal(seen.length, 2);
      assert.equal(seen[1].body, seen[0].body);
      assert.notEqual(seen[1].auth, seen[0].auth, 'the retry carries the refreshed token');
      assert.equal((await counts('oauth2')).refresh_token, 1);
    } finally {
      api.closeAllConnections?.();
      await new Promise((resolve) => api.close(resolve));
    }
  });

  it('429 with Retry-After: retried within maxRetryAfterSeconds, else rate_limited', { timeout: 60_000 }, async () => {
    const p = flextell();
    const store = new MemoryStore();
    await store.set(KEY, (await login(p)).serialize());

    await fault('flextell', 'api', 'rate_limit'); // Retry-After: 7
    const short = new Session({ provider: p, store, key: KEY, maxRetryAfterSeconds: 5 });
    await expectCrmError(CrmAuthError, () => short.fetch('/users/me'), 'rate_limited', { retryAfter: 7, status: 429 });

    await fault('flextell', 'api', 'rate_limit');
    const patient = new Session({ provider: p, store, key: KEY, maxRetryAfterSeconds: 8 });
    const t0 = Date.now();
    const r = await patient.fetch('/users/me');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 6900, 'waited for Retry-After');
    assert.equal((await counts('flextell')).api, 3);
  });

  it('a revoked refresh token: oauth_error invalid_grant and the stored tokens are deleted', T, async () => {
    const p = flextell();
    const old = await expiredFlextellTokens(p);
    const store = new MemoryStore();
    const session = new Session({ provider: p, store, key: KEY });
    await session.save(old);
    await control('POST', '/__sim/revoke-refresh', { provider: 'flextell', refreshToken: old.refreshToken });
    await expectCrmError(CrmAuthError, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' });
    assert.equal(store.get(KEY), null);
    // Nothing stored: still invalid_grant, without a request.
    await expectCrmError(CrmAuthError, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' });
    assert.equal((await counts('flextell')).refresh_token, 1);
  });

  it('a transient failure keeps the tokens and a second call within the cooldown sends nothing', T, async () => {
    const p = flextell();
    const old = await expiredFlextellTokens(p);
    const store = new MemoryStore();
    const session = new Session({ provider: p, store, key: KEY });
    await session.save(old);
    await fault('flextell', 'token', 'html500');
    const first = await expectCrmError(CrmAuthError, () => session.tokens(), 'invalid_response', { status: 500 });
    const second = await expectCrmError(CrmAuthError, () => session.tokens(), 'invalid_response', { status: 500 });
    assert.equal(second, first, 'the last failure is rethrown');
    assert.equal((await counts('flextell')).refresh_token, 1, 'no request during the cooldown');
    assert.equal(store.get(KEY), old.serialize(), 'stored tokens kept');

    await new Promise((resolve) => setTimeout(resolve, 1100)); // first cooldown: 1 s
    const fresh = await session.tokens();
    assert.notEqual(fresh.accessToken, old.accessToken);
    assert.equal((await counts('flextell')).refresh_token, 2);
  });

  it('logout revokes with the generic OAuth2 provider and empties the store', T, async () => {
    const p = oauth2();
    const tokens = await login(p);
    const store = new MemoryStore();
    const session = new Session({ provider: p, store, key: KEY });
    await session.save(tokens);
    const r = await session.fetch('/userinfo');
    assert.equal(r.status, 200);
    await session.logout();
    assert.equal((await counts('oauth2')).revoke, 1);
    assert.equal(store.get(KEY), null);
    await expectCrmError(CrmAuthError, () => p.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant' });
    await expectCrmError(CrmAuthError, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' });

    // A provider without revocation (Flextell): logout still clears the store locally.
    const f = flextell();
    const s2 = new Session({ provider: f, store, key: 'user-2' });
    await s2.save(await login(f));
    await s2.logout();
    assert.equal(store.get('user-2'), null);
  });

  it('Flowlu (password grant, no expiry) and Flexie.apiKey work through session.fetch', T, async () => {
    const flowlu = new Flowlu({ origin: sim.origins.flowlu });
    assert.equal(flowlu.apiBase, `${sim.origins.flowlu}/api/v1/module`);
    const store = new WebStorageStore(new (class {
      #m = new Map();
      getItem(k) { return this.#m.get(k) ?? null; }
      setItem(k, v) { this.#m.set(k, String(v)); }
      removeItem(k) { this.#m.delete(k); }
    })());
    const session = new Session({ provider: flowlu, store, key: KEY });
    await session.save(await flowlu.login({ username: 'alice', password: 'wonderland' }));
    assert.equal((await session.tokens()).expiresAt, null);
    const r = await session.fetch('/crm/lead/list', { method: 'POST', body: new URLSearchParams({ page: '1' }) });
    assert.equal(r.status, 200);
    assert.deepEqual((await r.json()).response.entity, 'lead');

    const key = Flexie.apiKey({ origin: sim.origins.flexie, apiKey: 'test-api-key' });
    const keySession = new Session({ provider: key, store: new MemoryStore(), key: KEY });
    assert.equal(await keySession.tokens(), null);
    const me = await keySession.fetch('/users/self');
    assert.equal(me.status, 200);
    assert.equal((await me.json()).email, 'alice@example.com');
    await keySession.logout();
  });

  it('apiBase of every provider; bad options are invalid_argument', T, async () => {
    const origin = 'https://sandbox.example';
    const code = { clientId: 'c', redirectUri: 'https://app.example/cb', origin };
    assert.equal(new Flextell(code).apiBase, `${origin}/api/v1`);
    assert.equal(new Flexie(code).apiBase, `${origin}/api`);
    assert.equal(new AgileCrm(code).apiBase, `${origin}/dev/api`);
    assert.equal(new Flowlu({ origin }).apiBase, `${origin}/api/v1/module`);
    assert.equal(new Flowlu({ tokenEndpoint: `${origin}/oauth/token` }).apiBase, null);
    assert.equal(new Virtuous({ origin }).apiBase, `${origin}/api`);
    const generic = { authorizationEndpoint: `${origin}/a`, tokenEndpoint: `${origin}/t`, clientId: 'c', redirectUri: 'https://app.example/cb' };
    assert.equal(new OAuth2(generic).apiBase, null);
    assert.equal(new OAuth2({ ...generic, apiBase: `${origin}/v2` }).apiBase, `${origin}/v2`);
    await expectCrmError(CrmAuthError, () => new OAuth2({ ...generic, apiBase: 'http://api.example/v2' }), 'insecure_endpoint');

    const p = flextell();
    await expectCrmError(CrmAuthError, () => new Session(), 'invalid_argument');
    await expectCrmError(CrmAuthError, () => new Session({ provider: {}, store: new MemoryStore(), key: KEY }), 'invalid_argument');
    await expectCrmError(CrmAuthError, () => new Session({ provider: p, store: {}, key: KEY }), 'invalid_argument');
    await expectCrmError(CrmAuthError, () => new Session({ provider: p, store: new MemoryStore(), key: '' }), 'invalid_argument');
    await expectCrmError(CrmAuthError, () => new Session({ provider: p, store: new MemoryStore(), key: KEY, skewSeconds: -1 }), 'invalid_argument');
    await expectCrmError(CrmAuthError, () => new WebStorageStore({}), 'invalid_argument');
    const s = new Session({ provider: new OAuth2(generic), store: new MemoryStore(), key: KEY });
    await s.save(new TokenSet({ accessToken: 'access-secret-1', expiresAt: Date.now() + 3600_000 }));
    await expectCrmError(CrmAuthError, () => s.fetch('/x'), 'invalid_argument'); // no apiBase
    await expectCrmError(CrmAuthError, () => s.fetch('relative'), 'invalid_argument');
    assertNoSecrets(s, ['access-secret-1'], 'Session');
  });
});
