// A Worker that runs the shared Session table (tests/e2e/cases/session.js) inside its fetch
// handler, with the PACKED package's workerd entry. session.workerd.test.js copies this file,
// the table (as session-cases.js) and the provider table it imports (providers.js) into the
// consumer project and rewrites the "crm-auth" import to the package's workerd export.
//   GET  /cases                          -> [{ name, restart }] (the cases meant for workerd)
//   POST /run?case=<name>&phase=<phase>  body: the "run" phase's state (restart phase only)
//                                        -> { name, phase, ok, ms, state?, error? }
// Stores are MemoryStores. The one that outlives a "restart" lives at module scope, so the
// restart phase (a second request, a new provider and Session) finds it like a later
// invocation in the same isolate would.
// workerd forbids random values at global scope: providers are only built inside handlers.
import * as crm from 'crm-auth';
import { casesFor, hasRestart, runCase, fetchApprove } from './session-cases.js';

const restartable = new Map(); // case name -> MemoryStore
const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/cases') return json(casesFor('workerd').map((name) => ({ name, restart: hasRestart(name) })));
    if (url.pathname === '/run' && request.method === 'POST') {
      const name = url.searchParams.get('case') ?? '';
      const phase = url.searchParams.get('phase') ?? 'run';
      const state = await request.json();
      if (phase === 'run') restartable.delete(name);
      const caseEnv = {
        runtime: 'workerd',
        simUrl: env.SIM_URL,
        origins: JSON.parse(env.ORIGINS),
        approve: fetchApprove, // the consent POST, from inside the Worker (redirect: 'manual')
        restartableStore: (c) => {
          if (!restartable.has(name)) restartable.set(name, new c.MemoryStore());
          return restartable.get(name);
        },
      };
      return json(await runCase(name, crm, caseEnv, { phase, state }));
    }
    return json({ error: 'not_found' }, 404);
  },
};
