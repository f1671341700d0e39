// Session inside a Worker (workerd via miniflare), with the PACKED package.
// 1. The shared Session table (tests/e2e/cases/session.js), run INSIDE the Worker's fetch
//    handler by worker/session-cases-worker.js (MemoryStore; a case's restart phase is a second
//    request with a new provider and Session over the store the Worker keeps at module scope).
// 2. worker/session-worker.js: a Worker that gets an expired set from the test (confidential
//    Flextell client: the secret lives on the Worker side), 20 concurrent tokens() + fetch.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startWorker } from './helpers/workerd.js';
import { loadPackage } from './helpers/pkg.js';
import { approve } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';
import { CASES, casesFor, hasRestart } from './cases/session.js';

const { Flextell } = await loadPackage();
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const REDIRECT = 'http://127.0.0.1/callback';
const NAMES = casesFor('workerd');

let sim, mf, mfCases;

const control = async (method, path, body) => {
  const r = await fetch(sim.url + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  if (!r.ok) throw new Error(`simulator ${method} ${path} -> ${r.status}`);
  return r.json();
};

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  [mf, mfCases] = await Promise.all([
    startWorker({ source: here('./worker/session-worker.js'), name: 'session-worker', bindings: { FLEXTELL_ORIGIN: sim.origins.flextell } }),
    startWorker({
      source: here('./worker/session-cases-worker.js'),
      name: 'session-cases-worker',
      extra: { 'session-cases.js': here('./cases/session.js'), 'providers.js': here('./cases/providers.js') },
      bindings: { SIM_URL: sim.url, ORIGINS: JSON.stringify(sim.origins) },
    }),
  ]);
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await mfCases?.dispose().catch(() => {});
  await sim?.close();
});

async function call(pathAndQuery, body) {
  const init = body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) };
  const res = await withTimeout(mfCases.dispatchFetch(`http://127.0.0.1:8787${pathAndQuery}`, init), 25_000, `dispatchFetch ${pathAndQuery}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}

describe('Session table (workerd, packed package)', () => {
  it('the Worker runs the same table, every case', async () => {
    assert.deepEqual(await call('/cases'), NAMES.map((name) => ({ name, restart: hasRestart(name) })));
    assert.equal(NAMES.length, CASES.length, 'every case runs in workerd');
  });

  for (const name of NAMES) {
    it(name, { timeout: 60_000 }, async () => {
      const q = (phase) => `/run?case=${encodeURIComponent(name)}&phase=${phase}`;
      const r = await call(q('run'), null);
      if (!r.ok) assert.fail(r.error);
      if (!hasRestart(name)) return;
      const again = await call(q('restart'), r.state);
      if (!again.ok) assert.fail(again.error);
    });
  }
});

describe('Session in workerd (packed package, confidential client)', () => {
  it('MemoryStore in a Worker handler: concurrent tokens() on an expired token → one refresh; fetch works', { timeout: 30000 }, async () => {
    await control('POST', '/__sim/reset', {});
    const p = new Flextell({ clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.origins.flextell });
    await control('POST', '/__sim/config', { provider: 'flextell', expiresIn: 0 });
    const req = p.createAuthorizationRequest({ scopes: ['read'] });
    const { code } = p.parseCallback(await approve(req.url), { state: req.state });
    const expired = await p.exchangeCode(code, { codeVerifier: req.codeVerifier });
    await control('POST', '/__sim/config', { provider: 'flextell', expiresIn: 3600 });
    const before = (await control('GET', '/__sim/counts')).flextell.refresh_token;

    const r = await mf.dispatchFetch('http://worker.test/run', { method: 'POST', body: JSON.stringify({ tokens: expired.serialize() }) });
    const out = await r.json();
    assert.equal(r.status, 200, JSON.stringify(out));
    assert.deepEqual(out, { same: true, changed: true, stored: true, status: 200, email: 'alice@example.com' });
    assert.equal((await control('GET', '/__sim/counts')).flextell.refresh_token - before, 1);
  });
});
