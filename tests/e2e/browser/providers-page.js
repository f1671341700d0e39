// Runs the shared provider table (tests/e2e/cases/providers.js) in the page, with the PACKED
// package imported through the import map ("crm-auth" -> the package's browser export).
// The Node test drives it: window.runCase(name) resolves to { name, ok, ms, error? }.
// Consent is the user's part, not the package's: the page asks Node to approve (playwright
// exposeFunction `__crmApprove`); everything crm-auth does runs here, over CORS to the simulator.
import * as crm from 'crm-auth';
import { casesFor, runCase, webCryptoOracle } from '/cases/providers.js';

const cfg = JSON.parse(document.getElementById('config').textContent);
const env = {
  runtime: 'browser',
  simUrl: cfg.simUrl,
  origins: cfg.origins,
  approve: (url) => window.__crmApprove(url),
  ...webCryptoOracle,
};

window.providerCases = () => casesFor('browser');
window.runCase = (name) => runCase(name, crm, env);
window.crmExports = Object.keys(crm).sort();
document.body.dataset.state = 'ready';
