// The packed crm-auth package in workerd (Cloudflare's runtime) via miniflare 4.
//
// Resolution: miniflare does not resolve bare specifiers from node_modules, so the Worker is
// copied into the consumer project (.tmp/consumer/worker/worker.js) with its `'crm-auth'`
// import rewritten to the file the package's `exports["."]` selects for the conditions
// workerd/worker/browser/import/default (i.e. the `workerd` entry, which imports the .wasm as a
// compiled module). modulesRoot is the consumer dir; modulesRules make .js ESM and .wasm
// CompiledWasm, and miniflare follows the relative imports from there.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startWorker } from './helpers/workerd.js';
import { workerdEntry, packageJson } from './helpers/pkg.js';
import { startSim, approve } from './helpers/sim.js';
import { withTimeout, assertNoSecrets } from './helpers/util.js';

const T = { timeout: 30000 };
const CLIENT_ID = 'worker-client';
const CLIENT_SECRET = 'worker-secret-0b6e2a91c4';
const REDIRECT = 'http://127.0.0.1:8787/callback';
const SRC = fileURLToPath(new URL('./worker/worker.js', import.meta.url));

let sim, mf, entry;

before(async () => {
  sim = await withTimeout(startSim(), 5000, 'startSim');
  await sim.addClient({ provider: 'flextell', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
  entry = workerdEntry();
  mf = await startWorker({
    source: SRC,
    name: 'worker',
    bindings: { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI: REDIRECT, FLEXTELL_ORIGIN: sim.flextellOrigin },
  });
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await sim?.close();
});

const dispatch = (url, init = {}) => withTimeout(mf.dispatchFetch(url, { redirect: 'manual', ...init }), 10000, `dispatchFetch ${url}`);
const cookieHeader = (res) => res.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !/=$/.test(c)).join('; ');

async function login() {
  const res = await dispatch('http://127.0.0.1:8787/login');
  assert.equal(res.status, 302, await res.text());
  const location = res.headers.get('location');
  const flowCookie = cookieHeader(res);
  return { location, flowCookie };
}

describe('workerd (miniflare, packed package workerd entry)', () => {
  it('uses the package\'s workerd export', T, () => {
    const pj = packageJson();
    assert.ok(pj.exports['.'].workerd, 'package exports a workerd condition');
    assert.equal(`./${entry}`, pj.exports['.'].workerd.default ?? pj.exports['.'].workerd);
  });

  it('login -> consent -> callback -> API call, secrets from env bindings', T, async () => {
    const { location, flowCookie } = await login();
    const u = new URL(location);
    assert.equal(u.origin + u.pathname, `${sim.flextellOrigin}/oauth/authorize`);
    assert.equal(u.searchParams.get('client_id'), CLIENT_ID);
    assert.equal(u.searchParams.get('redirect_uri'), REDIRECT);
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(u.searchParams.get('state').length >= 43);
    assert.ok(!location.includes(CLIENT_SECRET));
    assert.match(flowCookie, /^flow=/);

    const callback = await approve(location);
    assert.ok(callback.startsWith(REDIRECT + '?'));
    const t0 = Date.now();
    const res = await dispatch(callback, { headers: { cookie: flowCookie } });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.ok, true);
    assert.equal(body.hasRefresh, true);
    assert.equal(body.tokenType, 'Bearer');
    assert.ok(Math.abs(body.expiresAt - (t0 + 3600_000)) < 20_000, `expiresAt ${body.expiresAt}`);
    assert.equal(body.summary.accessToken, '[redacted]', 'TokenSet JSON is redacted in workerd');
    const tokensCookie = cookieHeader(res);
    assert.match(tokensCookie, /tokens=/);

    const me = await dispatch('http://127.0.0.1:8787/me', { headers: { cookie: tokensCookie } });
    const meBody = await me.json();
    assert.equal(me.status, 200, JSON.stringify(meBody));
    assert.equal(meBody.me.name, 'Alice Example');

    const counts = await sim.counts();
    assert.equal(counts.flextell.authorization_code, 1);
    assert.ok(counts.flextell.api >= 1);

    // refresh rotates; the old cookie's refresh token is then dead
    const ref = await dispatch('http://127.0.0.1:8787/refresh', { headers: { cookie: tokensCookie } });
    const refBody = await ref.json();
    assert.equal(ref.status, 200, JSON.stringify(refBody));
    assert.equal(refBody.rotated, true);
    const again = await dispatch('http://127.0.0.1:8787/refresh', { headers: { cookie: tokensCookie } });
    const againBody = await again.json();
    assert.equal(again.status, 400);
    assert.equal(againBody.code, 'oauth_error');
    assert.equal(againBody.error, 'invalid_grant');
    assert.equal(againBody.isError, true);
    assert.equal(againBody.provider, 'flextell');

    // revoke: Flextell has no revocation endpoint
    const out = await dispatch('http://127.0.0.1:8787/logout', { headers: { cookie: cookieHeader(ref) } });
    const outBody = await out.json();
    assert.equal(outBody.code, 'unsupported');
  });

  it('every login gets fresh state and verifier (randomness inside handlers)', T, async () => {
    const a = await login();
    const b = await login();
    assert.notEqual(new URL(a.location).searchParams.get('state'), new URL(b.location).searchParams.get('state'));
    assert.notEqual(new URL(a.location).searchParams.get('code_challenge'), new URL(b.location).searchParams.get('code_challenge'));
  });

  it('a callback with the wrong state is state_mismatch, without leaking the code', T, async () => {
    const { location } = await login();
    const { flowCookie: other } = await login();
    const callback = await approve(location);
    const code = new URL(callback).searchParams.get('code');
    const res = await dispatch(callback, { headers: { cookie: other } });
    const body = await res.json();
    assert.equal(res.status, 400);
    assert.equal(body.code, 'state_mismatch');
    assertNoSecrets(body, [code, CLIENT_SECRET], 'workerd error');
  });

  it('a reused code is invalid_grant and the secret never leaks', T, async () => {
    const { location, flowCookie } = await login();
    const callback = await approve(location);
    const first = await dispatch(callback, { headers: { cookie: flowCookie } });
    assert.equal(first.status, 200, await first.text());
    const second = await dispatch(callback, { headers: { cookie: flowCookie } });
    const body = await second.json();
    assert.equal(body.code, 'oauth_error');
    assert.equal(body.error, 'invalid_grant');
    assertNoSecrets(body, [CLIENT_SECRET, new URL(callback).searchParams.get('code')], 'workerd error');
  });
});
