// The packed crm-auth package in headless Chromium (playwright-core + Debian's chromium):
// a plain-ESM page with an import map pointing "crm-auth" at the package's `browser` export.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './helpers/chromium.js';
import { loadPackage, packageJson } from './helpers/pkg.js';
import { startSim } from './helpers/sim.js';
import { startStatic } from './helpers/static.js';
import { withTimeout } from './helpers/util.js';

const { Flextell, CrmAuthError } = await loadPackage();

const T = { timeout: 30000 };
const CLIENT_ID = 'test-client';
const CLIENT_SECRET = 'test-secret';
const PUBLIC_ID = 'public-client';
const SCOPES = ['contacts.read', 'users.read'];

let sim, web, browser, closeBrowser;
const consoleErrors = [];

before(async () => {
  sim = await withTimeout(startSim(), 5000, 'startSim');
  web = await startStatic({
    config: { flextellOrigin: sim.flextellOrigin, oauth2: sim.oauth2, clientId: CLIENT_ID, publicClientId: PUBLIC_ID, scopes: SCOPES },
    // The backend: holds the secret, exchanges the code with the packed package in Node.
    async exchange({ code, codeVerifier }) {
      try {
        const p = new Flextell({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${web.url}/callback`, origin: sim.flextellOrigin, timeoutMs: 5000 });
        const tokens = await p.exchangeCode(code, { codeVerifier });
        const r = await fetch(p.authorize(new Request(`${sim.flextellOrigin}/api/v1/users/me`), tokens), { signal: AbortSignal.timeout(5000) });
        return { ok: true, tokenType: tokens.tokenType, expiresAt: tokens.expiresAt, hasRefresh: typeof tokens.refreshToken === 'string', apiStatus: r.status, me: await r.json() };
      } catch (e) {
        return { ok: false, code: e && e.code, message: String(e && e.message) };
      }
    },
  });
  const redirectUris = [`${web.url}/callback`];
  await sim.addClient({ provider: 'flextell', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris });
  // Flextell documents confidential clients only: the public client logs in to the OAuth2 profile.
  await sim.addClient({ provider: 'oauth2', clientId: PUBLIC_ID, redirectUris });
  ({ context: browser, close: closeBrowser } = await launchChromium('chromium'));
});

after(async () => {
  await closeBrowser?.();
  await web?.close();
  await sim?.close();
});

async function newPage() {
  const page = await browser.newPage();
  page.setDefaultTimeout(10000);
  page.setDefaultNavigationTimeout(10000);
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: pageerror ${e.message}`));
  return page;
}

async function openApp(page) {
  await page.goto(`${web.url}/`);
  await page.waitForSelector('body[data-state="ready"], body[data-state="done"]');
  const state = await page.getAttribute('body', 'data-state');
  if (state === 'done') assert.fail(`page failed to start: ${await page.textContent('#result')}`);
}

async function loginThroughConsent(page, mode) {
  await openApp(page);
  const authorizeUrl = await page.evaluate((m) => window.startLogin(m), mode);
  const u = new URL(authorizeUrl);
  assert.equal(u.origin + u.pathname, mode === 'public' ? sim.oauth2.authorizationEndpoint : `${sim.flextellOrigin}/oauth/authorize`);
  assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(!u.searchParams.has('client_secret'));
  await page.waitForSelector('#approve');
  assert.match(await page.title(), /Authorize/);
  await page.click('#approve');
  await page.waitForSelector('body[data-state="done"]');
  return JSON.parse(await page.textContent('#result'));
}

describe('browser (Chromium, packed package via import map)', () => {
  it('the page loads the package through the browser export', T, async () => {
    const pj = packageJson();
    assert.ok(pj.exports['.'].browser, 'package exports a browser condition');
    const page = await newPage();
    try {
      await openApp(page);
      const info = await page.evaluate(() => ({
        names: Object.keys(window.crmAuth),
        isNode: typeof process !== 'undefined',
        origin: location.origin,
      }));
      assert.deepEqual(info.names.sort(), ['CrmAuthError', 'Flextell', 'OAuth2', 'TokenSet', 'cfg'].sort());
      assert.equal(info.isNode, false);
    } finally { await page.close(); }
  });

  it('login: page builds the URL (no secret), user approves, backend exchanges the code', T, async () => {
    const page = await newPage();
    try {
      const t0 = Date.now();
      const result = await loginThroughConsent(page, 'server');
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.mode, 'server');
      assert.equal(result.tokenType, 'Bearer');
      assert.equal(result.hasRefresh, true);
      assert.ok(Math.abs(result.expiresAt - (t0 + 3600_000)) < 20_000);
      assert.equal(result.apiStatus, 200);
      assert.equal(result.me.name, 'Alice Example');
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'login state is cleared from sessionStorage');
    } finally { await page.close(); }
  });

  it('public client (OAuth2): PKCE exchange, API call and refresh straight from the browser (CORS)', T, async () => {
    const page = await newPage();
    try {
      const result = await loginThroughConsent(page, 'public');
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.mode, 'public');
      assert.equal(result.tokenType, 'Bearer');
      assert.equal(result.apiStatus, 200);
      assert.equal(result.me.email, 'alice@example.com');
      assert.equal(result.redacted, true, 'TokenSet JSON/String must be redacted in the browser too');
      assert.equal(result.refreshed, true);
    } finally { await page.close(); }
  });

  it('a clientSecret in a browser page is secret_in_browser unless dangerouslyAllowBrowser', T, async () => {
    const page = await newPage();
    try {
      await openApp(page);
      const r = await page.evaluate(() => {
        const { Flextell, OAuth2, CrmAuthError, cfg } = window.crmAuth;
        const base = { clientId: 'x', clientSecret: 'super-secret-value', redirectUri: `${cfg.base}/callback`, origin: cfg.flextellOrigin };
        const attempt = (fn) => {
          try { const v = fn(); return { threw: false, url: typeof v === 'string' ? v : null }; } catch (e) {
            return { threw: true, code: e.code, provider: e.provider, isCrm: e instanceof CrmAuthError, isError: e instanceof Error, leaks: String(e.message).includes('super-secret-value') || JSON.stringify(e).includes('super-secret-value') };
          }
        };
        return {
          flextell: attempt(() => new Flextell(base).createAuthorizationRequest({ scopes: ['read'] }).url),
          oauth2: attempt(() => new OAuth2({ authorizationEndpoint: `${cfg.flextellOrigin}/oauth/authorize`, tokenEndpoint: `${cfg.flextellOrigin}/oauth/token`, clientId: 'x', clientSecret: 'super-secret-value', redirectUri: `${cfg.base}/callback` }).createAuthorizationRequest({}).url),
          allowed: attempt(() => new Flextell({ ...base, dangerouslyAllowBrowser: true }).createAuthorizationRequest({ scopes: ['read'] }).url),
          noSecret: attempt(() => new Flextell({ ...base, clientSecret: undefined }).createAuthorizationRequest({ scopes: ['read'] }).url),
        };
      });
      for (const k of ['flextell', 'oauth2']) {
        assert.equal(r[k].threw, true, `${k}: a secret in the browser must be refused`);
        assert.equal(r[k].code, 'secret_in_browser', JSON.stringify(r[k]));
        assert.equal(r[k].isCrm, true);
        assert.equal(r[k].isError, true);
        assert.ok(r[k].provider);
        assert.equal(r[k].leaks, false);
      }
      assert.equal(r.allowed.threw, false, JSON.stringify(r.allowed));
      assert.ok(r.allowed.url.startsWith(`${sim.flextellOrigin}/oauth/authorize?`));
      assert.equal(r.noSecret.threw, false);
    } finally { await page.close(); }
  });

  it('callback errors are CrmAuthError in the browser', T, async () => {
    const page = await newPage();
    try {
      await openApp(page);
      const r = await page.evaluate(() => {
        const { Flextell, TokenSet, CrmAuthError, cfg } = window.crmAuth;
        const p = new Flextell({ clientId: 'x', redirectUri: `${cfg.base}/callback`, origin: cfg.flextellOrigin });
        const code = (fn) => { try { fn(); return 'no error'; } catch (e) { return e instanceof CrmAuthError ? e.code : `not a CrmAuthError: ${e}`; } };
        return {
          mismatch: code(() => p.parseCallback(`${cfg.base}/callback?code=a&state=B`, { state: 'A' })),
          repeated: code(() => p.parseCallback(`${cfg.base}/callback?code=a&state=A&state=A`, { state: 'A' })),
          denied: code(() => p.parseCallback(`${cfg.base}/callback?error=access_denied&state=A`, { state: 'A' })),
          garbage: code(() => TokenSet.deserialize('garbage')),
        };
      });
      assert.deepEqual(r, { mismatch: 'state_mismatch', repeated: 'invalid_callback', denied: 'authorization_denied', garbage: 'invalid_argument' });
    } finally { await page.close(); }
  });

  it('no console errors or uncaught exceptions', T, () => {
    assert.deepEqual(consoleErrors, []);
  });
});
