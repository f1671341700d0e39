// The Rust Worker example (examples/worker: workers-rs + crm-auth's Rust client, built by
// scripts/build-worker-example.sh with worker-build) in workerd (miniflare) against the
// simulator: /login (302 to the consent page, state + verifier cookie), /callback (code
// exchange, tokens stored), /me (Session::fetch, refreshing tokens that are due).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { approve, control as simControl } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';

const BUILD = fileURLToPath(new URL('../../examples/worker/build/', import.meta.url));
const WORKER = 'http://127.0.0.1:8787'; // loopback: plain http is allowed there
let sim, mf;

const control = (path, body) => simControl(sim.url, path, body);

const call = (path, init = {}) =>
  withTimeout(mf.dispatchFetch(new URL(path, WORKER), { redirect: 'manual', ...init }), 20_000, `dispatchFetch ${path}`);

before(async () => {
  assert.ok(fs.existsSync(BUILD + 'index.js'), 'build the example first: bash scripts/build-worker-example.sh');
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  await control('/__sim/clients', {
    provider: 'flextell', clientId: 'rust-worker', clientSecret: 'rust-worker-secret', redirectUris: [`${WORKER}/callback`],
  });
  mf = new Miniflare({
    modules: true,
    scriptPath: BUILD + 'index.js',
    modulesRoot: BUILD,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
    bindings: {
      FLEXTELL_ORIGIN: sim.origins.flextell,
      CLIENT_ID: 'rust-worker',
      CLIENT_SECRET: 'rust-worker-secret',
      REDIRECT_URI: `${WORKER}/callback`,
    },
  });
  await withTimeout(mf.ready, 20_000, 'miniflare ready');
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await sim?.close();
});

describe('Rust Worker example (workers-rs) in workerd', () => {
  it('logs in through the code flow and calls the API, refreshing when due', async () => {
    let r = await call('/me');
    assert.equal(r.status, 401, await r.clone().text());

    // Tokens of 30 s: within the Session's 60 s skew, so /me refreshes first.
    await control('/__sim/config', { provider: 'flextell', expiresIn: 30 });
    r = await call('/login');
    assert.equal(r.status, 302);
    const location = r.headers.get('location');
    assert.ok(location.startsWith(`${sim.origins.flextell}/oauth/authorize?`), location);
    assert.match(new URL(location).searchParams.get('code_challenge'), /^[\w-]{43}$/);
    const cookie = r.headers.get('set-cookie').split(';')[0];
    assert.match(r.headers.get('set-cookie'), /HttpOnly; Secure; SameSite=Lax/);

    const callback = await approve(location);
    assert.equal((await call(callback, { headers: { cookie: 'crm_auth_login=forged.state' } })).status, 400);
    r = await call(callback, { headers: { cookie } });
    assert.equal(r.status, 200, await r.text());

    const before = (await control('/__sim/counts')).flextell.refresh_token;
    r = await call('/me');
    const body = await r.text();
    assert.equal(r.status, 200, body);
    assert.match(body, /alice@example\.com/);
    assert.equal((await control('/__sim/counts')).flextell.refresh_token, before + 1);
  });
});
