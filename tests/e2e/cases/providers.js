// The provider × method table, shared by three runtimes: Node (providers.node.test.js), headless
// Chromium (browser/providers.html imports this file) and workerd (a Worker bundles a copy of it,
// see providers.workerd.test.js). Plain ESM with web APIs only: no node:* imports, no Buffer.
//
// A case is { name, runtimes, run(crm, env) }:
//   crm  the packed package's namespace (`import * as crm from "crm-auth"`)
//   env  { runtime, simUrl, origins, approve(authorizeUrl) -> callback URL,
//          hmac(key, message, "base64"|"hex"), sha256(data, "base64"|"hex") }
// hmac/sha256 are the test's INDEPENDENT oracles (node:crypto in Node, WebCrypto elsewhere);
// they never go through crm-auth.
// `run` throws on failure (own tiny asserts: node:assert does not exist in browsers/workerd).
//
// Cases that hold a client secret run only where a secret belongs (Node, workerd); the browser
// runs public clients, password grants, API keys and the HMAC signer. HubSpot and Pipedrive have
// no public clients: their confidential rows run in the browser too, with the documented opt-in
// (`IN_PAGE`), so each CRM logs in through Session in all three runtimes. Flextell documents only
// confidential clients: the browser covers what it can do without a secret (authorization URL,
// callback parsing); public-client flows run against the generic OAuth2 profile.
// workerd forbids random values at global scope: nothing here runs at import time.

export const REDIRECT = 'http://127.0.0.1/callback'; // registered for test-client and public-client
export const CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' };
export const PUBLIC = { clientId: 'public-client' };
export const API_KEY = 'test-api-key';
const ALICE = { username: 'alice', password: 'wonderland', email: 'alice@example.com', name: 'Alice Example' };
const TIMEOUT = 5000;
const ALL = ['node', 'browser', 'workerd'];
const SERVER = ['node', 'workerd'];
/** A confidential client that may also run in a page (`dangerouslyAllowBrowser`; servers ignore it). */
const IN_PAGE = { ...CLIENT, dangerouslyAllowBrowser: true };

// ---- tiny asserts -----------------------------------------------------------------------

// Shared with cases/session.js.
export const show = (v) => { try { return JSON.stringify(v); } catch { return String(v); } };
export function ok(cond, msg) { if (!cond) throw new Error(`assertion failed: ${msg}`); }
export function eq(actual, expected, msg) {
  if (!Object.is(actual, expected)) throw new Error(`${msg}: expected ${show(expected)}, got ${show(actual)}`);
}
function near(actual, expected, tolerance, msg) {
  ok(typeof actual === 'number' && Math.abs(actual - expected) <= tolerance, `${msg}: ${show(actual)} not within ${tolerance} of ${expected}`);
}
const describeErr = (e) => (e instanceof Error ? `${e.name}: ${e.message} ${show({ code: e.code, provider: e.provider, status: e.status, error: e.error, errorDescription: e.errorDescription, retryAfter: e.retryAfter })}` : show(e));

/** Awaits fn() and checks it rejected (or threw) with a CrmAuthError of `code` and `fields`. */
export async function rejects(crm, fn, code, fields = {}, label = code) {
  let err;
  try {
    await withTimeout(Promise.resolve().then(fn), TIMEOUT + 2000, label);
  } catch (e) {
    err = e;
  }
  ok(err !== undefined, `${label}: expected a CrmAuthError "${code}", but the call succeeded`);
  checkError(crm, err, code, fields, label);
  return err;
}
function checkError(crm, err, code, fields, label) {
  ok(err instanceof crm.CrmAuthError, `${label}: expected a CrmAuthError, got ${describeErr(err)}`);
  ok(err instanceof Error, `${label}: CrmAuthError must be an Error`);
  eq(err.code, code, `${label}: code (${describeErr(err)})`);
  ok(typeof err.provider === 'string' && err.provider.length > 0, `${label}: provider must be non-empty`);
  for (const [k, v] of Object.entries(fields)) eq(err[k], v, `${label}: err.${k} (${describeErr(err)})`);
}

export function withTimeout(promise, ms, label) {
  let t;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(t)),
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms); }),
  ]);
}

// ---- encodings (runtime-neutral) --------------------------------------------------------

const utf8 = (s) => new TextEncoder().encode(s);
const bytesToB64 = (bytes) => { let s = ''; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); };
const b64 = (s) => bytesToB64(utf8(s));
const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Independent oracles on WebCrypto (browser, workerd). Node passes node:crypto ones. */
export const webCryptoOracle = {
  async hmac(key, message, encoding) {
    const k = await crypto.subtle.importKey('raw', utf8(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sig = new Uint8Array(await crypto.subtle.sign('HMAC', k, typeof message === 'string' ? utf8(message) : message));
    return encoding === 'hex' ? hex(sig) : bytesToB64(sig);
  },
  async sha256(data, encoding) {
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? utf8(data) : data));
    return encoding === 'hex' ? hex(d) : bytesToB64(d);
  },
};

// ---- simulator access -------------------------------------------------------------------

