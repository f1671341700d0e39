// Fault injection (issue 7): every simulator fault on the token endpoint gives the right
// CrmAuthError code within a bounded time (timeoutMs 1500), the 50 MB bodies are refused
// quickly without being buffered, and a Session keeps its working stored tokens through
// each fault (its stored refresh token still works afterwards). PACKED package, Node.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { loadPackage } from './helpers/pkg.js';
import { approve, control as simControl } from './helpers/sim.js';
import { withTimeout, caught, assertCrmError } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';

const { Flextell, OAuth2, Session, MemoryStore, TokenSet, CrmAuthError } = await loadPackage();

const T = { timeout: 30_000 };
const TIMEOUT_MS = 1500;
const BOUND_MS = TIMEOUT_MS + 1000; // the deadline plus scheduling slack
const REDIRECT = 'http://127.0.0.1/callback';
let sim;

/** fault -> expected outcome ('ok' = the package copes and returns tokens). */
export const FAULTS = [
  ['html500', 'invalid_response', { status: 500 }],
  ['string_expires_in', 'ok'],
  ['slow', 'timeout'],
  ['slow_body', 'timeout'],
  ['text_plain', 'ok'],
  ['error_in_200', 'oauth_error', { error: 'invalid_grant' }],
  ['rate_limit', 'rate_limited', { retryAfter: 7 }],
  ['no_access_token', 'invalid_response'],
  ['missing_token_type', 'ok'],
  ['truncated_json', 'invalid_response'],
  ['reset', 'network_error'],
  ['reset_mid_body', 'network_error'],
  ['wrong_types', 'invalid_response'],
  ['invalid_utf8', 'invalid_response'],
  ['huge_body', 'invalid_response', {}, 2000],
  ['huge_body_length', 'invalid_response', {}, 2000],
  ['redirect', 'invalid_response'],
  ['xml', 'invalid_response'],
];
// What a Session does with a failed refresh: transient ones start a cooldown (1 s) first.
const TRANSIENT = new Set(['timeout', 'network_error', 'rate_limited']);
const isTransient = (e) => TRANSIENT.has(e.code) || (e.code === 'invalid_response' && e.status >= 500);

const control = (path, body) => simControl(sim.url, path, body);
const fault = (kind) => control('/__sim/fault', { provider: 'flextell', endpoint: 'token', kind, delayMs: 5000, times: 1 });
const counts = async () => (await control('/__sim/counts')).flextell;
const flextell = () => new Flextell({ clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.origins.flextell, timeoutMs: TIMEOUT_MS });

