// Every provider × every method, in Node, against the simulator, with the PACKED package.
// The table is tests/e2e/cases/providers.js, shared with the Chromium and workerd runners.
// The independent HMAC/SHA-256 oracle here is node:crypto (createHmac / createHash).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createHash } from 'node:crypto';
import { loadPackage } from './helpers/pkg.js';
import { approve } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';
import { CASES, casesFor, runCase } from './cases/providers.js';

const crm = await loadPackage();

const nodeOracle = {
  hmac: async (key, message, encoding) => createHmac('sha256', key).update(message).digest(encoding),
  sha256: async (data, encoding) => createHash('sha256').update(data).digest(encoding),
};

let sim, env;

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  env = { runtime: 'node', simUrl: sim.url, origins: sim.origins, approve, ...nodeOracle };
});
after(async () => { await sim?.close(); });

describe('providers × methods (Node, packed package)', () => {
  it('the table covers every provider and the Node runner runs all of it', () => {
    const names = casesFor('node');
    assert.equal(names.length, CASES.length, 'every case runs in Node');
    for (const p of ['flextell', 'flexie', 'agilecrm', 'flowlu', 'virtuous', 'oauth2', 'hmac', 'pipedrive', 'zohocrm', 'hubspot', 'salesforce'])
      assert.ok(names.some((n) => n.startsWith(`${p}:`)), `no case for ${p}`);
    assert.equal(new Set(names).size, names.length, 'case names are unique');
  });

  it('the node:crypto oracle agrees with a published vector (RFC 4231 test case 2)', async () => {
    assert.equal(await nodeOracle.hmac('Jefe', 'what do ya want for nothing?', 'hex'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  for (const name of casesFor('node')) {
    it(name, { timeout: 30_000 }, async () => {
      const r = await runCase(name, crm, env);
      if (!r.ok) assert.fail(r.error);
    });
  }
});