async function call(input, init = {}) {
  const res = await withTimeout(fetch(input, init), TIMEOUT, `fetch ${typeof input === 'string' ? input : input.url}`);
  const text = await withTimeout(res.text(), TIMEOUT, 'response body');
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

function sim(env) {
  const control = async (method, path, body) => {
    const r = await call(env.simUrl + path, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (r.status !== 200) throw new Error(`simulator ${method} ${path} -> ${r.status} ${r.text}`);
    return r.json;
  };
  return {
    counts: async (provider) => (await control('GET', '/__sim/counts'))[provider],
    last: (provider, endpoint) => control('GET', `/__sim/last-request?provider=${provider}&endpoint=${endpoint}`),
    fault: (provider, endpoint, kind, extra = {}) => control('POST', '/__sim/fault', { provider, endpoint, kind, ...extra }),
    config: (provider, changes) => control('POST', '/__sim/config', { provider, ...changes }),
    live: (provider) => control('GET', `/__sim/live?provider=${provider}`),
  };
}
const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const form = (last) => new URLSearchParams(last.body);

/** Consent like a non-browser user agent: POST the authorize query + decision=approve, read Location. */
export async function fetchApprove(authorizeUrl) {
  const u = new URL(authorizeUrl);
  const res = await withTimeout(fetch(u.origin + u.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${u.search.slice(1)}&decision=approve`,
    redirect: 'manual',
  }), TIMEOUT, 'consent');
  await res.arrayBuffer();
  const location = res.headers.get('location');
  if (res.status < 300 || res.status > 399 || !location) throw new Error(`approve: expected a redirect, got ${res.status}`);
  return new URL(location, u).href;
}

// ---- provider construction --------------------------------------------------------------

const CODE_PROVIDERS = {
  flextell: { cls: 'Flextell', authorizePath: '/oauth/authorize', tokenPath: '/oauth/token', api: '/api/v1/users/me', extra: {}, confidentialOnly: true },
  flexie: { cls: 'Flexie', authorizePath: '/oauth2/authorize', tokenPath: '/oauth2/token', api: '/api/users/self', extra: { subdomain: 'acme' } },
  agilecrm: { cls: 'AgileCrm', authorizePath: '/oauth/authorize', tokenPath: '/oauth/token', api: '/dev/api/contacts/1', extra: { domain: 'acme' } },
};

function codeProvider(crm, env, name, { confidential = false, ...more } = {}) {
  const d = CODE_PROVIDERS[name];
  return new crm[d.cls]({
    ...d.extra,
    ...(confidential ? CLIENT : PUBLIC),
    redirectUri: REDIRECT,
    origin: env.origins[name],
    timeoutMs: TIMEOUT,
    ...more,
  });
}

function oauth2(crm, env, extra = {}) {
  const o = env.origins.oauth2;
  return new crm.OAuth2({
    authorizationEndpoint: `${o}/authorize`,
    tokenEndpoint: `${o}/token`,
    revocationEndpoint: `${o}/revoke`,
    redirectUri: REDIRECT,
    timeoutMs: TIMEOUT,
    ...extra,
  });
}

/** createAuthorizationRequest -> consent -> parseCallback -> exchangeCode. */
async function codeFlow(env, p, { authorizeUrl, clientId, scopes = ['contacts.read', 'users.read'] }) {
  const req = p.createAuthorizationRequest({ scopes });
  const u = new URL(req.url);
  eq(u.origin + u.pathname, authorizeUrl, 'authorize endpoint');
  eq(u.searchParams.get('response_type'), 'code', 'response_type');
  eq(u.searchParams.get('client_id'), clientId, 'client_id');
  eq(u.searchParams.get('redirect_uri'), REDIRECT, 'redirect_uri');
  eq(u.searchParams.get('scope'), scopes.join(' '), 'scope');
  eq(u.searchParams.get('state'), req.state, 'state in the URL');
  eq(u.searchParams.get('code_challenge_method'), 'S256', 'PKCE S256 by default');
  ok(!u.searchParams.has('client_secret'), 'no client_secret in the authorize URL');
  ok(typeof req.codeVerifier === 'string' && req.codeVerifier.length >= 43, 'codeVerifier');
  const callback = await env.approve(req.url);
  const cb = p.parseCallback(callback, { state: req.state });
  eq(cb.state, req.state, 'parseCallback state');
  const t0 = Date.now();
  const tokens = await withTimeout(p.exchangeCode(cb.code, { codeVerifier: req.codeVerifier }), TIMEOUT + 2000, 'exchangeCode');
  ok(typeof tokens.accessToken === 'string' && tokens.accessToken.length > 0, 'accessToken');
  return { tokens, t0, code: cb.code, req };
}

function checkTokenSet(crm, tokens, { t0, lifetime = 3600, refresh = true, tokenType = 'Bearer' } = {}) {
  ok(tokens instanceof crm.TokenSet, 'result is a TokenSet');
  ok(typeof tokens.accessToken === 'string' && tokens.accessToken.length > 0, 'accessToken');
  eq(tokens.tokenType, tokenType, 'tokenType');
  if (lifetime === null) eq(tokens.expiresAt, null, 'expiresAt');
  else near(tokens.expiresAt, t0 + lifetime * 1000, 20_000, 'expiresAt ≈ receipt + expires_in');
  if (refresh) ok(typeof tokens.refreshToken === 'string' && tokens.refreshToken.length > 0, 'refreshToken');
  else eq(tokens.refreshToken, null, 'refreshToken');
  eq(tokens.isExpired(), false, 'isExpired()');
  const json = JSON.stringify(tokens);
  ok(!json.includes(tokens.accessToken), 'TokenSet JSON is redacted');
}

// ---- the table --------------------------------------------------------------------------

export const CASES = [];
const add = (name, runtimes, run) => CASES.push({ name, runtimes, run });

// Authorization-code providers: confidential client (servers) and public client + PKCE (everywhere).
for (const name of Object.keys(CODE_PROVIDERS)) {
  for (const kind of CODE_PROVIDERS[name].confidentialOnly ? ['confidential'] : ['confidential', 'public']) {
    add(`${name}: code flow (${kind} client) + refresh + API call`, kind === 'public' ? ALL : SERVER, async (crm, env) => {
      const d = CODE_PROVIDERS[name];
      const confidential = kind === 'confidential';
      const clientId = confidential ? CLIENT.clientId : PUBLIC.clientId;
      const p = codeProvider(crm, env, name, { confidential });
      const s = sim(env);
      const origin = env.origins[name];
      const before = await s.counts(name);
      const { tokens, t0, req } = await codeFlow(env, p, { authorizeUrl: origin + d.authorizePath, clientId });
      checkTokenSet(crm, tokens, { t0 });
      const last = await s.last(name, 'token');
      eq(last.path.split('?')[0], d.tokenPath, 'token endpoint path');
      const body = form(last);
      eq(body.get('grant_type'), 'authorization_code', 'grant_type');
      eq(body.get('redirect_uri'), REDIRECT, 'redirect_uri');
      eq(body.get('code_verifier'), req.codeVerifier, 'code_verifier sent');
      if (confidential && name === 'flexie') {
        // Flexie: client_secret_post only.
        eq(body.get('client_id'), CLIENT.clientId, 'Flexie client_id in the body');
        eq(body.get('client_secret'), CLIENT.clientSecret, 'Flexie client_secret in the body (client_secret_post)');
        eq(last.headers.authorization, undefined, 'Flexie: no Authorization header on the token request');
      }
      if (!confidential) {
        ok(!body.has('client_secret'), 'public client: no client_secret');
        eq(last.headers.authorization, undefined, 'public client: no Authorization header');
        eq(body.get('client_id'), PUBLIC.clientId, 'public client: client_id in the body');
      }
      eq((await s.counts(name)).authorization_code, before.authorization_code + 1, 'exactly one code exchange');

      const api = await call(p.authorize(new Request(origin + d.api), tokens));
      eq(api.status, 200, `API ${d.api} with the token (${api.text.slice(0, 200)})`);

      const t1 = Date.now();
      const fresh = await withTimeout(p.refresh(tokens.refreshToken), TIMEOUT + 2000, 'refresh');
      checkTokenSet(crm, fresh, { t0: t1 });
      ok(fresh.accessToken !== tokens.accessToken, 'refresh issues a new access token');
      eq(form(await s.last(name, 'token')).get('grant_type'), 'refresh_token', 'refresh grant_type');
      eq(form(await s.last(name, 'token')).get('refresh_token'), tokens.refreshToken, 'refresh sends the refresh token');
      const api2 = await call(p.authorize(new Request(origin + d.api), fresh));
      eq(api2.status, 200, 'API with the refreshed token');

      if (name === 'flextell') {
        // Flextell rotates refresh tokens: a new one comes back and the old one is dead at once.
        ok(fresh.refreshToken !== tokens.refreshToken, 'Flextell: the refresh token rotates');
        await rejects(crm, () => p.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'flextell', status: 400 }, 'old refresh token');
        const again = await withTimeout(p.refresh(fresh.refreshToken), TIMEOUT + 2000, 'refresh with the rotated token');
        ok(again.accessToken !== fresh.accessToken, 'the rotated refresh token works');
      }
    });
  }
}

// ---- Flextell ---------------------------------------------------------------------------

add('flextell: without a secret (browser): authorization URL and callback parsing; the token endpoint wants the secret', ALL, async (crm, env) => {
  const origin = env.origins.flextell;
  const p = codeProvider(crm, env, 'flextell', { clientId: CLIENT.clientId });
  const req = p.createAuthorizationRequest({ scopes: ['read', 'calls'] });
  const u = new URL(req.url);
  eq(u.origin + u.pathname, `${origin}/oauth/authorize`, 'authorize endpoint');
  eq(u.searchParams.get('scope'), 'read calls', 'scope');
  eq(u.searchParams.get('client_id'), CLIENT.clientId, 'client_id');
  const cb = p.parseCallback(await env.approve(req.url), { state: req.state });
  eq(cb.state, req.state, 'state');
  ok(typeof cb.code === 'string' && cb.code.length > 0, 'code');
  // Flextell's docs require client_secret at the token endpoint: a secret-less exchange is refused.
  await rejects(crm, () => p.exchangeCode(cb.code, { codeVerifier: req.codeVerifier }), 'oauth_error', { error: 'invalid_client', status: 401, provider: 'flextell' }, 'exchange without the secret');
});

add('flextell: scope is required: none -> invalid_argument (nothing sent); constructor scopes are the default', ALL, async (crm, env) => {
  let calls = 0;
  const spy = (url, init) => { calls++; return fetch(url, init); };
  const p = codeProvider(crm, env, 'flextell', { clientId: CLIENT.clientId, fetch: spy });
  for (const options of [undefined, {}, { scopes: [] }]) {
    const err = await rejects(crm, () => p.createAuthorizationRequest(options), 'invalid_argument', { provider: 'flextell' }, `no scopes: ${show(options)}`);
    ok(/scopes/.test(err.message), `message names the option: ${err.message}`);
  }
  eq(calls, 0, 'nothing sent');
  const d = codeProvider(crm, env, 'flextell', { clientId: CLIENT.clientId, scopes: ['read', 'calls'] });
  eq(new URL(d.createAuthorizationRequest().url).searchParams.get('scope'), 'read calls', 'default scopes');
  eq(new URL(d.createAuthorizationRequest({ scopes: ['sms'] }).url).searchParams.get('scope'), 'sms', 'per-call scopes replace the default');
  await rejects(crm, () => codeProvider(crm, env, 'flextell', { clientId: CLIENT.clientId, scopes: 'read' }), 'invalid_argument', {}, 'scopes must be an array');
  // The simulator refuses a scope-less authorize request, as Flextell does.
  const bare = new URL(d.createAuthorizationRequest().url);
  bare.searchParams.delete('scope');
  const callback = new URL(await env.approve(bare.href));
  eq(callback.searchParams.get('error'), 'invalid_scope', 'Flextell refuses an authorize request without scope');
});

add('flextell: apiBase (confidential client) picks the documented /api/v0.0.1 instead of /api/v1; Session.fetch joins paths to it', SERVER, async (crm, env) => {
  const origin = env.origins.flextell;
  const p = codeProvider(crm, env, 'flextell', { confidential: true, apiBase: `${origin}/api/v0.0.1/` });
  eq(p.apiBase, `${origin}/api/v0.0.1`, 'apiBase (one trailing slash dropped)');
  eq(codeProvider(crm, env, 'flextell', { confidential: true }).apiBase, `${origin}/api/v1`, 'default apiBase');
  const { tokens } = await codeFlow(env, p, { authorizeUrl: `${origin}/oauth/authorize`, clientId: CLIENT.clientId });
  const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: 'flextell-v0' });
  await session.save(tokens);
  const res = await withTimeout(session.fetch('/users/me'), TIMEOUT + 2000, 'session.fetch');
  eq(res.status, 200, 'GET {apiBase}/users/me');
  eq((await sim(env).last('flextell', 'api')).path, '/api/v0.0.1/users/me', 'the simulator saw the v0.0.1 path');
});

add('every provider and apiKey form takes apiBase (https or loopback; else insecure_endpoint)', ALL, async (crm, env) => {
  const base = 'https://api.example.test/v2';
  const made = {
    Flextell: (o) => codeProvider(crm, env, 'flextell', { clientId: CLIENT.clientId, ...o }),
    Flexie: (o) => codeProvider(crm, env, 'flexie', o),
    AgileCrm: (o) => codeProvider(crm, env, 'agilecrm', o),
    OAuth2: (o) => oauth2(crm, env, { ...PUBLIC, ...o }),
    Flowlu: (o) => new crm.Flowlu({ company: 'acme', ...o }),
    'Flowlu (tokenEndpoint only)': (o) => new crm.Flowlu({ tokenEndpoint: `${env.origins.flowlu}/oauth/token`, ...o }),
    Virtuous: (o) => new crm.Virtuous(o),
    'Flexie.apiKey': (o) => crm.Flexie.apiKey({ subdomain: 'acme', apiKey: API_KEY, ...o }),
    'AgileCrm.apiKey': (o) => crm.AgileCrm.apiKey({ domain: 'acme', email: ALICE.email, apiKey: API_KEY, ...o }),
    'Flowlu.apiKey': (o) => crm.Flowlu.apiKey({ company: 'acme', apiKey: API_KEY, ...o }),
    'Virtuous.apiKey': (o) => crm.Virtuous.apiKey({ apiKey: API_KEY, ...o }),
  };
  for (const [label, make] of Object.entries(made)) {
    eq(make({ apiBase: `${base}/` }).apiBase, base, `${label}: apiBase`);
    eq(make({ apiBase: 'http://127.0.0.1:9/api' }).apiBase, 'http://127.0.0.1:9/api', `${label}: loopback apiBase`);
    await rejects(crm, () => make({ apiBase: 'http://api.example.test/v2' }), 'insecure_endpoint', {}, `${label}: http apiBase`);
    await rejects(crm, () => make({ apiBase: '/api/v2' }), 'invalid_argument', {}, `${label}: relative apiBase`);
    await rejects(crm, () => make({ apiBase: `${base}?x=1` }), 'invalid_argument', {}, `${label}: apiBase with a query`);
  }
  // A real call through Session.fetch with an API key and a custom apiBase.
  const key = crm.Flexie.apiKey({ apiKey: API_KEY, origin: env.origins.flexie, apiBase: `${env.origins.flexie}/api/` });
  const session = new crm.Session({ provider: key, store: new crm.MemoryStore(), key: 'flexie-key' });
  const res = await withTimeout(session.fetch('/users/self'), TIMEOUT + 2000, 'session.fetch');
  eq(res.status, 200, 'GET {apiBase}/users/self with the key');
});

// The wasm asks the JS engine whether a non-ASCII host character is a letter or digit
// (pkg-template/unicode.js): IDN hosts pass, other symbols (which browsers may map to ASCII
// punctuation: U+FF0E is a dot, U+2044 a slash) are refused, as Rust's char::is_alphanumeric does.
add('endpoint hosts: Unicode letters and digits (IDN) pass, other non-ASCII symbols are refused', ALL, async (crm) => {
  const at = (host) => new crm.OAuth2({
    ...PUBLIC, redirectUri: REDIRECT,
    authorizationEndpoint: `https://${host}/authorize`, tokenEndpoint: `https://${host}/token`,
  });
  for (const host of ['bücher.example', 'пример.испытание', '例え.テスト', 'ex٣ample.test', 'Ⅻ.example', 'x①.example']) {
    const { url } = at(host).createAuthorizationRequest();
    ok(url.startsWith(`https://${host}/authorize?`), `${host}: authorize URL ${url}`);
  }
  for (const host of ['evil．example', 'a⁄b.example', 'a→b.example', 'a\u00b7b.example', '😀.example']) {
    await rejects(crm, () => at(host), 'invalid_argument', {}, `${host}: not a letter or digit`);
  }
});

// ---- header values ----------------------------------------------------------------------

const UNSENDABLE = ['SECRET\r\nx-injected: 1', 'SECRET\n', 'SECRET\u0000', 'SECRÉT', 'SECRET\u2028'];

/** Checks a refusal says nothing of the value (message, JSON, string form). */
async function refusesQuietly(crm, fn, code, label) {
  const err = await rejects(crm, fn, code, {}, label);
  for (const text of [err.message, JSON.stringify(err), String(err)]) ok(!text.includes('SECR'), `${label}: the value leaks: ${text}`);
}

add('header values: client ids, API keys, emails, key ids and tokens with CR, LF, NUL or non-ASCII -> invalid_argument without the value', ALL, async (crm, env) => {
  const o = oauth2(crm, env, { ...PUBLIC, clientAuth: 'none' });
  for (const bad of UNSENDABLE) {
    const label = show(bad);
    await refusesQuietly(crm, () => crm.Flexie.apiKey({ subdomain: 'acme', apiKey: bad }), 'invalid_argument', `Flexie.apiKey ${label}`);
    await refusesQuietly(crm, () => crm.Flowlu.apiKey({ company: 'acme', apiKey: bad }), 'invalid_argument', `Flowlu.apiKey ${label}`);
    await refusesQuietly(crm, () => crm.Virtuous.apiKey({ apiKey: bad }), 'invalid_argument', `Virtuous.apiKey ${label}`);
    await refusesQuietly(crm, () => crm.AgileCrm.apiKey({ domain: 'acme', email: ALICE.email, apiKey: bad }), 'invalid_argument', `AgileCrm.apiKey ${label}`);
    await refusesQuietly(crm, () => crm.AgileCrm.apiKey({ domain: 'acme', email: bad, apiKey: API_KEY }), 'invalid_argument', `AgileCrm email ${label}`);
    await refusesQuietly(crm, () => new crm.HmacSigner({ key: 'k', keyId: bad }), 'invalid_argument', `HmacSigner keyId ${label}`);
    await refusesQuietly(crm, () => codeProvider(crm, env, 'flexie', { clientId: bad }), 'invalid_argument', `Flexie clientId ${label}`);
    await refusesQuietly(crm, () => oauth2(crm, env, { clientId: bad }), 'invalid_argument', `OAuth2 clientId ${label}`);
    await refusesQuietly(crm, () => new crm.Flowlu({ company: 'acme', clientId: bad }), 'invalid_argument', `Flowlu clientId ${label}`);
    await refusesQuietly(crm, () => new crm.TokenSet({ accessToken: bad }), 'invalid_argument', `TokenSet accessToken ${label}`);
    await refusesQuietly(crm, () => new crm.TokenSet({ accessToken: 'at', refreshToken: bad }), 'invalid_argument', `TokenSet refreshToken ${label}`);
    const stored = JSON.stringify({ v: 1, access_token: bad, token_type: 'Bearer', expires_at: null, refresh_token: null, scope: null });
    await refusesQuietly(crm, () => crm.TokenSet.deserialize(stored), 'invalid_argument', `deserialize ${label}`);
    await refusesQuietly(crm, () => o.authorize(new Request(`${env.origins.oauth2}/userinfo`), { accessToken: bad }), 'invalid_argument', `authorize ${label}`);
    await refusesQuietly(crm, () => new crm.Flowlu({ company: 'acme' }).authorize(new Request('https://acme.flowlu.com/api/v1/module/x'), { accessToken: bad }), 'invalid_argument', `Flowlu authorize ${label}`);
    await refusesQuietly(crm, () => o.refresh(bad), 'invalid_argument', `refresh ${label}`);
    await refusesQuietly(crm, () => o.revoke(bad), 'invalid_argument', `revoke ${label}`);
  }
  // Printable ASCII (spaces and symbols included) is fine.
  eq(new crm.TokenSet({ accessToken: 'a b~!"' }).accessToken, 'a b~!"', 'printable ASCII token');
});

/** A provider whose token endpoint answers `body` (a real Response through the real fetch seam). */
function answering(crm, env, body) {
  const fetchStub = async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  return oauth2(crm, env, { ...PUBLIC, clientAuth: 'none', fetch: fetchStub });
}

add('token answers: a token with CR, LF, NUL or non-ASCII -> invalid_response without the value', ALL, async (crm, env) => {
  for (const bad of UNSENDABLE) {
    for (const body of [{ access_token: bad, token_type: 'Bearer' }, { access_token: 'at', token_type: 'Bearer', refresh_token: bad }]) {
      const o = answering(crm, env, body);
      await refusesQuietly(crm, () => o.exchangeCode('the-code'), 'invalid_response', `exchange answer ${show(body)}`);
      await refusesQuietly(crm, () => o.refresh('rt'), 'invalid_response', `refresh answer ${show(body)}`);
    }
  }
});

add('token_type: Bearer in any case or absent is accepted; DPoP, mac, N_A… -> invalid_response; TokenSet init/deserialize too', ALL, async (crm, env) => {
  for (const [sent, kept] of [['Bearer', 'Bearer'], ['bearer', 'bearer'], ['BEARER', 'BEARER'], [undefined, 'Bearer']]) {
    const t = await answering(crm, env, { access_token: 'at', token_type: sent, expires_in: 60 }).exchangeCode('the-code');
    eq(t.tokenType, kept, `token_type ${sent}`);
  }
  for (const sent of ['DPoP', 'mac', 'N_A', 'Bearer2', '', 5]) {
    await rejects(crm, () => answering(crm, env, { access_token: 'at', token_type: sent }).exchangeCode('the-code'), 'invalid_response', {}, `token_type ${show(sent)}`);
    await rejects(crm, () => answering(crm, env, { access_token: 'at', token_type: sent, refresh_token: 'rt2' }).refresh('rt'), 'invalid_response', {}, `refresh token_type ${show(sent)}`);
  }
  for (const kind of ['DPoP', 'mac']) {
    await rejects(crm, () => new crm.TokenSet({ accessToken: 'at', tokenType: kind }), 'invalid_argument', {}, `TokenSet init ${kind}`);
    const stored = JSON.stringify({ v: 1, access_token: 'at', token_type: kind, expires_at: null, refresh_token: null, scope: null });
    await rejects(crm, () => crm.TokenSet.deserialize(stored), 'invalid_argument', {}, `deserialize ${kind}`);
  }
  eq(new crm.TokenSet({ accessToken: 'at', tokenType: 'bearer' }).tokenType, 'bearer', 'init keeps the case');
});

// ---- issuer (RFC 9207) ------------------------------------------------------------------

add('iss: realm-style issuer accepted without the issuer option; other paths refused; a configured issuer is exact', ALL, async (crm, env) => {
  const origin = env.origins.oauth2;
  const realm = `${origin}/realms/acme`;
  const keycloak = (extra = {}) => new crm.OAuth2({
    authorizationEndpoint: `${realm}/protocol/openid-connect/auth`,
    tokenEndpoint: `${realm}/protocol/openid-connect/token`,
    ...PUBLIC, redirectUri: REDIRECT, ...extra,
  });
  const cb = (iss) => `${REDIRECT}?code=c1&state=st1&iss=${encodeURIComponent(iss)}`;
  const p = keycloak();
  for (const iss of [realm, `${realm}/`, origin, `${origin}/realms`]) eq(p.parseCallback(cb(iss), { state: 'st1' }).code, 'c1', `accepted iss ${iss}`);
  for (const iss of [`${origin}/realms/ac`, `${origin}/realms/acme2`, `${origin}/realms/other`, `${origin}/realms/x/../acme`,
    `${origin}/realms/./acme`, `${origin}/realms//acme`, `${origin}/realms/%61cme`, `${realm}?x`, 'https://evil.example/realms/acme']) {
    await rejects(crm, () => p.parseCallback(cb(iss), { state: 'st1' }), 'invalid_callback', {}, `refused iss ${iss}`);
  }
  const exact = keycloak({ issuer: realm });
  eq(exact.parseCallback(cb(realm), { state: 'st1' }).code, 'c1', 'configured issuer');
  for (const iss of [`${realm}/`, origin]) await rejects(crm, () => exact.parseCallback(cb(iss), { state: 'st1' }), 'invalid_callback', {}, `configured issuer is exact: ${iss}`);
  // A real server sending RFC 9207 iss (its origin) passes end to end.
  await sim(env).config('oauth2', { sendIss: true });
  try {
    const o = oauth2(crm, env, { ...PUBLIC, clientAuth: 'none' });
    const req = o.createAuthorizationRequest({ scopes: ['openid'] });
    const callback = await env.approve(req.url);
    eq(new URL(callback).searchParams.get('iss'), origin, 'the simulator sent iss');
    ok(o.parseCallback(callback, { state: req.state }).code, 'callback with iss parses');
  } finally {
    await sim(env).config('oauth2', { sendIss: false });
  }
});

// ---- Flexie -----------------------------------------------------------------------------

for (const placement of ['header', 'query']) {
  add(`flexie: authorize with tokenPlacement "${placement}"`, ALL, async (crm, env) => {
    const origin = env.origins.flexie;
    const p = codeProvider(crm, env, 'flexie', { tokenPlacement: placement });
    const { tokens } = await codeFlow(env, p, { authorizeUrl: `${origin}/oauth2/authorize`, clientId: PUBLIC.clientId });
    const input = new Request(`${origin}/api/users/self?fields=id`);
    const req = p.authorize(input, tokens);
    ok(req instanceof Request, 'authorize returns a Request');
    eq(input.headers.get('authorization'), null, 'the input Request is not mutated');
    eq(input.url, `${origin}/api/users/self?fields=id`, 'the input URL is not mutated');
    const u = new URL(req.url);
    eq(u.searchParams.get('fields'), 'id', 'existing query kept');
    if (placement === 'header') {
      eq(req.headers.get('authorization'), `Bearer ${tokens.accessToken}`, 'Bearer header');
      ok(!u.searchParams.has('access_token'), 'header placement: no access_token in the query');
    } else {
      eq(u.searchParams.get('access_token'), tokens.accessToken, '?access_token=');
      eq(u.searchParams.getAll('access_token').length, 1, 'access_token once');
      eq(req.headers.get('authorization'), null, 'query placement: no Authorization header');
    }
    const api = await call(req);
    eq(api.status, 200, `GET /api/users/self (${api.text.slice(0, 200)})`);
    eq(api.json.email, ALICE.email, 'profile');
    const last = await sim(env).last('flexie', 'api');
    if (placement === 'query') eq(last.headers.authorization, undefined, 'simulator saw no Authorization header');
    else ok(!last.path.includes('access_token'), 'simulator saw no access_token in the query');
  });

  add(`flexie: authorization(url, tokens) with tokenPlacement "${placement}" -> fetch(url, { headers })`, ALL, async (crm, env) => {
    const origin = env.origins.flexie;
    const p = codeProvider(crm, env, 'flexie', { tokenPlacement: placement });
    const { tokens } = await codeFlow(env, p, { authorizeUrl: `${origin}/oauth2/authorize`, clientId: PUBLIC.clientId });
    const url = `${origin}/api/users/self?fields=id`;
    const a = p.authorization(new URL(url), tokens);
    eq(Object.keys(a).sort().join(), 'headers,url', '{ url, headers }');
    const u = new URL(a.url);
    eq(u.searchParams.get('fields'), 'id', 'existing query kept');
    if (placement === 'header') {
      eq(a.url, url, 'URL unchanged');
      eq(show(a.headers), show({ authorization: `Bearer ${tokens.accessToken}` }), 'Bearer header');
    } else {
      eq(u.searchParams.get('access_token'), tokens.accessToken, '?access_token=');
      eq(show(a.headers), show({}), 'query placement: no header');
    }
    const api = await call(new Request(a.url, { headers: a.headers }));
    eq(api.status, 200, `GET /api/users/self (${api.text.slice(0, 200)})`);
    eq(api.json.email, ALICE.email, 'profile');
    // Fresh values per call (the caller may add to them), and per token set.
    a.headers.extra = 'x';
    eq(p.authorization(url, tokens).headers.extra, undefined, 'a changed answer does not leak into the next');
    const other = new crm.TokenSet({ accessToken: 'other-token' });
    const b = p.authorization(`${origin}/api/other`, other);
    if (placement === 'header') eq(b.headers.authorization, 'Bearer other-token', 'another TokenSet, its own header');
    else eq(new URL(b.url).searchParams.get('access_token'), 'other-token', 'another URL and TokenSet, its own query');
    eq(p.authorization(`${origin}/api/other`, tokens).headers.authorization ?? null,
      placement === 'header' ? `Bearer ${tokens.accessToken}` : null, 'the first set again');
    await refusesQuietly(crm, () => p.authorization(42, tokens), 'invalid_argument', 'authorization(non-URL)');
    await refusesQuietly(crm, () => p.authorization(url, { accessToken: 'bad\r\nx' }), 'invalid_argument', 'authorization(bad token)');
    const key = crm.Flexie.apiKey({ subdomain: 'acme', apiKey: API_KEY, placement, origin });
    const k = key.authorization(`${key.apiBase}/users/self`);
    if (placement === 'header') eq(k.headers.apikey, API_KEY, 'apikey header');
    else eq(new URL(k.url).searchParams.get('apikey'), API_KEY, '?apikey=');
    eq((await call(new Request(k.url, { headers: k.headers }))).status, 200, 'API key through authorization()');
  });

  add(`flexie: Flexie.apiKey placement "${placement}" -> GET {apiBase}/users/self`, ALL, async (crm, env) => {
    const origin = env.origins.flexie;
    const key = crm.Flexie.apiKey({ subdomain: 'acme', apiKey: API_KEY, placement, origin });
    ok(key instanceof crm.ApiKeyCredentials, 'an ApiKeyCredentials');
    eq(key.provider, 'flexie', 'provider');
    eq(key.apiBase, `${origin}/api`, 'apiBase');
    ok(!JSON.stringify(key).includes(API_KEY) && !String(key).includes(API_KEY), 'the key is redacted');
    const req = key.authorize(new Request(`${key.apiBase}/users/self`));
    const u = new URL(req.url);
    if (placement === 'header') {
      eq(req.headers.get('apikey'), API_KEY, 'apikey header');
      ok(!u.searchParams.has('apikey'), 'header placement: no ?apikey=');
    } else {
      eq(u.searchParams.get('apikey'), API_KEY, '?apikey=');
      eq(req.headers.get('apikey'), null, 'query placement: no apikey header');
    }
    eq(req.headers.get('authorization'), null, 'no Authorization header for a Flexie API key');
    const api = await call(req);
    eq(api.status, 200, `GET /api/users/self with the key (${api.text.slice(0, 200)})`);
    eq(api.json.name, ALICE.name, 'profile');
    const last = await sim(env).last('flexie', 'api');
    if (placement === 'header') { eq(last.headers.apikey, API_KEY, 'simulator saw the apikey header'); ok(!last.path.includes('apikey='), 'key only in the header'); }
    else { eq(last.headers.apikey, undefined, 'simulator saw no apikey header'); ok(last.path.includes(`apikey=${API_KEY}`), 'simulator saw ?apikey='); }
  });
}

add('flexie: a wrong API key is rejected by the API (401)', ALL, async (crm, env) => {
  const key = crm.Flexie.apiKey({ apiKey: 'not-the-key', origin: env.origins.flexie });
  eq((await call(key.authorize(new Request(`${key.apiBase}/users/self`)))).status, 401, 'wrong key -> 401');
});

add('flexie: revoke -> unsupported, no request sent', ALL, async (crm, env) => {
  let calls = 0;
  const spy = (url, init) => { calls++; return fetch(url, init); };
  const p = codeProvider(crm, env, 'flexie', { fetch: spy });
  const { tokens } = await codeFlow(env, p, { authorizeUrl: `${env.origins.flexie}/oauth2/authorize`, clientId: PUBLIC.clientId });
  ok(calls >= 1, 'the custom fetch is used for the code exchange');
  const s = sim(env);
  const before = await s.counts('flexie');
  const callsBefore = calls;
  await rejects(crm, () => p.revoke(tokens.accessToken), 'unsupported', { provider: 'flexie' }, 'Flexie revoke');
  await rejects(crm, () => p.revoke(tokens.refreshToken), 'unsupported', { provider: 'flexie' }, 'Flexie revoke (refresh token)');
  eq(calls, callsBefore, 'revoke called fetch');
  eq(total(await s.counts('flexie')), total(before), 'simulator request count changed');
  // the tokens are still alive: nothing was revoked
  eq((await call(p.authorize(new Request(`${env.origins.flexie}/api/users/self`), tokens))).status, 200, 'token still valid');
});

// ---- Agile CRM --------------------------------------------------------------------------

add('agilecrm: AgileCrm.apiKey -> Basic email:key + Accept json -> GET {apiBase}/contacts/1 is JSON', ALL, async (crm, env) => {
  const origin = env.origins.agilecrm;
  const key = crm.AgileCrm.apiKey({ domain: 'acme', email: ALICE.email, apiKey: API_KEY, origin });
  eq(key.provider, 'agilecrm', 'provider');
  eq(key.apiBase, `${origin}/dev/api`, 'apiBase');
  const req = key.authorize(new Request(`${key.apiBase}/contacts/1`));
  eq(req.headers.get('authorization'), `Basic ${b64(`${ALICE.email}:${API_KEY}`)}`, 'Basic email:key, raw (not form-encoded)');
  eq(req.headers.get('accept'), 'application/json', 'Accept: application/json');
  const api = await call(req);
  eq(api.status, 200, `GET contacts/1 (${api.text.slice(0, 200)})`);
  ok(/application\/json/.test(api.headers.get('content-type') || ''), `JSON, not XML: content-type ${api.headers.get('content-type')}, body ${api.text.slice(0, 80)}`);
  eq(api.json?.id, 1, 'contact id');
  eq(api.json.properties.find((p) => p.name === 'email')?.value, ALICE.email, 'contact email');
  const last = await sim(env).last('agilecrm', 'api');
  eq(last.headers.accept, 'application/json', 'simulator saw Accept: application/json');
  // a contact that does not exist: 204
  eq((await call(key.authorize(new Request(`${key.apiBase}/contacts/99`)))).status, 204, 'missing contact -> 204');
});

add('agilecrm: 429 on the token endpoint -> rate_limited with retryAfter 7', ALL, async (crm, env) => {
  const s = sim(env);
  const p = codeProvider(crm, env, 'agilecrm');
  await s.fault('agilecrm', 'token', 'rate_limit');
  await rejects(crm, () => p.refresh('some-refresh-token'), 'rate_limited', { retryAfter: 7, status: 429, provider: 'agilecrm' }, 'refresh under 429');
  // and the same for a code exchange
  const req = p.createAuthorizationRequest({ scopes: ['contacts'] });
  const { code } = p.parseCallback(await env.approve(req.url), { state: req.state });
  await s.fault('agilecrm', 'token', 'rate_limit');
  await rejects(crm, () => p.exchangeCode(code, { codeVerifier: req.codeVerifier }), 'rate_limited', { retryAfter: 7, status: 429 }, 'exchange under 429');
  // the fault replaced the answer: the code is still good
  const tokens = await withTimeout(p.exchangeCode(code, { codeVerifier: req.codeVerifier }), TIMEOUT + 2000, 'exchange after 429');
  eq((await call(p.authorize(new Request(`${env.origins.agilecrm}/dev/api/contacts/1`), tokens))).status, 200, 'Agile API with a Bearer token');
});

// ---- Flowlu -----------------------------------------------------------------------------

add('flowlu: login (password grant, default client_id android_app_v1) -> Basic bearer:TOKEN -> module API', ALL, async (crm, env) => {
  const origin = env.origins.flowlu;
  const s = sim(env);
  const f = new crm.Flowlu({ company: 'acme', origin, timeoutMs: TIMEOUT });
  const before = await s.counts('flowlu');
  const tokens = await withTimeout(f.login({ username: ALICE.username, password: ALICE.password }), TIMEOUT + 2000, 'Flowlu login');
  checkTokenSet(crm, tokens, { lifetime: null, refresh: false, tokenType: 'bearer' });
  eq(tokens.isExpired(0), false, 'a token without expiry never expires');
  eq((await s.counts('flowlu')).password, before.password + 1, 'one password grant');
  const last = await s.last('flowlu', 'token');
  eq(last.path, '/oauth/token', 'default token path');
  ok(/^application\/x-www-form-urlencoded/.test(last.headers['content-type']), `form body (${last.headers['content-type']})`);
  const body = form(last);
  eq(body.get('grant_type'), 'password', 'grant_type');
  eq(body.get('username'), ALICE.username, 'username');
  eq(body.get('password'), ALICE.password, 'password');
  eq(body.get('client_id'), 'android_app_v1', 'default client_id');

  const url = `${origin}/api/v1/module/crm/lead/list?page=1`;
  const req = f.authorize(new Request(url), tokens);
  eq(req.headers.get('authorization'), `Basic ${b64(`bearer:${tokens.accessToken}`)}`, 'HTTP Basic bearer:TOKEN');
  eq(req.url, url, 'URL untouched (no token in the query)');
  const api = await call(req);
  eq(api.status, 200, 'module API');
  ok(api.json && !api.json.error, `module API answered an error: ${api.text.slice(0, 200)}`);
  eq(api.json.response.user.email, ALICE.email, 'module API user');
  eq(crm.Flowlu.apiError(api.json), null, 'apiError(success body) is null');
  // A Bearer header (what a generic client would send) is NOT what Flowlu accepts.
  const bearer = await call(new Request(url, { headers: { authorization: `Bearer ${tokens.accessToken}` } }));
  eq(bearer.json?.error?.error_code, 11, 'sanity: plain Bearer is refused by the simulator');
});

add('flowlu: login with a custom clientId sends it', ALL, async (crm, env) => {
  const f = new crm.Flowlu({ origin: env.origins.flowlu, clientId: 'my-flowlu-app', timeoutMs: TIMEOUT });
  const tokens = await withTimeout(f.login({ username: ALICE.username, password: ALICE.password }), TIMEOUT + 2000, 'login');
  ok(tokens.accessToken, 'token');
  const body = form(await sim(env).last('flowlu', 'token'));
  eq(body.get('client_id'), 'my-flowlu-app', 'custom client_id');
  eq(body.getAll('client_id').length, 1, 'client_id once');
});

add('flowlu: tokenEndpoint option overrides the token URL', ALL, async (crm, env) => {
  const f = new crm.Flowlu({ company: 'acme', tokenEndpoint: `${env.origins.flowlu}/oauth/token`, timeoutMs: TIMEOUT });
  const tokens = await withTimeout(f.login({ username: ALICE.username, password: ALICE.password }), TIMEOUT + 2000, 'login');
  eq(tokens.refreshToken, null, 'no refresh token');
});

add('flowlu: wrong password -> oauth_error invalid_grant, errorDescription from "error_descrption"', ALL, async (crm, env) => {
  const f = new crm.Flowlu({ company: 'acme', origin: env.origins.flowlu, timeoutMs: TIMEOUT });
  const err = await rejects(crm, () => f.login({ username: ALICE.username, password: 'not-the-password-42' }), 'oauth_error', {
    error: 'invalid_grant', errorDescription: 'Invalid username and password combination', status: 400, provider: 'flowlu',
  }, 'Flowlu wrong password');
  ok(!err.message.includes('not-the-password-42') && !JSON.stringify(err).includes('not-the-password-42'), 'the password does not leak');
});

add('flowlu: Flowlu.apiKey -> api_key in the query for GET and POST, POST body untouched', ALL, async (crm, env) => {
  const origin = env.origins.flowlu;
  const s = sim(env);
  const key = crm.Flowlu.apiKey({ company: 'acme', apiKey: API_KEY, origin });
  eq(key.provider, 'flowlu', 'provider');
  eq(key.apiBase, `${origin}/api/v1/module`, 'apiBase');
  ok(!JSON.stringify(key).includes(API_KEY), 'redacted');

  const get = key.authorize(new Request(`${key.apiBase}/crm/lead/list?page=2`));
  const gu = new URL(get.url);
  eq(gu.searchParams.get('api_key'), API_KEY, 'GET ?api_key=');
  eq(gu.searchParams.get('page'), '2', 'GET: existing query kept');
  eq(get.headers.get('authorization'), null, 'GET: no Authorization header');
  const g = await call(get);
  eq(g.status, 200, 'GET status');
  eq(g.json?.response?.method, 'list', `GET module API (${g.text.slice(0, 200)})`);
  eq(crm.Flowlu.apiError(g.json), null, 'apiError(success) is null');

  const body = 'name=Acme+%26+Co&note=%C3%BC%E2%82%AC+100%25&api_key_hint=none';
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const url = `${key.apiBase}/crm/lead/create`;
  let p;
  if (env.runtime === 'browser') {
    // Browsers upload a body moved to a new URL only as a stream (HTTP/2 only):
    // authorize refuses with a way out, and the way out works.
    let refused;
    try {
      key.authorize(new Request(url, { method: 'POST', headers, body }));
    } catch (e) {
      refused = e;
    }
    checkError(crm, refused, 'unsupported', { provider: 'flowlu' }, 'authorize(POST with body) in a browser');
    const bare = key.authorize(new Request(url, { method: 'POST', headers }));
    eq(new URL(bare.url).searchParams.get('api_key'), API_KEY, 'POST ?api_key= in the query');
    p = await call(bare, { body });
  } else {
    const post = key.authorize(new Request(url, { method: 'POST', headers, body }));
    eq(post.method, 'POST', 'POST method kept');
    eq(new URL(post.url).searchParams.get('api_key'), API_KEY, 'POST ?api_key= in the query');
    eq(post.headers.get('content-type'), 'application/x-www-form-urlencoded', 'POST content-type kept');
    p = await call(post);
  }
  eq(p.status, 200, 'POST status');
  eq(p.json?.response?.method, 'create', `POST module API (${p.text.slice(0, 200)})`);
  const last = await s.last('flowlu', 'api');
  eq(last.method, 'POST', 'simulator saw a POST');
  eq(last.body, body, 'POST body bytes as received by the simulator');
  ok(last.path.startsWith('/api/v1/module/crm/lead/create?') && last.path.includes(`api_key=${API_KEY}`), `key in the query: ${last.path}`);
  eq(last.headers.authorization, undefined, 'POST: no Authorization header');
});

add('flowlu: Flowlu.apiError on the HTTP-200 {error:{error_code:11}} -> oauth_error invalid_token', ALL, async (crm, env) => {
  const key = crm.Flowlu.apiKey({ apiKey: 'wrong-api-key', origin: env.origins.flowlu });
  const r = await call(key.authorize(new Request(`${key.apiBase}/crm/lead/list`)));
  eq(r.status, 200, 'Flowlu reports the failure with HTTP 200');
  eq(r.json?.error?.error_code, 11, `simulator error body: ${r.text}`);
  const err = crm.Flowlu.apiError(r.json);
  ok(err !== null, 'apiError returned null for an error body');
  checkError(crm, err, 'oauth_error', { error: 'invalid_token', provider: 'flowlu' }, 'apiError(code 11)');
  const fromText = crm.Flowlu.apiError(r.text);
  ok(fromText !== null, 'apiError(text) returned null for an error body');
  checkError(crm, fromText, 'oauth_error', { error: 'invalid_token' }, 'apiError(text of code 11)');
  const denied = crm.Flowlu.apiError({ error: { error_code: 22, error_msg: 'Access denied' } });
  checkError(crm, denied, 'oauth_error', { error: 'access_denied' }, 'apiError(code 22)');
  eq(crm.Flowlu.apiError({ response: { id: 1 } }), null, 'apiError(success body) is null');
  // the same through a token: a dead token gives the same 200 error
  const f = new crm.Flowlu({ origin: env.origins.flowlu, timeoutMs: TIMEOUT });
  const dead = new crm.TokenSet({ accessToken: 'no-such-token', tokenType: 'bearer' });
  const r2 = await call(f.authorize(new Request(`${env.origins.flowlu}/api/v1/module/crm/lead/list`), dead));
  checkError(crm, crm.Flowlu.apiError(r2.json), 'oauth_error', { error: 'invalid_token' }, 'apiError(dead token)');
});

// ---- Virtuous ---------------------------------------------------------------------------

add('virtuous: login alice (expiresAt ≈ now + 3599 s) + API + refresh', ALL, async (crm, env) => {
  const origin = env.origins.virtuous;
  const s = sim(env);
  const v = new crm.Virtuous({ origin, timeoutMs: TIMEOUT });
  const t0 = Date.now();
  const tokens = await withTimeout(v.login({ username: ALICE.username, password: ALICE.password }), TIMEOUT + 2000, 'Virtuous login');
  checkTokenSet(crm, tokens, { t0, lifetime: 3599, tokenType: 'bearer' });
  near(tokens.expiresAt, t0 + 3599_000, 5_000, 'expiresAt from expires_in 3599');
  const last = await s.last('virtuous', 'token');
  eq(last.path, '/Token', 'POST /Token');
  const body = form(last);
  eq(body.get('grant_type'), 'password', 'grant_type');
  ok(!body.has('client_id'), 'Virtuous.login sends no client_id');
  const req = v.authorize(new Request(`${origin}/api/Contact/1`), tokens);
  eq(req.headers.get('authorization'), `Bearer ${tokens.accessToken}`, 'Bearer');
  eq((await call(req)).status, 200, 'Contact/1 with the token');

  const t1 = Date.now();
  const fresh = await withTimeout(v.refresh(tokens.refreshToken), TIMEOUT + 2000, 'Virtuous refresh');
  checkTokenSet(crm, fresh, { t0: t1, lifetime: 3599, tokenType: 'bearer' });
  ok(fresh.accessToken !== tokens.accessToken, 'new access token');
  const rb = form(await s.last('virtuous', 'token'));
  eq(rb.get('grant_type'), 'refresh_token', 'refresh grant_type');
  eq(rb.get('refresh_token'), tokens.refreshToken, 'refresh_token sent');
  ok(!rb.has('client_id'), 'refresh sends no client_id');
  eq((await call(v.authorize(new Request(`${origin}/api/Contact/1`), fresh))).status, 200, 'API with the refreshed token');
  await rejects(crm, () => v.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'virtuous' }, 'rotated-out refresh token');
});

