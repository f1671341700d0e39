// Sealed, expiring state (for servers without a session store) on the packed
// package: round trip, every kind of refusal, cookie attributes and size.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPackage } from './helpers/pkg.js';
import { startSim, approve } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';

const KEY = 'k3y-for-sealing-state-0123456789abcdef';
const REDIRECT = 'http://127.0.0.1/callback';
const { Flextell, Flexie, CrmAuthError, MemoryStore, stateCookie, readStateCookie } = await loadPackage();

let sim;
before(async () => { sim = await withTimeout(startSim(), 5000, 'startSim'); });
after(async () => { await sim?.close(); });

const flextell = () => new Flextell({ clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.flextellOrigin });

async function rejects(promise, code) {
  await assert.rejects(promise, (e) => e instanceof CrmAuthError && e.code === code && e.provider !== '', `expected ${code}`);
}

describe('sealed state', () => {
  it('round trip: seal → consent → open → exchange', async () => {
    const p = flextell();
    const req = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo: '/dashboard' } });
    assert.match(req.cookie, /^v1\.[A-Za-z0-9_-]+$/);
    assert.ok(!req.cookie.includes(req.state) && !req.cookie.includes(req.codeVerifier), 'sealed, not encoded');
    const callback = await approve(req.url);
    const out = await p.parseCallback(callback, { sealed: req.cookie, key: KEY });
    assert.deepEqual({ ...out, code: typeof out.code }, { code: 'string', state: req.state, codeVerifier: req.codeVerifier, redirectTo: '/dashboard' });
    const tokens = await p.exchangeCode(out.code, { codeVerifier: out.codeVerifier });
    assert.ok(tokens.accessToken);
  });

  it('tampering any character, a wrong key, another provider or expiry → state_mismatch', async () => {
    const p = flextell();
    const { cookie, state } = await p.createAuthorizationRequest({ seal: { key: KEY } });
    const url = `${REDIRECT}?code=c&state=${state}`;
    for (let i = 3; i < cookie.length; i++) {
      const flipped = cookie.slice(0, i) + (cookie[i] === 'A' ? 'B' : 'A') + cookie.slice(i + 1);
      await rejects(p.parseCallback(url, { sealed: flipped, key: KEY }), 'state_mismatch');
    }
    await rejects(p.parseCallback(url, { sealed: cookie, key: KEY.replace('k', 'K') }), 'state_mismatch');
    const flexie = new Flexie({ subdomain: 'acme', clientId: 'c', redirectUri: REDIRECT });
    await rejects(flexie.parseCallback(url, { sealed: cookie, key: KEY }), 'state_mismatch');
    for (const junk of ['', 'v1.', 'v2.abc', 'v1.!!!', cookie.slice(0, -4)]) {
      await rejects(p.parseCallback(url, { sealed: junk, key: KEY }), 'state_mismatch');
    }
    const expired = await p.createAuthorizationRequest({ seal: { key: KEY, maxAgeSeconds: 0 } });
    await rejects(p.parseCallback(`${REDIRECT}?code=c&state=${expired.state}`, { sealed: expired.cookie, key: KEY }), 'state_mismatch');
    // The sealed state must match the callback's state too.
    await rejects(p.parseCallback(`${REDIRECT}?code=c&state=other`, { sealed: cookie, key: KEY }), 'state_mismatch');
  });

  it('with a store, each sealed state opens once: a replay is invalid_callback', async () => {
    const p = flextell();
    const store = new MemoryStore();
    const req = await p.createAuthorizationRequest({ seal: { key: KEY } });
    const url = `${REDIRECT}?code=c&state=${req.state}`;
    await p.parseCallback(url, { sealed: req.cookie, key: KEY, store });
    await rejects(p.parseCallback(url, { sealed: req.cookie, key: KEY, store }), 'invalid_callback');
    const other = await p.createAuthorizationRequest({ seal: { key: KEY } });
    await p.parseCallback(`${REDIRECT}?code=c&state=${other.state}`, { sealed: other.cookie, key: KEY, store });
  });

  it('bad seal options are invalid_argument; a replayed callback fails at the provider', async () => {
    const p = flextell();
    assert.throws(() => p.createAuthorizationRequest({ seal: { key: 'short' } }), (e) => e.code === 'invalid_argument');
    assert.throws(() => p.createAuthorizationRequest({ seal: { key: KEY, maxAgeSeconds: -1 } }), (e) => e.code === 'invalid_argument');
    const req = await p.createAuthorizationRequest({ seal: { key: KEY } });
    const callback = await approve(req.url);
    const first = await p.parseCallback(callback, { sealed: req.cookie, key: KEY });
    await p.exchangeCode(first.code, { codeVerifier: first.codeVerifier });
    const again = await p.parseCallback(callback, { sealed: req.cookie, key: KEY });
    await rejects(p.exchangeCode(again.code, { codeVerifier: again.codeVerifier }), 'oauth_error');
  });

  it('stays under 4 KB and never shows the key or the state in errors', async () => {
    const p = flextell();
    const { cookie } = await p.createAuthorizationRequest({ seal: { key: KEY, redirectTo: `/${'x'.repeat(1500)}` } });
    const header = stateCookie(cookie, { requestUrl: 'https://app.example/connect' });
    assert.ok(header.length < 4096, `${header.length} bytes`);
    const e = await p.parseCallback('https://app.example/cb?code=c&state=s', { sealed: cookie.slice(0, -2), key: KEY }).catch((x) => x);
    for (const shown of [e.message, JSON.stringify(e), String(e)]) assert.ok(!shown.includes(KEY) && !shown.includes(cookie));
  });

  it('stateCookie attributes: Secure except plain http on loopback; readStateCookie', () => {
    assert.equal(stateCookie('v1.abc', { requestUrl: 'https://app.example/x' }), 'crm_auth_state=v1.abc; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=600');
    assert.equal(stateCookie('v1.abc', { requestUrl: new URL('http://127.0.0.1:8787/x'), maxAgeSeconds: 60 }), 'crm_auth_state=v1.abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=60');
    assert.match(stateCookie('v1.abc', { requestUrl: 'http://app.example/x' }), /; Secure;/, 'plain http off loopback keeps Secure');
    assert.equal(stateCookie('', { requestUrl: new Request('https://a.example/'), maxAgeSeconds: 0, name: 's' }), 's=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0');
    assert.throws(() => stateCookie('x;Domain=evil', { requestUrl: 'https://a.example' }), (e) => e.code === 'invalid_argument');
    assert.throws(() => stateCookie('x', { requestUrl: 'https://a.example', name: 'a b' }), (e) => e.code === 'invalid_argument');
    const req = new Request('https://a.example/', { headers: { cookie: 'a=1; crm_auth_state=v1.xyz; b=2' } });
    assert.equal(readStateCookie(req), 'v1.xyz');
    assert.equal(readStateCookie(req, 'b'), '2');
    assert.equal(readStateCookie(new Request('https://a.example/')), null);
  });
});
