// Session inside a Worker (workerd via miniflare), with the PACKED package: MemoryStore,
// single-flight refresh of an expired Flextell token, then session.fetch.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startWorker } from './helpers/workerd.js';
import { loadPackage } from './helpers/pkg.js';
import { startSim, approve } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';

const { Flextell } = await loadPackage();
const SRC = fileURLToPath(new URL('./worker/session-worker.js', import.meta.url));
const REDIRECT = 'http://127.0.0.1/callback';

let sim, mf;

before(async () => {
  sim = await withTimeout(startSim(), 5000, 'startSim');
  mf = await startWorker({ source: SRC, name: 'session-worker', bindings: { FLEXTELL_ORIGIN: sim.flextellOrigin } });
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await sim?.close();
});

describe('Session in workerd (packed package)', () => {
  it('MemoryStore in a Worker handler: concurrent tokens() on an expired token → one refresh; fetch works', { timeout: 30000 }, async () => {
    const p = new Flextell({ clientId: 'test-client', clientSecret: 'test-secret', redirectUri: REDIRECT, origin: sim.flextellOrigin });
    await sim.config({ provider: 'flextell', expiresIn: 0 });
    const req = p.createAuthorizationRequest();
    const { code } = p.parseCallback(await approve(req.url), { state: req.state });
    const expired = await p.exchangeCode(code, { codeVerifier: req.codeVerifier });
    await sim.config({ provider: 'flextell', expiresIn: 3600 });
    const before = (await sim.counts()).flextell.refresh_token;

    const r = await mf.dispatchFetch('http://worker.test/run', { method: 'POST', body: JSON.stringify({ tokens: expired.serialize() }) });
    const out = await r.json();
    assert.equal(r.status, 200, JSON.stringify(out));
    assert.deepEqual(out, { same: true, changed: true, stored: true, status: 200, email: 'alice@example.com' });
    assert.equal((await sim.counts()).flextell.refresh_token - before, 1);
  });
});
