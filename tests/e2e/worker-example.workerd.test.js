// The demo Worker (www/worker/worker.js) in workerd (miniflare) with the PACKED package,
// Durable Objects (TokenStoreObject as TOKENS), its page files as Text modules, and every
// provider pointed at the simulator. The test is the browser: it carries cookies between
// dispatchFetch calls and passes the consent page like a non-browser user agent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker } from './helpers/workerd.js';
import { CONSUMER } from './helpers/pkg.js';
import { approve } from './helpers/sim.js';
import { withTimeout } from './helpers/util.js';
import { startSimulator } from '../../www/simulator/index.js';

const WORKER_DIR = fileURLToPath(new URL('../../www/worker/', import.meta.url));
const NAME = 'worker-example';
// The Worker's public origin: what the simulator has registered as redirect URIs and the
// origin every dispatchFetch uses.
const BASE = 'http://127.0.0.1:8787';
// `lifetime`: seconds of the simulator's tokens (HubSpot 30 min; Salesforce sends no expiry).
const OAUTH = {
  flextell: { mePath: '/users/me', scope: 'read', lifetime: 3600 }, // Flextell requires scope
  flexie: { mePath: '/users/self', scope: null, lifetime: 3600 },
  agilecrm: { mePath: '/contacts/1', scope: null, lifetime: 3600 },
  hubspot: { mePath: '/account-info/v3/details', scope: 'oauth', lifetime: 1800 }, // HubSpot requires scope
  salesforce: { mePath: '/services/oauth2/userinfo', scope: 'api refresh_token', lifetime: null },
  pipedrive: { mePath: '/api/v1/users/me', scope: null, lifetime: 3599 }, // no scope parameter: set on the app
  zohocrm: { mePath: '/crm/v8/users?type=CurrentUser', scope: 'ZohoCRM.users.READ', lifetime: 3600 },
};
const PAGE = ['index.html', 'app.js', 'style.css'];

let sim, mf;

async function control(method, p, body) {
  const r = await fetch(sim.url + p, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`simulator ${method} ${p} -> ${r.status}: ${text}`);
  return JSON.parse(text);
}
const counts = () => control('GET', '/__sim/counts');

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  for (const provider of Object.keys(OAUTH)) {
    await control('POST', '/__sim/clients', {
      provider, clientId: 'test-client', clientSecret: 'test-secret', redirectUris: [`${BASE}/callback/${provider}`],
    });
  }
  fs.mkdirSync(path.join(CONSUMER, NAME, 'public'), { recursive: true });
  mf = await startWorker({
    source: path.join(WORKER_DIR, 'worker.js'),
    name: NAME,
    extra: Object.fromEntries(PAGE.map((f) => [`public/${f}`, path.join(WORKER_DIR, 'public', f)])),
    bindings: {
      REDIRECT_BASE: BASE,
      SEAL_KEY: 'test-seal-key-that-is-at-least-32-characters',
      FLEXTELL_CLIENT_ID: 'test-client', FLEXTELL_CLIENT_SECRET: 'test-secret', FLEXTELL_ORIGIN: sim.origins.flextell,
      FLEXIE_CLIENT_ID: 'test-client', FLEXIE_CLIENT_SECRET: 'test-secret', FLEXIE_ORIGIN: sim.origins.flexie,
      AGILECRM_CLIENT_ID: 'test-client', AGILECRM_CLIENT_SECRET: 'test-secret', AGILECRM_ORIGIN: sim.origins.agilecrm,
      HUBSPOT_CLIENT_ID: 'test-client', HUBSPOT_CLIENT_SECRET: 'test-secret', HUBSPOT_ORIGIN: sim.origins.hubspot,
      SALESFORCE_CLIENT_ID: 'test-client', SALESFORCE_CLIENT_SECRET: 'test-secret', SALESFORCE_ORIGIN: sim.origins.salesforce,
      PIPEDRIVE_CLIENT_ID: 'test-client', PIPEDRIVE_CLIENT_SECRET: 'test-secret', PIPEDRIVE_ORIGIN: sim.origins.pipedrive,
      ZOHOCRM_CLIENT_ID: 'test-client', ZOHOCRM_CLIENT_SECRET: 'test-secret', ZOHOCRM_ORIGIN: sim.origins.zohocrm,
      FLOWLU_ORIGIN: sim.origins.flowlu,
      VIRTUOUS_ORIGIN: sim.origins.virtuous,
    },
    options: {
      // As in wrangler.toml: the page files are Text modules, the rest as usual.
      modulesRules: [
        { type: 'Text', include: ['**/*.html', '**/*.css', '**/public/*.js'] },
        { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
        { type: 'CompiledWasm', include: ['**/*.wasm'] },
      ],
      durableObjects: { TOKENS: 'TokenStoreObject' },
    },
  });
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await sim?.close();
});

