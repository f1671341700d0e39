// Runs the shared Session table (tests/e2e/cases/session.js) in the page, with the PACKED
// package imported through the import map ("crm-auth" -> the package's browser export).
// The Node test drives it: window.runSessionCase(name, phase, state) resolves to
// { name, phase, ok, ms, state?, error? }. Consent is the user's part: the page asks Node to
// approve (playwright exposeFunction `__crmApprove`); everything crm-auth does runs here.
// The store that outlives a restart is WebStorageStore(sessionStorage): the test reloads the
// page between a case's "run" and "restart" phases. Every other case uses a MemoryStore.
import * as crm from 'crm-auth';
import { casesFor, hasRestart, runCase } from '/cases/session.js';

const cfg = JSON.parse(document.getElementById('config').textContent);
const env = {
  runtime: 'browser',
  simUrl: cfg.simUrl,
  origins: cfg.origins,
  approve: (url) => window.__crmApprove(url),
  restartableStore: (c) => new c.WebStorageStore(sessionStorage),
};

window.sessionCases = () => casesFor('browser').map((name) => ({ name, restart: hasRestart(name) }));
window.runSessionCase = (name, phase, state) => runCase(name, crm, env, { phase, state });
window.crmExports = Object.keys(crm).sort();
window.pageLoadId = crypto.randomUUID(); // changes on every load: the test checks the reload happened
document.body.dataset.state = 'ready';
