// End-to-end tests of the PACKED crm-auth package in Node (ESM), against the provider
// simulator. The package is resolved from .tmp/consumer (see helpers/pkg.js).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPackage } from './helpers/pkg.js';
import { startSim, approve, deadOrigin } from './helpers/sim.js';
import { withTimeout, caught, assertCrmError, expectCrmError, assertNoSecrets } from './helpers/util.js';

const { Flextell, OAuth2, TokenSet, CrmAuthError } = await loadPackage();

const T = { timeout: 15000 };
const REDIRECT = 'https://app.example.test/callback';
const CLIENT_ID = 'e2e-client';
const CLIENT_SECRET = 'e2e-secret-7f3a9c1d5b';
const PUBLIC_ID = 'e2e-public';
// RFC 6749 2.3.1: client_secret_basic form-urlencodes id and secret before base64.
const ODD_ID = 'e2e odd:client';
const ODD_SECRET = 's3cr3t:+/ &=%é';
const SCOPES = ['contacts.read', 'users.read'];

let sim;
const secrets = new Set([CLIENT_SECRET, ODD_SECRET]);
const remember = (...xs) => { for (const x of xs) if (typeof x === 'string' && x) secrets.add(x); };

function flextell(extra = {}) {
  return new Flextell({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin: sim.flextellOrigin, ...extra });
}

function oauth2(extra = {}) {
  return new OAuth2({
    authorizationEndpoint: sim.oauth2.authorizationEndpoint,
    tokenEndpoint: sim.oauth2.tokenEndpoint,
    revocationEndpoint: sim.oauth2.revocationEndpoint,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT,
    ...extra,
  });
}

/** authorize -> approve -> parseCallback; returns the code and the request. */
async function codeFor(p, opts = { scopes: SCOPES }) {
  const req = p.createAuthorizationRequest(opts);
  remember(req.codeVerifier);
  const cb = await approve(req.url);
  const { code, state } = p.parseCallback(cb, { state: req.state });
  assert.equal(state, req.state);
  remember(code);
  return { req, code, cb };
}

async function loginFlextell(p = flextell()) {
  const { req, code } = await codeFor(p);
  const tokens = await withTimeout(p.exchangeCode(code, { codeVerifier: req.codeVerifier }), 5000, 'exchangeCode');
  remember(tokens.accessToken, tokens.refreshToken);
  return tokens;
}

const sum = (o) => Object.values(o || {}).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);