/** A user agent: a cookie jar over dispatchFetch (no redirects followed). */
function browser() {
  const jar = new Map();
  const setCookies = [];
  async function go(url, { method = 'GET', form, headers = {} } = {}) {
    const h = { ...headers };
    if (jar.size) h.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const r = await mf.dispatchFetch(new URL(url, BASE).href, { method, headers: h, body, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      setCookies.push(c);
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const [k, v] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || v === '') jar.delete(k);
      else jar.set(k, v);
    }
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, location: r.headers.get('location'), type: r.headers.get('content-type'), text, json };
  }
  return { go, jar, setCookies };
}

const statusOf = async (b, name) => (await b.go('/status')).json.providers.find((p) => p.name === name);

/** /connect → consent (approve) → /callback; returns the callback response. */
async function connect(b, provider) {
  const start = await b.go(`/connect/${provider}`);
  assert.equal(start.status, 302, start.text);
  assert.ok(start.location.startsWith(sim.origins[provider]), start.location);
  assert.equal(new URL(start.location).searchParams.get('scope'), OAUTH[provider].scope);
  assert.ok(b.jar.has('crm_auth_state'), 'sealed state cookie set');
  const back = await approve(start.location);
  assert.ok(back.startsWith(`${BASE}/callback/${provider}?`), back);
  return b.go(back);
}

