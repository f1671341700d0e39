// Bounded soak of the Worker example (www/worker/worker.js in workerd via miniflare, started
// like www/demo/start.js), loopback only. NOT part of scripts/test.sh.
//
//   npm run soak                  (60 s)      npm run soak -- --seconds 20 --sessions 8
//
// Concurrent "users" (one cookie jar each) log in with the OAuth code flow (connect → consent →
// callback) to flextell / flexie / agilecrm, then call the API, read /status and force refreshes
// until the deadline. The simulator issues 63 s tokens (the Session refreshes 60 s early), so
// tokens go stale every ~3 s; faults
// (slow / html500 / reset) are queued on the token and API endpoints every `--fault-every` ms.
// A few sessions get their refresh token revoked on purpose (/__sim/revoke-refresh).
// At the end (faults drained): every session not revoked must be connected and its API call 200.
// Exit code 0 when that holds, 1 otherwise. Needs pkg/ (bash scripts/build.sh).
import { startDemo } from '../www/demo/start.js';
import { approve } from '../tests/e2e/helpers/sim.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 60);
const PER_PROVIDER = arg('sessions', 8); // sessions per provider
const FAULT_EVERY_MS = arg('fault-every', 1500);
// Sessions refresh when < 60 s (skewSeconds) remain: a 63 s token is "fresh" for ~3 s.
const EXPIRES_IN = arg('expires-in', 63);
const REVOKE = arg('revoke', 1); // sessions per provider whose refresh token is revoked mid-run
const REQ_TIMEOUT = 20_000;
const PROVIDERS = ['flextell', 'flexie', 'agilecrm'];
const ME = { flextell: '/users/me', flexie: '/users/self', agilecrm: '/contacts/1' };
const FAULTS = ['slow', 'html500', 'reset'];

if (!(SECONDS > 0 && SECONDS <= 3600)) throw new Error('--seconds must be in 1..3600');

const stats = { requests: 0, byRoute: {}, errors: {}, faultsQueued: {}, loginFailures: 0, lostMidRun: 0 };
const bump = (o, k, n = 1) => { o[k] = (o[k] ?? 0) + n; };

const demo = await startDemo({ host: '127.0.0.1' });
const base = demo.url;
const sim = demo.sim;
const simPost = async (path, body) => {
  const r = await fetch(sim.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`${path} -> ${r.status}`);
  return r.json();
};
for (const provider of PROVIDERS) await simPost('/__sim/config', { provider, expiresIn: EXPIRES_IN });

/** One user: a cookie jar and Worker requests. */
class User {
  constructor(provider, i) { this.provider = provider; this.id = `${provider}#${i}`; this.jar = new Map(); this.revoked = false; this.family = null; }
  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  async req(method, path, label) {
    stats.requests++;
    bump(stats.byRoute, label);
    const r = await fetch(base + path, {
      method, redirect: 'manual', headers: { cookie: this.cookieHeader() }, signal: AbortSignal.timeout(REQ_TIMEOUT),
    });
    for (const c of r.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [k, v] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1)];
      if (attrs.some((a) => /max-age=0\b/i.test(a.trim())) || v === '') this.jar.delete(k); else this.jar.set(k, v);
    }
    return r;
  }
  async login() {
    const c = await this.req('GET', `/connect/${this.provider}`, 'connect');
    await c.arrayBuffer();
    const to = c.headers.get('location');
    if (c.status !== 302 || !to?.startsWith('http://127.0.0.1')) throw new Error(`connect: ${c.status} ${to}`);
    stats.requests++; bump(stats.byRoute, 'consent');
    const back = new URL(await approve(to));
    const cb = await this.req('GET', back.pathname + back.search, 'callback');
    await cb.arrayBuffer();
    const loc = cb.headers.get('location') ?? '';
    if (!loc.includes(`connected=${this.provider}`)) throw new Error(`callback: ${cb.status} ${loc}`);
  }
  async status() {
    const r = await this.req('GET', '/status', 'status');
    const body = await r.json();
    return body.providers.find((p) => p.name === this.provider);
  }
}

/** Families (token grants) present now, for mapping a login to its refresh tokens. */
const families = (p) => new Set([...sim.state.byName[p].refresh.values()].map((r) => r.family));

// Sessions to revoke log in first, one at a time, so their grant (family) is known.
const users = [];
for (const p of PROVIDERS) {
  for (let i = 0; i < PER_PROVIDER; i++) users.push(new User(p, i));
}
for (const p of PROVIDERS) {
  for (const u of users.filter((x) => x.provider === p).slice(0, REVOKE)) {
    const before = families(p);
    await u.login();
    u.family = [...families(p)].find((f) => !before.has(f));
    u.revokeTarget = true;
  }
}

