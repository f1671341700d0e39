// The wasm's linear memory (issue 12), scanned from outside: no secret that
// crossed the boundary is left in it after the calls and `free()`, and 10,000
// token answers of 1 KiB–1 MiB keep it within a stated bound.
//
// It loads what scripts/build.sh leaves before bundling — the wasm-bindgen glue
// and the optimized wasm in target/bindgen — next to a copy of pkg-template's
// JS, and initializes it itself with `initSync`, whose return value exposes
// `memory`. The calls are the public API's (api.js, tokens.js), so they reach
// the same exports with the same arguments as the package does. Token
// endpoints answer through the providers' `fetch` option (a public option):
// 10,000 answers of up to 1 MiB over loopback HTTP would only measure HTTP.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BINDGEN = join(ROOT, 'target/bindgen');
const PAGE = 65536;

/** A fresh wasm instance and the public API over it. */
async function load() {
  const dir = mkdtempSync(join(tmpdir(), 'crm-auth-memory-'));
  try {
    cpSync(join(ROOT, 'pkg-template'), dir, { recursive: true });
    copyFileSync(join(BINDGEN, 'crm_auth.js'), join(dir, 'crm_auth.js'));
    const glue = await import(pathToFileURL(join(dir, 'crm_auth.js')).href);
    const { memory } = glue.initSync({ module: readFileSync(join(BINDGEN, 'crm_auth_bg.wasm')) });
    const api = await import(pathToFileURL(join(dir, 'api.js')).href);
    return { memory, api };
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the modules are loaded
  }
}

/** How many times `text` (UTF-8) occurs in the whole linear memory. */
function copies(memory, text) {
  const all = Buffer.from(memory.buffer);
  const needle = Buffer.from(text);
  let n = 0;
  for (let at = all.indexOf(needle); at !== -1; at = all.indexOf(needle, at + 1)) n++;
  return n;
}

const unique = (label) => `${label}-${randomBytes(12).toString('hex')}`;
const REDIRECT = 'http://127.0.0.1/callback';
const json = (body, status = 200) => new Response(body, { status, headers: { 'content-type': 'application/json' } });
const answer = (access, refresh, extra = {}) =>
  JSON.stringify({ access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: 'read', ...extra });

