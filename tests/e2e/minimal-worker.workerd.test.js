// The README's minimal Worker (www/worker/minimal.js) works as printed: connect →
// consent → callback → /me, in workerd with a Durable Object store.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startWorker } from './helpers/workerd.js';
import { startSim, approve } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';

const BASE = 'http://127.0.0.1:8787';
const SOURCE = fileURLToPath(new URL('../../www/worker/minimal.js', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
let sim, mf;

before(async () => {
  sim = await withTimeout(startSim(), 5000, 'startSim');
  await sim.addClient({ provider: 'flextell', clientId: 'test-client', clientSecret: 'test-secret', redirectUris: [`${BASE}/callback`] });
  mf = await startWorker({
    source: SOURCE,
    name: 'minimal-worker',
    bindings: { CLIENT_ID: 'test-client', CLIENT_SECRET: 'test-secret', SEAL_KEY: 'a-seal-key-of-at-least-thirty-two-chars', FLEXTELL_ORIGIN: sim.flextellOrigin },
    options: { durableObjects: { TOKENS: 'TokenStoreObject' } },
  });
});
after(async () => {
  await mf?.dispose().catch(() => {});
  await sim?.close();
});

const get = (path, headers = {}) =>
  withTimeout(mf.dispatchFetch(`${BASE}${path}`, { redirect: 'manual', headers: { 'x-user-id': 'user-1', ...headers } }), 10000, path);

describe('the README Worker', () => {
  it('is printed in the README exactly as www/worker/minimal.js (below its header comment)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const section = readme.slice(readme.indexOf('### The Worker an integrator copies'));
    const start = section.indexOf('```js\n') + '```js\n'.length;
    const printed = section.slice(start, section.indexOf('```\n', start));
    const code = fs.readFileSync(SOURCE, 'utf8').replace(/^(\/\/.*\n)+/, '');
    assert.equal(printed, code);
  });

  it('connects a user and calls the API with fresh tokens', async () => {
    const connect = await get('/connect');
    assert.equal(connect.status, 302);
    assert.equal(new URL(connect.headers.get('location')).searchParams.get('scope'), 'read', 'Flextell requires scope');
    const cookie = connect.headers.get('set-cookie').split(';')[0];
    const callback = new URL(await approve(connect.headers.get('location')));
    const back = await get(`/callback${callback.search}`, { cookie });
    assert.equal(back.status, 302, await back.text());
    assert.match(back.headers.get('set-cookie'), /Max-Age=0/);
    const me = await get('/me');
    assert.equal(me.status, 200);
    assert.equal((await me.json()).email, 'alice@example.com');
    const forged = await get(`/callback${callback.search}`, { cookie: 'crm_auth_state=v1.forged' }).catch((e) => e);
    assert.ok(forged instanceof Error || forged.status >= 500, 'a forged state cookie does not log anyone in');
    const replayed = await get(`/callback${callback.search}`, { cookie }).catch((e) => e);
    assert.ok(replayed instanceof Error || replayed.status >= 500, 'a replayed sealed state is refused');
    assert.match(String(replayed.message ?? (await replayed.text())), /already used/);
  });
});
