// The Session table (tests/e2e/cases/session.js), run INSIDE headless Chromium by
// browser/session-page.js with the PACKED package (import map -> the `browser` export) against
// the simulator over CORS. Same table as Node and workerd.
// Stores: MemoryStore, except the rotation/restart case, which uses
// WebStorageStore(sessionStorage) and a page RELOAD as the restart between its two phases.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './helpers/chromium.js';
import { startSimulator } from '../../www/simulator/index.js';
import { approve } from './helpers/sim.js';
import { startStatic } from './helpers/static.js';
import { withTimeout } from './helpers/util.js';
import { CASES, casesFor, hasRestart } from './cases/session.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const NAMES = casesFor('browser');

let sim, web, browser, page, closeBrowser;
const consoleErrors = [];

async function load() {
  await page.goto(`${web.url}/session`);
  await page.waitForSelector('body[data-state="ready"]');
}

before(async () => {
  sim = await withTimeout(startSimulator({ port: 0, host: '127.0.0.1' }), 5000, 'startSimulator');
  web = await startStatic({
    config: { simUrl: sim.url, origins: sim.origins },
    routes: {
      '/session': here('./browser/session.html'),
      '/session-page.js': here('./browser/session-page.js'),
      '/cases/session.js': here('./cases/session.js'),
      '/cases/providers.js': here('./cases/providers.js'),
    },
  });
  ({ context: browser, close: closeBrowser } = await launchChromium('chromium-session'));
  await browser.exposeFunction('__crmApprove', (url) => withTimeout(approve(url), 5000, 'approve'));
  page = browser.pages()[0] ?? await browser.newPage();
  page.setDefaultTimeout(10000);
  page.on('console', (m) => {
    // Chromium logs every 4xx/5xx answer as "Failed to load resource"; the cases provoke such
    // answers on purpose (401, 429, 400 invalid_grant, the 500 of the transient-failure case).
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of [45]\d\d/.test(m.text()))
      consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror ${e.message}`));
  await load();
});

after(async () => {
  await closeBrowser?.();
  await web?.close();
  await sim?.close();
});

const run = (name, phase, state) =>
  withTimeout(page.evaluate(([n, p, s]) => window.runSessionCase(n, p, s), [name, phase, state]), 25_000, `page case ${name} (${phase})`);

describe('Session table (Chromium, packed package)', () => {
  it('the page runs the same table, every case', async () => {
    assert.deepEqual(await page.evaluate(() => window.sessionCases()), NAMES.map((name) => ({ name, restart: hasRestart(name) })));
    assert.equal(NAMES.length, CASES.length, 'every case runs in the browser (public clients, no secret)');
    assert.ok(NAMES.some(hasRestart), 'a case restarts from the store');
    const exports = await page.evaluate(() => window.crmExports);
    for (const n of ['Session', 'MemoryStore', 'WebStorageStore', 'TokenSet', 'CrmAuthError'])
      assert.ok(exports.includes(n), `browser export ${n}`);
  });

  for (const name of NAMES) {
    it(name, { timeout: 60_000 }, async () => {
      const r = await run(name, 'run', null);
      if (!r.ok) assert.fail(r.error);
      if (!hasRestart(name)) return;
      // The restart: reload the page. Memory is gone; sessionStorage survives.
      const id = await page.evaluate(() => window.pageLoadId);
      assert.ok(await page.evaluate(() => sessionStorage.length) > 0, 'sessionStorage holds the tokens before the reload');
      await page.reload();
      await page.waitForSelector('body[data-state="ready"]');
      assert.notEqual(await page.evaluate(() => window.pageLoadId), id, 'the page was reloaded');
      const again = await run(name, 'restart', r.state);
      if (!again.ok) assert.fail(again.error);
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the case cleaned sessionStorage up');
    });
  }

  it('no console errors or uncaught exceptions (CORS, CSP, wasm)', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
