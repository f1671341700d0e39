// Every provider × every method, run INSIDE workerd (miniflare) by worker/providers-worker.js,
// with the PACKED package's workerd entry, against the simulator. Same table as Node and
// Chromium: tests/e2e/cases/providers.js (copied next to the Worker in the consumer project,
// as workerd.test.js does for its Worker).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { CONSUMER, PKG_DIR, workerdEntry } from './helpers/pkg.js';
import { withTimeout } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';
import { CASES, casesFor } from './cases/providers.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const NAMES = casesFor('workerd');

let sim, mf;

function installWorker() {
  const dir = path.join(CONSUMER, 'providers-worker');
  fs.mkdirSync(dir, { recursive: true });
  const rel = path.relative(dir, path.join(PKG_DIR, workerdEntry())).split(path.sep).join('/');
  const src = fs.readFileSync(here('./worker/providers-worker.js'), 'utf8');
  const out = src.replace(/from\s+['"]crm-auth['"]/g, `from '${rel.startsWith('.') ? rel : './' + rel}'`);
  assert.notEqual(out, src, 'providers-worker.js must import "crm-auth"');
  fs.writeFileSync(path.join(dir, 'worker.js'), out);
  fs.copyFileSync(here('./cases/providers.js'), path.join(dir, 'cases.js'));
  return path.join(dir, 'worker.js');
}

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  mf = new Miniflare({
    modules: true,
    scriptPath: installWorker(),
    modulesRoot: CONSUMER,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
    bindings: { SIM_URL: sim.url, ORIGINS: JSON.stringify(sim.origins) },
  });
  await withTimeout(mf.ready, 20000, 'miniflare ready');
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
