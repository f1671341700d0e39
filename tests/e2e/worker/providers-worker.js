// A Worker that runs the shared provider table (tests/e2e/cases/providers.js) inside its fetch
// handler, with the PACKED package's workerd entry. providers.workerd.test.js copies this file
// and the table into the consumer project (.tmp/consumer/providers-worker/) and rewrites the
// "crm-auth" import to the package's workerd export.
//   GET /cases            -> ["case name", ...] (the cases meant for workerd)
//   GET /run?case=<name>  -> { name, ok, ms, error? }
// workerd forbids random values at global scope: providers are only built inside handlers.
import * as crm from 'crm-auth';
import { casesFor, runCase, webCryptoOracle, fetchApprove } from './cases.js';

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/cases') return json(casesFor('workerd'));
    if (url.pathname === '/exports') return json(Object.keys(crm).sort());
    if (url.pathname === '/run') {
      const name = url.searchParams.get('case') ?? '';
      const caseEnv = {
        runtime: 'workerd',
        simUrl: env.SIM_URL,
        origins: JSON.parse(env.ORIGINS),
        approve: fetchApprove, // the consent POST, from inside the Worker (redirect: 'manual')
        ...webCryptoOracle,
      };
      return json(await runCase(name, crm, caseEnv));
    }
    return json({ error: 'not_found' }, 404);
  },
};
