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
// runs public clients, password grants, API keys and the HMAC signer. Flextell documents only
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
    fault: (provider, endpoint, kind) => control('POST', '/__sim/fault', { provider, endpoint, kind }),
    config: (provider, changes) => control('POST', '/__sim/config', { provider, ...changes }),
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
