// Control API under /__sim/: JSON over HTTP so tests in any process (browser page, workerd
// Worker, another Node process) can configure the simulator, script faults and inspect it.
import { json } from './http.js';
import { ENDPOINTS, resetState } from './state.js';
import { FAULT_KINDS, queueFault } from './faults.js';

const bad = (message) => json(400, { error: 'bad_request', message });
const isNum = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

const CONFIG_TYPES = { expiresIn: isNum, codeTtlSeconds: isNum, sendIss: (v) => typeof v === 'boolean', rotateRefreshTokens: (v) => typeof v === 'boolean' };

const routes = {
  'GET /__sim/health': (sim) => json(200, { ok: true, providers: Object.keys(sim.byName) }),

  'POST /__sim/clients': (sim, ps, b) => {
    const { clientId, clientSecret = null, redirectUris } = b;
    if (typeof clientId !== 'string' || !clientId) return bad('clientId must be a non-empty string');
    if (clientSecret !== null && typeof clientSecret !== 'string') return bad('clientSecret must be a string or absent');
    if (!Array.isArray(redirectUris) || !redirectUris.every((u) => typeof u === 'string' && URL.canParse(u)))
      return bad('redirectUris must be an array of absolute URLs');
    ps.clients.set(clientId, { clientId, clientSecret: clientSecret || null, redirectUris: [...redirectUris] });
    return json(200, { ok: true });
  },

  'POST /__sim/config': (sim, ps, b) => {
    const { provider, ...changes } = b;
    // A provider file may add keys of its own (`configTypes`).
    const types = { ...CONFIG_TYPES, ...sim.providers[provider]?.configTypes };
    for (const [k, v] of Object.entries(changes)) {
      if (!types[k]) return bad(`unknown config key ${k}`);
      if (!types[k](v)) return bad(`bad value for ${k}`);
    }
    Object.assign(ps.config, changes);
    return json(200, ps.config);
  },

  'POST /__sim/fault': (sim, ps, b) => {
    const { endpoint, kind, delayMs = 5000, times = 1, retryAfter = 7, retryAfterHeader = null, location = null, status = 302 } = b;
    if (!ENDPOINTS.includes(endpoint)) return bad(`endpoint must be one of ${ENDPOINTS.join(', ')}`);
    if (!FAULT_KINDS.includes(kind)) return bad(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    if (!isNum(delayMs) || !Number.isInteger(times) || times < 1) return bad('delayMs must be >= 0 and times an integer >= 1');
    if (!Number.isInteger(retryAfter) || retryAfter < 0) return bad('retryAfter must be an integer >= 0 (seconds)');
    if (retryAfterHeader !== null && typeof retryAfterHeader !== 'string') return bad('retryAfterHeader must be a string (sent as is)');
    if (location !== null && typeof location !== 'string') return bad('location must be a string (redirect_to)');
    if (kind === 'endless_body' ? !(Number.isInteger(status) && status >= 200 && status <= 599) : ![301, 302, 303, 307, 308].includes(status)) {
      return bad('status must be a redirect status (redirect_to), or 200-599 (endless_body)');
    }
    queueFault(ps, { endpoint, kind, delayMs, times, retryAfter, retryAfterHeader, location, status });
    return json(200, { ok: true });
  },

  'GET /__sim/counts': (sim) => json(200, Object.fromEntries(Object.entries(sim.byName).map(([n, ps]) => [n, ps.counts]))),

  'POST /__sim/reset': (sim) => {
    resetState(sim);
    return json(200, { ok: true });
  },

  'POST /__sim/revoke-refresh': (sim, ps, b) => {
    if (typeof b.refreshToken !== 'string') return bad('refreshToken must be a string');
    return json(200, { revoked: ps.refresh.delete(b.refreshToken) });
  },

  // How many tokens are still live (a logout must leave no refresh token behind).
  'GET /__sim/live': (sim, ps) => json(200, { refresh: ps.refresh.size, access: ps.access.size }),

  'GET /__sim/last-request': (sim, ps, b, url) => {
    const last = ps.last[url.searchParams.get('endpoint')];
    return last ? json(200, last) : json(404, { error: 'not_found', message: 'no request recorded for that endpoint' });
  },
};

// Routes that work without a provider.
const GLOBAL = new Set(['GET /__sim/health', 'GET /__sim/counts', 'POST /__sim/reset']);

export function control(sim, req, url, text) {
  const key = `${req.method} ${url.pathname}`;
  const route = routes[key];
  if (!route) return json(404, { error: 'not_found', message: `no control route ${key}` });
  let body = {};
  if (req.method === 'POST' && text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return bad('body must be JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return bad('body must be a JSON object');
  }
  if (GLOBAL.has(key)) return route(sim, null, body, url);
  const name = req.method === 'GET' ? url.searchParams.get('provider') : body.provider;
  const ps = Object.hasOwn(sim.byName, name ?? '') ? sim.byName[name] : null;
  if (!ps) return bad(`provider must be one of ${Object.keys(sim.byName).join(', ')}`);
  return route(sim, ps, body, url);
}