describe('wasm memory (target/bindgen glue + wasm, public API)', () => {
  it('no secret that crossed the boundary is left in linear memory after the calls and free()', async () => {
    const { memory, api } = await load();
    const { Flextell, OAuth2, Virtuous, Flexie, AgileCrm, TokenSet } = api;
    const s = {
      clientSecret: unique('client-secret'),
      code: unique('code'),
      decodedCode: unique('code/decoded'), // a '/' sent as %2F: takes the string ABI
      access: unique('access'),
      refresh: unique('refresh'),
      escapedAccess: unique('access/escaped'), // written as "\/" in JSON: takes the string ABI
      access2: unique('access2'),
      refresh2: unique('refresh2'),
      password: unique('password'),
      apiKey: unique('api-key'),
      agileKey: unique('agile-key'),
      virtuousPassword: unique('virtuous-password'),
    };
    const bodies = [];
    // Token endpoints: each request's body (the code, verifier, refresh token,
    // password, client secret) is what the wasm built; the answer is the next queued one.
    const queue = [];
    const fetch = async (url, init) => {
      bodies.push(String(init.body ?? ''));
      return queue.shift()();
    };

    const flextell = new Flextell({ clientId: 'mem-client', clientSecret: s.clientSecret, redirectUri: REDIRECT, fetch });
    const auth = flextell.createAuthorizationRequest({ scopes: ['read'] });
    const secrets = { ...s, state: auth.state };
    if (auth.codeVerifier) secrets.flextellVerifier = auth.codeVerifier;
    // Fast path (input buffer) and string ABI (a decoded code).
    assert.equal(flextell.parseCallback(`${REDIRECT}?code=${s.code}&state=${auth.state}`, { state: auth.state }).code, s.code);
    const slashed = s.decodedCode.replace('/', '%2F');
    assert.equal(flextell.parseCallback(`${REDIRECT}?code=${slashed}&state=${auth.state}`, { state: auth.state }).code, s.decodedCode);
    // Token answers: fast path, then one that needs the string ABI and the canonical JSON.
    queue.push(() => json(answer(s.access, s.refresh)));
    const t1 = await flextell.exchangeCode(s.code, { codeVerifier: auth.codeVerifier });
    assert.equal(t1.accessToken, s.access);
    queue.push(() => json(answer(s.escapedAccess, s.refresh).replace('/', '\\/')));
    const t2 = await flextell.exchangeCode(s.decodedCode, { codeVerifier: auth.codeVerifier });
    assert.equal(t2.accessToken, s.escapedAccess);
    // Refresh (the string ABI: the old refresh token is an argument), an error answer.
    queue.push(() => json(answer(s.access2, s.refresh2)));
    const t3 = await flextell.refresh(s.refresh);
    assert.equal(t3.refreshToken, s.refresh2);
    queue.push(() => json(JSON.stringify({ error: 'invalid_grant' }), 400));
    await assert.rejects(flextell.refresh(s.refresh2), { code: 'oauth_error', error: 'invalid_grant' });
    // Credentials on an API request; token sets stored and read back both ways.
    const placed = flextell.authorize(new Request('https://api.example.com/v1/me'), t3);
    assert.equal(placed.headers.get('authorization'), `Bearer ${s.access2}`);
    const stored = t3.serialize();
    assert.equal(TokenSet.deserialize(stored).accessToken, s.access2);
    assert.equal(TokenSet.deserialize(stored.replace(s.access2, s.access2.replace('-', '\\u002d'))).accessToken, s.access2);
    assert.equal(new TokenSet({ accessToken: s.access, refreshToken: s.refresh, expiresAt: Date.now() + 1e6 }).refreshToken, s.refresh);
    flextell.free();

    // A public client with PKCE and the password grant.
    const oauth2 = new OAuth2({
      authorizationEndpoint: 'https://idp.example.com/authorize', tokenEndpoint: 'https://idp.example.com/token',
      revocationEndpoint: 'https://idp.example.com/revoke', clientId: 'mem-public', redirectUri: REDIRECT, fetch,
    });
    const pkce = oauth2.createAuthorizationRequest({ scopes: ['read'] });
    secrets.verifier = pkce.codeVerifier;
    secrets.oauth2State = pkce.state;
    queue.push(() => json(answer(s.access, s.refresh)));
    await oauth2.exchangeCode(s.code, { codeVerifier: pkce.codeVerifier });
    queue.push(() => json(answer(s.access2, s.refresh2)));
    assert.equal((await oauth2.login({ username: 'alice', password: s.password })).accessToken, s.access2);
    queue.push(() => new Response(null, { status: 200 }));
    await oauth2.revoke(s.access2);
    oauth2.free();

    const virtuous = new Virtuous({ fetch });
    queue.push(() => json(answer(s.access, s.refresh)));
    await virtuous.login({ username: 'alice@example.com', password: s.virtuousPassword });
    virtuous.free();

    // API keys arrive in the options JSON.
    const flexie = Flexie.apiKey({ subdomain: 'acme', apiKey: s.apiKey });
    flexie.authorize(new Request('https://acme.flexie.io/api/contacts'));
    flexie.free();
    const agile = AgileCrm.apiKey({ domain: 'acme', email: 'a@example.com', apiKey: s.agileKey });
    agile.authorize(new Request('https://acme.agilecrm.com/dev/api/contacts'));
    agile.free();

    assert.ok(bodies.some((b) => b.includes(s.code)) && bodies.some((b) => b.includes(s.password)), 'the secrets did cross');
    const left = Object.fromEntries(Object.entries(secrets).map(([name, v]) => [name, copies(memory, v)]));
    assert.deepEqual(left, Object.fromEntries(Object.keys(secrets).map((name) => [name, 0])));
  });

  it('10,000 token answers of 1 KiB–1 MiB through one instance keep linear memory ≤ 8 MiB', async () => {
    const { memory, api } = await load();
    // xorshift32: the same answers on every run.
    let x = 0x9e3779b9;
    const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
    // 128 sizes log-uniform from 1 KiB to 1 MiB (the default maxBodyBytes),
    // each as a plain answer (the fast path: the input buffer) and as one with
    // an escaped "/" (the string ABI: the body copied in, the canonical JSON
    // back). Built once: making 1.5 GB of strings would be most of the run.
    const SIZES = 128;
    const body = (size, escaped) => {
      const frame = answer('', `refresh-${size}`);
      const fill = size - frame.length - (escaped ? 2 : 0);
      const token = escaped ? `a\\/${'t'.repeat(fill - 1)}` : 't'.repeat(fill);
      const text = frame.replace('"access_token":""', `"access_token":"${token}"`);
      assert.equal(text.length, size);
      return text;
    };
    const sizes = Array.from({ length: SIZES }, (_, k) => Math.round(1024 * 1024 ** (k / (SIZES - 1))));
    const plain = sizes.map((size) => body(size, false));
    const escaped = sizes.map((size) => body(size, true));
    let nextAnswer = '';
    const fetch = async () => json(nextAnswer);
    const flextell = new api.Flextell({ clientId: 'mem-client', clientSecret: 'mem-secret', redirectUri: REDIRECT, fetch });
    for (let i = 0; i < 10_000; i++) {
      const k = Math.floor(next() * SIZES);
      // Every fourth is a refresh (the string ABI, with the old refresh token).
      const refresh = i % 4 === 3;
      nextAnswer = (refresh ? escaped : plain)[k];
      const t = refresh ? await flextell.refresh(`old-refresh-${i}`) : await flextell.exchangeCode(`code-${i}`);
      assert.equal(t.refreshToken, `refresh-${sizes[k]}`);
    }
    flextell.free();
    const pages = memory.buffer.byteLength / PAGE;
    console.log(`# linear memory after 10,000 answers: ${pages} pages of 64 KiB (${(pages / 16).toFixed(2)} MiB)`);
    assert.ok(pages <= 128, `linear memory grew to ${pages} pages (bound: 128)`);
  });
});
