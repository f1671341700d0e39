// The browser demo end to end: www/demo/start.js (simulator + demo Worker in workerd with the
// repo's pkg/) driven by headless Chromium. For every provider: connect (consent page,
// API key or password + one-time code) → the card shows the simulator's user → the expiry
// counts down → Refresh (counted by the simulator) → Log out. Also the pure-browser mode
// (the generic OAuth2 provider as a public client of the simulator's `oauth2` server, PKCE,
// sessionStorage: Flextell documents confidential clients only). Any console error or page
// error fails the test.
// Screenshots go to .tmp/screenshots/<provider>.png; UPDATE_DEMO_SCREENSHOT=1 also writes
// docs/demo.png (the README's picture).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './helpers/chromium.js';
import { withTimeout } from './helpers/util.js';
import { startDemo } from '../../www/demo/start.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = path.join(ROOT, '.tmp', 'screenshots');
const STEP = 8000;

let demo, browser, page;
const problems = [];
// Console errors a step expects (a resource path the page fetches and gets a 4xx for).
const expectedFailures = new Set();

async function counts(provider) {
  const r = await fetch(`${demo.sim.url}/__sim/counts`, { signal: AbortSignal.timeout(5000) });
  return (await r.json())[provider];
}

const card = (p) => page.locator(`#card-${p}`);

async function open() {
  await page.goto(demo.url, { timeout: STEP });
  await page.locator('#providers article').first().waitFor({ timeout: STEP });
}

async function expectConnected(p, name) {
  await card(p).locator('[data-role=name]').waitFor({ timeout: STEP });
  assert.equal(await card(p).locator('[data-role=name]').textContent(), name, `${p}: who am I`);
  assert.equal(await card(p).locator('[data-role=state]').textContent(), 'Connected');
  return (await card(p).locator('[data-role=expiry]').textContent()).trim();
}

async function refreshAndCheck(p, expiry = /^\d\d:\d\d$/) {
  const before = (await counts(p)).refresh_token;
  await card(p).locator('[data-role=refresh]').click();
  await card(p).locator('[data-role=note] >> text=Refreshed').waitFor({ timeout: STEP });
  assert.equal((await counts(p)).refresh_token, before + 1, `${p}: one refresh_token grant`);
  assert.match(await card(p).locator('[data-role=expiry]').textContent(), expiry);
}

async function logoutAndCheck(p) {
  await card(p).locator('[data-role=logout]').click();
  await card(p).locator('.badge.off').waitFor({ timeout: STEP });
  assert.equal(await card(p).locator('[data-role=state]').textContent(), 'Not connected');
  const status = await page.evaluate(async () => (await (await fetch('/status')).json()).providers);
  assert.equal(status.find((s) => s.name === p).connected, false, `${p}: /status after logout`);
}

const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

async function noTokensOnPage() {
  const html = await page.content();
  assert.doesNotMatch(html, /test-secret|access_token|refresh_token/i, 'the page never shows tokens or secrets');
}

