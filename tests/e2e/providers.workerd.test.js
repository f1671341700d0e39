// Every provider × every method, run INSIDE workerd (miniflare) by worker/providers-worker.js,
// with the PACKED package's workerd entry, against the simulator. Same table as Node and
// Chromium: tests/e2e/cases/providers.js (copied next to the Worker in the consumer project,
// as workerd.test.js does for its Worker).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startWorker } from './helpers/workerd.js';

import { withTimeout } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';
import { CASES, casesFor } from './cases/providers.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const NAMES = casesFor('workerd');

let sim, mf;

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  mf = await startWorker({
    source: here('./worker/providers-worker.js'),
    name: 'providers-worker',
    extra: { 'cases.js': here('./cases/providers.js') },
    bindings: { SIM_URL: sim.url, ORIGINS: JSON.stringify(sim.origins) },
  });
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await sim?.close();
});

async function get(pathAndQuery) {
  const res = await withTimeout(mf.dispatchFetch(`http://127.0.0.1:8787${pathAndQuery}`), 25_000, `dispatchFetch ${pathAndQuery}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}

describe('providers × methods (workerd, packed package)', () => {
  it('the Worker runs the same table (every case, secrets from the Worker side)', async () => {
    assert.deepEqual(await get('/cases'), NAMES);
    assert.deepEqual(NAMES, CASES.filter((c) => c.runtimes.includes('workerd')).map((c) => c.name));
    const exports = await get('/exports');
    for (const n of ['Flextell', 'Flexie', 'AgileCrm', 'OAuth2', 'Flowlu', 'Virtuous', 'ApiKeyCredentials', 'HmacSigner', 'TokenSet', 'CrmAuthError'])
      assert.ok(exports.includes(n), `workerd export ${n}`);
    assert.equal(NAMES.length, CASES.length, 'every case runs in workerd');
  });

  for (const name of NAMES) {
    it(name, { timeout: 30_000 }, async () => {
      const r = await get(`/run?case=${encodeURIComponent(name)}`);
      if (!r.ok) assert.fail(r.error);
    });
  }
});