add('virtuous: two-factor bob -> 202 is otp_required, then login with otp', ALL, async (crm, env) => {
  const s = sim(env);
  const v = new crm.Virtuous({ origin: env.origins.virtuous, timeoutMs: TIMEOUT });
  const before = (await s.counts('virtuous')).password;
  await rejects(crm, () => v.login({ username: 'bob', password: 'builder' }), 'otp_required', { provider: 'virtuous' }, 'first login of a 2FA account');
  eq((await s.counts('virtuous')).password, before + 1, 'no automatic retry after 202');
  await rejects(crm, () => v.login({ username: 'bob', password: 'builder', otp: '000000' }), 'oauth_error', { error: 'invalid_grant' }, 'wrong otp');
  const tokens = await withTimeout(v.login({ username: 'bob', password: 'builder', otp: '123456' }), TIMEOUT + 2000, 'login with otp');
  ok(tokens.accessToken, 'token after otp');
  const body = form(await s.last('virtuous', 'token'));
  eq(body.get('otp'), '123456', 'otp sent');
  eq(body.get('username'), 'bob', 'username');
});

add('virtuous: carol\'s password "p&s=w+rd ü€ %41" is form-encoded; no client_id', ALL, async (crm, env) => {
  const s = sim(env);
  const v = new crm.Virtuous({ origin: env.origins.virtuous, timeoutMs: TIMEOUT });
  const username = 'carol+crm@example.com';
  const password = 'p&s=w+rd ü€ %41';
  const tokens = await withTimeout(v.login({ username, password }), TIMEOUT + 2000, 'carol login');
  ok(tokens.accessToken, 'token');
  const last = await s.last('virtuous', 'token');
  const body = form(last);
  eq(body.get('username'), username, 'username round-trips');
  eq(body.get('password'), password, 'password round-trips');
  ok(!body.has('client_id'), 'no client_id');
  ok(!last.body.includes(password) && !last.body.includes('carol+crm'), `raw body is encoded: ${last.body.replace(/password=[^&]*/, 'password=…')}`);
  const err = await rejects(crm, () => v.login({ username, password: 'p&s=w+rd ü€ %42' }), 'oauth_error', { error: 'invalid_grant' }, 'wrong password');
  ok(!JSON.stringify(err).includes('%42') && !err.message.includes('p&s=w+rd'), 'no password in the error');
});

