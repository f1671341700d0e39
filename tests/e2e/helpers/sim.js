// Starts the provider simulator (www/simulator) in-process and gives tests a Flextell origin.
//
// The Flextell contract only lets tests override the *origin* (scheme+host+port) and keeps
// Flextell's own paths (/oauth/authorize, /oauth/token, /api/v1/...), while the simulator's
// main port serves providers under path prefixes (/flextell, /oauth2, ...). The simulator
// now also listens on one origin per provider (`origins.flextell`), which we use. If it does
// not (older versions), a tiny prefix proxy on port 0 forwards every request to
// `${sim.url}/flextell${path}` (method, headers, body, status, response headers, resets).
import http from 'node:http';
import { startSimulator } from '../../../www/simulator/index.js';

const TIMEOUT = 5000;

export function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

export function closeServer(server) {
  return new Promise((resolve) => {
    if (!server || !server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** A loopback URL on which nothing listens (bind port 0, then close it). */
export async function deadOrigin() {
  const s = http.createServer();
  const url = await listen(s);
  await closeServer(s);
  return url;
}

export function startPrefixProxy(targetOrigin, prefix) {
  const target = new URL(targetOrigin);
  const server = http.createServer((req, res) => {
    // The consent page may post to an absolute `/flextell/...` path: do not prefix twice.
    const p = req.url.startsWith(prefix + '/') || req.url === prefix ? req.url : prefix + req.url;
    const headers = { ...req.headers, host: target.host };
    const up = http.request(
      { hostname: target.hostname, port: target.port, method: req.method, path: p, headers },
      (ur) => {
        res.writeHead(ur.statusCode, ur.statusMessage, ur.rawHeaders);
        ur.pipe(res);
        ur.on('error', () => res.destroy());
        ur.on('aborted', () => res.destroy());
      },
    );
    up.on('error', () => res.destroy()); // upstream reset -> reset the client too
    req.pipe(up);
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
  });
  return listen(server).then((url) => ({ url, server, close: () => closeServer(server) }));
}

export async function startSim() {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const url = sim.url.replace(/\/$/, '');
  // The simulator serves each provider on an origin of its own (`sim.origins.flextell`); older
  // simulator versions only had prefixes, then our own prefix proxy stands in.
  const proxy = sim.origins?.flextell ? null : await startPrefixProxy(url, '/flextell');
  const flextellOrigin = sim.origins?.flextell ?? proxy.url;

  async function control(method, p, body) {
    const r = await fetch(url + p, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`simulator ${method} ${p} -> ${r.status}: ${text}`);
    try { return JSON.parse(text); } catch { return text; }
  }

  return {
    url,
    flextellOrigin,
    oauth2: {
      authorizationEndpoint: `${url}/oauth2/authorize`,
      tokenEndpoint: `${url}/oauth2/token`,
      revocationEndpoint: `${url}/oauth2/revoke`,
      userinfo: `${url}/oauth2/userinfo`,
    },
    addClient: (c) => control('POST', '/__sim/clients', c),
    config: (c) => control('POST', '/__sim/config', c),
    fault: (f) => control('POST', '/__sim/fault', f),
    counts: () => control('GET', '/__sim/counts'),
    reset: () => control('POST', '/__sim/reset', {}),
    revokeRefresh: (provider, refreshToken) => control('POST', '/__sim/revoke-refresh', { provider, refreshToken }),
    lastRequest: (provider, endpoint) =>
      control('GET', `/__sim/last-request?provider=${encodeURIComponent(provider)}&endpoint=${encodeURIComponent(endpoint)}`),
    async close() {
      await proxy?.close();
      await sim.close();
    },
  };
}

/**
 * Approve (or deny) like a non-browser user agent: POST the authorize URL's query string plus
 * `decision=approve` to the same path and return the redirect target (absolute URL string).
 */
export async function approve(authorizeUrl, decision = 'approve') {
  const u = new URL(authorizeUrl);
  const r = await fetch(u.origin + u.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${u.search.slice(1)}&decision=${decision}`,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT),
  });
  await r.arrayBuffer();
  const loc = r.headers.get('location');
  if (r.status < 300 || r.status > 399 || !loc) throw new Error(`approve: expected a redirect, got ${r.status}`);
  return new URL(loc, u).href;
}

/** A simulator control call (`GET path`, or `POST path` with `body` as JSON) at `simUrl`; its JSON answer. */
export async function control(simUrl, path, body) {
  const r = await fetch(simUrl + path, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  if (!r.ok) throw new Error(`simulator ${path} -> ${r.status}: ${await r.text()}`);
  return r.json();
}