async function codeFor(p) {
  const req = p.createAuthorizationRequest({ scopes: ['read'] });
  const { code } = p.parseCallback(await approve(req.url), { state: req.state });
  return { code, codeVerifier: req.codeVerifier };
}
async function login(p) {
  const { code, codeVerifier } = await codeFor(p);
  return p.exchangeCode(code, { codeVerifier });
}
/** Runs fn, returns { value | error, ms }. */
async function timed(fn) {
  const t0 = performance.now();
  try {
    const value = await withTimeout(fn(), 10_000, 'faulted call');
    return { value, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}
function checkOutcome(kind, expected, fields, r) {
  if (expected === 'ok') {
    assert.ok(!r.error, `${kind}: expected tokens, got ${r.error?.code}: ${r.error?.message}`);
    assert.ok(r.value instanceof TokenSet, `${kind}: expected a TokenSet`);
    return;
  }
  assert.ok(r.error, `${kind}: expected ${expected}, got a result`);
  assertCrmError(CrmAuthError, r.error, expected, fields);
}

const table = []; // fault -> code -> elapsed, printed at the end (diagnostic)

before(async () => { sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator'); });
after(async () => {
  if (table.length) console.log(`# fault table (timeoutMs ${TIMEOUT_MS}):\n${table.map((r) => `#   ${r}`).join('\n')}`);
  await sim?.close();
});

describe('token endpoint faults: right code, bounded time (exchangeCode)', () => {
  for (const [kind, expected, fields = {}, bound = BOUND_MS] of FAULTS) {
    it(`${kind} -> ${expected} within ${bound} ms`, T, async () => {
      const p = flextell();
      const { code, codeVerifier } = await codeFor(p);
      await fault(kind);
      const r = await timed(() => p.exchangeCode(code, { codeVerifier }));
      table.push(`${kind.padEnd(18)} -> ${(r.error?.code ?? 'ok (tokens)').padEnd(16)} ${r.ms.toFixed(0)} ms`);
      checkOutcome(kind, expected, fields, r);
      assert.ok(r.ms < bound, `${kind}: took ${r.ms.toFixed(0)} ms (bound ${bound})`);
      if (r.error) {
        // never the response body in the message
        assert.ok(!/<html|<\?xml|<token|evil\.example|"access_token"/i.test(r.error.message), `${kind}: message quotes the body: ${r.error.message}`);
      }
    });
  }

  it('the 50 MB bodies are abandoned, not read to the end', T, async () => {
    // After a refused huge body the simulator stops streaming once the client goes away:
    // a following request on the same endpoint is answered at once.
    for (const kind of ['huge_body', 'huge_body_length']) {
      const p = flextell();
      const { code, codeVerifier } = await codeFor(p);
      await fault(kind);
      const heapBefore = process.memoryUsage().arrayBuffers;
      const r = await timed(() => p.exchangeCode(code, { codeVerifier }));
      assertCrmError(CrmAuthError, r.error, 'invalid_response');
      assert.ok(r.ms < 2000, `${kind}: ${r.ms.toFixed(0)} ms`);
      const grown = process.memoryUsage().arrayBuffers - heapBefore;
      assert.ok(grown < 20 * 1024 * 1024, `${kind}: ${(grown / 1048576).toFixed(1)} MB of buffers kept (the cap is 1 MiB)`);
      const ok = await timed(() => login(flextell()));
      assert.ok(ok.value instanceof TokenSet && ok.ms < 2000, `${kind}: the next login failed or was slow (${ok.ms.toFixed(0)} ms)`);
    }
  });

  it('the body cap is configurable (maxBodyBytes)', T, async () => {
    const small = new Flextell({ clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.origins.flextell, maxBodyBytes: 64 });
    const r = await timed(() => login(small));
    assertCrmError(CrmAuthError, r.error, 'invalid_response');
    assert.match(r.error.message, /too large/);
    assert.throws(() => new Flextell({ clientId: 'c', redirectUri: REDIRECT, maxBodyBytes: -1 }), (e) => e.code === 'invalid_argument');
  });

  it('a redirect on the token endpoint is not followed (no request to its target)', T, async () => {
    const seen = [];
    const p = new Flextell({
      clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.origins.flextell, timeoutMs: TIMEOUT_MS,
      fetch: (input, init) => { seen.push({ url: String(input instanceof Request ? input.url : input), redirect: init?.redirect }); return fetch(input, init); },
    });
    const { code, codeVerifier } = await codeFor(p);
    await fault('redirect');
    const e = await caught(() => p.exchangeCode(code, { codeVerifier }));
    assertCrmError(CrmAuthError, e, 'invalid_response');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].redirect, 'manual');
    assert.ok(!seen.some((s) => s.url.includes('evil.example')));
  });
});

describe('Session keeps its working tokens through every fault (refresh)', () => {
  for (const [kind, expected, fields = {}, bound = BOUND_MS] of FAULTS) {
    // error_in_200 says invalid_grant: a Session must believe it and clear the store (tested below).
    if (kind === 'error_in_200') continue;
    it(`${kind} during refresh: stored tokens kept, refresh token still works`, T, async () => {
      // slow_body answers only after the simulator rotated the refresh token: with rotation the
      // client never sees the new one (rotation loss, see below). Turned off for this case.
      if (kind === 'slow_body') await control('/__sim/config', { provider: 'flextell', rotateRefreshTokens: false });
      try {
        const p = flextell();
        const real = await login(p);
        const store = new MemoryStore();
        const session = new Session({ provider: p, store, key: 'u1' });
        // born expired: tokens() must refresh
        await session.save(new TokenSet({ accessToken: real.accessToken, refreshToken: real.refreshToken, expiresAt: Date.now() - 1000 }));
        const storedBefore = store.get('u1');
        await fault(kind);
        const r = await timed(() => session.tokens());
        checkOutcome(kind, expected, fields, r);
        assert.ok(r.ms < bound, `${kind}: session.tokens() took ${r.ms.toFixed(0)} ms`);
        if (r.error) {
          assert.equal(store.get('u1'), storedBefore, `${kind}: the stored tokens changed`);
          if (isTransient(r.error)) await new Promise((res) => setTimeout(res, 1100)); // the session's first cooldown
        }
        const before = (await counts()).refresh_token;
        const fresh = await withTimeout(session.tokens(), 5000, 'tokens() after the fault');
        assert.ok(!fresh.isExpired(), `${kind}: tokens() after the fault gave an expired set`);
        if (r.error) assert.equal((await counts()).refresh_token, before + 1, `${kind}: the stored refresh token was not used`);
        const res = await withTimeout(session.fetch('/users/me'), 5000, 'session.fetch');
        assert.equal(res.status, 200, `${kind}: API call after the fault`);
        await res.arrayBuffer();
      } finally {
        if (kind === 'slow_body') await control('/__sim/config', { provider: 'flextell', rotateRefreshTokens: true });
      }
    });
  }

  it('error_in_200 (invalid_grant in a 200) clears the store: the app must log in again', T, async () => {
    const p = flextell();
    const real = await login(p);
    const store = new MemoryStore();
    const session = new Session({ provider: p, store, key: 'u1' });
    await session.save(new TokenSet({ accessToken: real.accessToken, refreshToken: real.refreshToken, expiresAt: Date.now() - 1000 }));
    await fault('error_in_200');
    assertCrmError(CrmAuthError, await caught(() => session.tokens()), 'oauth_error', { error: 'invalid_grant' });
    assert.equal(store.get('u1') ?? null, null);
  });

  it('rotation loss: the answer to a rotating refresh never arrives (slow_body) -> timeout, then invalid_grant and a cleared store', T, async () => {
    // The provider rotated the refresh token but the client gave up before reading the body:
    // no client can keep that token. crm-auth keeps the old set (timeout is transient), and once
    // the provider calls it dead, clears the store so the app sends the user to log in.
    const p = flextell();
    const real = await login(p);
    const store = new MemoryStore();
    const session = new Session({ provider: p, store, key: 'u1' });
    await session.save(new TokenSet({ accessToken: real.accessToken, refreshToken: real.refreshToken, expiresAt: Date.now() - 1000 }));
    await fault('slow_body');
    assertCrmError(CrmAuthError, await caught(() => session.tokens()), 'timeout');
    assert.ok(store.get('u1'), 'kept after the timeout');
    await new Promise((res) => setTimeout(res, 1100));
    assertCrmError(CrmAuthError, await caught(() => session.tokens()), 'oauth_error', { error: 'invalid_grant' });
    assert.equal(store.get('u1') ?? null, null);
  });
});

// Issue 11: tests that notice when the cap, the timeout or its default drift.
describe('body cap, timeouts and their defaults (issue 11)', () => {
  const MiB = 1024 * 1024;
  /** A valid token answer of exactly `size` bytes (JSON whitespace before the closing brace). */
  const answerOf = (size) => {
    const head = '{"access_token":"cap-token","token_type":"Bearer","expires_in":3600';
    return Buffer.from(head + ' '.repeat(size - head.length - 1) + '}');
  };
  const oauth2At = (tokenEndpoint, extra = {}) => new OAuth2({
    authorizationEndpoint: 'http://127.0.0.1:1/authorize', tokenEndpoint, clientId: 'c', clientSecret: 's', redirectUri: REDIRECT, ...extra,
  });

  it('exactly 1 MiB of valid JSON is accepted and 1 MiB + 1 refused, with Content-Length and streamed', T, async () => {
    let size = 0;
    let chunked = false;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const body = answerOf(size);
        if (!chunked) return void res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
        res.writeHead(200, { 'content-type': 'application/json' }); // no length: chunked
        for (let at = 0; at < body.length; at += 64 * 1024) res.write(body.subarray(at, at + 64 * 1024));
        res.end();
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const p = oauth2At(`http://127.0.0.1:${server.address().port}/token`);
      for (chunked of [false, true]) {
        const how = chunked ? 'streamed' : 'Content-Length';
        size = MiB;
        const t = await withTimeout(p.refresh('rt-cap'), 10_000, `1 MiB ${how}`);
        assert.equal(t.accessToken, 'cap-token', `1 MiB ${how}: accepted`);
        size = MiB + 1;
        const e = await caught(() => p.refresh('rt-cap'), 10_000);
        assertCrmError(CrmAuthError, e, 'invalid_response');
        assert.match(e.message, /too large/, `1 MiB + 1 ${how}: refused for its size`);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a body stream that ignores the abort is cancelled on timeout', T, async () => {
    let cancelled = false;
    const p = oauth2At('http://127.0.0.1:1/token', {
      timeoutMs: 300,
      // A custom fetch that never looks at init.signal: its body sends a little, then nothing.
      fetch: async () => new Response(new ReadableStream({
        start(c) { c.enqueue(new TextEncoder().encode('{"access_token":"')); },
        cancel() { cancelled = true; },
      }), { status: 200, headers: { 'content-type': 'application/json' } }),
    });
    const r = await timed(() => p.refresh('rt-stall'));
    assertCrmError(CrmAuthError, r.error, 'timeout');
    assert.ok(r.ms < 3000, `${r.ms} ms`);
    assert.ok(cancelled, 'the stalled body stream was cancelled');
  });

  it('the default timeout is 30 s for token and API requests (the timer the seam sets, no waiting)', T, async () => {
    const answer = () => new Response('{"access_token":"t","token_type":"Bearer","expires_in":3600}', { status: 200, headers: { 'content-type': 'application/json' } });
    const delays = [];
    const realSetTimeout = globalThis.setTimeout;
    const record = async (fn) => {
      delays.length = 0;
      globalThis.setTimeout = (f, ms, ...rest) => { delays.push(ms); return realSetTimeout(f, ms, ...rest); };
      try {
        await fn();
      } finally {
        globalThis.setTimeout = realSetTimeout;
      }
      return [...delays];
    };
    const p = oauth2At('http://127.0.0.1:1/token', { fetch: async () => answer(), apiBase: 'http://127.0.0.1:1/api' });
    assert.deepEqual(await record(() => p.refresh('rt-default')), [30_000], 'token request: one 30 s timer');
    const session = new Session({ provider: p, store: new MemoryStore(), key: 'k' });
    await session.save(new TokenSet({ accessToken: 'a', expiresAt: Date.now() + 3600_000 }));
    assert.deepEqual(await record(async () => (await session.fetch('/me')).arrayBuffer()), [30_000], 'API request: one 30 s timer');
    const custom = oauth2At('http://127.0.0.1:1/token', { fetch: async () => answer(), timeoutMs: 1234 });
    assert.deepEqual(await record(() => custom.refresh('rt-custom')), [1234], 'timeoutMs is the timer');
  });
});