add('virtuous: Virtuous.apiKey -> Bearer -> GET {apiBase}/Contact/1', ALL, async (crm, env) => {
  const origin = env.origins.virtuous;
  const key = crm.Virtuous.apiKey({ apiKey: API_KEY, origin });
  eq(key.provider, 'virtuous', 'provider');
  eq(key.apiBase, `${origin}/api`, 'apiBase');
  const req = key.authorize(new Request(`${key.apiBase}/Contact/1`));
  eq(req.headers.get('authorization'), `Bearer ${API_KEY}`, 'Bearer key');
  ok(!new URL(req.url).search, 'nothing in the query');
  const r = await call(req);
  eq(r.status, 200, `Contact/1 (${r.text.slice(0, 200)})`);
  eq(r.json.email, ALICE.email, 'contact');
  eq(r.headers.get('x-ratelimit-limit'), '1000', 'rate-limit headers');
});

// ---- HubSpot ----------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function hubspot(crm, env, extra = {}) {
  return new crm.HubSpot({ redirectUri: REDIRECT, origin: env.origins.hubspot, timeoutMs: TIMEOUT, ...extra });
}

add('hubspot: code flow (confidential client) + Session: API call, refresh before expiry (same refresh token back), logout revokes', ALL, async (crm, env) => {
  const s = sim(env);
  const origin = env.origins.hubspot;
  const p = hubspot(crm, env, IN_PAGE);
  const { tokens, t0, req } = await codeFlow(env, p, { authorizeUrl: `${origin}/oauth/authorize`, clientId: CLIENT.clientId, scopes: ['crm.objects.contacts.read', 'oauth'] });
  checkTokenSet(crm, tokens, { t0, lifetime: 1800 });
  const last = await s.last('hubspot', 'token');
  eq(last.path, '/oauth/2026-03/token', 'the dated token endpoint');
  const body = form(last);
  eq(body.get('client_secret'), CLIENT.clientSecret, 'client_secret in the body');
  eq(body.get('code_verifier'), req.codeVerifier, 'code_verifier');
  eq(last.headers.authorization, undefined, 'no Basic header');
  const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: 'hubspot-user' });
  await session.save(tokens);
  const res = await withTimeout(session.fetch('/account-info/v3/details'), TIMEOUT + 2000, 'session.fetch');
  eq(res.status, 200, 'GET {apiBase}/account-info/v3/details');
  eq((await res.json()).portalId, 62515, 'portal');
  eq(res.headers.get('x-hubspot-ratelimit-max'), '110', 'X-HubSpot-RateLimit-* headers');
  eq(p.apiBase, origin, 'apiBase is the API origin itself');
  // 30 s left is within skewSeconds (60): the Session refreshes before the call, from the expiry.
  const before = (await s.counts('hubspot')).refresh_token;
  await session.save(new crm.TokenSet({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + 30_000 }));
  eq((await withTimeout(session.fetch('/account-info/v3/details'), TIMEOUT + 2000, 'fetch near expiry')).status, 200, 'API after the refresh');
  eq((await s.counts('hubspot')).refresh_token, before + 1, 'one refresh before the call');
  const fresh = await session.tokens();
  ok(fresh.accessToken !== tokens.accessToken, 'a new access token');
  eq(fresh.refreshToken, tokens.refreshToken, 'HubSpot answers the same refresh token');
  near(fresh.expiresAt, Date.now() + 1800_000, 20_000, '30 more minutes');
  const revokes = (await s.counts('hubspot')).revoke;
  await withTimeout(session.logout(), TIMEOUT + 2000, 'logout');
  eq((await s.counts('hubspot')).revoke, revokes + 1, 'logout revoked');
  const rlast = await s.last('hubspot', 'revoke');
  eq(rlast.path, '/oauth/2026-03/token/revoke', 'the dated revoke endpoint');
  eq(form(rlast).get('token'), tokens.refreshToken, 'the refresh token was revoked');
  eq(form(rlast).get('client_secret'), CLIENT.clientSecret, 'revoke authenticates the client in the body');
  // The simulator answers RFC 6749 `error` and HubSpot's legacy `status`/`message`.
  await rejects(crm, () => p.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', status: 400, provider: 'hubspot', errorDescription: 'refresh token is invalid, expired, revoked or already used' }, 'refresh after logout');
});