before(async () => {
  sim = await withTimeout(startSim(), 5000, 'startSim');
  await sim.addClient({ provider: 'flextell', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
  await sim.addClient({ provider: 'oauth2', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
  await sim.addClient({ provider: 'oauth2', clientId: PUBLIC_ID, redirectUris: [REDIRECT] });
  await sim.addClient({ provider: 'oauth2', clientId: ODD_ID, clientSecret: ODD_SECRET, redirectUris: [REDIRECT] });
});

after(async () => { await sim?.close(); });

describe('Flextell (Node, packed package)', () => {
  it('builds the authorization URL with state and S256 PKCE', T, () => {
    const p = flextell();
    const req = p.createAuthorizationRequest({ scopes: SCOPES, params: { prompt: 'consent' } });
    const u = new URL(req.url);
    assert.equal(u.origin + u.pathname, `${sim.flextellOrigin}/oauth/authorize`);
    const q = u.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), CLIENT_ID);
    assert.equal(q.get('redirect_uri'), REDIRECT);
    assert.equal(q.get('scope'), SCOPES.join(' '));
    assert.equal(q.get('state'), req.state);
    assert.ok(req.state.length >= 43, `state too short: ${req.state.length}`);
    assert.match(req.state, /^[A-Za-z0-9_-]+$/);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(typeof req.codeVerifier, 'string');
    assert.ok(req.codeVerifier.length >= 43 && req.codeVerifier.length <= 128);
    assert.equal(q.get('prompt'), 'consent');
    assert.ok(!q.has('client_secret'), 'secret must never be in the authorize URL');
    assert.ok(!req.url.includes(CLIENT_SECRET));
    for (const k of ['response_type', 'client_id', 'state', 'code_challenge']) assert.equal(q.getAll(k).length, 1, k);
    // fresh randomness per request
    const req2 = p.createAuthorizationRequest({ scopes: SCOPES });
    assert.notEqual(req2.state, req.state);
    assert.notEqual(req2.codeVerifier, req.codeVerifier);
  });

  it('code challenge is BASE64URL(SHA-256(verifier))', T, async () => {
    const { createHash } = await import('node:crypto');
    const req = flextell().createAuthorizationRequest({ scopes: ['read'] });
    const expected = createHash('sha256').update(req.codeVerifier).digest('base64url');
    assert.equal(new URL(req.url).searchParams.get('code_challenge'), expected);
  });

  it('pkce: false sends no challenge and returns codeVerifier null', T, () => {
    const req = flextell().createAuthorizationRequest({ pkce: false, scopes: ['read'] });
    const q = new URL(req.url).searchParams;
    assert.equal(req.codeVerifier, null);
    assert.ok(!q.has('code_challenge') && !q.has('code_challenge_method'));
  });

  it('full flow: exchange, API call, rotating refresh, dead old refresh token', T, async () => {
    const p = flextell();
    const t0 = Date.now();
    const tokens = await loginFlextell(p);
    assert.ok(tokens instanceof TokenSet);
    assert.equal(typeof tokens.accessToken, 'string');
    assert.ok(tokens.accessToken.length > 0);
    assert.equal(tokens.tokenType, 'Bearer');
    assert.equal(typeof tokens.refreshToken, 'string');
    assert.equal(typeof tokens.expiresAt, 'number');
    assert.ok(Math.abs(tokens.expiresAt - (t0 + 3600_000)) < 15_000, `expiresAt ${tokens.expiresAt} not ≈ now+3600s`);
    assert.ok(tokens.scopes === null || (Array.isArray(tokens.scopes) && tokens.scopes.every((s) => typeof s === 'string')));
    assert.equal(tokens.isExpired(), false);
    assert.equal(tokens.isExpired(0), false);
    assert.equal(tokens.isExpired(7200), true, 'isExpired(skew > lifetime) must be true');

    // the token request sent the secret and the verifier
    const last = await sim.lastRequest('flextell', 'token');
    assert.ok(JSON.stringify(last).includes('code_verifier'), 'token request must carry code_verifier');

    // API call with authorize()
    const apiReq = new Request(`${sim.flextellOrigin}/api/v1/users/me`, { headers: { 'x-tenant': 'acme' } });
    const signed = p.authorize(apiReq, tokens);
    assert.ok(signed instanceof Request);
    assert.notEqual(signed, apiReq);
    assert.equal(signed.headers.get('authorization'), `Bearer ${tokens.accessToken}`);
    assert.equal(signed.headers.get('x-tenant'), 'acme');
    assert.equal(apiReq.headers.get('authorization'), null, 'input Request must not be mutated');
    const res = await fetch(signed, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    const me = await res.json();
    assert.equal(me.name, 'Alice Example');

    // unsigned request is refused by the API
    const unauth = await fetch(`${sim.flextellOrigin}/api/v1/users/me`, { signal: AbortSignal.timeout(5000) });
    assert.equal(unauth.status, 401);

    // refresh rotates
    const t2 = await withTimeout(p.refresh(tokens.refreshToken), 5000, 'refresh');
    remember(t2.accessToken, t2.refreshToken);
    assert.ok(t2 instanceof TokenSet);
    assert.notEqual(t2.accessToken, tokens.accessToken);
    assert.equal(typeof t2.refreshToken, 'string');
    assert.notEqual(t2.refreshToken, tokens.refreshToken, 'Flextell rotates refresh tokens');
    const res2 = await fetch(p.authorize(new Request(`${sim.flextellOrigin}/api/v1/users/me`), t2), { signal: AbortSignal.timeout(5000) });
    assert.equal(res2.status, 200);
    await res2.arrayBuffer();

    // the old refresh token died at once
    const err = await expectCrmError(CrmAuthError, () => p.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'flextell' });
    assert.equal(typeof err.status, 'number');
    assertNoSecrets(err, [...secrets], 'invalid_grant error');
  });

  it('a reused authorization code is invalid_grant', T, async () => {
    const p = flextell();
    const { req, code } = await codeFor(p);
    const tokens = await p.exchangeCode(code, { codeVerifier: req.codeVerifier });
    remember(tokens.accessToken, tokens.refreshToken);
    const err = await expectCrmError(CrmAuthError, () => p.exchangeCode(code, { codeVerifier: req.codeVerifier }), 'oauth_error', { error: 'invalid_grant' });
    assertNoSecrets(err, [...secrets, code], 'reused-code error');
  });

  it('a wrong PKCE verifier is invalid_grant', T, async () => {
    const p = flextell();
    const { code } = await codeFor(p);
    await expectCrmError(CrmAuthError, () => p.exchangeCode(code, { codeVerifier: 'x'.repeat(43) + 'wrongverifier' }), 'oauth_error', { error: 'invalid_grant' });
  });

  it('a wrong client secret is invalid_client', T, async () => {
    const p = flextell();
    const { req, code } = await codeFor(p);
    const bad = flextell({ clientSecret: 'definitely-wrong-secret-123' });
    const err = await expectCrmError(CrmAuthError, () => bad.exchangeCode(code, { codeVerifier: req.codeVerifier }), 'oauth_error', { error: 'invalid_client', provider: 'flextell' });
    assertNoSecrets(err, [...secrets, 'definitely-wrong-secret-123', code], 'invalid_client error');
  });

  it('revoke rejects with "unsupported" and sends nothing', T, async () => {
    const tokens = await loginFlextell();
    let calls = 0;
    const p = flextell({ fetch: (...a) => { calls++; return fetch(...a); } });
    const before = await sim.counts();
    const err = await expectCrmError(CrmAuthError, () => p.revoke(tokens.accessToken), 'unsupported', { provider: 'flextell' });
    assertNoSecrets(err, [...secrets], 'unsupported error');
    const afterCounts = await sim.counts();
    assert.deepEqual(afterCounts.flextell, before.flextell, 'no request may reach the simulator');
    assert.equal(calls, 0, 'custom fetch must not be called');
  });

  it('a custom fetch option is used for token requests', T, async () => {
    const seen = [];
    const p = flextell({ fetch: (input, init) => { seen.push(new Request(input, init).url); return fetch(input, init); } });
    await loginFlextell(p);
    assert.deepEqual(seen, [`${sim.flextellOrigin}/oauth/token`]);
  });

  it('http:// origins other than loopback are insecure_endpoint, before any request', T, async () => {
    let calls = 0;
    const spy = (...a) => { calls++; return fetch(...a); };
    const err = await caught(async () => {
      const p = new Flextell({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin: 'http://example.com', fetch: spy });
      p.createAuthorizationRequest({ scopes: ['read'] });
      await p.exchangeCode('some-code', { codeVerifier: 'v'.repeat(43) });
    });
    assertCrmError(CrmAuthError, err, 'insecure_endpoint');
    assert.equal(calls, 0);
    // loopback http is allowed
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080']) {
      const p = new Flextell({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, origin });
      assert.ok(p.createAuthorizationRequest({ scopes: ['read'] }).url.startsWith(origin + '/oauth/authorize'), origin);
    }
    // https default
    const def = new Flextell({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT });
    assert.ok(def.createAuthorizationRequest({ scopes: ['read'] }).url.startsWith('https://dev.flextell.ai/oauth/authorize?'));
  });

  describe('parseCallback', () => {
    const p = () => flextell();
    const cb = (qs) => `${REDIRECT}?${qs}`;

    it('accepts string and URL inputs', T, () => {
      const r = p().parseCallback(cb('code=abc&state=S1'), { state: 'S1' });
      assert.deepEqual({ code: r.code, state: r.state }, { code: 'abc', state: 'S1' });
      const r2 = p().parseCallback(new URL(cb('code=abc&state=S1')), { state: 'S1' });
      assert.equal(r2.code, 'abc');
    });

    it('repeated state is invalid_callback, even when the values are equal', T, async () => {
      await expectCrmError(CrmAuthError, () => p().parseCallback(cb('code=abc&state=S1&state=S1'), { state: 'S1' }), 'invalid_callback');
      await expectCrmError(CrmAuthError, () => p().parseCallback(cb('code=abc&state=S1&state=S2'), { state: 'S1' }), 'invalid_callback');
    });

    it('repeated code is invalid_callback', T, async () => {
      await expectCrmError(CrmAuthError, () => p().parseCallback(cb('code=a&code=a&state=S1'), { state: 'S1' }), 'invalid_callback');
    });

    it('wrong or missing state is state_mismatch', T, async () => {
      const e = await expectCrmError(CrmAuthError, () => p().parseCallback(cb('code=abc&state=S2'), { state: 'S1' }), 'state_mismatch', { provider: 'flextell' });
      assertNoSecrets(e, ['abc-secret-code'], 'state_mismatch');
      await expectCrmError(CrmAuthError, () => p().parseCallback(cb('code=abc'), { state: 'S1' }), 'state_mismatch');
    });

    it('?error= is authorization_denied with error and errorDescription', T, async () => {
      await expectCrmError(
        CrmAuthError,
        () => p().parseCallback(cb('error=access_denied&error_description=The+user+said+no&state=S1'), { state: 'S1' }),
        'authorization_denied',
        { error: 'access_denied', errorDescription: 'The user said no' },
      );
    });

    it('neither code nor error is invalid_callback', T, async () => {
      await expectCrmError(CrmAuthError, () => p().parseCallback(cb('state=S1'), { state: 'S1' }), 'invalid_callback');
      await expectCrmError(CrmAuthError, () => p().parseCallback(REDIRECT, { state: 'S1' }), 'invalid_callback');
    });

    it('the authorization code never appears in a callback error', T, async () => {
      const code = 'very-secret-authorization-code-42';
      const e = await caught(() => p().parseCallback(cb(`code=${code}&state=WRONG`), { state: 'S1' }));
      assertCrmError(CrmAuthError, e, 'state_mismatch');
      assertNoSecrets(e, [code], 'callback error');
    });

    it('iss must match the issuer (RFC 9207)', T, async () => {
      const q = p();
      await expectCrmError(CrmAuthError, () => q.parseCallback(cb(`code=abc&state=S1&iss=${encodeURIComponent('https://evil.example')}`), { state: 'S1' }), 'invalid_callback');
      // default issuer = the authorization endpoint's origin
      const ok = q.parseCallback(cb(`code=abc&state=S1&iss=${encodeURIComponent(sim.flextellOrigin)}`), { state: 'S1' });
      assert.equal(ok.code, 'abc');
      // explicit issuer option
      const withIssuer = flextell({ issuer: 'https://issuer.example.test' });
      assert.equal(withIssuer.parseCallback(cb(`code=abc&state=S1&iss=${encodeURIComponent('https://issuer.example.test')}`), { state: 'S1' }).code, 'abc');
      await expectCrmError(CrmAuthError, () => withIssuer.parseCallback(cb(`code=abc&state=S1&iss=${encodeURIComponent(sim.flextellOrigin)}`), { state: 'S1' }), 'invalid_callback');
    });

    it('the simulator denying consent yields authorization_denied', T, async () => {
      const q = p();
      const req = q.createAuthorizationRequest({ scopes: SCOPES });
      const back = await approve(req.url, 'deny');
      await expectCrmError(CrmAuthError, () => q.parseCallback(back, { state: req.state }), 'authorization_denied', { error: 'access_denied' });
    });

    it('sendIss: the simulator\'s iss passes the default issuer check and fails a wrong issuer option', T, async () => {
      await sim.config({ provider: 'flextell', sendIss: true });
      try {
        const q = flextell({ issuer: 'https://not-the-issuer.example.test' });
        const req = q.createAuthorizationRequest({ scopes: SCOPES });
        const back = await approve(req.url);
        assert.ok(new URL(back).searchParams.has('iss'), 'simulator should send iss');
        await expectCrmError(CrmAuthError, () => q.parseCallback(back, { state: req.state }), 'invalid_callback');
        // the simulator's iss is the origin the request arrived on = the default issuer
        const good = flextell();
        const req2 = good.createAuthorizationRequest({ scopes: SCOPES });
        const back2 = await approve(req2.url);
        assert.equal(new URL(back2).searchParams.get('iss'), sim.flextellOrigin);
        const { code } = good.parseCallback(back2, { state: req2.state });
        const t = await good.exchangeCode(code, { codeVerifier: req2.codeVerifier });
        remember(t.accessToken, t.refreshToken);
      } finally {
        await sim.config({ provider: 'flextell', sendIss: false });
      }
    });
  });

  describe('token endpoint faults', () => {
    async function withFault(kind, extra, run) {
      await sim.fault({ provider: 'flextell', endpoint: 'token', kind, times: 1, ...extra });
      try { return await run(); } finally { await sim.reset().catch(() => {}); await reRegister(); }
    }
    async function reRegister() {
      await sim.addClient({ provider: 'flextell', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
      await sim.addClient({ provider: 'oauth2', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
      await sim.addClient({ provider: 'oauth2', clientId: PUBLIC_ID, redirectUris: [REDIRECT] });
      await sim.addClient({ provider: 'oauth2', clientId: ODD_ID, clientSecret: ODD_SECRET, redirectUris: [REDIRECT] });
    }
    async function exchange(p = flextell()) {
      const { req, code } = await codeFor(p);
      return { code, run: () => p.exchangeCode(code, { codeVerifier: req.codeVerifier }) };
    }

    it('html500 -> invalid_response with status 500, no body in message', T, async () => {
      const { run } = await exchange();
      await withFault('html500', {}, async () => {
        const e = await expectCrmError(CrmAuthError, run, 'invalid_response', { status: 500 });
        assert.ok(!/<html|<body|<!doctype/i.test(e.message), 'message must not include the response body');
      });
    });

    it('string expires_in still works', T, async () => {
      const { run } = await exchange();
      await withFault('string_expires_in', {}, async () => {
        const t0 = Date.now();
        const t = await run();
        remember(t.accessToken, t.refreshToken);
        assert.equal(typeof t.expiresAt, 'number');
        assert.ok(Math.abs(t.expiresAt - (t0 + 3600_000)) < 15_000);
      });
    });

    it('text/plain JSON still works', T, async () => {
      const { run } = await exchange();
      await withFault('text_plain', {}, async () => {
        const t = await run();
        remember(t.accessToken, t.refreshToken);
        assert.ok(t.accessToken);
      });
    });

    it('missing token_type defaults to "Bearer"', T, async () => {
      const { run } = await exchange();
      await withFault('missing_token_type', {}, async () => {
        const t = await run();
        remember(t.accessToken, t.refreshToken);
        assert.equal(t.tokenType, 'Bearer');
      });
    });

    it('error inside HTTP 200 -> oauth_error', T, async () => {
      const { run } = await exchange();
      await withFault('error_in_200', {}, async () => {
        const e = await expectCrmError(CrmAuthError, run, 'oauth_error');
        assert.equal(typeof e.error, 'string');
        assert.ok(e.error.length > 0);
      });
    });

    it('429 -> rate_limited with retryAfter 7', T, async () => {
      const { run } = await exchange();
      await withFault('rate_limit', {}, async () => {
        await expectCrmError(CrmAuthError, run, 'rate_limited', { retryAfter: 7, status: 429 });
      });
    });

    it('no access_token -> invalid_response', T, async () => {
      const { run } = await exchange();
      await withFault('no_access_token', {}, async () => {
        await expectCrmError(CrmAuthError, run, 'invalid_response');
      });
    });

    it('truncated JSON -> invalid_response', T, async () => {
      const { run } = await exchange();
      await withFault('truncated_json', {}, async () => {
        const e = await expectCrmError(CrmAuthError, run, 'invalid_response');
        assert.equal(typeof e.status, 'number');
      });
    });

    it('slow answer with timeoutMs 300 -> timeout within ~1 s', T, async () => {
      const { run } = await exchange(flextell({ timeoutMs: 300 }));
      await withFault('slow', { delayMs: 5000 }, async () => {
        const t0 = Date.now();
        await expectCrmError(CrmAuthError, run, 'timeout');
        const dt = Date.now() - t0;
        assert.ok(dt < 1500, `timeout took ${dt} ms`);
        assert.ok(dt >= 250, `timeout fired too early (${dt} ms)`);
      });
    });

    it('slow body with timeoutMs 300 -> timeout (timeoutMs bounds the whole request)', T, async () => {
      const { run } = await exchange(flextell({ timeoutMs: 300 }));
      await withFault('slow_body', { delayMs: 5000 }, async () => {
        const t0 = Date.now();
        await expectCrmError(CrmAuthError, run, 'timeout');
        assert.ok(Date.now() - t0 < 1500, `timeout took ${Date.now() - t0} ms`);
      });
    });

    it('connection reset -> network_error', T, async () => {
      const { run } = await exchange();
      await withFault('reset', {}, async () => {
        await expectCrmError(CrmAuthError, run, 'network_error');
      });
    });

    it('nothing listening -> network_error', T, async () => {
      const origin = await deadOrigin();
      const p = flextell({ origin });
      await expectCrmError(CrmAuthError, () => p.exchangeCode('some-code', { codeVerifier: 'v'.repeat(43) }), 'network_error', { provider: 'flextell' });
      await expectCrmError(CrmAuthError, () => p.refresh('some-refresh-token'), 'network_error');
    });
  });

  describe('TokenSet', () => {
    it('serialize / deserialize round trip', T, async () => {
      const t = await loginFlextell();
      const s = t.serialize();
      assert.equal(typeof s, 'string');
      const back = TokenSet.deserialize(s);
      assert.ok(back instanceof TokenSet);
      for (const k of ['accessToken', 'tokenType', 'expiresAt', 'refreshToken', 'scopes']) assert.deepEqual(back[k], t[k], k);
      assert.equal(back.isExpired(), false);
      assert.equal(TokenSet.deserialize(back.serialize()).serialize(), s);
    });

    it('toJSON / toString / inspect are redacted', T, async () => {
      const t = await loginFlextell();
      assertNoSecrets(t, [t.accessToken, t.refreshToken, CLIENT_SECRET], 'TokenSet');
      assertNoSecrets({ nested: { tokens: t } }, [t.accessToken, t.refreshToken], 'object holding a TokenSet');
      assert.doesNotThrow(() => JSON.parse(JSON.stringify(t)));
    });

    it('deserialize garbage is invalid_argument', T, async () => {
      for (const bad of ['garbage', '', '{}', '[]', 'null', '{"accessToken":42}', 42, null, undefined, {}]) {
        await expectCrmError(CrmAuthError, () => TokenSet.deserialize(bad), 'invalid_argument');
      }
    });

    it('new TokenSet misuse is invalid_argument', T, async () => {
      for (const args of [[], [42], ['x'], [null], [{}], [{ accessToken: 42 }]]) {
        await expectCrmError(CrmAuthError, () => new TokenSet(...args), 'invalid_argument');
      }
    });

    it('isExpired with a bad skew is invalid_argument', T, async () => {
      const t = await loginFlextell();
      for (const bad of ['abc', -1, NaN, {}]) {
        await expectCrmError(CrmAuthError, () => t.isExpired(bad), 'invalid_argument');
      }
    });
  });

  describe('secrets never leak into errors', () => {
    it('errors from every stage render without secrets', T, async () => {
      const p = flextell();
      const { req, code } = await codeFor(p);
      const tokens = await p.exchangeCode(code, { codeVerifier: req.codeVerifier });
      remember(tokens.accessToken, tokens.refreshToken);
      const errors = [];
      // (refresh first: reusing the code below makes the simulator revoke the grant's tokens)
      const t2 = await p.refresh(tokens.refreshToken);
      remember(t2.accessToken, t2.refreshToken);
      errors.push(await caught(() => p.refresh(tokens.refreshToken)));
      errors.push(await caught(() => p.exchangeCode(code, { codeVerifier: req.codeVerifier })));
      errors.push(await caught(() => flextell({ clientSecret: 'wrong-' + CLIENT_SECRET }).exchangeCode(code, { codeVerifier: req.codeVerifier })));
      errors.push(await caught(() => p.parseCallback(`${REDIRECT}?code=${code}&state=nope`, { state: req.state })));
      errors.push(await caught(() => p.revoke(t2.accessToken)));
      for (const e of errors) {
        assert.ok(e instanceof CrmAuthError, String(e));
        assertNoSecrets(e, [...secrets, req.codeVerifier, code, tokens.accessToken, tokens.refreshToken, t2.accessToken, t2.refreshToken], `error ${e.code}`);
      }
      // the error serializes usefully
      const j = JSON.parse(JSON.stringify(errors[0]));
      assert.equal(j.code, 'oauth_error');
      assert.equal(j.error, 'invalid_grant');
    });
  });

  describe('bad input is CrmAuthError invalid_argument (never TypeError, never a hang)', () => {
    const good = () => ({ clientId: CLIENT_ID, redirectUri: REDIRECT, origin: sim.flextellOrigin });

    it('constructor', T, async () => {
      const cases = [
        [],
        [null],
        ['x'],
        [{}],
        [{ redirectUri: REDIRECT }],
        [{ clientId: CLIENT_ID }],
        [{ ...good(), clientId: 42 }],
        [{ ...good(), clientId: '' }],
        [{ ...good(), redirectUri: 'not a url' }],
        [{ ...good(), redirectUri: 42 }],
        [{ ...good(), clientSecret: 42 }],
        [{ ...good(), origin: 'not a url' }],
        [{ ...good(), timeoutMs: 'soon' }],
        [{ ...good(), timeoutMs: -5 }],
        [{ ...good(), fetch: 'fetch' }],
      ];
      for (const args of cases) {
        const e = await caught(() => new Flextell(...args));
        assertCrmError(CrmAuthError, e, 'invalid_argument');
        assert.equal(e.provider, 'flextell');
      }
    });

    it('createAuthorizationRequest', T, async () => {
      const p = flextell();
      for (const opts of [{ scopes: 'read' }, { scopes: [1, 2] }, { pkce: 'yes' }, { params: 5 }, { params: { a: 1 } }, 'x']) {
        await expectCrmError(CrmAuthError, () => p.createAuthorizationRequest(opts), 'invalid_argument');
      }
      // Flextell's docs require scope: no options at all is invalid_argument unless the
      // constructor names default scopes.
      await expectCrmError(CrmAuthError, () => p.createAuthorizationRequest(), 'invalid_argument');
      assert.ok(flextell({ scopes: ['read'] }).createAuthorizationRequest().url);
    });

    it('parseCallback', T, async () => {
      const p = flextell();
      await expectCrmError(CrmAuthError, () => p.parseCallback(), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.parseCallback(42, { state: 'S' }), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.parseCallback(`${REDIRECT}?code=a&state=S`), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.parseCallback(`${REDIRECT}?code=a&state=S`, {}), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.parseCallback(`${REDIRECT}?code=a&state=S`, { state: 42 }), 'invalid_argument');
      const e = await caught(() => p.parseCallback('not a url', { state: 'S' }));
      assert.ok(e instanceof CrmAuthError && ["invalid_argument", "invalid_callback"].includes(e.code), `parseCallback("not a url") must be invalid_argument or invalid_callback, got ${e && e.code}`);
    });

    it('exchangeCode / refresh / revoke', T, async () => {
      const p = flextell();
      await expectCrmError(CrmAuthError, () => p.exchangeCode(''), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.exchangeCode(), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.exchangeCode(42), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.exchangeCode('c', { codeVerifier: 42 }), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.refresh(''), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.refresh(), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.refresh(null), 'invalid_argument');
      const o = oauth2();
      await expectCrmError(CrmAuthError, () => o.revoke(''), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => o.revoke(), 'invalid_argument');
    });

    it('async methods reject (they do not throw synchronously)', T, async () => {
      const p = flextell();
      for (const [name, call] of [['exchangeCode("")', () => p.exchangeCode('')], ['exchangeCode(42)', () => p.exchangeCode(42)], ['refresh()', () => p.refresh()]]) {
        let r;
        assert.doesNotThrow(() => { r = call(); }, `${name} threw synchronously`);
        assert.ok(r && typeof r.then === 'function', `${name} must return a promise`);
        await r.then(() => assert.fail(`${name} resolved`), (e) => assertCrmError(CrmAuthError, e, 'invalid_argument'));
      }
    });

    it('authorize', T, async () => {
      const p = flextell();
      const t = await loginFlextell(p);
      await expectCrmError(CrmAuthError, () => p.authorize(), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.authorize(null, t), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.authorize('https://x.example/api', t), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.authorize(new Request('https://x.example/api'), null), 'invalid_argument');
      await expectCrmError(CrmAuthError, () => p.authorize(new Request('https://x.example/api'), 'token'), 'invalid_argument');
    });

    it('OAuth2 constructor', T, async () => {
      const base = {
        authorizationEndpoint: sim.oauth2.authorizationEndpoint,
        tokenEndpoint: sim.oauth2.tokenEndpoint,
        clientId: CLIENT_ID,
        redirectUri: REDIRECT,
      };
      const cases = [
        undefined,
        {},
        { ...base, tokenEndpoint: undefined },
        { ...base, authorizationEndpoint: undefined },
        { ...base, tokenEndpoint: 'nope' },
        { ...base, revocationEndpoint: 42 },
        { ...base, clientAuth: 'bogus' },
        { ...base, clientId: undefined },
      ];
      for (const opts of cases) {
        const e = await caught(() => new OAuth2(opts));
        assertCrmError(CrmAuthError, e, 'invalid_argument');
        assert.equal(e.provider, 'oauth2');
      }
      const e = await caught(async () => {
        const o = new OAuth2({ ...base, tokenEndpoint: 'http://example.com/token' });
        await o.refresh('rt');
      });
      assertCrmError(CrmAuthError, e, 'insecure_endpoint');
    });
  });
});

describe('generic OAuth2 (Node, packed package)', () => {
  async function codeFlow(o, opts = { scopes: ['openid', 'profile'] }) {
    const { req, code } = await codeFor(o, opts);
    const tokens = await withTimeout(o.exchangeCode(code, { codeVerifier: req.codeVerifier ?? undefined }), 5000, 'exchangeCode');
    remember(tokens.accessToken, tokens.refreshToken);
    return tokens;
  }
  const headerOf = (last, name) => {
    const h = last.headers || {};
    const key = Object.keys(h).find((k) => k.toLowerCase() === name);
    const v = key === undefined ? undefined : h[key];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const bodyOf = (last) => new URLSearchParams(typeof last.body === 'string' ? last.body : last.rawBody ?? '');

  async function userinfo(o, tokens) {
    const r = await fetch(o.authorize(new Request(sim.oauth2.userinfo), tokens), { signal: AbortSignal.timeout(5000) });
    const body = await r.json();
    return { status: r.status, body };
  }

  it('client_secret_basic sends exact Basic credentials and no secret in the body', T, async () => {
    const o = oauth2({ clientAuth: 'client_secret_basic' });
    const tokens = await codeFlow(o);
    const last = await sim.lastRequest('oauth2', 'token');
    assert.equal(headerOf(last, 'authorization'), 'Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
    const body = bodyOf(last);
    assert.equal(body.get('grant_type'), 'authorization_code');
    assert.ok(!body.has('client_secret'));
    const me = await userinfo(o, tokens);
    assert.equal(me.status, 200);
    assert.equal(me.body.email, 'alice@example.com');
  });

  it('client_secret_basic form-urlencodes id and secret (RFC 6749 2.3.1)', T, async () => {
    const o = oauth2({ clientAuth: 'client_secret_basic', clientId: ODD_ID, clientSecret: ODD_SECRET });
    await codeFlow(o);
    const last = await sim.lastRequest('oauth2', 'token');
    const enc = (s) => new URLSearchParams({ x: s }).toString().slice(2);
    assert.equal(headerOf(last, 'authorization'), 'Basic ' + Buffer.from(`${enc(ODD_ID)}:${enc(ODD_SECRET)}`).toString('base64'));
  });

  it('client_secret_post sends id and secret in the body, no Authorization header', T, async () => {
    const o = oauth2({ clientAuth: 'client_secret_post' });
    const tokens = await codeFlow(o);
    const last = await sim.lastRequest('oauth2', 'token');
    assert.equal(headerOf(last, 'authorization'), undefined);
    const body = bodyOf(last);
    assert.equal(body.get('client_id'), CLIENT_ID);
    assert.equal(body.get('client_secret'), CLIENT_SECRET);
    assert.equal(body.get('redirect_uri'), REDIRECT);
    assert.ok(body.get('code_verifier'));
    assert.match(headerOf(last, 'content-type'), /^application\/x-www-form-urlencoded/);
    assert.equal((await userinfo(o, tokens)).status, 200);
  });

  it('none + PKCE with a public client', T, async () => {
    const o = oauth2({ clientAuth: 'none', clientId: PUBLIC_ID, clientSecret: undefined });
    const tokens = await codeFlow(o);
    const last = await sim.lastRequest('oauth2', 'token');
    assert.equal(headerOf(last, 'authorization'), undefined);
    const body = bodyOf(last);
    assert.equal(body.get('client_id'), PUBLIC_ID);
    assert.ok(!body.has('client_secret'));
    assert.match(body.get('code_verifier'), /^[A-Za-z0-9._~-]{43,128}$/);
    assert.equal((await userinfo(o, tokens)).status, 200);
    // refresh works for the public client too
    if (tokens.refreshToken) {
      const t2 = await o.refresh(tokens.refreshToken);
      remember(t2.accessToken, t2.refreshToken);
      assert.ok(t2.accessToken);
      assert.equal(typeof t2.refreshToken, 'string', 'refresh keeps (or rotates) the refresh token');
    }
  });

  it('password grant', T, async () => {
    const o = oauth2();
    const fn = o.login ?? o.passwordGrant ?? o.password;
    assert.equal(typeof fn, 'function', 'OAuth2 exposes no password-grant method (expected login({username,password}))');
    const tokens = await withTimeout(fn.call(o, { username: 'alice', password: 'wonderland' }), 5000, 'password grant');
    remember(tokens.accessToken, tokens.refreshToken);
    assert.ok(tokens instanceof TokenSet);
    const body = bodyOf(await sim.lastRequest('oauth2', 'token'));
    assert.equal(body.get('grant_type'), 'password');
    assert.equal(body.get('username'), 'alice');
    assert.equal((await userinfo(o, tokens)).body.name, 'Alice Example');
    const e = await expectCrmError(CrmAuthError, () => fn.call(o, { username: 'alice', password: 'not-wonderland-pw' }), 'oauth_error', { error: 'invalid_grant', provider: 'oauth2' });
    assertNoSecrets(e, ['not-wonderland-pw', CLIENT_SECRET], 'password grant error');
  });

  it('revoke: the simulator then rejects the refresh token', T, async () => {
    const o = oauth2();
    const tokens = await codeFlow(o);
    assert.equal(typeof tokens.refreshToken, 'string');
    const before = (await sim.counts()).oauth2.revoke ?? 0;
    await withTimeout(o.revoke(tokens.refreshToken), 5000, 'revoke');
    assert.equal((await sim.counts()).oauth2.revoke, before + 1);
    const body = bodyOf(await sim.lastRequest('oauth2', 'revoke'));
    assert.equal(body.get('token'), tokens.refreshToken);
    await expectCrmError(CrmAuthError, () => o.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'oauth2' });
  });

  it('a refresh token revoked on the server side is invalid_grant', T, async () => {
    const o = oauth2();
    const tokens = await codeFlow(o);
    await sim.revokeRefresh('oauth2', tokens.refreshToken);
    await expectCrmError(CrmAuthError, () => o.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant' });
  });

  it('revoke without a revocation endpoint is unsupported', T, async () => {
    const o = oauth2({ revocationEndpoint: undefined });
    await expectCrmError(CrmAuthError, () => o.revoke('some-token'), 'unsupported', { provider: 'oauth2' });
  });

  it('wrong secret is invalid_client (basic and post)', T, async () => {
    for (const clientAuth of ['client_secret_basic', 'client_secret_post']) {
      const good = oauth2({ clientAuth });
      const { req, code } = await codeFor(good);
      const bad = oauth2({ clientAuth, clientSecret: 'nope-nope-nope' });
      await expectCrmError(CrmAuthError, () => bad.exchangeCode(code, { codeVerifier: req.codeVerifier }), 'oauth_error', { error: 'invalid_client', provider: 'oauth2' });
    }
  });
});
