// Tests of the provider simulator itself: real HTTP on 127.0.0.1. Run: node --test tests/simulator.test.js
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { startSimulator } from '../www/simulator/index.js';

const REDIRECT = 'http://127.0.0.1/callback';
let sim, base;

before(async () => {
  sim = await startSimulator();
  base = sim.url;
});
after(() => sim.close());
beforeEach(() => ctl('reset'));

// ---- helpers ------------------------------------------------------------------------------

async function ctl(name, body = {}) {
  const r = await fetch(`${base}/__sim/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, `control ${name}: ${await r.clone().text()}`);
  return r.json();
}
const getJson = (path) => fetch(base + path).then((r) => r.json());
const form = (o) => new URLSearchParams(o).toString();
const basic = (id, secret) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');

function post(path, body, headers = {}) {
  return fetch(base + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof body === 'string' ? body : form(body),
  });
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(prefix, params) {
  return `${base}${prefix}?${form({ response_type: 'code', client_id: 'test-client', redirect_uri: REDIRECT, state: 'st-1', scope: 'read', ...params })}`;
}

/** Approves like a script would: POST the authorize query string plus decision=approve. */
async function approve(prefix, params, decision = 'approve') {
  const url = new URL(authorizeUrl(prefix, params));
  const r = await post(url.pathname, `${url.search.slice(1)}&decision=${decision}`);
  assert.equal(r.status, 302);
  return new URL(r.headers.get('location'));
}

async function getCode(prefix, params) {
  const loc = await approve(prefix, params);
  assert.ok(loc.searchParams.get('code'), `no code in ${loc}`);
  return loc.searchParams.get('code');
}

async function flextellTokens({ extra = {} } = {}) {
  const { verifier, challenge } = pkce();
  const code = await getCode('/flextell/oauth/authorize', { code_challenge: challenge, code_challenge_method: 'S256', scope: 'contacts.read' });
  const r = await post('/flextell/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: 'test-client', client_secret: 'test-secret', ...extra });
  assert.equal(r.status, 200);
  return r.json();
}

const me = (token, headers = {}) => fetch(`${base}/flextell/api/v1/users/me`, { headers: { authorization: `Bearer ${token}`, ...headers } });
const passwordGrant = (headers = {}) => post('/oauth2/token', { grant_type: 'password', username: 'alice', password: 'wonderland', scope: 'openid profile' }, { authorization: basic('test-client', 'test-secret'), ...headers });

// ---- Flextell code flow -------------------------------------------------------------------

test('Flextell: full code flow with PKCE over real HTTP, refresh rotation', async () => {
  const { verifier, challenge } = pkce();
  const page = await fetch(authorizeUrl('/flextell/oauth/authorize', { code_challenge: challenge, code_challenge_method: 'S256', scope: 'contacts.read deals.write' }));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  const html = await page.text();
  assert.match(html, /Flextell — Authorize test-client to access your account\?/);
  assert.match(html, /<form id="consent" method="post" action="\/flextell\/oauth\/authorize">/);
  assert.match(html, /<button id="approve"[^>]*name="decision" value="approve"/);
  assert.match(html, /<button id="deny"[^>]*name="decision" value="deny"/);
  assert.match(html, /<li>deals.write<\/li>/);

  // Submit the form as a browser would: its hidden inputs plus the approve button.
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]);
  assert.equal(fields.length, 7);
  const consent = await post('/flextell/oauth/authorize', form([...fields, ['decision', 'approve']]));
  assert.equal(consent.status, 302);
  const loc = new URL(consent.headers.get('location'));
  assert.equal(loc.origin + loc.pathname, REDIRECT);
  assert.equal(loc.searchParams.get('state'), 'st-1');
  assert.equal(loc.searchParams.has('iss'), false);

  const tr = await post('/flextell/oauth/token', { grant_type: 'authorization_code', code: loc.searchParams.get('code'), redirect_uri: REDIRECT, code_verifier: verifier, client_id: 'test-client', client_secret: 'test-secret' });
  assert.equal(tr.status, 200);
  assert.equal(tr.headers.get('cache-control'), 'no-store');
  const tokens = await tr.json();
  assert.equal(tokens.token_type, 'Bearer');
  assert.equal(tokens.expires_in, 3600);
  assert.equal(tokens.scope, 'contacts.read deals.write');
  assert.ok(tokens.access_token && tokens.refresh_token);

  const api = await me(tokens.access_token, { 'x-tenant': 'acme' });
  assert.equal(api.status, 200);
  assert.deepEqual(await api.json(), { id: 1, name: 'Alice Example', email: 'alice@example.com', tenant: 'acme' });
  assert.equal(api.headers.get('x-ratelimit-limit'), '1000');
  assert.equal(api.headers.get('x-ratelimit-remaining'), '999');
  assert.deepEqual(await (await me(tokens.access_token)).json(), { id: 1, name: 'Alice Example', email: 'alice@example.com' });

  const refresh = (rt) => post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: rt }, { authorization: basic('test-client', 'test-secret') });
  const r1 = await refresh(tokens.refresh_token);
  assert.equal(r1.status, 200);
  const rotated = await r1.json();
  assert.notEqual(rotated.refresh_token, tokens.refresh_token);
  assert.notEqual(rotated.access_token, tokens.access_token);
  assert.equal((await me(rotated.access_token)).status, 200);

  const reused = await refresh(tokens.refresh_token);
  assert.equal(reused.status, 400);
  assert.equal((await reused.json()).error, 'invalid_grant');
  assert.equal((await refresh(rotated.refresh_token)).status, 200);
});

test('Flextell: API rejects missing, unknown and expired tokens', async () => {
  for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic eDp5' }]) {
    const r = await fetch(`${base}/flextell/api/v1/users/me`, { headers });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.deepEqual(await r.json(), { error: 'invalid_token' });
  }
  await ctl('config', { provider: 'flextell', expiresIn: 0 });
  const t = await flextellTokens();
  assert.equal(t.expires_in, 0);
  assert.equal((await me(t.access_token)).status, 401);
  await ctl('config', { provider: 'flextell', expiresIn: 1 });
  const t1 = await flextellTokens();
  assert.equal((await me(t1.access_token)).status, 200);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await me(t1.access_token)).status, 401);
  const fresh = await flextellTokens();
  assert.equal((await fetch(`${base}/flextell/api/v0.0.1/users/me`, { headers: { authorization: `Bearer ${fresh.access_token}` } })).status, 200, 'older /api/v0.0.1 path');
});

test('authorize: redirect_uri must match exactly; bad client never redirects', async () => {
  for (const redirect_uri of [`${REDIRECT}/`, 'http://127.0.0.1/Callback', `${REDIRECT}?x=1`, 'http://localhost/callback']) {
    const r = await fetch(authorizeUrl('/flextell/oauth/authorize', { redirect_uri }), { redirect: 'manual' });
    assert.equal(r.status, 400, redirect_uri);
    assert.equal(r.headers.get('location'), null);
    assert.match(await r.text(), /redirect_uri/);
  }
  const unknown = await fetch(authorizeUrl('/flextell/oauth/authorize', { client_id: 'who' }), { redirect: 'manual' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.headers.get('location'), null);
  // The token request must repeat the same redirect_uri.
  const code = await getCode('/flextell/oauth/authorize', {});
  const r = await post('/flextell/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/other', client_id: 'test-client', client_secret: 'test-secret' });
  assert.equal((await r.json()).error, 'invalid_grant');
});

test('authorize: errors redirect with state; PKCE rules; deny; iss when enabled', async () => {
  const errorOf = async (params) => {
    const r = await fetch(authorizeUrl('/flextell/oauth/authorize', params), { redirect: 'manual' });
    assert.equal(r.status, 302);
    const loc = new URL(r.headers.get('location'));
    assert.equal(loc.searchParams.get('state'), 'st-1');
    return loc.searchParams.get('error');
  };
  assert.equal(await errorOf({ response_type: 'token' }), 'unsupported_response_type');
  assert.equal(await errorOf({ code_challenge: pkce().challenge, code_challenge_method: 'plain' }), 'invalid_request');
  assert.equal(await errorOf({ code_challenge: pkce().challenge }), 'invalid_request'); // defaults to plain
  assert.equal(await errorOf({ scope: '' }), 'invalid_scope'); // Flextell's docs: scope is required
  const publicNoPkce = await fetch(`${base}/oauth2/authorize?${form({ response_type: 'code', client_id: 'public-client', redirect_uri: REDIRECT, state: 'st-1' })}`, { redirect: 'manual' });
  assert.equal(new URL(publicNoPkce.headers.get('location')).searchParams.get('error'), 'invalid_request'); // public needs PKCE
  // Flextell documents confidential clients only: no public client is registered there.
  const flextellPublic = await fetch(authorizeUrl('/flextell/oauth/authorize', { client_id: 'public-client', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
  assert.equal(flextellPublic.status, 400);
  assert.equal(flextellPublic.headers.get('location'), null);
  const flextellNoSecret = await post('/flextell/oauth/token', { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, client_id: 'public-client' });
  assert.equal((await flextellNoSecret.json()).error, 'invalid_client');

  const denied = await approve('/flextell/oauth/authorize', {}, 'deny');
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.ok(denied.searchParams.get('error_description'));
  assert.equal(denied.searchParams.get('state'), 'st-1');

  await ctl('config', { provider: 'flextell', sendIss: true });
  const loc = await approve('/flextell/oauth/authorize', {});
  assert.equal(loc.searchParams.get('iss'), base);
});

test('code: single use (reuse revokes its tokens), expiry, PKCE verifier, public client', async () => {
  const { verifier, challenge } = pkce();
  const code = await getCode('/flextell/oauth/authorize', { code_challenge: challenge, code_challenge_method: 'S256' });
  const exchange = (extra) => post('/flextell/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'test-client', client_secret: 'test-secret', ...extra });
  assert.equal((await (await exchange({})).json()).error, 'invalid_grant', 'missing verifier');
  assert.equal((await (await exchange({ code_verifier: pkce().verifier })).json()).error, 'invalid_grant', 'wrong verifier');
  const first = await (await exchange({ code_verifier: verifier })).json();
  assert.equal((await me(first.access_token)).status, 200);
  const again = await exchange({ code_verifier: verifier });
  assert.equal(again.status, 400);
  assert.equal((await again.json()).error, 'invalid_grant');
  assert.equal((await me(first.access_token)).status, 401, 'tokens from a reused code are revoked');
  const refreshed = await post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'test-client', client_secret: 'test-secret' });
  assert.equal((await refreshed.json()).error, 'invalid_grant');

  // Public client: PKCE, no secret.
  const p = pkce();
  const pcode = await getCode('/oauth2/authorize', { client_id: 'public-client', code_challenge: p.challenge, code_challenge_method: 'S256' });
  const pr = await post('/oauth2/token', { grant_type: 'authorization_code', code: pcode, redirect_uri: REDIRECT, client_id: 'public-client', code_verifier: p.verifier });
  assert.equal(pr.status, 200);

  await ctl('config', { provider: 'flextell', codeTtlSeconds: 0 });
  const stale = await getCode('/flextell/oauth/authorize', {});
  const sr = await post('/flextell/oauth/token', { grant_type: 'authorization_code', code: stale, redirect_uri: REDIRECT, client_id: 'test-client', client_secret: 'test-secret' });
  assert.equal((await sr.json()).error, 'invalid_grant');
});

test('client authentication: post, basic (form-encoded), wrong secret, both, malformed', async () => {
  const secret = 'p@ss:w+rd/%é';
  await ctl('clients', { provider: 'oauth2', clientId: 'odd id:1', clientSecret: secret, redirectUris: [REDIRECT] });
  const grant = { grant_type: 'password', username: 'alice', password: 'wonderland' };
  assert.equal((await post('/oauth2/token', grant, { authorization: basic('odd id:1', secret) })).status, 200);
  assert.equal((await post('/oauth2/token', { ...grant, client_id: 'odd id:1', client_secret: secret })).status, 200);

  const expectInvalidClient = async (r) => {
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate'), /^Basic/);
    assert.equal((await r.json()).error, 'invalid_client');
  };
  await expectInvalidClient(await post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'test-client', client_secret: 'wrong' }));
  await expectInvalidClient(await post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic('test-client', 'wrong') }));
  await expectInvalidClient(await post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'test-client' }));
  await expectInvalidClient(await post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }));
  await expectInvalidClient(await post('/oauth2/token', grant, { authorization: 'Basic !!!notbase64' }));
  await expectInvalidClient(await post('/oauth2/token', grant, { authorization: 'Basic ' + Buffer.from('%ZZ:x').toString('base64') }));
  await expectInvalidClient(await post('/oauth2/token', grant, { authorization: 'Basic ' + Buffer.from('nocolon').toString('base64') }));

  const both = await post('/oauth2/token', { ...grant, client_secret: 'test-secret' }, { authorization: basic('test-client', 'test-secret') });
  assert.equal(both.status, 400);
  assert.equal((await both.json()).error, 'invalid_request');
});

test('token endpoint: content type, repeated params, unsupported grant, no revocation on Flextell', async () => {
  const auth = { authorization: basic('test-client', 'test-secret') };
  const asJson = await fetch(`${base}/flextell/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"grant_type":"refresh_token"}' });
  assert.equal(asJson.status, 400);
  assert.equal((await asJson.json()).error, 'invalid_request');
  assert.equal((await (await post('/flextell/oauth/token', 'grant_type=refresh_token&refresh_token=a&refresh_token=b', auth)).json()).error, 'invalid_request');
  assert.equal((await (await post('/flextell/oauth/token', { grant_type: 'password', username: 'alice', password: 'wonderland' }, auth)).json()).error, 'unsupported_grant_type');
  assert.equal((await (await post('/flextell/oauth/token', {}, auth)).json()).error, 'invalid_request');
  assert.equal((await post('/flextell/oauth/revoke', { token: 'x' }, auth)).status, 404);
  assert.equal((await fetch(`${base}/flextell/oauth/token`)).status, 405);
});