add('hubspot: a 401 is not a refresh signal (confidential client): Session.fetch hands it back and refreshes nothing', ALL, async (crm, env) => {
  const s = sim(env);
  const p = hubspot(crm, env, IN_PAGE);
  const { tokens } = await codeFlow(env, p, { authorizeUrl: `${env.origins.hubspot}/oauth/authorize`, clientId: CLIENT.clientId, scopes: ['oauth'] });
  const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: 'hubspot-401' });
  await session.save(tokens);
  const before = (await s.counts('hubspot')).refresh_token;
  for (let i = 0; i < 2; i++) {
    const res = await withTimeout(session.fetch('/crm/v3/objects/quotes'), TIMEOUT + 2000, 'fetch a 401');
    eq(res.status, 401, 'the 401 is the caller\'s');
    eq((await res.json()).category, 'INVALID_AUTHENTICATION', 'HubSpot\'s 401 body');
  }
  eq((await s.counts('hubspot')).refresh_token, before, 'no refresh on a HubSpot 401');
  eq((await session.tokens()).accessToken, tokens.accessToken, 'the stored tokens are untouched');
});

add('hubspot: a token error with only the legacy status/message (BAD_REFRESH_TOKEN) -> oauth_error invalid_grant; Session clears the store', ALL, async (crm, env) => {
  const legacy = { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token', correlationId: 'aeb5f871' };
  const stub = async () => new Response(JSON.stringify(legacy), { status: 400, headers: { 'content-type': 'application/json' } });
  const p = hubspot(crm, env, { clientId: CLIENT.clientId, fetch: stub });
  await rejects(crm, () => p.refresh('dead-refresh-token'), 'oauth_error', { error: 'invalid_grant', errorDescription: legacy.message, status: 400, provider: 'hubspot' }, 'legacy refresh error');
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: 'hubspot-legacy' });
  await session.save(new crm.TokenSet({ accessToken: 'at', refreshToken: 'dead-refresh-token', expiresAt: Date.now() - 1000 }));
  await rejects(crm, () => session.tokens(), 'oauth_error', { error: 'invalid_grant' }, 'Session refresh with a dead token');
  eq(store.get('hubspot-legacy'), null, 'a dead grant is cleared, as any invalid_grant');
});

add('hubspot: HubSpot.apiKey (private-app token) -> Bearer; 429 with X-HubSpot-RateLimit-* -> rate_limited with retryAfter', ALL, async (crm, env) => {
  const s = sim(env);
  const key = crm.HubSpot.apiKey({ apiKey: API_KEY, origin: env.origins.hubspot, timeoutMs: TIMEOUT });
  eq(key.provider, 'hubspot', 'provider');
  eq(key.apiBase, env.origins.hubspot, 'apiBase');
  eq(crm.HubSpot.apiKey({ apiKey: API_KEY }).apiBase, 'https://api.hubapi.com', 'production apiBase');
  eq(key.authorize(new Request(`${key.apiBase}/account-info/v3/details`)).headers.get('authorization'), `Bearer ${API_KEY}`, 'Bearer');
  const session = new crm.Session({ provider: key, store: new crm.MemoryStore(), key: 'hubspot-pat' });
  const res = await withTimeout(session.fetch('/account-info/v3/details'), TIMEOUT + 2000, 'fetch');
  eq(res.status, 200, 'API with the private-app token');
  // Retry-After 30 s is beyond maxRetryAfterSeconds (10): no wait, the caller gets it.
  await s.fault('hubspot', 'api', 'rate_limit', { retryAfter: 30 });
  await rejects(crm, () => session.fetch('/account-info/v3/details'), 'rate_limited', { status: 429, retryAfter: 30, provider: 'hubspot' }, 'HubSpot 429');
  eq((await s.last('hubspot', 'api')).headers.authorization, `Bearer ${API_KEY}`, 'the simulator saw the token');
});

add('hubspot: without a secret (browser): authorization URL (app host, scope required, PKCE) and callback parsing; production URLs', ALL, async (crm, env) => {
  const prod = new crm.HubSpot({ clientId: CLIENT.clientId, redirectUri: REDIRECT });
  eq(prod.apiBase, 'https://api.hubapi.com', 'production apiBase');
  const url = new URL(prod.createAuthorizationRequest({ scopes: ['oauth'], params: { optional_scope: 'crm.objects.deals.read' } }).url);
  eq(url.origin + url.pathname, 'https://app.hubspot.com/oauth/authorize', 'production authorize URL');
  eq(url.searchParams.get('optional_scope'), 'crm.objects.deals.read', 'optional_scope passes through params');
  await rejects(crm, () => prod.createAuthorizationRequest(), 'invalid_argument', { provider: 'hubspot' }, 'scope is required');
  const p = hubspot(crm, env, { clientId: CLIENT.clientId });
  const req = p.createAuthorizationRequest({ scopes: ['oauth', 'crm.objects.contacts.read'] });
  eq(new URL(req.url).searchParams.get('scope'), 'oauth crm.objects.contacts.read', 'space-separated scopes');
  eq(new URL(req.url).searchParams.get('code_challenge_method'), 'S256', 'PKCE');
  const cb = p.parseCallback(await env.approve(req.url), { state: req.state });
  ok(typeof cb.code === 'string' && cb.code.length > 0, 'code');
});

// ---- Salesforce -------------------------------------------------------------------------

function salesforce(crm, env, extra = {}) {
  return new crm.Salesforce({ redirectUri: REDIRECT, origin: env.origins.salesforce, timeoutMs: TIMEOUT, ...extra });
}

/** A public Salesforce client logged in through the code flow, its tokens saved under `key`. */
async function salesforceSession(crm, env, key) {
  const p = salesforce(crm, env, PUBLIC);
  const { tokens } = await codeFlow(env, p, { authorizeUrl: `${env.origins.salesforce}/services/oauth2/authorize`, clientId: PUBLIC.clientId, scopes: ['api'] });
  const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key });
  await session.save(tokens);
  return session;
}

for (const kind of ['confidential', 'public']) {
  add(`salesforce: code flow (${kind} client) + Session: API at instance_url, no expiry -> refresh on 401 INVALID_SESSION_ID (old refresh token kept), logout revokes`, kind === 'public' ? ALL : SERVER, async (crm, env) => {
    const s = sim(env);
    const origin = env.origins.salesforce;
    const confidential = kind === 'confidential';
    const p = salesforce(crm, env, confidential ? CLIENT : PUBLIC);
    await s.config('salesforce', { expiresIn: 1 }); // the org's session timeout, unknown to the client
    let tokens, t0;
    try {
      ({ tokens, t0 } = await codeFlow(env, p, { authorizeUrl: `${origin}/services/oauth2/authorize`, clientId: confidential ? CLIENT.clientId : PUBLIC.clientId, scopes: ['api', 'refresh_token'] }));
    } finally {
      await s.config('salesforce', { expiresIn: 7200 });
    }
    checkTokenSet(crm, tokens, { t0, lifetime: null });
    eq(tokens.scopes?.join(' '), 'api refresh_token', 'scopes');
    const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: `salesforce-${kind}` });
    await session.save(tokens);
    await sleep(1200); // the access token dies at the simulator; expiresAt stays null
    const before = await s.counts('salesforce');
    const res = await withTimeout(session.fetch('/services/data/v62.0/limits'), TIMEOUT + 2000, 'session.fetch');
    eq(res.status, 200, 'API after the 401-driven refresh');
    ok(/^api-usage=\d+\/5000$/.test(res.headers.get('sforce-limit-info') ?? ''), 'Sforce-Limit-Info');
    const after = await s.counts('salesforce');
    eq(after.refresh_token, before.refresh_token + 1, 'one refresh, on the 401');
    eq(after.api, before.api + 2, 'the 401 and the retry');
    const apiPath = (await s.last('salesforce', 'api')).path;
    eq(apiPath, '/salesforce/services/data/v62.0/limits', 'the API call went to instance_url (the other simulator address), not the login host');
    const fresh = await session.tokens();
    ok(fresh.accessToken !== tokens.accessToken, 'a new access token');
    eq(fresh.refreshToken, tokens.refreshToken, 'no rotation: the old refresh token is kept');
    eq(fresh.expiresAt, null, 'still no expiry');
    const revokes = after.revoke;
    await withTimeout(session.logout(), TIMEOUT + 2000, 'logout');
    eq((await s.counts('salesforce')).revoke, revokes + 1, 'logout revoked');
    eq(form(await s.last('salesforce', 'revoke')).get('token'), tokens.refreshToken, 'the refresh token');
    await rejects(crm, () => p.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'salesforce' }, 'refresh after logout');
  });
}