describe('demo Worker (www/worker) in workerd with Durable Objects and the simulator', () => {
  it('serves the page files as Text modules', async () => {
    const b = browser();
    const page = await b.go('/');
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    const file = (f) => fs.readFileSync(path.join(WORKER_DIR, 'public', f), 'utf8');
    assert.equal(page.text, file('index.html'));
    const js = await b.go('/app.js');
    assert.equal(js.status, 200);
    assert.match(js.type, /^text\/javascript/);
    assert.equal(js.text, file('app.js'));
    const css = await b.go('/style.css');
    assert.match(css.type, /^text\/css/);
    assert.equal(css.text, file('style.css'));
    assert.equal((await b.go('/nope')).status, 404);
    assert.equal((await b.go('/connect/no-such-crm')).status, 404);
  });

  it('/status without a session: every provider disconnected, with its mePath', async () => {
    const { status, json } = await browser().go('/status');
    assert.equal(status, 200);
    assert.deepEqual(json.providers.map((p) => [p.name, p.connected, p.method, p.mePath]), [
      ['flextell', false, null, '/users/me'],
      ['flexie', false, null, '/users/self'],
      ['agilecrm', false, null, '/contacts/1'],
      ['pipedrive', false, null, '/api/v1/users/me'],
      ['zohocrm', false, null, '/crm/v8/users?type=CurrentUser'],
      ['hubspot', false, null, '/account-info/v3/details'],
      ['salesforce', false, null, '/services/oauth2/userinfo'],
      ['flowlu', false, null, '/crm/lead/list'],
      ['virtuous', false, null, '/Contact/1'],
    ]);
    assert.ok(json.providers.every((p) => typeof p.label === 'string' && p.expiresAt === null && p.hasRefreshToken === false));
  });

  for (const [provider, { mePath, lifetime }] of Object.entries(OAUTH)) {
    it(`${provider}: connect → consent → callback → API as Alice → status → refresh → logout`, { timeout: 20000 }, async () => {
      const b = browser();
      const done = await connect(b, provider);
      assert.equal(done.status, 302);
      assert.equal(done.location, `/?connected=${provider}`);
      assert.ok(!b.jar.has('crm_auth_state'), 'state cookie cleared');
      const sid = b.setCookies.find((c) => c.startsWith('crm_demo_sid='));
      assert.match(sid, /; HttpOnly/);
      assert.match(sid, /; SameSite=Lax/);
      assert.doesNotMatch(sid, /Secure/, 'plain http on loopback: no Secure');

      const me = await b.go(`/api/${provider}${mePath}`);
      assert.equal(me.status, 200, me.text);
      assert.match(me.text, /Alice Example|alice@example\.com|"Alice"/);

      const s1 = await statusOf(b, provider);
      assert.equal(s1.connected, true);
      assert.equal(s1.method, 'oauth');
      assert.equal(s1.hasRefreshToken, true);
      if (lifetime === null) assert.equal(s1.expiresAt, null, 'no expiry');
      else assert.ok(s1.expiresAt > Date.now() + (lifetime - 600) * 1000, `expiresAt ${s1.expiresAt}`);

      const before = (await counts())[provider].refresh_token;
      const r = await b.go(`/refresh/${provider}`, { method: 'POST' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.name, provider);
      assert.equal(r.json.connected, true);
      if (lifetime !== null) assert.ok(r.json.expiresAt > s1.expiresAt, `${r.json.expiresAt} > ${s1.expiresAt}`);
      assert.equal((await counts())[provider].refresh_token - before, 1);
      assert.equal((await statusOf(b, provider)).expiresAt, r.json.expiresAt);
      // The refreshed (rotated) tokens work.
      assert.equal((await b.go(`/api/${provider}${mePath}`)).status, 200);

      const out = await b.go(`/logout/${provider}`, { method: 'POST' });
      assert.deepEqual(out.json, { ok: true });
      const s2 = await statusOf(b, provider);
      assert.equal(s2.connected, false);
      assert.equal(s2.method, null);
      assert.equal((await b.go(`/api/${provider}${mePath}`)).status, 401);
      // Nothing the page saw carries a token.
      assert.ok(!b.setCookies.some((c) => /access|refresh/i.test(c)));
    });
  }

  it('a tampered or missing state cookie → /?error=state_mismatch, nothing stored', { timeout: 20000 }, async () => {
    const b = browser();
    const start = await b.go('/connect/flextell');
    const back = await approve(start.location);
    const sealed = b.jar.get('crm_auth_state');
    const i = Math.floor(sealed.length / 2);
    b.jar.set('crm_auth_state', sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1));
    const r = await b.go(back);
    assert.equal(r.status, 302);
    assert.equal(r.location, '/?error=state_mismatch&provider=flextell');
    assert.equal((await statusOf(b, 'flextell')).connected, false);

    const c = browser();
    const again = await c.go('/connect/flexie');
    const url = await approve(again.location);
    c.jar.delete('crm_auth_state');
    const r2 = await c.go(url);
    assert.equal(r2.location, '/?error=state_mismatch&provider=flexie');

    // A denied consent comes back as an error code too.
    const d = browser();
    const denied = await approve((await d.go('/connect/agilecrm')).location, 'deny');
    const r3 = await d.go(denied);
    assert.equal(r3.location, '/?error=authorization_denied&provider=agilecrm');
  });

  it('flowlu and virtuous by API key: stored server-side, API as Alice, logout', async () => {
    const b = browser();
    for (const [provider, mePath] of [['flowlu', '/crm/lead/list'], ['virtuous', '/Contact/1']]) {
      const r = await b.go(`/connect/${provider}`, { method: 'POST', form: { mode: 'apikey', apiKey: 'test-api-key' } });
      assert.equal(r.status, 302);
      assert.equal(r.location, `/?connected=${provider}`);
      const s = await statusOf(b, provider);
      assert.deepEqual([s.connected, s.method, s.expiresAt, s.hasRefreshToken], [true, 'apikey', null, false]);
      const me = await b.go(`/api/${provider}${mePath}`);
      assert.equal(me.status, 200, me.text);
      assert.match(me.text, /Alice Example/);
      assert.equal((await b.go(`/refresh/${provider}`, { method: 'POST' })).json.error, 'unsupported');
      assert.deepEqual((await b.go(`/logout/${provider}`, { method: 'POST' })).json, { ok: true });
      assert.equal((await statusOf(b, provider)).connected, false);
    }
    const status = await b.go('/status');
    assert.doesNotMatch(status.text, /test-api-key/);
    const bad = await b.go('/connect/flowlu', { method: 'POST', form: { mode: 'apikey', apiKey: '' } });
    assert.equal(bad.location, '/?error=invalid_argument&provider=flowlu');
  });

  it('flowlu and virtuous by password (virtuous: refresh; two-factor via /?otp=virtuous)', { timeout: 20000 }, async () => {
    const b = browser();
    const login = { mode: 'password', username: 'alice', password: 'wonderland' };
    for (const provider of ['flowlu', 'virtuous']) {
      const r = await b.go(`/connect/${provider}`, { method: 'POST', form: login });
      assert.equal(r.location, `/?connected=${provider}`);
    }
    const flowlu = await statusOf(b, 'flowlu');
    assert.deepEqual([flowlu.connected, flowlu.method, flowlu.expiresAt, flowlu.hasRefreshToken], [true, 'password', null, false]);
    assert.match((await b.go('/api/flowlu/crm/lead/list')).text, /Alice Example/);

    const virtuous = await statusOf(b, 'virtuous');
    assert.deepEqual([virtuous.connected, virtuous.method, virtuous.hasRefreshToken], [true, 'password', true]);
    assert.ok(virtuous.expiresAt > Date.now());
    assert.match((await b.go('/api/virtuous/Contact/1')).text, /Alice Example/);
    const before = (await counts()).virtuous.refresh_token;
    const refreshed = await b.go('/refresh/virtuous', { method: 'POST' });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.ok(refreshed.json.expiresAt > virtuous.expiresAt);
    assert.equal((await counts()).virtuous.refresh_token - before, 1);

    const wrong = await b.go('/connect/flowlu', { method: 'POST', form: { ...login, password: 'nope' } });
    assert.equal(wrong.location, '/?error=oauth_error&provider=flowlu');

    // Two-factor: first the OTP prompt, then the same form with the code.
    const c = browser();
    const bob = { mode: 'password', username: 'bob', password: 'builder' };
    assert.equal((await c.go('/connect/virtuous', { method: 'POST', form: bob })).location, '/?otp=virtuous');
    assert.equal((await statusOf(c, 'virtuous')).connected, false);
    assert.equal((await c.go('/connect/virtuous', { method: 'POST', form: { ...bob, otp: '000000' } })).location,
      '/?error=oauth_error&provider=virtuous');
    assert.equal((await c.go('/connect/virtuous', { method: 'POST', form: { ...bob, otp: '123456' } })).location,
      '/?connected=virtuous');
    assert.equal((await statusOf(c, 'virtuous')).method, 'password');
    assert.match((await c.go('/api/virtuous/Contact/2')).text, /Bob Builder/);
    // Sessions are per browser: Alice's are not Bob's.
    assert.equal((await statusOf(c, 'flowlu')).connected, false);
  });

  it('refuses cross-site POSTs and paths outside the API base', async () => {
    const b = browser();
    const r = await b.go('/logout/flextell', { method: 'POST', headers: { origin: 'https://evil.example' } });
    assert.equal(r.status, 403);
    assert.equal((await b.go('/connect/flowlu', { method: 'POST', headers: { origin: 'https://evil.example' }, form: { mode: 'apikey', apiKey: 'k' } })).status, 403);
    await b.go('/connect/virtuous', { method: 'POST', form: { mode: 'apikey', apiKey: 'test-api-key' } });
    // URL parsers fold dot segments (also %2e) before the Worker sees them: out of /api/.
    assert.equal((await b.go('/api/virtuous/%2e%2e/Token')).status, 404);
    assert.equal((await b.go('/api/virtuous/Contact//1')).status, 400);
    // A leading slash too many is the same call (the page joins `/api/${name}/` + mePath).
    assert.match((await b.go('/api/virtuous//Contact/1')).text, /Alice Example/);
  });
});
