// Security checks as tests (issue 7), PACKED package in Node, against the simulator:
// no secret in any rendering of any public object or error from a full flow of every provider,
// PKCE verifier / state shape, http:// refused off loopback for every endpoint option, token
// endpoint redirects not followed, RFC 9207 iss mix-up. See SECURITY.md for the map.
//
// Covered elsewhere (referenced from SECURITY.md):
//   secret_in_browser      tests/e2e/browser.test.js (real Chromium page)
//   constant-time state    src/core/callback.rs (constant_time_eq, by construction + unit test)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPackage } from './helpers/pkg.js';
import { approve } from './helpers/sim.js';
import { withTimeout, caught, assertCrmError, renderings } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';

const crm = await loadPackage();
const { Flextell, Flexie, AgileCrm, OAuth2, Flowlu, Virtuous, HubSpot, Salesforce, HmacSigner, Session, MemoryStore, TokenSet, CrmAuthError } = crm;

const T = { timeout: 30_000 };
const REDIRECT = 'http://127.0.0.1/callback';
const CLIENT_ID = 'sec-client';
const CLIENT_SECRET = 'sec-client-secret-Q9x7Lm2Pz';
const PASSWORD = 'wonderland'; // the simulator's user
const API_KEY = 'test-api-key'; // the simulator's API key
const HMAC_KEY = 'hmac-key-Zr8Tq1Wv6Yb3';
const SEAL_KEY = 'seal-key-0123456789abcdefghijklmnopqrstuvwxyz';
let sim;

const secrets = new Set([CLIENT_SECRET, PASSWORD, API_KEY, HMAC_KEY, SEAL_KEY]);
const keep = (...xs) => { for (const x of xs) if (typeof x === 'string' && x.length >= 6) secrets.add(x); };
const objects = []; // [label, value]
const seen = (label, v) => { objects.push([label, v]); return v; };

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  for (const provider of ['flextell', 'flexie', 'agilecrm', 'oauth2', 'hubspot', 'salesforce']) {
    const r = await fetch(`${sim.url}/__sim/clients`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] }),
    });
    assert.equal(r.status, 200);
  }
});
after(async () => { await sim?.close(); });

const codeProviders = () => ({
  flextell: new Flextell({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin: sim.origins.flextell }),
  flexie: new Flexie({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin: sim.origins.flexie }),
  agilecrm: new AgileCrm({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin: sim.origins.agilecrm }),
  oauth2: new OAuth2({
    authorizationEndpoint: `${sim.url}/oauth2/authorize`, tokenEndpoint: `${sim.url}/oauth2/token`,
    revocationEndpoint: `${sim.url}/oauth2/revoke`, apiBase: `${sim.url}/oauth2`,
    clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT,
  }),
});

async function fails(label, fn) {
  const e = await caught(fn);
  assert.ok(e instanceof CrmAuthError, `${label}: expected a CrmAuthError, got ${e}`);
  seen(`error ${label} (${e.code})`, e);
  return e;
}