add('salesforce: refresh tokens rotate only when the app enables it (then the old one dies)', ALL, async (crm, env) => {
  const s = sim(env);
  const p = salesforce(crm, env, PUBLIC);
  const { tokens } = await codeFlow(env, p, { authorizeUrl: `${env.origins.salesforce}/services/oauth2/authorize`, clientId: PUBLIC.clientId, scopes: ['api', 'refresh_token'] });
  const kept = await withTimeout(p.refresh(tokens.refreshToken), TIMEOUT + 2000, 'refresh');
  eq(kept.refreshToken, tokens.refreshToken, 'no refresh_token in the answer: the old one is kept');
  await s.config('salesforce', { rotateRefreshTokens: true });
  try {
    const rotated = await withTimeout(p.refresh(tokens.refreshToken), TIMEOUT + 2000, 'refresh with rotation');
    ok(rotated.refreshToken !== tokens.refreshToken, 'a new refresh token');
    await rejects(crm, () => p.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant' }, 'the old one died');
  } finally {
    await s.config('salesforce', { rotateRefreshTokens: false });
  }
});

add('salesforce: 403 REQUEST_LIMIT_EXCEEDED -> Session.fetch rejects rate_limited; Salesforce.apiError reads the JSON array', ALL, async (crm, env) => {
  const s = sim(env);
  const session = await salesforceSession(crm, env, 'salesforce-limit');
  await s.fault('salesforce', 'api', 'rate_limit');
  const before = (await s.counts('salesforce')).refresh_token;
  await rejects(crm, () => session.fetch('/services/data/v62.0/limits'), 'rate_limited',
    { status: 403, error: 'REQUEST_LIMIT_EXCEEDED', errorDescription: 'TotalRequests Limit exceeded.', provider: 'salesforce' }, '403 limit');
  eq((await s.counts('salesforce')).refresh_token, before, 'a limit is not a refresh signal');
  eq((await withTimeout(session.fetch('/services/data/v62.0/limits'), TIMEOUT + 2000, 'next call')).status, 200, 'the next call goes through');
  const expired = crm.Salesforce.apiError('[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]');
  eq(expired?.code, 'oauth_error', 'INVALID_SESSION_ID');
  eq(expired?.error, 'INVALID_SESSION_ID', 'error is the errorCode');
  eq(crm.Salesforce.apiError([{ message: 'no', errorCode: 'INSUFFICIENT_ACCESS' }])?.code, 'invalid_response', 'a parsed array; other codes');
  eq(crm.Salesforce.apiError({ errorCode: 'X' }), null, 'not an array');
});

add('salesforce: Session reads at most maxBodyBytes of a 403 to look for REQUEST_LIMIT_EXCEEDED: an endless body is not buffered, the caller gets it whole', ALL, async (crm, env) => {
  const s = sim(env);
  const session = await salesforceSession(crm, env, 'salesforce-endless');
  // 64 KiB every 10 ms, never ending: reading it whole never finishes.
  await s.fault('salesforce', 'api', 'endless_body', { status: 403 });
  const r = await withTimeout(session.fetch('/services/data/v62.0/limits'), 15_000, 'session.fetch on a 403 with an endless body (read whole?)');
  eq(r.status, 403, 'not a limit answer we could read: the 403 itself');
  // The caller's body from its first byte, past the 1 MiB we read of our copy.
  const reader = r.body.getReader();
  const first = (await reader.read()).value;
  eq(first[0], 0x7b, 'the body starts with its first byte, "{"');
  let size = first.byteLength;
  while (size <= 2 * 1024 * 1024) {
    const { value, done } = await withTimeout(reader.read(), 10_000, 'the caller reads on');
    ok(!done, 'the body goes on');
    size += value.byteLength;
  }
  await reader.cancel();
  // The cap is the provider's maxBodyBytes: a real limit answer over it is not read either.
  const small = new crm.Session({ provider: salesforce(crm, env, { ...PUBLIC, maxBodyBytes: 10 }), store: new crm.MemoryStore(), key: 'salesforce-cap' });
  await small.save(await session.tokens());
  await s.fault('salesforce', 'api', 'rate_limit');
  const capped = await withTimeout(small.fetch('/services/data/v62.0/limits'), TIMEOUT + 2000, 'over maxBodyBytes');
  eq(capped.status, 403, 'a limit answer over maxBodyBytes stays the caller\'s 403');
  ok((await capped.text()).includes('REQUEST_LIMIT_EXCEEDED'), 'and its body is whole');
});

add('salesforce: hosts: login.salesforce.com by default, test.salesforce.com, My Domains; *.lightning.force.com and others -> invalid_argument', ALL, async (crm, env) => {
  const at = (host) => {
    const p = new crm.Salesforce({ clientId: PUBLIC.clientId, redirectUri: REDIRECT, ...(host === undefined ? {} : { host }) });
    const u = new URL(p.createAuthorizationRequest({ scopes: ['api'] }).url);
    return { origin: u.origin, path: u.pathname, apiBase: p.apiBase };
  };
  const login = at(undefined);
  eq(`${login.origin}${login.path}`, 'https://login.salesforce.com/services/oauth2/authorize', 'default login host');
  eq(login.apiBase, null, 'apiBase unknown until instance_url');
  eq(at('test.salesforce.com').origin, 'https://test.salesforce.com', 'sandbox login host');
  const mine = at('acme--sbx.sandbox.my.salesforce.com');
  eq(mine.origin, 'https://acme--sbx.sandbox.my.salesforce.com', 'sandbox My Domain');
  eq(mine.apiBase, 'https://acme--sbx.sandbox.my.salesforce.com', 'a My Domain is its API host');
  for (const bad of ['acme.lightning.force.com', 'evil.example', 'https://acme.my.salesforce.com', 'acme.my.salesforce.com.evil.example']) {
    await rejects(crm, () => at(bad), 'invalid_argument', { provider: 'salesforce' }, `host ${bad}`);
  }
});

add('salesforce: client credentials on a My Domain (confidential client) -> token without refresh token or expiry; refused on login/test hosts before anything is sent', SERVER, async (crm, env) => {
  const s = sim(env);
  let calls = 0;
  const spy = (url, init) => { calls++; return fetch(url, init); };
  for (const host of [undefined, 'test.salesforce.com']) {
    const shared = new crm.Salesforce({ ...CLIENT, redirectUri: REDIRECT, fetch: spy, ...(host ? { host } : {}) });
    await rejects(crm, () => shared.clientCredentials(), 'invalid_argument', { provider: 'salesforce' }, `client credentials on ${host ?? 'login.salesforce.com'}`);
  }
  await rejects(crm, () => new crm.Salesforce({ ...PUBLIC, redirectUri: REDIRECT, host: 'acme.my.salesforce.com', fetch: spy }).clientCredentials(), 'invalid_argument', {}, 'without a secret');
  eq(calls, 0, 'nothing sent');
  for (const clientAuth of ['client_secret_post', 'client_secret_basic']) {
    const p = salesforce(crm, env, { ...CLIENT, clientAuth });
    const t = await withTimeout(p.clientCredentials({ scopes: ['api'] }), TIMEOUT + 2000, 'clientCredentials');
    ok(t instanceof crm.TokenSet, 'a TokenSet');
    eq(t.refreshToken, null, 'no refresh token');
    eq(t.expiresAt, null, 'no expiry');
    const last = await s.last('salesforce', 'token');
    const body = form(last);
    eq(body.get('grant_type'), 'client_credentials', 'grant_type');
    eq(body.get('scope'), 'api', 'scope');
    if (clientAuth === 'client_secret_basic') eq(last.headers.authorization, `Basic ${b64('test-client:test-secret')}`, 'Basic');
    else eq(body.get('client_secret'), CLIENT.clientSecret, 'secret in the body');
    const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: `sf-cc-${clientAuth}` });
    await session.save(t);
    eq((await withTimeout(session.fetch('/services/data/v62.0/limits'), TIMEOUT + 2000, 'API')).status, 200, 'API with the service token');
  }
});

// ---- Pipedrive --------------------------------------------------------------------------

function pipedrive(crm, env, extra = {}) {
  return new crm.Pipedrive({ ...CLIENT, redirectUri: REDIRECT, origin: env.origins.pipedrive, timeoutMs: TIMEOUT, ...extra });
}

/** Pipedrive's code flow against the simulator: no scope, no PKCE, Basic client authentication. */
async function pipedriveLogin(crm, env, p) {
  const origin = env.origins.pipedrive;
  const req = p.createAuthorizationRequest();
  const u = new URL(req.url);
  eq(u.origin + u.pathname, `${origin}/oauth/authorize`, 'authorize endpoint');
  ok(!u.searchParams.has('scope'), 'no scope parameter (Pipedrive sets scopes on the app)');
  ok(!u.searchParams.has('code_challenge'), 'no PKCE (Pipedrive takes none)');
  eq(req.codeVerifier, null, 'no verifier');
  const cb = p.parseCallback(await env.approve(req.url), { state: req.state });
  const t0 = Date.now();
  const tokens = await withTimeout(p.exchangeCode(cb.code), TIMEOUT + 2000, 'exchangeCode');
  return { tokens, t0 };
}

add('pipedrive: code flow (confidential client, Basic auth, no scope, no PKCE), api_domain as apiBase; Session refreshes, calls the API and logs out', ALL, async (crm, env) => {
  const s = sim(env);
  const origin = env.origins.pipedrive;
  const p = pipedrive(crm, env, IN_PAGE);
  eq(p.apiBase, null, 'no static apiBase: each grant names its own');
  const before = await s.counts('pipedrive');
  const { tokens, t0 } = await pipedriveLogin(crm, env, p);
  checkTokenSet(crm, tokens, { t0, lifetime: 3599 });
  eq(tokens.apiBase, origin, 'apiBase = the answer\'s api_domain');
  eq(tokens.scopes?.join(' '), 'base deals:full', 'comma-separated scopes are split');
  eq(JSON.stringify(tokens.toJSON().apiBase), JSON.stringify(origin), 'apiBase in toJSON (not a secret)');
  const last = await s.last('pipedrive', 'token');
  eq(last.headers.authorization, `Basic ${b64(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`, 'HTTP Basic client authentication');
  ok(!form(last).has('client_secret') && !form(last).has('client_id'), 'no client credentials in the body');
  const stored = crm.TokenSet.deserialize(tokens.serialize());
  eq(stored.apiBase, origin, 'apiBase survives serialize/deserialize');

  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: p, store, key: 'pipedrive-user' });
  // An expired copy (TokenSetInit with apiBase): the session must refresh before the call.
  await session.save(new crm.TokenSet({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() - 1000, apiBase: tokens.apiBase }));
  const res = await withTimeout(session.fetch('/api/v1/users/me'), TIMEOUT + 2000, 'session.fetch');
  eq(res.status, 200, 'GET {api_domain}/api/v1/users/me');
  eq((await res.json()).data.email, ALICE.email, 'users/me');
  eq((await s.counts('pipedrive')).refresh_token, before.refresh_token + 1, 'the session refreshed once');
  eq((await s.last('pipedrive', 'token')).headers.authorization, `Basic ${b64(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`, 'refresh: Basic too');
  const fresh = await session.tokens();
  eq(fresh.apiBase, origin, 'the refreshed set has the api_domain');
  ok(fresh.accessToken !== tokens.accessToken, 'a new access token');

  await withTimeout(session.logout(), TIMEOUT + 2000, 'logout');
  eq((await s.counts('pipedrive')).revoke, before.revoke + 1, 'logout revoked at /oauth/revoke');
  const revoke = await s.last('pipedrive', 'revoke');
  eq(form(revoke).get('token'), fresh.refreshToken, 'the refresh token was revoked');
  eq(revoke.headers.authorization, `Basic ${b64(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`, 'revoke: Basic');
  eq(await store.get('pipedrive-user'), null, 'nothing stored after logout');
  await rejects(crm, () => p.refresh(fresh.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'pipedrive' }, 'refresh after logout');
});

add('pipedrive: api_domain moves on refresh (confidential client): Session.fetch follows the latest (expiry and 401 paths); a refresh answer without one keeps it', ALL, async (crm, env) => {
  const s = sim(env);
  const own = env.origins.pipedrive;
  const other = `${env.simUrl}/pipedrive`;
  const p = pipedrive(crm, env, IN_PAGE);
  const { tokens } = await pipedriveLogin(crm, env, p);
  eq(tokens.apiBase, own, 'first api_domain');
  await s.config('pipedrive', { moveApiDomain: true });
  try {
    const session = new crm.Session({ provider: p, store: new crm.MemoryStore(), key: 'pipedrive-moving' });
    await session.save(new crm.TokenSet({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() - 1000, apiBase: tokens.apiBase }));
    // Expiry: the refresh moves the company; the call goes to the new domain.
    const res = await withTimeout(session.fetch('/api/v1/users/me'), TIMEOUT + 2000, 'fetch after an expiry refresh');
    eq(res.status, 200, `the call followed api_domain (${res.status})`);
    eq((await session.tokens()).apiBase, other, 'the stored set has the new api_domain');
    eq((await s.last('pipedrive', 'api')).path, '/pipedrive/api/v1/users/me', 'sent to the new domain');
    // 401: the API refuses once; the 401 refresh moves the company back, and the retry follows.
    await s.fault('pipedrive', 'api', 'unauthorized');
    const again = await withTimeout(session.fetch('/api/v1/users/me'), TIMEOUT + 2000, 'fetch after a 401 refresh');
    eq(again.status, 200, `the retry followed api_domain (${again.status})`);
    eq((await s.last('pipedrive', 'api')).path, '/api/v1/users/me', 'the retry went to the first domain again');
    eq((await session.tokens()).apiBase, own, 'stored');
    // A refresh answer without api_domain keeps the set's.
    await s.config('pipedrive', { moveApiDomain: false, refreshWithoutApiDomain: true });
    const kept = await withTimeout(p.refresh((await session.tokens()).refreshToken, { apiBase: own }), TIMEOUT + 2000, 'refresh');
    eq(kept.apiBase, own, 'kept');
    const none = await withTimeout(p.refresh(kept.refreshToken), TIMEOUT + 2000, 'refresh without the old apiBase');
    eq(none.apiBase, null, 'nothing to keep');
    await rejects(crm, () => p.refresh(none.refreshToken, { apiBase: 'http://evil.example' }), 'insecure_endpoint', {}, 'a bad apiBase to keep');
  } finally {
    await s.config('pipedrive', { moveApiDomain: false, refreshWithoutApiDomain: false });
  }
});

