// The browser demo in one process: the provider simulator, the demo Worker
// (www/worker/worker.js) in workerd via miniflare with the repo's pkg/ as "crm-auth",
// and, on the same origin under /crm-auth/, crm-auth's browser build for the page's
// pure-browser mode (the generic OAuth2 provider as a public client of the simulator's
// `oauth2` server: Flextell documents confidential clients only). Everything listens on 127.0.0.1.
//
//   node www/demo/start.js [--port 8787]      (bash scripts/demo.sh builds pkg/ first)
//
// `startDemo()` is also what tests/e2e/demo.browser.test.js runs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Miniflare } from 'miniflare';
import { startSimulator } from '../simulator/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = path.join(ROOT, 'www', 'worker', 'worker.js');
const PKG = path.join(ROOT, 'pkg');
const OAUTH = ['flextell', 'flexie', 'agilecrm', 'pipedrive', 'zohocrm', 'hubspot', 'salesforce'];

/** A free loopback port (bind 0, read it, close). */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** 48 random characters from [A-Za-z0-9_-]: the Worker's SEAL_KEY for this run. */
const randomKey = () => crypto.randomBytes(36).toString('base64url');

async function simControl(sim, p, body) {
  const r = await fetch(sim.url + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  if (!r.ok) throw new Error(`simulator ${p} -> ${r.status}: ${await r.text()}`);
}

// Serves pkg/browser.js + its wasm and the pure-browser mode's config under /crm-auth/.
const ASSETS_WORKER = `
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
    if (pathname === '/crm-auth/browser.js')
      return new Response(env.BROWSER_JS, { headers: { ...headers, 'content-type': 'text/javascript; charset=utf-8' } });
    if (pathname === '/crm-auth/crm_auth_bg.wasm')
      return new Response(env.WASM, { headers: { ...headers, 'content-type': 'application/wasm' } });
    if (pathname === '/crm-auth/demo-config.json')
      return new Response(env.CONFIG, { headers: { ...headers, 'content-type': 'application/json' } });
    return new Response('not found', { status: 404, headers });
  },
};`;

/**
 * Starts the simulator and the Worker. Resolves to `{ url, sim, mf, close }`; `url` is the
 * page (http://127.0.0.1:<port>), `sim.url` the simulator's control origin.
 */
export async function startDemo({ port = 0, host = '127.0.0.1', log = false } = {}) {
  for (const f of ['workerd.js', 'browser.js', 'crm_auth_bg.wasm']) {
    if (!fs.existsSync(path.join(PKG, f))) throw new Error(`pkg/${f} is missing: run \`bash scripts/build.sh\` first`);
  }
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', log });
  let mf;
  try {
    const actualPort = port || (await freePort(host));
    const url = `http://${host}:${actualPort}`;

    // The Worker's callback URLs, and the page itself for the pure-browser mode's public client
    // (no secret, PKCE) on the generic OAuth 2.0 server.
    for (const provider of OAUTH) {
      await simControl(sim, '/__sim/clients', {
        provider, clientId: 'test-client', clientSecret: 'test-secret', redirectUris: [`${url}/callback/${provider}`],
      });
    }
    await simControl(sim, '/__sim/clients', {
      provider: 'oauth2', clientId: 'public-client', redirectUris: [`${url}/`],
    });

    // The Worker imports "crm-auth": point it at the repo's pkg/workerd.js (what a bundler
    // resolving the package's "workerd" condition picks).
    const rel = path.relative(path.dirname(WORKER), path.join(PKG, 'workerd.js')).split(path.sep).join('/');
    const source = fs.readFileSync(WORKER, 'utf8');
    const script = source.replace(/from\s+(['"])crm-auth\1/g, `from '${rel}'`);
    if (script === source) throw new Error('www/worker/worker.js does not import "crm-auth"');

    const bindings = {
      REDIRECT_BASE: url,
      SEAL_KEY: randomKey(),
      FLOWLU_ORIGIN: sim.origins.flowlu,
      VIRTUOUS_ORIGIN: sim.origins.virtuous,
    };
    for (const p of OAUTH) {
      const P = p.toUpperCase();
      Object.assign(bindings, { [`${P}_CLIENT_ID`]: 'test-client', [`${P}_CLIENT_SECRET`]: 'test-secret', [`${P}_ORIGIN`]: sim.origins[p] });
    }

    mf = new Miniflare({
      host,
      port: actualPort,
      workers: [
        {
          // First worker: everything no route below claims.
          name: 'crm-auth-demo',
          modules: true,
          script,
          scriptPath: WORKER,
          modulesRoot: ROOT,
          // As in www/worker/wrangler.toml: the page files are Text modules.
          modulesRules: [
            { type: 'Text', include: ['**/*.html', '**/*.css', '**/public/*.js'] },
            { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
            { type: 'CompiledWasm', include: ['**/*.wasm'] },
          ],
          compatibilityDate: '2025-01-01',
          durableObjects: { TOKENS: 'TokenStoreObject' },
          bindings,
        },
        {
          name: 'crm-auth-assets',
          modules: true,
          script: ASSETS_WORKER,
          compatibilityDate: '2025-01-01',
          routes: [`${host}/crm-auth/*`, `localhost/crm-auth/*`],
          textBlobBindings: { BROWSER_JS: path.join(PKG, 'browser.js') },
          dataBlobBindings: { WASM: path.join(PKG, 'crm_auth_bg.wasm') },
          bindings: {
            CONFIG: JSON.stringify({
              module: '/crm-auth/browser.js',
              clientId: 'public-client',
              redirectUri: `${url}/`,
              authorizationEndpoint: `${sim.origins.oauth2}/authorize`,
              tokenEndpoint: `${sim.origins.oauth2}/token`,
              revocationEndpoint: `${sim.origins.oauth2}/revoke`,
              apiBase: sim.origins.oauth2,
            }),
          },
        },
      ],
    });
    await mf.ready;
    let closed = false;
    return {
      url,
      sim,
      mf,
      async close() {
        if (closed) return;
        closed = true;
        await mf.dispose().catch(() => {});
        await sim.close();
      },
    };
  } catch (e) {
    await mf?.dispose().catch(() => {});
    await sim.close();
    throw e;
  }
}

// ---- CLI ---------------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port');
  const wanted = Number(at >= 0 ? args[at + 1] : process.env.PORT ?? 8787);
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) throw new Error('--port must be a port number');
  let demo;
  try {
    demo = await startDemo({ port: wanted, log: args.includes('--log') });
  } catch (e) {
    if (e?.code !== 'EADDRINUSE' && !/address already in use/i.test(String(e?.message))) throw e;
    console.error(`port ${wanted} is in use; taking a free one`);
    demo = await startDemo({ port: 0, log: args.includes('--log') });
  }
  console.log(`
  crm-auth demo is running.

    Open   ${demo.url}
    Simulator (control API, /__sim/counts): ${demo.sim.url}

  Test accounts: consent pages approve as Alice; Flowlu alice / wonderland or API key
  test-api-key; Virtuous bob / builder, verification code 123456.
  Press Ctrl-C to stop.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}
