// Sealed, expiring state (for servers without a session store) on the packed
// package: round trip, every kind of refusal, redirectTo (same-origin paths only),
// cookie attributes and the 4 KB boundary, replay records that expire.
import { describe, it, before, after } from 'node:test';
import { webcrypto } from 'node:crypto';
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

/**
 * Seals `plain` exactly as the "v1." format does (HKDF-SHA256 key per provider, AES-256-GCM,
 * provider-bound AAD), independently of the package: stands for a cookie an older version sealed.
 */
async function sealLikeV1(provider, secret, plain) {
  const te = new TextEncoder();
  const { subtle } = webcrypto;
  const material = await subtle.importKey('raw', te.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: te.encode('crm-auth sealed state'), info: te.encode(provider) },
    material, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: te.encode(`crm-auth-seal-v1|${provider}`) }, key, te.encode(JSON.stringify(plain)));
  return `v1.${Buffer.concat([iv, new Uint8Array(sealed)]).toString('base64url')}`;
}

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
    const { cookie, state } = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY } });
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
    const expired = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, maxAgeSeconds: 0 } });
    await rejects(p.parseCallback(`${REDIRECT}?code=c&state=${expired.state}`, { sealed: expired.cookie, key: KEY }), 'state_mismatch');
    // The sealed state must match the callback's state too.
    await rejects(p.parseCallback(`${REDIRECT}?code=c&state=other`, { sealed: cookie, key: KEY }), 'state_mismatch');
  });

  it('with a store, each sealed state opens once: a replay is invalid_callback', async () => {
    const p = flextell();
    const store = new MemoryStore();
    const req = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY } });
    const url = `${REDIRECT}?code=c&state=${req.state}`;
    await p.parseCallback(url, { sealed: req.cookie, key: KEY, store });
    await rejects(p.parseCallback(url, { sealed: req.cookie, key: KEY, store }), 'invalid_callback');
    const other = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY } });
    await p.parseCallback(`${REDIRECT}?code=c&state=${other.state}`, { sealed: other.cookie, key: KEY, store });
  });

  it('bad seal options are invalid_argument; a replayed callback fails at the provider', async () => {
    const p = flextell();
    assert.throws(() => p.createAuthorizationRequest({ scopes: ['read'], seal: { key: 'short' } }), (e) => e.code === 'invalid_argument');
    assert.throws(() => p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, maxAgeSeconds: -1 } }), (e) => e.code === 'invalid_argument');
    const req = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY } });
    const callback = await approve(req.url);
    const first = await p.parseCallback(callback, { sealed: req.cookie, key: KEY });
    await p.exchangeCode(first.code, { codeVerifier: first.codeVerifier });
    const again = await p.parseCallback(callback, { sealed: req.cookie, key: KEY });
    await rejects(p.exchangeCode(again.code, { codeVerifier: again.codeVerifier }), 'oauth_error');
  });

  it('never shows the key or the state in errors', async () => {
    const p = flextell();
    const { cookie } = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo: `/${'x'.repeat(1500)}` } });
    const e = await p.parseCallback('https://app.example/cb?code=c&state=s', { sealed: cookie.slice(0, -2), key: KEY }).catch((x) => x);
    for (const shown of [e.message, JSON.stringify(e), String(e)]) assert.ok(!shown.includes(KEY) && !shown.includes(cookie));
  });

  it('redirectTo: only a same-origin path is sealed; it comes back unchanged', async () => {
    const p = flextell();
    const refused = [
      '//evil.example', '//evil.example/path', '/\\evil.example', '/\\/evil.example', '\\\\evil.example',
      'javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'https://evil.example/',
      'http:evil.example', 'evil.example', 'dashboard', '', ' /dashboard',
      '/\t/evil.example', '/\n/evil.example', '/\r/evil.example', '/\u0000', '/a\u001fb', '/a\u007f', '/a\u0085',
    ];
    for (const redirectTo of [...refused, 42, null, {}, ['/x']]) {
      await rejects((async () => p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo } }))(), 'invalid_argument');
    }
    const base = 'https://app.example/start';
    for (const redirectTo of ['/', '/dashboard', '/a?next=//evil.example', '/a#//evil.example', '/caf\u00e9', '/a/b\\c', '/./x', '/%2F%2Fevil.example']) {
      assert.equal(new URL(redirectTo, base).origin, 'https://app.example', `${redirectTo} stays on the site`);
      const req = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo } });
      const out = await p.parseCallback(`${REDIRECT}?code=c&state=${req.state}`, { sealed: req.cookie, key: KEY });
      assert.equal(out.redirectTo, redirectTo);
    }
  });

  it('redirectTo is re-checked when opening: a cookie sealed with "//evil.example" is state_mismatch', async () => {
    const p = flextell();
    const state = 's'.repeat(43);
    const url = `${REDIRECT}?code=c&state=${state}`;
    // What an older version sealed (same format, same key): the good one opens, the bad ones do not.
    const good = await sealLikeV1('flextell', KEY, { s: state, v: null, r: '/dashboard', e: Date.now() + 60000, n: 'n1' });
    assert.equal((await p.parseCallback(url, { sealed: good, key: KEY })).redirectTo, '/dashboard');
    for (const r of ['//evil.example', 'javascript:alert(1)', '/\\evil.example', 'https://evil.example', 7]) {
      const bad = await sealLikeV1('flextell', KEY, { s: state, v: null, r, e: Date.now() + 60000, n: 'n2' });
      await rejects(p.parseCallback(url, { sealed: bad, key: KEY }), 'state_mismatch');
    }
  });

  it('4 KB: the longest redirectTo whose Set-Cookie fits 4096 bytes is sealed, one byte more is invalid_argument', async () => {
    const p = flextell();
    const header = (cookie, options = {}) => stateCookie(cookie, { requestUrl: 'https://app.example/connect', ...options });
    // The limit from the format: "crm_auth_state=" + "v1." + base64url(12-byte IV ‖ JSON ‖ 16-byte tag)
    // + "; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=600" ≤ 4096 bytes.
    const attributes = header('').length - 'crm_auth_state='.length; // 53
    const maxSealedBytes = Math.floor(((4096 - 'crm_auth_state='.length - attributes - 'v1.'.length) * 3) / 4);
    const json = (r) => JSON.stringify({ s: 's'.repeat(43), v: 'v'.repeat(43), r, e: 1e12 + Date.now(), n: 'n'.repeat(22) });
    const maxJson = maxSealedBytes - 12 - 16;
    const limit = maxJson - Buffer.byteLength(json('')); // ASCII characters of redirectTo
    assert.equal(limit, 2835, 'the documented limit (SECURITY.md, README)');

    const at = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo: `/${'x'.repeat(limit - 1)}` } });
    const line = header(at.cookie);
    assert.ok(line.length <= 4096 && line.length > 4096 - 4, `${line.length} bytes: at the boundary`);
    assert.equal(Buffer.byteLength(line), line.length, 'ASCII only');
    const out = await p.parseCallback(`${REDIRECT}?code=c&state=${at.state}`, { sealed: at.cookie, key: KEY });
    assert.equal(out.redirectTo.length, limit);
    await rejects((async () => p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo: `/${'x'.repeat(limit)}` } }))(), 'invalid_argument');
    // Bytes, not characters: "é" is two UTF-8 bytes, a quote is escaped to two.
    await rejects((async () => p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo: `/${'\u00e9'.repeat(Math.ceil(limit / 2))}` } }))(), 'invalid_argument');
    await rejects((async () => p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, redirectTo: `/${'"'.repeat(Math.ceil(limit / 2))}` } }))(), 'invalid_argument');
    // The Max-Age written is the seal's: a longer one leaves less room.
    await rejects((async () => p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, maxAgeSeconds: 100000, redirectTo: `/${'x'.repeat(limit - 1)}` } }))(), 'invalid_argument');

    // stateCookie itself refuses a line over 4096 bytes (a longer name here).
    assert.equal(header(at.cookie, { name: 'crm_auth_stat' }).length, line.length - 1);
    const room = 4096 - line.length;
    assert.equal(header(at.cookie, { name: `crm_auth_state${'x'.repeat(room)}` }).length, 4096);
    assert.throws(() => header(at.cookie, { name: `crm_auth_state${'x'.repeat(room + 1)}` }), (e) => e instanceof CrmAuthError && e.code === 'invalid_argument');
  });

  it('replay records expire: 10,000 logins over a MemoryStore keep it bounded, a live record still refuses a replay', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const p = flextell();
    const store = new MemoryStore();
    const PER_SECOND = 10;
    const MAX_AGE = 60;
    let largest = 0;
    let last;
    for (let i = 1; i <= 10000; i++) {
      last = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: KEY, maxAgeSeconds: MAX_AGE } });
      await p.parseCallback(`${REDIRECT}?code=c&state=${last.state}`, { sealed: last.cookie, key: KEY, store });
      largest = Math.max(largest, store.toJSON().size);
      if (i % PER_SECOND === 0) t.mock.timers.tick(1000);
    }
    // Live records: at most MAX_AGE seconds of logins; the sweep keeps the map within twice that.
    const live = (MAX_AGE + 1) * PER_SECOND;
    assert.ok(largest <= 2 * live, `at most ${2 * live} entries, saw ${largest} (one per login would be 10,000)`);
    await rejects(p.parseCallback(`${REDIRECT}?code=c&state=${last.state}`, { sealed: last.cookie, key: KEY, store }), 'invalid_callback');
  });

  it('MemoryStore: a value set with ttlSeconds reads as absent once expired; a bad ttlSeconds is invalid_argument', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const store = new MemoryStore();
    store.set('short', 'a', { ttlSeconds: 2 });
    store.set('kept', 'b');
    store.set('longer', 'c', { ttlSeconds: 2 });
    store.set('longer', 'c2', { ttlSeconds: 60 }); // a later set keeps its own expiry
    store.set('reset', 'd', { ttlSeconds: 2 });
    store.set('reset', 'd2'); // and a set without a ttl never expires
    t.mock.timers.tick(1999);
    assert.equal(store.get('short'), 'a');
    t.mock.timers.tick(1);
    assert.deepEqual(['short', 'kept', 'longer', 'reset'].map((k) => store.get(k)), [null, 'b', 'c2', 'd2']);
    assert.equal(store.toJSON().size, 3);
    for (const ttlSeconds of [0, -1, NaN, Infinity, '60', null]) {
      assert.throws(() => store.set('x', 'y', { ttlSeconds }), (e) => e instanceof CrmAuthError && e.code === 'invalid_argument');
    }
    store.set('x', 'y', {}); // no ttlSeconds: kept
    assert.equal(store.get('x'), 'y');
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