describe('browser demo (www/demo/start.js, Chromium)', () => {
  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    demo = await withTimeout(startDemo(), 30000, 'startDemo');
    browser = await launchChromium('demo');
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 900, height: 900 });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const at = m.location()?.url ?? '';
      if (at && expectedFailures.has(new URL(at).pathname) && /status of 404/.test(m.text())) return;
      problems.push(`console.error on ${page.url()}: ${m.text()} ${at}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  // Token lifetimes: an hour, HubSpot's 30 minutes, Salesforce's unknown expiry (no expires_in).
  const HOUR = /^(59:\d\d|60:00)$/;
  for (const [p, label, lifetime, afterRefresh] of [
    ['flextell', 'Flextell', HOUR], ['flexie', 'Flexie CRM', HOUR], ['agilecrm', 'Agile CRM', HOUR],
    ['pipedrive', 'Pipedrive', HOUR], ['zohocrm', 'Zoho CRM', HOUR],
    ['hubspot', 'HubSpot', /^(29:\d\d|30:00)$/], ['salesforce', 'Salesforce', /^no expiry$/, /^no expiry$/],
  ]) {
    it(`${label}: connect → consent → who am I → refresh → logout`, async () => {
      await open();
      const connect = card(p).locator('[data-role=connect]');
      assert.equal(await connect.getAttribute('href'), `/connect/${p}`);
      await connect.click();
      await page.waitForURL((u) => u.href.startsWith(demo.sim.origins[p]), { timeout: STEP });
      await page.locator('#approve').click();
      await page.waitForURL((u) => u.href.startsWith(demo.url), { timeout: STEP });
      const expiry = await expectConnected(p, 'Alice Example');
      assert.match(expiry, lifetime, `${p}: the token's lifetime counts down (${expiry})`);
      assert.equal(new URL(page.url()).search, '', 'the ?connected= flag is cleaned from the address bar');
      await refreshAndCheck(p, afterRefresh);
      await noTokensOnPage();
      await shot(p);
      await logoutAndCheck(p);
    });
  }

  it('a denied consent shows the error in the card', async () => {
    await open();
    await card('flextell').locator('[data-role=connect]').click();
    await page.waitForURL((u) => u.href.startsWith(demo.sim.origins.flextell), { timeout: STEP });
    await page.locator('#deny').click();
    await card('flextell').locator('[data-role=error]').waitFor({ timeout: STEP });
    assert.match(await card('flextell').locator('[data-role=error]').textContent(), /denied/);
  });

  it('Flowlu: API key form → who am I (no expiry) → logout', async () => {
    await open();
    const c = card('flowlu');
    await c.getByRole('radio', { name: 'API key' }).check();
    await c.locator('#flowlu-apiKey').fill('test-api-key');
    await c.locator('button[type=submit]').click();
    assert.equal(await expectConnected('flowlu', 'Alice Example'), 'no expiry');
    assert.equal(await c.locator('[data-role=refresh]').isDisabled(), true, 'an API key has nothing to refresh');
    await noTokensOnPage();
    await shot('flowlu');
    await logoutAndCheck('flowlu');
  });

  it('Virtuous: password → one-time code → connected → refresh → logout', async () => {
    await open();
    const c = card('virtuous');
    await c.getByRole('radio', { name: 'Username & password' }).check();
    await c.locator('#virtuous-username').fill('bob');
    await c.locator('#virtuous-password').fill('builder');
    // Bob (the simulator's two-factor user) is contact 2; the Worker's "who am I" for Virtuous
    // is /Contact/1, which the simulator answers 404 for anyone else: the card says so.
    expectedFailures.add('/api/virtuous/Contact/1');
    await c.locator('button[type=submit]').click();
    const otp = c.locator('#virtuous-otp');
    await otp.waitFor({ state: 'visible', timeout: STEP });
    assert.match(await c.locator('[role=status]').textContent(), /verification code/i);
    await otp.fill('123456');
    await c.locator('button[type=submit]').click();
    await c.locator('[data-role=who] [data-role=error]').waitFor({ timeout: STEP });
    assert.match(await c.locator('[data-role=who]').textContent(), /404: Contact not found/);
    assert.match(await c.locator('[data-role=expiry]').textContent(), /^(59:\d\d|60:00)$/);
    await refreshAndCheck('virtuous');
    await noTokensOnPage();
    await shot('virtuous-otp');
    await logoutAndCheck('virtuous');
    expectedFailures.clear();

    // Alice has no second factor and is contact 1.
    await c.getByRole('radio', { name: 'Username & password' }).check();
    await c.locator('#virtuous-username').fill('alice');
    await c.locator('#virtuous-password').fill('wonderland');
    await c.locator('button[type=submit]').click();
    assert.match(await expectConnected('virtuous', 'Alice Example'), /^(59:\d\d|60:00)$/);
    await refreshAndCheck('virtuous');
    await shot('virtuous');
    await logoutAndCheck('virtuous');
  });

  it('pure browser mode: generic OAuth2 public client + PKCE, tokens in sessionStorage', async () => {
    await open();
    const pure = page.locator('#pure');
    assert.match(await pure.locator('h3').textContent(), /generic OAuth2.*public client/);
    assert.match(await page.locator('#pure-section .lead').textContent(), /Flextell documents confidential clients only/);
    const flextellAuthorize = (await counts('flextell')).authorize;
    await pure.locator('[data-role=connect]').click();
    await page.waitForURL((u) => u.href.startsWith(`${demo.sim.origins.oauth2}/authorize`), { timeout: STEP });
    const authorize = new URL(page.url()).searchParams;
    assert.deepEqual(
      [authorize.get('client_id'), authorize.get('code_challenge_method'), authorize.has('client_secret')],
      ['public-client', 'S256', false],
    );
    await page.locator('#approve').click();
    await page.waitForURL((u) => u.href.startsWith(demo.url), { timeout: STEP });
    await pure.locator('[data-role=name]').waitFor({ timeout: STEP });
    assert.equal(await pure.locator('[data-role=name]').textContent(), 'Alice Example');
    assert.match(await pure.locator('[data-role=expiry]').textContent(), /^\d\d:\d\d$/);
    const stored = await page.evaluate(() => sessionStorage.getItem('crm-auth-demo:oauth2'));
    assert.ok(stored, 'tokens are in sessionStorage');
    const before = (await counts('oauth2')).refresh_token;
    await pure.locator('[data-role=refresh]').click();
    await pure.locator('[data-role=note] >> text=Refreshed').waitFor({ timeout: STEP });
    assert.equal((await counts('oauth2')).refresh_token, before + 1);
    assert.equal((await counts('flextell')).authorize, flextellAuthorize, 'Flextell is never used as a public client');
    await shot('browser');
    await pure.locator('[data-role=logout]').click();
    await pure.locator('.badge.off').waitFor({ timeout: STEP });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('crm-auth-demo:oauth2')), null);
  });

  it('the whole page with two providers connected (docs/demo.png)', async () => {
    await open();
    await card('flextell').locator('[data-role=connect]').click();
    await page.locator('#approve').click({ timeout: STEP });
    await expectConnected('flextell', 'Alice Example');
    const c = card('virtuous');
    await c.getByRole('radio', { name: 'Username & password' }).check();
    await c.locator('#virtuous-username').fill('alice');
    await c.locator('#virtuous-password').fill('wonderland');
    await c.locator('button[type=submit]').click();
    await expectConnected('virtuous', 'Alice Example');
    await page.mouse.move(0, 0); // no hover state in the picture
    await shot('demo');
    if (process.env.UPDATE_DEMO_SCREENSHOT === '1') {
      fs.copyFileSync(path.join(SHOTS, 'demo.png'), path.join(ROOT, 'docs', 'demo.png'));
    }
  });

  it('no console errors and no page errors', () => {
    assert.deepEqual(problems, []);
  });
});