const t0 = Date.now();
const deadline = t0 + SECONDS * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function faultLoop() {
  let n = 0;
  while (Date.now() < deadline - 2000) {
    const provider = PROVIDERS[n % PROVIDERS.length];
    const endpoint = n % 2 ? 'api' : 'token';
    const kind = FAULTS[Math.floor(n / 2) % FAULTS.length];
    await simPost('/__sim/fault', { provider, endpoint, kind, delayMs: 1500, times: 1 }).catch(() => {});
    bump(stats.faultsQueued, `${endpoint}:${kind}`);
    n++;
    await sleep(FAULT_EVERY_MS);
  }
}

async function revokeLater(u) {
  await sleep(Math.max(0, (deadline - t0) / 2));
  // The family's current refresh token (it rotates): revoke it at the provider.
  for (const [token, rec] of sim.state.byName[u.provider].refresh) {
    if (rec.family === u.family) {
      const r = await simPost('/__sim/revoke-refresh', { provider: u.provider, refreshToken: token });
      if (r.revoked) u.revoked = true;
    }
  }
}

async function userLoop(u) {
  if (!u.revokeTarget) {
    for (let attempt = 0; ; attempt++) {
      try { await u.login(); break; } catch (e) {
        stats.loginFailures++;
        bump(stats.errors, `login:${e.message.split(' ')[0]}`);
        if (attempt >= 5 || Date.now() > deadline) return;
      }
    }
  }
  let lost = false;
  for (let i = 0; Date.now() < deadline; i++) {
    try {
      if (i % 10 === 9) {
        const r = await u.req('POST', `/refresh/${u.provider}`, 'refresh');
        const b = await r.json();
        if (r.status !== 200) bump(stats.errors, `${u.revoked ? 'revoked-session ' : ''}refresh:${r.status}:${b.error}${b.oauthError ? `/${b.oauthError}` : ''}`);
      } else if (i % 10 === 4) {
        const s = await u.status();
        if (!s.connected && !u.revoked && !lost) { lost = true; stats.lostMidRun++; }
      } else {
        const r = await u.req('GET', `/api/${u.provider}${ME[u.provider]}`, 'api');
        const text = await r.text();
        if (r.status !== 200) {
          let code = '';
          try { const b = JSON.parse(text); code = `${b.error ?? ''}${b.oauthError ? `/${b.oauthError}` : ''}`; } catch { code = 'non-json'; }
          bump(stats.errors, `${u.revoked ? 'revoked-session ' : ''}api:${r.status}:${code}`);
        }
      }
    } catch (e) {
      bump(stats.errors, `client:${e.name}`);
    }
    await sleep(20 + Math.random() * 80);
  }
}

try {
  await Promise.all([faultLoop(), ...users.filter((u) => u.revokeTarget).map(revokeLater), ...users.map(userLoop)]);
  // Drain queued faults, then check every session.
  for (const p of PROVIDERS) for (const e of Object.keys(sim.state.byName[p].faults)) sim.state.byName[p].faults[e] = [];
  const ended = { ok: 0, revoked: 0, bad: [] };
  for (const u of users) {
    const s = await u.status();
    const r = await u.req('GET', `/api/${u.provider}${ME[u.provider]}`, 'final-api');
    const body = await r.text();
    if (u.revoked) {
      ended.revoked++;
      continue;
    }
    if (s?.connected && r.status === 200) ended.ok++;
    else ended.bad.push(`${u.id}: connected=${s?.connected} api=${r.status} ${body.slice(0, 80)}`);
  }
  const counts = Object.fromEntries(Object.entries(sim.state.byName).filter(([p]) => PROVIDERS.includes(p)).map(([p, ps]) => [p, ps.counts]));
  const wall = (Date.now() - t0) / 1000;
  const refreshes = PROVIDERS.reduce((a, p) => a + counts[p].refresh_token, 0);
  const grants = PROVIDERS.reduce((a, p) => a + counts[p].authorization_code, 0);
  const report = {
    seconds: Number(wall.toFixed(1)),
    sessions: users.length,
    workerRequestsServed: stats.requests,
    requestsPerSecond: Number((stats.requests / wall).toFixed(1)),
    byRoute: stats.byRoute,
    errorsByCode: stats.errors,
    faultsQueued: stats.faultsQueued,
    simulatorCounts: counts,
    refreshesPerToken: {
      tokenGrants: grants,
      refreshes,
      meanPerGrant: Number((refreshes / Math.max(1, grants)).toFixed(1)),
      perProvider: Object.fromEntries(PROVIDERS.map((p) => [p, Number((counts[p].refresh_token / Math.max(1, counts[p].authorization_code)).toFixed(1))])),
    },
    lostMidRun: stats.lostMidRun,
    end: { connectedAndApi200: ended.ok, deliberatelyRevoked: ended.revoked, withoutValidToken: ended.bad },
  };
  console.log(JSON.stringify(report, null, 2));
  const pass = ended.bad.length === 0 && ended.ok + ended.revoked === users.length;
  console.log(pass ? 'SOAK PASS: no session ended without a valid token unless its refresh token was revoked'
    : 'SOAK FAIL: sessions ended without a valid token (see end.withoutValidToken)');
  process.exitCode = pass ? 0 : 1;
} finally {
  await demo.close();
}