describe('no secret in any rendering (full flow, every provider)', () => {
  for (const name of ['flextell', 'flexie', 'agilecrm', 'oauth2']) {
    it(`${name}: code flow, sealed state, session, refresh, failures`, T, async () => {
      const p = seen(`${name} provider`, codeProviders()[name]);
      const req = seen(`${name} authorization request (minus url/state/verifier)`, null);
      const ar = p.createAuthorizationRequest({ scopes: ['read'] });
      keep(ar.codeVerifier);
      const back = await approve(ar.url);
      const cb = p.parseCallback(back, { state: ar.state });
      keep(cb.code);
      void req;
      const tokens = seen(`${name} TokenSet`, await p.exchangeCode(cb.code, { codeVerifier: ar.codeVerifier }));
      keep(tokens.accessToken, tokens.refreshToken);
      // failure paths: reused code, wrong verifier, bad state, dead refresh, wrong secret
      await fails(`${name} reused code`, () => p.exchangeCode(cb.code, { codeVerifier: ar.codeVerifier }));
      await fails(`${name} state mismatch`, () => p.parseCallback(back, { state: 'X'.repeat(43) }));
      const wrong = codeProviders()[name];
      const ar2 = wrong.createAuthorizationRequest({ scopes: ['read'] });
      keep(ar2.codeVerifier);
      const cb2 = wrong.parseCallback(await approve(ar2.url), { state: ar2.state });
      keep(cb2.code);
      await fails(`${name} wrong verifier`, () => wrong.exchangeCode(cb2.code, { codeVerifier: 'w'.repeat(50) }));
      // sealed state
      const sealedReq = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: SEAL_KEY } });
      keep(sealedReq.cookie);
      const sealedBack = await approve(sealedReq.url);
      const store = seen(`${name} MemoryStore`, new MemoryStore());
      const opened = await p.parseCallback(sealedBack, { sealed: sealedReq.cookie, key: SEAL_KEY, store });
      keep(opened.code, opened.codeVerifier);
      await fails(`${name} sealed replay`, () => p.parseCallback(sealedBack, { sealed: sealedReq.cookie, key: SEAL_KEY, store }));
      await fails(`${name} sealed wrong key`, () => p.parseCallback(sealedBack, { sealed: sealedReq.cookie, key: SEAL_KEY.replace('seal', 'leak') }));
      const t2 = await p.exchangeCode(opened.code, { codeVerifier: opened.codeVerifier });
      keep(t2.accessToken, t2.refreshToken);
      // session: save, refresh (expired), API call, dead refresh token, logout
      const session = seen(`${name} Session`, new Session({ provider: p, store, key: 'user-1' }));
      await session.save(new TokenSet({ accessToken: t2.accessToken, refreshToken: t2.refreshToken, expiresAt: Date.now() - 1000 }));
      const t3 = seen(`${name} refreshed TokenSet`, await session.tokens());
      keep(t3.accessToken, t3.refreshToken);
      await fails(`${name} rotated-away refresh token`, () => p.refresh(t2.refreshToken));
      if (p.apiBase) {
        const r = await session.fetch(name === 'agilecrm' ? '/contacts' : '/users/me').catch((e) => e);
        if (r instanceof Error) seen(`${name} session.fetch error`, r);
        else await r.arrayBuffer();
      }
      await session.logout();
      // every failure stage must render clean too
      await fails(`${name} refresh garbage`, () => p.refresh(`garbage-refresh-${CLIENT_SECRET}`.slice(0, 20)));
      await fails(`${name} exchange with no code`, () => p.exchangeCode(''));
      seen(`${name} TokenSet.deserialize`, TokenSet.deserialize(tokens.serialize()));
    });
  }

  // Refresh tokens that do not rotate (HubSpot, Salesforce by default), 401s that are not refresh
  // signals, Salesforce's client credentials and array errors.
  for (const [name, make, api] of [
    ['hubspot', (o) => new HubSpot({ ...o, origin: sim.origins.hubspot }), '/crm/v3/objects/quotes'],
    ['salesforce', (o) => new Salesforce({ ...o, origin: sim.origins.salesforce }), '/services/data/v62.0/limits'],
  ]) {
    it(`${name}: code flow, session, refresh, failures, logout`, T, async () => {
      const p = seen(`${name} provider`, make({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT }));
      const ar = p.createAuthorizationRequest({ scopes: ['read'] });
      keep(ar.codeVerifier);
      const cb = p.parseCallback(await approve(ar.url), { state: ar.state });
      keep(cb.code);
      const tokens = seen(`${name} TokenSet`, await p.exchangeCode(cb.code, { codeVerifier: ar.codeVerifier }));
      keep(tokens.accessToken, tokens.refreshToken);
      const session = seen(`${name} Session`, new Session({ provider: p, store: new MemoryStore(), key: 'user-1' }));
      await session.save(new TokenSet({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() - 1000 }));
      const t2 = seen(`${name} refreshed TokenSet`, await session.tokens());
      keep(t2.accessToken, t2.refreshToken);
      await (await session.fetch(api)).arrayBuffer();
      await session.logout();
      await fails(`${name} refresh after logout`, () => p.refresh(tokens.refreshToken));
      await fails(`${name} refresh garbage`, () => p.refresh(`garbage-refresh-${CLIENT_SECRET}`.slice(0, 20)));
      await fails(`${name} reused code`, () => p.exchangeCode(cb.code, { codeVerifier: ar.codeVerifier }));
      if (name === 'salesforce') {
        const service = seen('Salesforce client-credentials TokenSet', await p.clientCredentials({ scopes: ['api'] }));
        keep(service.accessToken);
        await fails('Salesforce client credentials on login.salesforce.com', () =>
          new Salesforce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT }).clientCredentials());
        seen('Salesforce.apiError', Salesforce.apiError('[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]'));
      } else {
        const key = seen('HubSpot.apiKey', HubSpot.apiKey({ origin: sim.origins.hubspot, apiKey: API_KEY }));
        seen('HubSpot.apiKey Session', new Session({ provider: key, store: new MemoryStore(), key: 'k' }));
      }
    });
  }

  it('Flowlu and Virtuous password grants, API keys, HMAC signer', T, async () => {
    const flowlu = seen('Flowlu', new Flowlu({ origin: sim.origins.flowlu }));
    const ft = seen('Flowlu TokenSet', await flowlu.login({ username: 'alice', password: PASSWORD }));
    keep(ft.accessToken, ft.refreshToken);
    await fails('Flowlu wrong password', () => flowlu.login({ username: 'alice', password: `${PASSWORD}-wrong-pw` }));
    keep(`${PASSWORD}-wrong-pw`);
    const virtuous = seen('Virtuous', new Virtuous({ origin: sim.origins.virtuous }));
    const vt = await virtuous.login({ username: 'alice', password: PASSWORD }).catch((e) => e);
    if (vt instanceof CrmAuthError) seen(`Virtuous login error (${vt.code})`, vt);
    else { seen('Virtuous TokenSet', vt); keep(vt.accessToken, vt.refreshToken); }
    await fails('Virtuous wrong password', () => virtuous.login({ username: 'alice', password: 'not-the-pw-123' }));
    keep('not-the-pw-123');
    for (const [label, k] of [
      ['Flexie.apiKey', Flexie.apiKey({ origin: sim.origins.flexie, apiKey: API_KEY })],
      ['AgileCrm.apiKey', AgileCrm.apiKey({ origin: sim.origins.agilecrm, email: 'alice@example.com', apiKey: API_KEY })],
      ['Flowlu.apiKey', Flowlu.apiKey({ origin: sim.origins.flowlu, apiKey: API_KEY })],
      ['Virtuous.apiKey', Virtuous.apiKey({ origin: sim.origins.virtuous, apiKey: API_KEY })],
    ]) {
      seen(label, k);
      seen(`${label} Session`, new Session({ provider: k, store: new MemoryStore(), key: 'k' }));
    }
    const signer = seen('HmacSigner', new HmacSigner({ key: HMAC_KEY, keyId: 'kid-1' }));
    await signer.sign(new Request('https://api.example/x', { method: 'POST', body: 'a=1' }));
    await fails('HmacSigner bad argument', () => signer.sign('not a request'));
  });

  it('scan: no secret, password, code, verifier, token, API key, HMAC or seal key in any rendering', T, () => {
    assert.ok(objects.length > 50, `collected ${objects.length} objects`);
    const list = [...secrets];
    const leaks = [];
    for (const [label, v] of objects) {
      if (v === null) continue;
      const texts = renderings(v);
      if (v instanceof Error) texts.push(JSON.stringify(v.toJSON?.() ?? {}), String(v.toString()));
      for (const s of list) for (const t of texts) if (t.includes(s)) leaks.push(`${label}: ${s.slice(0, 4)}… in ${t.slice(0, 160)}`);
    }
    assert.deepEqual(leaks, [], `leaks:\n${leaks.join('\n')}`);
  });
});

