// Edge token stores in workerd (miniflare), with the PACKED package: KvStore over a KV
// namespace, and DurableObjectStore + TokenStoreObject (the Worker re-exports the class and
// binds it as TOKENS) coordinating refresh across concurrent Worker requests, and sealed
// state's replay records that expire in both (KV expirationTtl, a Durable Object alarm).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startWorker } from './helpers/workerd.js';
import { loadPackage } from './helpers/pkg.js';
import { startSim, approve } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';

const { Flextell } = await loadPackage();
const SRC = fileURLToPath(new URL('./worker/edge-stores-worker.js', import.meta.url));
const REDIRECT = 'http://127.0.0.1/callback';

let sim, mf;

before(async () => {
  sim = await withTimeout(startSim(), 5000, 'startSim');
  mf = await startWorker({
    source: SRC,
    name: 'edge-stores-worker',
    bindings: { FLEXTELL_ORIGIN: sim.flextellOrigin },
    options: { durableObjects: { TOKENS: 'TokenStoreObject', REPLAY: 'CountedTokenStoreObject' }, kvNamespaces: ['KV'] },
  });
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await sim?.close();
});

/** A serialized Flextell token set that is already expired (its refresh token works). */
async function expiredTokens() {
  const p = new Flextell({ clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.flextellOrigin });
  await sim.config({ provider: 'flextell', expiresIn: 0 });
  try {
    const req = p.createAuthorizationRequest({ scopes: ['read'] });
    const { code } = p.parseCallback(await approve(req.url), { state: req.state });
    return (await p.exchangeCode(code, { codeVerifier: req.codeVerifier })).serialize();
  } finally {
    await sim.config({ provider: 'flextell', expiresIn: 3600 });
  }
}

const refreshes = async () => (await sim.counts()).flextell.refresh_token;

async function call(path, body) {
  const r = await mf.dispatchFetch(`http://worker.test${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

describe('edge token stores in workerd (packed package)', () => {
  it('KvStore: set/get/delete round trip; Session.tokens() refreshes into KV', { timeout: 30000 }, async () => {
    const tokens = await expiredTokens();
    const before = await refreshes();
    const { status, body } = await call('/kv', { key: 'kv-user', tokens });
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, {
      probe: 'v1', gone: null, changed: true, stored: true, expired: false, text: 'KvStore {}', json: '{}',
    });
    assert.equal((await refreshes()) - before, 1);
  });

  it('replay records in KV expire: every record is written with an expiration (at least KV\'s 60 s)', { timeout: 60000 }, async () => {
    const before = Date.now();
    const short = await call('/logins', { n: 100, maxAgeSeconds: 5, store: 'kv' });
    const long = await call('/logins', { n: 100, maxAgeSeconds: 900, store: 'kv' });
    assert.equal(short.status, 200, JSON.stringify(short.body));
    assert.equal(long.status, 200, JSON.stringify(long.body));
    const { body } = await call('/kv-records', { prefix: 'crm-auth:sealed:' });
    const expiration = new Map(body.keys.map((k) => [k.name, k.expiration]));
    assert.equal(expiration.size, 200, 'one record per login');
    const seconds = (k) => expiration.get(k) - before / 1000;
    for (const k of short.body.keys) {
      assert.equal(typeof expiration.get(k), 'number', `${k} never expires`);
      assert.ok(seconds(k) >= 59 && seconds(k) <= 60 + 30, `${k}: KV's minimum TTL (${seconds(k)} s)`);
    }
    for (const k of long.body.keys) assert.ok(seconds(k) >= 899 && seconds(k) <= 900 + 30, `${k}: the sealed state's lifetime (${seconds(k)} s)`);
  });

  it('replay records in Durable Objects expire: an alarm deletes each once its sealed state has expired', { timeout: 60000 }, async () => {
    const short = await call('/logins', { n: 100, maxAgeSeconds: 3, store: 'do' });
    const long = await call('/logins', { n: 1, maxAgeSeconds: 900, store: 'do' });
    assert.equal(short.status, 200, JSON.stringify(short.body));
    assert.equal(long.body.keys.length, 1);
    let left;
    for (const deadline = Date.now() + 30000; Date.now() < deadline;) {
      left = (await call('/left', { keys: short.body.keys })).body.left;
      if (left === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(left, 0, `${left} of 100 expired records still stored`);
    assert.equal((await call('/left', { keys: long.body.keys })).body.left, 1, 'a live record stays');
  });

  it('DurableObjectStore: two Worker requests racing an expired token → one refresh, same new token', { timeout: 30000 }, async () => {
    const tokens = await expiredTokens();
    assert.equal((await call('/seed', { key: 'race-user', tokens })).status, 200);
    // A slow token endpoint makes sure both requests are in flight while the refresh runs.
    await sim.fault({ provider: 'flextell', endpoint: 'token', kind: 'slow', delayMs: 400 });
    const before = await refreshes();
    const [a, b] = await Promise.all([call('/tokens', { key: 'race-user' }), call('/tokens', { key: 'race-user' })]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal((await refreshes()) - before, 1, 'exactly one refresh_token grant');
    assert.equal(a.body.accessToken, b.body.accessToken);
    assert.ok(a.body.stored && b.body.stored);
    assert.equal(a.body.status, 200);
    assert.equal(b.body.status, 200);
    assert.notEqual(a.body.accessToken, JSON.parse(tokens).access_token);
    // The loser waited on the lease rather than refreshing on its own.
    assert.ok(Math.max(a.body.ms, b.body.ms) >= 300, `one request waited: ${a.body.ms} / ${b.body.ms} ms`);

    // A later request finds fresh tokens: no refresh.
    const c = await call('/tokens', { key: 'race-user' });
    assert.equal(c.body.accessToken, a.body.accessToken);
    assert.equal((await refreshes()) - before, 1);
  });

  it('DurableObjectStore: a crashed holder\'s lease expires, then the refresh proceeds', { timeout: 30000 }, async () => {
    const tokens = await expiredTokens();
    assert.equal((await call('/seed', { key: 'crash-user', tokens })).status, 200);
    const crash = await call('/crash', { key: 'crash-user', ttlMs: 1500 });
    assert.equal(typeof crash.body.lease, 'string', JSON.stringify(crash.body));
    assert.equal(crash.body.again, null, 'a held lease is not granted twice');
    const before = await refreshes();
    const r = await call('/tokens', { key: 'crash-user' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.ms >= 1000, `waited for the lease to expire (${r.body.ms} ms)`);
    assert.ok(r.body.stored);
    assert.equal(r.body.status, 200);
    assert.equal((await refreshes()) - before, 1);
  });

  it('DurableObjectStore: lock gives up after waitMs with `timeout`, sending no refresh', { timeout: 30000 }, async () => {
    const tokens = await expiredTokens();
    assert.equal((await call('/seed', { key: 'stuck-user', tokens })).status, 200);
    assert.equal(typeof (await call('/crash', { key: 'stuck-user', ttlMs: 60000 })).body.lease, 'string');
    const before = await refreshes();
    const r = await call('/tokens', { key: 'stuck-user', waitMs: 300 });
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { error: 'timeout' });
    assert.equal((await refreshes()) - before, 0);
    assert.equal((await call('/stored', { key: 'stuck-user' })).body.value, tokens, 'stored tokens untouched');
  });
});
