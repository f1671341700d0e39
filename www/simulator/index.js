// Provider simulator: one Node HTTP server, each simulated CRM under its own path prefix
// (/flextell, /oauth2, ...), plus the /__sim control API. Node builtins only.
import { createServer } from 'node:http';
import { readBody, writeReply, json, PREFLIGHT } from './http.js';
import { createState } from './state.js';
import { control } from './control.js';
import { runWithFault } from './faults.js';
import { authorizePage, authorizeDecision, tokenEndpoint, revokeEndpoint } from './oauth.js';
import flextell from './providers/flextell.js';
import oauth2 from './providers/oauth2.js';
import flexie from './providers/flexie.js';
import agilecrm from './providers/agilecrm.js';
import flowlu from './providers/flowlu.js';
import virtuous from './providers/virtuous.js';
import pipedrive from './providers/pipedrive.js';
import zohocrm from './providers/zohocrm.js';
import hubspot from './providers/hubspot.js';
import salesforce from './providers/salesforce.js';

const PROVIDERS = { flextell, oauth2, flexie, agilecrm, flowlu, virtuous, pipedrive, zohocrm, hubspot, salesforce };

/** Route table of one provider: [{ path: string|RegExp, endpoint, handlers: { GET?, POST? } }].
 *  A provider's `api` entries have the same shape: { path, GET?, POST? }. */
function routesOf(p) {
  const routes = [];
  // `wrapAuthorize`: a provider's own checks around the authorize page and decision.
  const wrap = p.wrapAuthorize ?? ((handler) => handler);
  if (p.authorizePath) routes.push({ path: p.authorizePath, endpoint: 'authorize', handlers: { GET: wrap(authorizePage), POST: wrap(authorizeDecision) } });
  if (p.tokenPath) routes.push({ path: p.tokenPath, endpoint: 'token', handlers: { POST: tokenEndpoint } });
  if (p.revokePath) routes.push({ path: p.revokePath, endpoint: 'revoke', handlers: { POST: revokeEndpoint } });
  for (const { path, ...handlers } of p.api) routes.push({ path, endpoint: 'api', handlers });
  return routes;
}

function findRoute(routes, path) {
  for (const r of routes) {
    if (typeof r.path === 'string' ? r.path === path : r.path.test(path)) {
      return { route: r, match: typeof r.path === 'string' ? null : r.path.exec(path) };
    }
  }
  return null;
}

/** Counts key: token requests by grant_type, authorize GET vs consent POST, others by endpoint. */
function countKey(ctx) {
  if (ctx.endpoint === 'authorize') return ctx.req.method === 'GET' ? 'authorize' : 'consent';
  if (ctx.endpoint !== 'token') return ctx.endpoint;
  let grant;
  try {
    grant = ctx.req.headers['content-type']?.includes('json') ? JSON.parse(ctx.body).grant_type : new URLSearchParams(ctx.body).get('grant_type');
  } catch { /* counted as other */ }
  return ['authorization_code', 'refresh_token', 'password'].includes(grant) ? grant : 'other';
}

async function handle(sim, routing, req, res, log, origin) {
  if (req.method === 'OPTIONS') return writeReply(res, { status: 204, headers: PREFLIGHT });
  let url;
  try {
    url = new URL(req.url.startsWith('/') ? `http://sim${req.url}` : req.url);
  } catch {
    return writeReply(res, json(400, { error: 'bad_request' }));
  }
  const [, prefix = '', rest = ''] = /^\/([^/]*)(\/.*)?$/.exec(url.pathname) ?? [];
  const { text, tooLarge, aborted } = await readBody(req);
  if (aborted) return;
  if (tooLarge) return writeReply(res, json(413, { error: 'invalid_request', error_description: 'request body larger than 1 MB' }, { connection: 'close' }));
  if (log) console.log(`[sim] ${req.method} ${req.url}`);
  if (prefix === '__sim') return writeReply(res, control(sim, req, url, text));

  const found = Object.hasOwn(routing, prefix) ? findRoute(routing[prefix], rest) : null;
  if (!found) return writeReply(res, json(404, { error: 'not_found' }));
  const handler = found.route.handlers[req.method];
  if (!handler) return writeReply(res, json(405, { error: 'method_not_allowed' }, { allow: Object.keys(found.route.handlers).join(', ') }));

  const provider = PROVIDERS[prefix];
  const ps = sim.byName[prefix];
  const ctx = { sim, req, res, url, body: text, provider, ps, endpoint: found.route.endpoint, match: found.match, origin };
  ps.last[ctx.endpoint] = { method: req.method, path: req.clientUrl ?? req.url, headers: { ...req.headers }, body: text };
  ps.counts[countKey(ctx)]++;
  const outcome = await runWithFault(ctx, handler);
  if (!outcome) return;
  const { reply, slowBodyMs } = outcome;
  if (ctx.endpoint === 'api' && provider.decorateApi) reply.headers = { ...reply.headers, ...provider.decorateApi(ctx, reply) };
  return writeReply(res, reply, { slowBodyMs });
}

/** Serves `onRequest` on host:port; resolves to the server and its base URL. */
async function listen(onRequest, port, host) {
  const server = createServer(onRequest);
  server.on('clientError', (_err, socket) => socket.destroy()); // malformed HTTP: just drop it
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: actual } = server.address();
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shownHost}:${actual}` };
}

/**
 * Starts the simulator. Every provider is served under its prefix on `url`
 * (`${url}/flextell/oauth/token`) and also on an origin of its own
 * (`origins.flextell + "/oauth/token"`), because a provider's `origin` option
 * replaces only scheme, host and port. The issuer (`iss`) of a request is the
 * origin it arrived on.
 */
export async function startSimulator({ port = 0, host = '127.0.0.1', log = false } = {}) {
  const state = createState(PROVIDERS);
  const routing = Object.fromEntries(Object.entries(PROVIDERS).map(([name, p]) => [name, routesOf(p)]));
  const serve = (origin) => (req, res) => {
    handle(state, routing, req, res, log, origin()).catch((err) => {
      console.error('[sim] internal error', err);
      if (!res.headersSent) writeReply(res, json(500, { error: 'server_error' })).catch(() => {});
      else res.destroy();
    });
  };
  const main = await listen(serve(() => main.url), port, host);
  const servers = [main.server];
  const origins = {};
  for (const name of Object.keys(PROVIDERS)) {
    const own = serve(() => origins[name]);
    const { server, url } = await listen((req, res) => {
      // Prefix-less paths belong to this provider; its own prefixed paths (the
      // consent form posts to its prefixed path) and /__sim pass through unchanged.
      // Only this provider's prefix: Flexie's own paths start with /oauth2/, which
      // must not reach the generic `oauth2` provider.
      const first = req.url.split('/')[1]?.split('?')[0];
      req.clientUrl = req.url; // as the client sent it (for /__sim/last-request)
      if (first !== '__sim' && first !== name) req.url = `/${name}${req.url}`;
      own(req, res);
    }, 0, host);
    origins[name] = url;
    servers.push(server);
  }
  // Where each provider is served (profiles whose token answers name an API base use it).
  state.urls = { main: main.url, origins };
  return {
    url: main.url,
    origins,
    server: main.server,
    state,
    close: () => Promise.all(servers.map((server) => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }))).then(() => {}),
  };
}