describe('PKCE verifier and state', () => {
  it('1,000 verifiers: 43–128 chars of [A-Za-z0-9-._~]; states ≥ 43 chars base64url; all distinct', T, () => {
    const p = codeProviders().flextell;
    const verifiers = new Set(), states = new Set();
    for (let i = 0; i < 1000; i++) {
      const { codeVerifier, state } = p.createAuthorizationRequest({ scopes: ['read'] });
      assert.match(codeVerifier, /^[A-Za-z0-9\-._~]{43,128}$/);
      assert.match(state, /^[A-Za-z0-9_-]{43,}$/);
      verifiers.add(codeVerifier);
      states.add(state);
    }
    assert.equal(verifiers.size, 1000);
    assert.equal(states.size, 1000);
  });
});

describe('downgrade to http', () => {
  const HTTP = 'http://crm.example.test';
  const base = { clientId: 'c', clientSecret: 's', redirectUri: 'https://app.example/cb' };
  const cases = [
    ['Flextell origin', () => new Flextell({ ...base, origin: HTTP })],
    ['Flexie origin', () => new Flexie({ ...base, origin: HTTP })],
    ['AgileCrm origin', () => new AgileCrm({ ...base, origin: HTTP })],
    ['Flowlu origin', () => new Flowlu({ origin: HTTP })],
    ['Flowlu tokenEndpoint', () => new Flowlu({ tokenEndpoint: `${HTTP}/oauth/token` })],
    ['Virtuous origin', () => new Virtuous({ origin: HTTP })],
    ['Flexie.apiKey origin', () => Flexie.apiKey({ origin: HTTP, apiKey: 'k' })],
    ['AgileCrm.apiKey origin', () => AgileCrm.apiKey({ origin: HTTP, email: 'a@b.c', apiKey: 'k' })],
    ['Flowlu.apiKey origin', () => Flowlu.apiKey({ origin: HTTP, apiKey: 'k' })],
    ['Virtuous.apiKey origin', () => Virtuous.apiKey({ origin: HTTP, apiKey: 'k' })],
    ...['authorizationEndpoint', 'tokenEndpoint', 'revocationEndpoint', 'apiBase'].map((k) => [`OAuth2 ${k}`, () => new OAuth2({
      authorizationEndpoint: 'https://as.example/a', tokenEndpoint: 'https://as.example/t', ...base, [k]: `${HTTP}/${k}`,
    })]),
  ];
  for (const [label, make] of cases) {
    it(`${label}: http:// off loopback -> insecure_endpoint`, T, async () => {
      assertCrmError(CrmAuthError, await caught(make), 'insecure_endpoint');
    });
  }
  // redirectUri is where the code goes: http off loopback would hand it to the network in clear.
  for (const [label, make] of [
    ['Flextell redirectUri', () => new Flextell({ ...base, redirectUri: `${HTTP}/cb` })],
    ['OAuth2 redirectUri', () => new OAuth2({ authorizationEndpoint: 'https://as.example/a', tokenEndpoint: 'https://as.example/t', ...base, redirectUri: `${HTTP}/cb` })],
  ]) {
    it(`${label}: http:// off loopback is refused`, T, async () => {
      const e = await caught(make);
      assert.ok(e instanceof CrmAuthError && ['insecure_endpoint', 'invalid_argument'].includes(e.code), `got ${e?.code}`);
    });
  }
  it('loopback http is allowed', T, () => {
    for (const origin of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1']) new Flextell({ ...base, origin });
  });
  it('a token endpoint redirecting to http:// is refused and its target never contacted', T, async () => {
    const urls = [];
    const p = new Flextell({
      clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin: sim.origins.flextell,
      fetch: (u, init) => { urls.push(String(u)); return fetch(u, init); },
    });
    const ar = p.createAuthorizationRequest({ scopes: ['read'] });
    const { code } = p.parseCallback(await approve(ar.url), { state: ar.state });
    await fetch(`${sim.url}/__sim/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'flextell', endpoint: 'token', kind: 'redirect' }) });
    assertCrmError(CrmAuthError, await caught(() => p.exchangeCode(code, { codeVerifier: ar.codeVerifier })), 'invalid_response');
    assert.deepEqual(urls, [`${sim.origins.flextell}/oauth/token`]);
  });
});

describe('a token endpoint that echoes the request (issue 11)', () => {
  const echo = (endpoint) => fetch(`${sim.url}/__sim/fault`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'oauth2', endpoint, kind: 'echo_request' }),
  }).then((r) => assert.equal(r.status, 200));
  const oauth2 = (extra = {}) => new OAuth2({
    authorizationEndpoint: `${sim.url}/oauth2/authorize`, tokenEndpoint: `${sim.url}/oauth2/token`,
    revocationEndpoint: `${sim.url}/oauth2/revoke`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, ...extra,
  });
  /** The server's echo reached error/errorDescription, every secret cut out of every rendering. */
  function scrubbed(label, e, secrets) {
    assertCrmError(CrmAuthError, e, 'oauth_error');
    assert.match(e.errorDescription, /\[redacted\]/, `${label}: the echo arrived, redacted (${e.errorDescription})`);
    assert.match(e.error, /^invalid_request/, `${label}: error`);
    for (const text of [...renderings(e), e.error, e.errorDescription]) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${label}: ${secret.slice(0, 4)}… in ${text.slice(0, 300)}`);
    }
  }

  it('client secret, code and verifier (client_secret_post and _basic), refresh token, password and username, revoked token: scrubbed', T, async () => {
    for (const clientAuth of ['client_secret_post', 'client_secret_basic']) {
      const p = oauth2({ clientAuth });
      const ar = p.createAuthorizationRequest({ scopes: ['read'] });
      const { code } = p.parseCallback(await approve(ar.url), { state: ar.state });
      await echo('token');
      const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
      scrubbed(`exchangeCode (${clientAuth})`, await caught(() => p.exchangeCode(code, { codeVerifier: ar.codeVerifier })),
        [CLIENT_SECRET, code, ar.codeVerifier, basic]);
    }
    const p = oauth2();
    const ar = p.createAuthorizationRequest({ scopes: ['read'] });
    const { code } = p.parseCallback(await approve(ar.url), { state: ar.state });
    const tokens = await p.exchangeCode(code, { codeVerifier: ar.codeVerifier });
    await echo('token');
    scrubbed('refresh', await caught(() => p.refresh(tokens.refreshToken)), [CLIENT_SECRET, tokens.refreshToken]);
    await echo('token');
    scrubbed('password grant', await caught(() => p.login({ username: 'alice', password: PASSWORD })), [CLIENT_SECRET, PASSWORD, 'alice']);
    await echo('revoke');
    scrubbed('revoke', await caught(() => p.revoke(tokens.refreshToken)), [CLIENT_SECRET, tokens.refreshToken]);
  });
});

describe('mix-up (RFC 9207 iss)', () => {
  it('iss from another issuer -> invalid_callback; the right one passes', T, async () => {
    await fetch(`${sim.url}/__sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'flexie', sendIss: true }) });
    try {
      // The Flexie client expects Flextell's origin as issuer: a callback from Flexie is a mix-up.
      const p = new Flexie({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin: sim.origins.flexie, issuer: sim.origins.flextell });
      const ar = p.createAuthorizationRequest({ scopes: ['read'] });
      const back = await approve(ar.url);
      assert.equal(new URL(back).searchParams.get('iss'), sim.origins.flexie);
      const e = assertCrmError(CrmAuthError, await caught(() => p.parseCallback(back, { state: ar.state })), 'invalid_callback');
      assert.ok(!e.message.includes(new URL(back).searchParams.get('code')));
      const good = codeProviders().flexie;
      const ar2 = good.createAuthorizationRequest({ scopes: ['read'] });
      assert.ok(good.parseCallback(await approve(ar2.url), { state: ar2.state }).code);
    } finally {
      await fetch(`${sim.url}/__sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'flexie', sendIss: false }) });
    }
  });
});