add('pipedrive: scopes (constructor or call) and pkce: true are invalid_argument, nothing sent; without a secret (browser) the token endpoint wants Basic', ALL, async (crm, env) => {
  let calls = 0;
  const spy = (url, init) => { calls++; return fetch(url, init); };
  const p = pipedrive(crm, env, { clientSecret: undefined, fetch: spy });
  for (const options of [{ scopes: ['deals:full'] }, { pkce: true }]) {
    const err = await rejects(crm, () => p.createAuthorizationRequest(options), 'invalid_argument', { provider: 'pipedrive' }, show(options));
    ok(/scope|PKCE/.test(err.message), err.message);
  }
  await rejects(crm, () => pipedrive(crm, env, { clientSecret: undefined, scopes: ['base'] }).createAuthorizationRequest(), 'invalid_argument', {}, 'default scopes');
  eq(calls, 0, 'nothing sent');
  const req = p.createAuthorizationRequest({ pkce: false });
  const cb = p.parseCallback(await env.approve(req.url), { state: req.state });
  ok(typeof cb.code === 'string' && cb.code.length > 0, 'code');
  await rejects(crm, () => p.exchangeCode(cb.code), 'oauth_error', { error: 'invalid_client', status: 401, provider: 'pipedrive' }, 'exchange without the secret');
});

add('pipedrive: Pipedrive.apiKey -> x-api-token on {companyDomain}.pipedrive.com; Session.fetch; a spent daily budget (429) -> rate_limited', ALL, async (crm, env) => {
  const s = sim(env);
  eq(crm.Pipedrive.apiKey({ companyDomain: 'acme', apiKey: API_KEY }).apiBase, 'https://acme.pipedrive.com', 'production apiBase');
  const key = crm.Pipedrive.apiKey({ apiKey: API_KEY, origin: env.origins.pipedrive });
  eq(key.apiBase, env.origins.pipedrive, 'apiBase = origin');
  const req = key.authorize(new Request(`${key.apiBase}/api/v1/users/me`));
  eq(req.headers.get('x-api-token'), API_KEY, 'x-api-token header');
  eq(req.headers.get('authorization'), null, 'no Authorization header');
  ok(!new URL(req.url).search, 'nothing in the query (no legacy ?api_token=)');
  const session = new crm.Session({ provider: key, store: new crm.MemoryStore(), key: 'pipedrive-key' });
  const res = await withTimeout(session.fetch('/api/v1/users/me'), TIMEOUT + 2000, 'session.fetch');
  eq(res.status, 200, 'users/me with the API token');
  eq((await res.json()).data.email, ALICE.email, 'users/me');
  await s.config('pipedrive', { dailyBudget: 0 });
  try {
    await rejects(crm, () => session.fetch('/api/v1/users/me'), 'rate_limited', { status: 429, provider: 'pipedrive' }, 'budget spent');
  } finally {
    await s.config('pipedrive', { dailyBudget: null });
  }
  await refusesQuietly(crm, () => crm.Pipedrive.apiKey({ companyDomain: 'acme', apiKey: 'SECRET\n' }), 'invalid_argument', 'bad key');
  await rejects(crm, () => crm.Pipedrive.apiKey({ companyDomain: 'evil.com/', apiKey: API_KEY }), 'invalid_argument', {}, 'companyDomain is one label');
});

// ---- Zoho CRM ---------------------------------------------------------------------------

const ZOHO_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'];
const ZOHO_ME = '/crm/v8/users?type=CurrentUser';

function zoho(crm, env, { confidential = false, ...extra } = {}) {
  return new crm.ZohoCrm({ ...(confidential ? CLIENT : PUBLIC), redirectUri: REDIRECT, origin: env.origins.zohocrm, timeoutMs: TIMEOUT, ...extra });
}

/** Zoho's code flow: comma scopes, offline + consent, the exchange at the callback's accounts-server. */
async function zohoLogin(crm, env, z) {
  const origin = env.origins.zohocrm;
  const req = z.createAuthorizationRequest({ scopes: ZOHO_SCOPES });
  const u = new URL(req.url);
  eq(u.origin + u.pathname, `${origin}/oauth/v2/auth`, 'authorize endpoint');
  eq(u.searchParams.get('scope'), ZOHO_SCOPES.join(','), 'comma-separated scopes');
  eq(u.searchParams.get('access_type'), 'offline', 'access_type=offline');
  eq(u.searchParams.get('prompt'), 'consent', 'prompt=consent (a refresh token on every login)');
  eq(u.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
  const callback = new URL(await env.approve(req.url));
  eq(callback.searchParams.get('accounts-server'), origin, 'the callback names the accounts server');
  const cb = z.parseCallback(callback, { state: req.state });
  eq(cb.accountsServer, origin, 'parseCallback returns the checked accounts server');
  const t0 = Date.now();
  const tokens = await withTimeout(z.exchangeCode(cb.code, { codeVerifier: req.codeVerifier, accountsServer: cb.accountsServer }), TIMEOUT + 2000, 'exchangeCode');
  return { tokens, t0 };
}

for (const kind of ['confidential', 'public']) {
  add(`zohocrm: code flow (${kind} client) at the callback's accounts-server, api_domain, Zoho-oauthtoken; Session refreshes (no rotation), calls the API and logs out`, kind === 'public' ? ALL : SERVER, async (crm, env) => {
    const s = sim(env);
    const origin = env.origins.zohocrm;
    const confidential = kind === 'confidential';
    const z = zoho(crm, env, { confidential });
    eq(z.apiBase, origin, 'apiBase with origin');
    const before = await s.counts('zohocrm');
    const { tokens, t0 } = await zohoLogin(crm, env, z);
    checkTokenSet(crm, tokens, { t0 });
    eq(tokens.apiBase, origin, 'apiBase = api_domain');
    const body = form(await s.last('zohocrm', 'token'));
    eq(body.get('client_id'), confidential ? CLIENT.clientId : PUBLIC.clientId, 'client_id in the body');
    eq(body.get('client_secret'), confidential ? CLIENT.clientSecret : null, 'client_secret in the body only for the server app');
    const authorized = z.authorize(new Request(`${origin}${ZOHO_ME}`), tokens);
    eq(authorized.headers.get('authorization'), `Zoho-oauthtoken ${tokens.accessToken}`, 'Zoho-oauthtoken, not Bearer');
    const bearer = await call(`${origin}${ZOHO_ME}`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    eq(bearer.status, 401, 'Zoho refuses the token as Bearer');

    const store = new crm.MemoryStore();
    const session = new crm.Session({ provider: z, store, key: `zoho-${kind}` });
    await session.save(new crm.TokenSet({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() - 1000, apiBase: tokens.apiBase }));
    const res = await withTimeout(session.fetch(ZOHO_ME), TIMEOUT + 2000, 'session.fetch');
    eq(res.status, 200, `GET {api_domain}${ZOHO_ME}`);
    eq((await res.json()).users[0].email, ALICE.email, 'current user');
    eq((await s.counts('zohocrm')).refresh_token, before.refresh_token + 1, 'one refresh');
    const fresh = await session.tokens();
    eq(fresh.refreshToken, tokens.refreshToken, 'Zoho does not rotate: the refresh token is kept');
    eq(fresh.apiBase, origin, 'api_domain of the refresh');
    ok(fresh.accessToken !== tokens.accessToken, 'a new access token');

    await withTimeout(session.logout(), TIMEOUT + 2000, 'logout');
    eq((await s.counts('zohocrm')).revoke, before.revoke + 1, 'logout revoked');
    eq(form(await s.last('zohocrm', 'revoke')).get('token'), tokens.refreshToken, 'the refresh token was revoked');
    eq(await store.get(`zoho-${kind}`), null, 'nothing stored');
    // Zoho answers a dead refresh token with HTTP 200 {"error":"invalid_code"}.
    await rejects(crm, () => z.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', status: 200, provider: 'zohocrm' }, 'refresh after logout');
  });
}

add('zohocrm: an accounts-server that is not Zoho\'s (or not the origin) -> invalid_callback; an unchecked accountsServer -> invalid_argument; nothing sent', ALL, async (crm, env) => {
  const s = sim(env);
  let calls = 0;
  const spy = (url, init) => { calls++; return fetch(url, init); };
  const z = zoho(crm, env, { fetch: spy });
  try {
    for (const foreign of ['https://evil.example', 'https://accounts.zoho.eu', `${env.origins.zohocrm}.evil.example`, `${env.simUrl}/zohocrm`]) {
      await s.config('zohocrm', { accountsServer: foreign });
      const req = z.createAuthorizationRequest({ scopes: ZOHO_SCOPES });
      const callback = await env.approve(req.url);
      eq(new URL(callback).searchParams.get('accounts-server'), foreign, 'the simulator named it');
      await rejects(crm, () => z.parseCallback(callback, { state: req.state }), 'invalid_callback', { provider: 'zohocrm' }, foreign);
    }
  } finally {
    await s.config('zohocrm', { accountsServer: null });
  }
  const req = z.createAuthorizationRequest({ scopes: ZOHO_SCOPES });
  const good = new URL(await env.approve(req.url));
  good.searchParams.append('accounts-server', env.origins.zohocrm);
  await rejects(crm, () => z.parseCallback(good, { state: req.state }), 'invalid_callback', {}, 'a repeated accounts-server');
  await rejects(crm, () => z.exchangeCode('some-code', { codeVerifier: req.codeVerifier, accountsServer: 'https://evil.example' }), 'invalid_argument', { provider: 'zohocrm' }, 'exchange at an unchecked host');
  eq(calls, 0, 'nothing was sent');
  // The production list: only Zoho's own accounts servers pass.
  const prod = new crm.ZohoCrm({ ...PUBLIC, redirectUri: REDIRECT });
  const cb = (server) => `${REDIRECT}?code=c&state=st&location=eu&accounts-server=${encodeURIComponent(server)}`;
  eq(prod.parseCallback(cb('https://accounts.zoho.eu'), { state: 'st' }).accountsServer, 'https://accounts.zoho.eu', 'EU');
  eq(prod.parseCallback(cb('https://accounts.zohocloud.ca'), { state: 'st' }).accountsServer, 'https://accounts.zohocloud.ca', 'CA');
  await rejects(crm, () => prod.parseCallback(cb('https://accounts.zoho.eu.evil.example'), { state: 'st' }), 'invalid_callback', {}, 'look-alike');
  eq(prod.apiBase, 'https://www.zohoapis.com', 'default API domain');
  eq(new crm.ZohoCrm({ ...PUBLIC, redirectUri: REDIRECT, dataCenter: 'eu' }).apiBase, 'https://www.zohoapis.eu', 'dataCenter eu');
  await rejects(crm, () => new crm.ZohoCrm({ ...PUBLIC, redirectUri: REDIRECT, dataCenter: 'us' }), 'invalid_argument', {}, 'unknown dataCenter');
});

add('zohocrm: errors inside HTTP 200 (a reused code: invalid_code) -> oauth_error invalid_grant; a Session whose refresh token died clears the store', ALL, async (crm, env) => {
  const z = zoho(crm, env);
  const req = z.createAuthorizationRequest({ scopes: ZOHO_SCOPES });
  const cb = z.parseCallback(await env.approve(req.url), { state: req.state });
  const options = { codeVerifier: req.codeVerifier, accountsServer: cb.accountsServer };
  const tokens = await withTimeout(z.exchangeCode(cb.code, options), TIMEOUT + 2000, 'exchange');
  await rejects(crm, () => z.exchangeCode(cb.code, options), 'oauth_error', { error: 'invalid_grant', status: 200, provider: 'zohocrm' }, 'reused code (HTTP 200)');
  const store = new crm.MemoryStore();
  const session = new crm.Session({ provider: z, store, key: 'zoho-dead' });
  await session.save(new crm.TokenSet({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() - 1000, apiBase: tokens.apiBase }));
  // The reused code revoked what it had issued (RFC 6749 §4.1.2): the refresh token is dead.
  await rejects(crm, () => session.fetch(ZOHO_ME), 'oauth_error', { error: 'invalid_grant', status: 200 }, 'the session refresh');
  eq(await store.get('zoho-dead'), null, 'the dead set was cleared');
});

add('zohocrm: Zoho\'s refresh limit (Access Denied) -> rate_limited; the Session keeps the set and backs off', ALL, async (crm, env) => {
  const s = sim(env);
  const z = zoho(crm, env);
  const { tokens } = await zohoLogin(crm, env, z);
  await s.config('zohocrm', { refreshesPerMinute: 1 });
  try {
    await withTimeout(z.refresh(tokens.refreshToken, { apiBase: tokens.apiBase }), TIMEOUT + 2000, 'first refresh');
    await rejects(crm, () => z.refresh(tokens.refreshToken), 'rate_limited', { status: 400, error: 'Access Denied', provider: 'zohocrm' }, 'second refresh within the minute');
    const store = new crm.MemoryStore();
    const session = new crm.Session({ provider: z, store, key: 'zoho-limit' });
    await session.save(new crm.TokenSet({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() - 1000, apiBase: tokens.apiBase }));
    const before = (await s.counts('zohocrm')).refresh_token;
    await rejects(crm, () => session.tokens(), 'rate_limited', {}, 'session refresh');
    await rejects(crm, () => session.tokens(), 'rate_limited', {}, 'during the cooldown');
    eq((await s.counts('zohocrm')).refresh_token, before + 1, 'the cooldown sent no second refresh');
    ok((await store.get('zoho-limit')) !== null, 'the set is kept');
  } finally {
    await s.config('zohocrm', { refreshesPerMinute: 5 });
  }
});

// ---- generic OAuth2 ---------------------------------------------------------------------

async function userinfo(env, o, tokens) {
  return call(o.authorize(new Request(`${env.origins.oauth2}/userinfo`), tokens));
}

for (const clientAuth of ['client_secret_post', 'client_secret_basic']) {
  add(`oauth2: code flow with ${clientAuth}`, SERVER, async (crm, env) => {
    const s = sim(env);
    const o = oauth2(crm, env, { ...CLIENT, clientAuth });
    const { tokens, t0 } = await codeFlow(env, o, { authorizeUrl: `${env.origins.oauth2}/authorize`, clientId: CLIENT.clientId, scopes: ['openid', 'profile'] });
    checkTokenSet(crm, tokens, { t0 });
    eq(tokens.scopes?.join(' '), 'openid profile', 'scopes');
    const last = await s.last('oauth2', 'token');
    const body = form(last);
    eq(body.get('grant_type'), 'authorization_code', 'grant_type');
    if (clientAuth === 'client_secret_basic') {
      eq(last.headers.authorization, `Basic ${b64('test-client:test-secret')}`, 'exact Basic header bytes');
      eq(last.headers.authorization, 'Basic dGVzdC1jbGllbnQ6dGVzdC1zZWNyZXQ=', 'known Basic header');
      ok(!body.has('client_secret'), 'basic: no client_secret in the body');
    } else {
      eq(last.headers.authorization, undefined, 'post: no Authorization header');
      eq(body.get('client_id'), CLIENT.clientId, 'post: client_id');
      eq(body.get('client_secret'), CLIENT.clientSecret, 'post: client_secret');
    }
    const me = await userinfo(env, o, tokens);
    eq(me.status, 200, 'userinfo');
    eq(me.json.email, ALICE.email, 'userinfo email');
    const fresh = await withTimeout(o.refresh(tokens.refreshToken), TIMEOUT + 2000, 'refresh');
    eq((await userinfo(env, o, fresh)).status, 200, 'userinfo after refresh');
    const rlast = await s.last('oauth2', 'token');
    if (clientAuth === 'client_secret_basic') eq(rlast.headers.authorization, `Basic ${b64('test-client:test-secret')}`, 'refresh authenticates with Basic too');
    else eq(form(rlast).get('client_secret'), CLIENT.clientSecret, 'refresh authenticates in the body too');
  });
}

add('oauth2: code flow with clientAuth "none" + PKCE (public client)', ALL, async (crm, env) => {
  const s = sim(env);
  const o = oauth2(crm, env, { ...PUBLIC, clientAuth: 'none' });
  const { tokens, t0, req } = await codeFlow(env, o, { authorizeUrl: `${env.origins.oauth2}/authorize`, clientId: PUBLIC.clientId, scopes: ['openid'] });
  checkTokenSet(crm, tokens, { t0 });
  const challenge = new URL(req.url).searchParams.get('code_challenge');
  const expected = (await env.sha256(req.codeVerifier, 'base64')).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  eq(challenge, expected, 'code_challenge = BASE64URL(SHA-256(verifier))');
  const last = await s.last('oauth2', 'token');
  const body = form(last);
  eq(last.headers.authorization, undefined, 'none: no Authorization header');
  eq(body.get('client_id'), PUBLIC.clientId, 'none: client_id in the body');
  ok(!body.has('client_secret'), 'none: no client_secret');
  eq(body.get('code_verifier'), req.codeVerifier, 'code_verifier sent');
  eq((await userinfo(env, o, tokens)).status, 200, 'userinfo');
  const fresh = await withTimeout(o.refresh(tokens.refreshToken), TIMEOUT + 2000, 'refresh');
  eq((await userinfo(env, o, fresh)).status, 200, 'userinfo after refresh');
  // Rotation, as the public-client Flextell case checked before Flextell became confidential-only.
  ok(fresh.refreshToken !== tokens.refreshToken, 'the refresh token rotates');
  await rejects(crm, () => o.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'oauth2', status: 400 }, 'old refresh token');
});

add('oauth2: login (password grant)', ALL, async (crm, env) => {
  const s = sim(env);
  const o = oauth2(crm, env, { ...PUBLIC, clientAuth: 'none' });
  const t0 = Date.now();
  const tokens = await withTimeout(o.login({ username: ALICE.username, password: ALICE.password, scopes: ['read', 'write'] }), TIMEOUT + 2000, 'login');
  checkTokenSet(crm, tokens, { t0 });
  const body = form(await s.last('oauth2', 'token'));
  eq(body.get('grant_type'), 'password', 'grant_type');
  eq(body.get('username'), ALICE.username, 'username');
  eq(body.get('password'), ALICE.password, 'password');
  eq(body.get('scope'), 'read write', 'scope');
  eq(body.get('client_id'), PUBLIC.clientId, 'client_id');
  eq((await userinfo(env, o, tokens)).json?.name, ALICE.name, 'userinfo');
  await rejects(crm, () => o.login({ username: ALICE.username, password: 'nope-nope' }), 'oauth_error', { error: 'invalid_grant', provider: 'oauth2', status: 400 }, 'wrong password');
});

add('oauth2: login (password grant) with a confidential client', SERVER, async (crm, env) => {
  const o = oauth2(crm, env, { ...CLIENT, clientAuth: 'client_secret_basic' });
  const tokens = await withTimeout(o.login({ username: ALICE.username, password: ALICE.password }), TIMEOUT + 2000, 'login');
  ok(tokens.accessToken, 'token');
  eq((await sim(env).last('oauth2', 'token')).headers.authorization, `Basic ${b64('test-client:test-secret')}`, 'Basic client auth');
});

add('oauth2: revoke (RFC 7009) then refresh -> invalid_grant', ALL, async (crm, env) => {
  const s = sim(env);
  const o = oauth2(crm, env, { ...PUBLIC, clientAuth: 'none' });
  const { tokens } = await codeFlow(env, o, { authorizeUrl: `${env.origins.oauth2}/authorize`, clientId: PUBLIC.clientId, scopes: ['openid'] });
  const before = (await s.counts('oauth2')).revoke;
  await withTimeout(o.revoke(tokens.refreshToken), TIMEOUT + 2000, 'revoke');
  eq((await s.counts('oauth2')).revoke, before + 1, 'one revocation request');
  const body = form(await s.last('oauth2', 'revoke'));
  eq(body.get('token'), tokens.refreshToken, 'token sent');
  await rejects(crm, () => o.refresh(tokens.refreshToken), 'oauth_error', { error: 'invalid_grant', provider: 'oauth2' }, 'refresh after revoke');
  eq((await userinfo(env, o, tokens)).status, 401, 'revoking the refresh token also killed its access token');
});

// ---- HMAC signer ------------------------------------------------------------------------

const HMAC_KEY = 'hmac-secret-Key/1';
const TS = 1_700_000_000;

add('hmac: default recipe, POST with a body and a fixed timestamp (independent vector)', ALL, async (crm, env) => {
  const url = 'https://api.example.test/api/v1/gifts?b=2&a=1';
  const bodyText = '{"amount":12.5,"note":"ü € & = +"}';
  const signer = new crm.HmacSigner({ key: HMAC_KEY, keyId: 'key-7' });
  ok(!JSON.stringify(signer).includes(HMAC_KEY) && !String(signer).includes(HMAC_KEY), 'signer is redacted');
  const input = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyText });
  const signed = await withTimeout(signer.sign(input, { timestamp: TS }), TIMEOUT, 'sign');
  ok(signed instanceof Request, 'sign returns a Request');

  const canonical = ['POST', '/api/v1/gifts?b=2&a=1', String(TS), await env.sha256(bodyText, 'base64')].join('\n');
  const expected = await env.hmac(HMAC_KEY, canonical, 'base64');
  eq(signer.canonicalString({ method: 'POST', url, body: bodyText, timestamp: TS }), canonical, 'canonicalString');
  eq(signer.signature({ method: 'POST', url, body: bodyText, timestamp: TS }), expected, 'signature()');
  eq(signed.headers.get('x-signature'), expected, 'X-Signature');
  eq(signed.headers.get('x-timestamp'), String(TS), 'X-Timestamp');
  eq(signed.headers.get('x-key-id'), 'key-7', 'X-Key-Id');
  eq(signed.headers.get('content-type'), 'application/json', 'other headers kept');
  eq(signed.method, 'POST', 'method');
  eq(signed.url, url, 'url');
  eq(await signed.text(), bodyText, 'the signed request still carries the body');
  eq(input.headers.get('x-signature'), null, 'the input Request is not mutated');
  eq(await input.text(), bodyText, 'the input body was read from a clone');

  // GET without a body: digest of the empty string
  const getCanonical = ['GET', '/v1/ping', String(TS), await env.sha256('', 'base64')].join('\n');
  eq(signer.canonicalString({ method: 'GET', url: 'https://api.example.test/v1/ping', timestamp: TS }), getCanonical, 'canonicalString without a body');
  const signedGet = await withTimeout(signer.sign(new Request('https://api.example.test/v1/ping'), { timestamp: TS }), TIMEOUT, 'sign GET');
  eq(signedGet.headers.get('x-signature'), await env.hmac(HMAC_KEY, getCanonical, 'base64'), 'GET signature');

  // no keyId: no key-id header; default timestamp is now
  const plain = new crm.HmacSigner({ key: HMAC_KEY });
  const before = Math.floor(Date.now() / 1000);
  const now = await withTimeout(plain.sign(new Request(url, { method: 'POST', body: bodyText })), TIMEOUT, 'sign() without options (README usage)');
  const ts = Number(now.headers.get('x-timestamp'));
  ok(Number.isInteger(ts) && ts >= before - 2 && ts <= Math.floor(Date.now() / 1000) + 2, `default timestamp is now (unix seconds): ${ts}`);
  eq(now.headers.get('x-key-id'), null, 'no X-Key-Id without keyId');
  const nowCanonical = ['POST', '/api/v1/gifts?b=2&a=1', String(ts), await env.sha256(bodyText, 'base64')].join('\n');
  eq(now.headers.get('x-signature'), await env.hmac(HMAC_KEY, nowCanonical, 'base64'), 'signature with the default timestamp');
});

