// Session against the provider simulator, in Node, with the PACKED package.
// The scenarios of issue 5 are the shared table tests/e2e/cases/session.js (also run in Chromium
// and workerd): single-flight refresh, rotation + restart from the store, a failing store, 401
// retry, 429 Retry-After, dead refresh tokens, transient failures with cooldown, logout, Flowlu
// and API keys. Node-only here: a POST body replayed on the 401 retry (a local node:http API),
// apiBase / bad options, and the util.inspect renderings (env.noSecrets).
import { describe, it, before, after } from 'node:test';
import http from 'node:http';
import assert from 'node:assert/strict';
import { loadPackage } from './helpers/pkg.js';
import { approve } from './helpers/sim.js';
import { withTimeout, expectCrmError, assertNoSecrets } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';
import { CASES, casesFor, hasRestart, runCase } from './cases/session.js';

const crm = await loadPackage();
const { Session, MemoryStore, WebStorageStore, Flextell, Flexie, Flowlu, OAuth2, Virtuous, AgileCrm, TokenSet, CrmAuthError } = crm;

const T = { timeout: 30_000 };
const REDIRECT = 'http://127.0.0.1/callback'; // the simulator's default clients use it
const KEY = 'user-1';

let sim, env;
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

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  env = {
    runtime: 'node',
    simUrl: sim.url,
    origins: sim.origins,
    approve,
    // "Process restart" = a new provider + Session over this store, which outlives both phases.
    restartableStore: () => (restartable ??= new MemoryStore()),
    noSecrets: (value, secrets, label) => assertNoSecrets(value, secrets, label),
  };
});
after(async () => { await sim?.close(); });
let restartable = null;

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

describe('Session table (Node, packed package)', () => {
  it('the Node runner runs every case of the table', () => {
    assert.equal(casesFor('node').length, CASES.length);
    assert.equal(new Set(casesFor('node')).size, CASES.length, 'case names are unique');
  });

  for (const name of casesFor('node')) {
    it(name, T, async () => {
      restartable = null;
      const r = await runCase(name, crm, env);
      if (!r.ok) assert.fail(r.error);
      if (hasRestart(name)) {
        const again = await runCase(name, crm, env, { phase: 'restart', state: r.state });
        if (!again.ok) assert.fail(again.error);
      }
    });
  }
});

describe('Session (Node only, packed package)', () => {
  before(async () => { await control('POST', '/__sim/reset', {}); });

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