test('generic OAuth2: password grant, userinfo, RFC 7009 revoke', async () => {
  const r = await passwordGrant();
  assert.equal(r.status, 200);
  const t = await r.json();
  assert.equal(t.scope, 'openid profile');
  const userinfo = (token) => fetch(`${base}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual(await (await userinfo(t.access_token)).json(), { id: 1, name: 'Alice Example', email: 'alice@example.com' });

  const bad = await post('/oauth2/token', { grant_type: 'password', username: 'alice', password: 'nope' }, { authorization: basic('test-client', 'test-secret') });
  assert.equal((await bad.json()).error, 'invalid_grant');

  const revoke = (token, headers = { authorization: basic('test-client', 'test-secret') }) => post('/oauth2/revoke', { token, token_type_hint: 'refresh_token' }, headers);
  const rv = await revoke(t.refresh_token);
  assert.equal(rv.status, 200);
  assert.equal(await rv.text(), '');
  assert.equal((await userinfo(t.access_token)).status, 401, 'access tokens die with their refresh token');
  const again = await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { authorization: basic('test-client', 'test-secret') });
  assert.equal((await again.json()).error, 'invalid_grant');
  assert.equal((await revoke('unknown-token')).status, 200);
  assert.equal((await revoke('x', { authorization: basic('test-client', 'bad') })).status, 401);

  // Revoking just an access token.
  const t2 = await (await passwordGrant()).json();
  await post('/oauth2/revoke', { token: t2.access_token, client_id: 'test-client', client_secret: 'test-secret' });
  assert.equal((await userinfo(t2.access_token)).status, 401);
});

test('control: revoke-refresh, rotation off, clients, last-request', async () => {
  const t = await flextellTokens();
  assert.deepEqual(await ctl('revoke-refresh', { provider: 'flextell', refreshToken: t.refresh_token }), { revoked: true });
  const r = await post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'test-client', client_secret: 'test-secret' });
  assert.equal((await r.json()).error, 'invalid_grant');

  await ctl('config', { provider: 'oauth2', rotateRefreshTokens: false });
  const t2 = await (await passwordGrant()).json();
  for (let i = 0; i < 2; i++) {
    const body = await (await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: t2.refresh_token }, { authorization: basic('test-client', 'test-secret') })).json();
    assert.ok(body.access_token);
    assert.equal(body.refresh_token, undefined);
  }

  await ctl('clients', { provider: 'flextell', clientId: 'spa', redirectUris: ['http://127.0.0.1:5173/cb'] });
  const p = pkce();
  const loc = await approve('/flextell/oauth/authorize', { client_id: 'spa', redirect_uri: 'http://127.0.0.1:5173/cb', code_challenge: p.challenge, code_challenge_method: 'S256' });
  assert.ok(loc.searchParams.get('code'));

  await passwordGrant({ 'x-extra': 'yes' });
  const last = await getJson('/__sim/last-request?provider=oauth2&endpoint=token');
  assert.equal(last.method, 'POST');
  assert.equal(last.path, '/oauth2/token');
  assert.equal(last.headers.authorization, basic('test-client', 'test-secret'));
  assert.equal(last.headers['x-extra'], 'yes');
  assert.equal(last.body, 'grant_type=password&username=alice&password=wonderland&scope=openid+profile');
  assert.equal((await fetch(`${base}/__sim/last-request?provider=oauth2&endpoint=revoke`)).status, 404);

  const badCtl = await fetch(`${base}/__sim/fault`, { method: 'POST', body: '{"provider":"nope"' });
  assert.equal(badCtl.status, 400);
  assert.equal((await fetch(`${base}/__sim/fault`, { method: 'POST', body: JSON.stringify({ provider: 'flextell', endpoint: 'token', kind: 'explode' }) })).status, 400);
  assert.equal((await fetch(`${base}/__sim/config`, { method: 'POST', body: JSON.stringify({ provider: 'zzz', expiresIn: 1 }) })).status, 400);
});

test('faults on the token endpoint: every kind', async () => {
  const fault = (kind, extra = {}) => ctl('fault', { provider: 'oauth2', endpoint: 'token', kind, ...extra });
  const expectations = {
    html500: async (r) => { assert.equal(r.status, 500); assert.match(r.headers.get('content-type'), /text\/html/); assert.match(await r.text(), /<h1>/); },
    string_expires_in: async (r) => assert.equal((await r.json()).expires_in, '3600'),
    text_plain: async (r) => { assert.match(r.headers.get('content-type'), /^text\/plain/); assert.ok(JSON.parse(await r.text()).access_token); },
    error_in_200: async (r) => { assert.equal(r.status, 200); const b = await r.json(); assert.equal(b.error, 'invalid_grant'); assert.ok(b.error_description); },
    rate_limit: async (r) => { assert.equal(r.status, 429); assert.equal(r.headers.get('retry-after'), '7'); },
    no_access_token: async (r) => { assert.equal(r.status, 200); assert.deepEqual(await r.json(), { token_type: 'Bearer' }); },
    missing_token_type: async (r) => { const b = await r.json(); assert.ok(b.access_token); assert.equal('token_type' in b, false); },
    truncated_json: async (r) => { assert.equal(r.status, 200); await assert.rejects(r.json(), SyntaxError); },
  };
  for (const [kind, check] of Object.entries(expectations)) {
    await fault(kind);
    await check(await passwordGrant());
    assert.equal((await passwordGrant()).status, 200, `${kind} is used up`);
  }

  await fault('reset');
  await assert.rejects(passwordGrant());
  assert.equal((await passwordGrant()).status, 200);

  await fault('slow', { delayMs: 300 });
  let t0 = Date.now();
  assert.equal((await passwordGrant()).status, 200);
  assert.ok(Date.now() - t0 >= 290);

  await fault('slow', { delayMs: 2000 });
  const aborted = fetch(`${base}/oauth2/token`, {
    method: 'POST', signal: AbortSignal.timeout(100),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('test-client', 'test-secret') },
    body: 'grant_type=password&username=alice&password=wonderland',
  });
  await assert.rejects(aborted, { name: 'TimeoutError' });
  assert.equal((await passwordGrant()).status, 200, 'server unaffected by the abandoned request');

  await fault('slow_body', { delayMs: 400 });
  t0 = Date.now();
  const sb = await passwordGrant();
  assert.equal(sb.status, 200);
  assert.ok(Date.now() - t0 < 350, 'headers arrive first');
  assert.ok((await sb.json()).access_token);
  assert.ok(Date.now() - t0 >= 390, 'body arrives late');

  await fault('html500', { times: 2 });
  assert.equal((await passwordGrant()).status, 500);
  assert.equal((await passwordGrant()).status, 500);
  assert.equal((await passwordGrant()).status, 200);
});

test('faults on the API and revoke endpoints', async () => {
  const t = await flextellTokens();
  await ctl('fault', { provider: 'flextell', endpoint: 'api', kind: 'rate_limit' });
  const r = await me(t.access_token);
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '7');
  assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
  assert.equal((await me(t.access_token)).status, 200);
  // A shorter Retry-After on request (keeps client tests fast); bad values are refused.
  await ctl('fault', { provider: 'flextell', endpoint: 'api', kind: 'rate_limit', retryAfter: 1 });
  assert.equal((await me(t.access_token)).headers.get('retry-after'), '1');
  for (const retryAfter of [-1, 1.5, '1'])
    assert.equal((await fetch(`${base}/__sim/fault`, { method: 'POST', body: JSON.stringify({ provider: 'flextell', endpoint: 'api', kind: 'rate_limit', retryAfter }) })).status, 400);
  assert.equal((await me(t.access_token)).status, 200);

  await ctl('fault', { provider: 'oauth2', endpoint: 'revoke', kind: 'html500' });
  assert.equal((await post('/oauth2/revoke', { token: 'x', client_id: 'test-client', client_secret: 'test-secret' })).status, 500);
});

test('counts and reset', async () => {
  assert.deepEqual((await getJson('/__sim/counts')).flextell, { authorization_code: 0, refresh_token: 0, password: 0, other: 0, revoke: 0, api: 0, authorize: 0, consent: 0 });
  const t = await flextellTokens(); // consent POST + code exchange
  await me(t.access_token);
  await me('bad');
  await post('/flextell/oauth/token', { grant_type: 'refresh_token', refresh_token: 'bad', client_id: 'test-client', client_secret: 'nope' });
  await fetch(authorizeUrl('/flextell/oauth/authorize', {}));
  await passwordGrant();
  await post('/oauth2/revoke', { token: 'x', client_id: 'test-client', client_secret: 'test-secret' });
  await ctl('fault', { provider: 'oauth2', endpoint: 'token', kind: 'html500' });
  await post('/oauth2/token', { grant_type: 'client_credentials' });
  const counts = await getJson('/__sim/counts');
  assert.deepEqual(counts.flextell, { authorization_code: 1, refresh_token: 1, password: 0, other: 0, revoke: 0, api: 2, authorize: 1, consent: 1 });
  assert.deepEqual(counts.oauth2, { authorization_code: 0, refresh_token: 0, password: 1, other: 1, revoke: 1, api: 0, authorize: 0, consent: 0 });

  await ctl('clients', { provider: 'flextell', clientId: 'temp', clientSecret: 's', redirectUris: [REDIRECT] });
  await ctl('config', { provider: 'flextell', expiresIn: 5 });
  await ctl('fault', { provider: 'flextell', endpoint: 'api', kind: 'html500' });
  await ctl('reset');
  assert.equal((await getJson('/__sim/counts')).flextell.api, 0);
  assert.equal((await me(t.access_token)).status, 401, 'tokens are gone');
  assert.equal((await fetch(authorizeUrl('/flextell/oauth/authorize', { client_id: 'temp' }))).status, 400, 'clients are back to defaults');
  assert.equal((await flextellTokens()).expires_in, 3600, 'config is back to defaults');
});

test('CORS and robustness', async () => {
  const pre = await fetch(`${base}/flextell/oauth/token`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  assert.match(pre.headers.get('access-control-allow-headers'), /authorization, content-type, accept, x-tenant/);
  assert.match(pre.headers.get('access-control-allow-methods'), /GET, POST, OPTIONS/);
  for (const r of [await passwordGrant(), await fetch(`${base}/nowhere`), await fetch(`${base}/__sim/counts`), await me('x')])
    assert.equal(r.headers.get('access-control-allow-origin'), '*');

  const huge = await post('/oauth2/token', 'a='.padEnd(2 * 1024 * 1024, 'x'));
  assert.equal(huge.status, 413);
  for (const body of ['%%%&&==', '\u0000\uffff', 'grant_type=authorization_code&code=']) {
    const r = await post('/flextell/oauth/token', body, { authorization: basic('test-client', 'test-secret') });
    assert.equal(r.status, 400);
  }
  const consent = await post('/flextell/oauth/authorize', 'garbage%ZZ');
  assert.equal(consent.status, 400);
  assert.equal((await fetch(`${base}/%ZZ/..//x`)).status, 404);
  assert.equal((await passwordGrant()).status, 200, 'still alive');
});

test('other providers: Flexie, Agile CRM, Flowlu, Virtuous', async () => {
  // Flexie: form-only client credentials; API via token in query or apikey header.
  const code = await getCode('/flexie/oauth2/authorize', {});
  const viaBasic = await post('/flexie/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { authorization: basic('test-client', 'test-secret') });
  assert.equal(viaBasic.status, 401);
  const ft = await (await post('/flexie/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'test-client', client_secret: 'test-secret' })).json();
  assert.equal((await fetch(`${base}/flexie/api/users/self?access_token=${ft.access_token}`)).status, 200);
  assert.equal((await fetch(`${base}/flexie/api/users/self`, { headers: { apikey: 'test-api-key' } })).status, 200);
  assert.ok((await (await fetch(`${base}/flexie/api/users/self?apikey=wrong`)).json()).errors[0].message);

  // Agile CRM: JSON token body; Basic email:key; XML unless Accept json; 204 for missing.
  const acode = await getCode('/agilecrm/oauth/authorize', {});
  const at = await fetch(`${base}/agilecrm/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'authorization_code', code: acode, redirect_uri: REDIRECT, client_id: 'test-client', client_secret: 'test-secret' }) });
  assert.equal(at.status, 200);
  const keyAuth = { authorization: 'Basic ' + Buffer.from('alice@example.com:test-api-key').toString('base64') };
  const xml = await fetch(`${base}/agilecrm/dev/api/contacts/1`, { headers: keyAuth });
  assert.match(xml.headers.get('content-type'), /xml/);
  const js = await fetch(`${base}/agilecrm/dev/api/contacts/1`, { headers: { ...keyAuth, accept: 'application/json' } });
  assert.equal((await js.json()).id, 1);
  assert.equal((await fetch(`${base}/agilecrm/dev/api/contacts/99`, { headers: { authorization: `Bearer ${(await at.json()).access_token}`, accept: 'application/json' } })).status, 204);

  // Flowlu: password grant without expiry; typo'd error key; API errors with HTTP 200.
  const fl = await (await post('/flowlu/oauth/token', { grant_type: 'password', username: 'alice', password: 'wonderland', client_id: 'android_app_v1' })).json();
  assert.deepEqual(Object.keys(fl).sort(), ['access_token', 'token_type']);
  assert.equal(fl.token_type, 'bearer');
  const flBad = await (await post('/flowlu/oauth/token', { grant_type: 'password', username: 'alice', password: 'x', client_id: 'android_app_v1' })).json();
  assert.equal(flBad.error, 'invalid_grant');
  assert.ok(flBad.error_descrption);
  const flApi = (q, headers) => fetch(`${base}/flowlu/api/v1/module/crm/account/list${q}`, { headers });
  assert.ok((await (await flApi('?api_key=test-api-key')).json()).response);
  assert.ok((await (await flApi('', { authorization: 'Basic ' + Buffer.from(`bearer:${fl.access_token}`).toString('base64') })).json()).response);
  const denied = await flApi('?api_key=wrong');
  assert.equal(denied.status, 200);
  assert.equal((await denied.json()).error.error_code, 11);

  // Virtuous: 2FA answers 202 first; OWIN-style fields; API key as Bearer.
  const v1 = await post('/virtuous/Token', { grant_type: 'password', username: 'bob', password: 'builder' });
  assert.equal(v1.status, 202);
  const v2 = await (await post('/virtuous/Token', { grant_type: 'password', username: 'bob', password: 'builder', otp: '123456' })).json();
  assert.equal(v2.expires_in, 3599);
  assert.equal(v2.userName, 'bob@example.com');
  assert.match(v2['.expires'], /GMT$/);
  const vr = await post('/virtuous/Token', { grant_type: 'refresh_token', refresh_token: v2.refresh_token });
  assert.equal(vr.status, 200);
  const vapi = await fetch(`${base}/virtuous/api/Contact/1`, { headers: { authorization: 'Bearer test-api-key' } });
  assert.equal(vapi.status, 200);
  assert.ok(vapi.headers.get('x-ratelimit-limit'));
  assert.equal((await fetch(`${base}/virtuous/api/Contact/1`)).status, 401);
});

test('per-provider origins: own paths stay with the provider (Flexie /oauth2/* is not the oauth2 provider)', async () => {
  const o = sim.origins.flexie;
  const auth = new URL(`${o}/oauth2/authorize?${form({ response_type: 'code', client_id: 'test-client', redirect_uri: REDIRECT, state: 's' })}`);
  const page = await fetch(auth);
  assert.match(await page.text(), /Flexie CRM/);
  const consent = await fetch(`${o}/flexie/oauth2/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${auth.search.slice(1)}&decision=approve` });
  const code = new URL(consent.headers.get('location')).searchParams.get('code');
  const tok = await fetch(`${o}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'test-client', client_secret: 'test-secret' }) });
  assert.equal(tok.status, 200);
  const counts = await getJson('/__sim/counts');
  assert.equal(counts.flexie.authorization_code, 1);
  assert.equal(counts.oauth2.authorization_code, 0);
  // last-request records the path as the client sent it on that origin
  assert.equal((await getJson('/__sim/last-request?provider=flexie&endpoint=token')).path, '/oauth2/token');
  // another provider's prefix on this origin is not routed to that provider
  assert.equal((await fetch(`${o}/flextell/oauth/token`, { method: 'POST' })).status, 404);
});

test('cli prints the listening line', async () => {
  const child = spawn(process.execPath, [new URL('../www/simulator/cli.js', import.meta.url).pathname, '--port', '0']);
  const line = await new Promise((resolve, reject) => {
    // The first chunk may carry the per-provider origin lines too (stdout chunking varies
    // with load): read up to the first newline.
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0].trim());
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  assert.match(line, /^simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
  const url = line.split(' ').pop();
  assert.equal((await fetch(`${url}/__sim/health`)).status, 200);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
});