add('hmac: custom recipe (components order, "|", hex, prefix, header names; independent vector)', ALL, async (crm, env) => {
  const options = {
    key: HMAC_KEY, keyId: 'kid-42',
    components: ['timestamp', 'method', 'body-sha256', 'path'],
    separator: '|', encoding: 'hex', signaturePrefix: 'HMAC ',
    signatureHeader: 'X-Sig', timestampHeader: 'X-Ts', keyIdHeader: 'X-Kid',
  };
  const signer = new crm.HmacSigner(options);
  const url = 'https://virtuous.example.test/api/Gift/Transaction?dry=1';
  const body = new Uint8Array([0x00, 0xff, 0x7b, 0x22, 0xc3, 0xbc, 0x22, 0x7d, 0x0a]); // binary, not valid UTF-8
  const canonical = [String(TS), 'PUT', await env.sha256(body, 'hex'), '/api/Gift/Transaction?dry=1'].join('|');
  const expected = await env.hmac(HMAC_KEY, canonical, 'hex');
  ok(/^[0-9a-f]{64}$/.test(expected), 'oracle sanity');
  eq(signer.canonicalString({ method: 'PUT', url, body, timestamp: TS }), canonical, 'canonicalString (custom)');
  eq(signer.signature({ method: 'PUT', url, body, timestamp: TS }), expected, 'signature() is hex without the prefix');
  const signed = await withTimeout(signer.sign(new Request(url, { method: 'PUT', body }), { timestamp: TS }), TIMEOUT, 'sign');
  eq(signed.headers.get('x-sig'), `HMAC ${expected}`, 'custom signature header with prefix');
  eq(signed.headers.get('x-ts'), String(TS), 'custom timestamp header');
  eq(signed.headers.get('x-kid'), 'kid-42', 'custom key-id header');
  for (const h of ['x-signature', 'x-timestamp', 'x-key-id']) eq(signed.headers.get(h), null, `default header ${h} not set`);
  eq([...new Uint8Array(await signed.arrayBuffer())].join(','), [...body].join(','), 'binary body kept');

  // only two components, default separator; a string body
  const two = new crm.HmacSigner({ key: HMAC_KEY, components: ['method', 'path'] });
  eq(two.canonicalString({ method: 'DELETE', url: 'https://x.test/a/b', timestamp: TS }), 'DELETE\n/a/b', 'two components');
  eq(two.signature({ method: 'DELETE', url: 'https://x.test/a/b', timestamp: TS }), await env.hmac(HMAC_KEY, 'DELETE\n/a/b', 'base64'), 'two-component signature');

  await rejects(crm, () => new crm.HmacSigner({ ...options, encoding: 'base32' }), 'invalid_argument', {}, 'encoding base32');
  await rejects(crm, () => new crm.HmacSigner({ ...options, components: ['method', 'bogus'] }), 'invalid_argument', {}, 'unknown component');
});

// ---- runner -----------------------------------------------------------------------------

export const casesFor = (runtime) => CASES.filter((c) => c.runtimes.includes(runtime)).map((c) => c.name);

/** Runs one case; never throws. Returns { name, ok, ms, error? } (JSON-safe). */
export async function runCase(name, crm, env, ms = 20_000) {
  const c = CASES.find((x) => x.name === name);
  const t0 = Date.now();
  if (!c) return { name, ok: false, ms: 0, error: `no such case: ${name}` };
  if (!c.runtimes.includes(env.runtime)) return { name, ok: false, ms: 0, error: `case not meant for ${env.runtime}` };
  try {
    await withTimeout(c.run(crm, env), ms, `case "${name}"`);
    return { name, ok: true, ms: Date.now() - t0 };
  } catch (e) {
    return { name, ok: false, ms: Date.now() - t0, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : show(e) };
  }
}
