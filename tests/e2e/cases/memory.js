// The secrets scenario of tests/e2e/memory.node.test.js, shared with headless Chromium (the same
// file runs in a page there). Plain ESM with web APIs only: no node:* imports, no Buffer.
//
// secretsLeft(api, memory, { clientSecret }) drives the public API (api.js over a wasm instance
// whose `memory` the caller holds) through every call that carries a secret across the wasm
// boundary, frees everything, and returns how many copies of each secret the whole linear
// memory still holds. A client secret is used only where one belongs (`clientSecret: true`:
// Node); the browser runs the same code flow as a public OAuth2 client.

const REDIRECT = 'http://127.0.0.1/callback';

function check(ok, what) {
  if (!ok) throw new Error(`memory case: ${what}`);
}

function unique(label) {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${label}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** How many times `text` (UTF-8) occurs in the whole linear memory. */
export function copies(memory, text) {
  const all = new Uint8Array(memory.buffer);
  const needle = new TextEncoder().encode(text);
  let n = 0;
  for (let at = all.indexOf(needle[0]); at !== -1; at = all.indexOf(needle[0], at + 1)) {
    let i = 1;
    while (i < needle.length && all[at + i] === needle[i]) i++;
    if (i === needle.length) n++;
  }
  return n;
}

const json = (body, status = 200) => new Response(body, { status, headers: { 'content-type': 'application/json' } });
export const answer = (access, refresh) =>
  JSON.stringify({ access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: 'read' });

export async function secretsLeft(api, memory, { clientSecret }) {
  const { Flextell, OAuth2, Virtuous, Flexie, AgileCrm, TokenSet } = api;
  const s = {
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
  if (clientSecret) s.clientSecret = unique('client-secret');
  const bodies = [];
  // Token endpoints (the `fetch` option): each request's body (code, verifier, refresh token,
  // password, client secret) is what the wasm built; the answer is the next queued one.
  const queue = [];
  const fetch = async (url, init) => {
    bodies.push(String(init.body ?? ''));
    return queue.shift()();
  };
  const endpoints = {
    authorizationEndpoint: 'https://idp.example.com/authorize', tokenEndpoint: 'https://idp.example.com/token',
    revocationEndpoint: 'https://idp.example.com/revoke', redirectUri: REDIRECT, fetch,
  };

  // The code flow: a confidential Flextell client where a secret belongs, else a public OAuth2 one.
  const flow = clientSecret
    ? new Flextell({ clientId: 'mem-client', clientSecret: s.clientSecret, redirectUri: REDIRECT, fetch })
    : new OAuth2({ clientId: 'mem-public', ...endpoints });
  const auth = flow.createAuthorizationRequest({ scopes: ['read'] });
  const secrets = { ...s, state: auth.state };
  if (auth.codeVerifier) secrets.flowVerifier = auth.codeVerifier;
  // Callbacks: the fast path (input buffer) and the string ABI (a decoded code).
  const callback = (code) => flow.parseCallback(`${REDIRECT}?code=${code}&state=${auth.state}`, { state: auth.state }).code;
  check(callback(s.code) === s.code, 'callback code');
  check(callback(s.decodedCode.replace('/', '%2F')) === s.decodedCode, 'decoded callback code');
  // Token answers: the fast path, then one that needs the string ABI and the canonical JSON.
  queue.push(() => json(answer(s.access, s.refresh)));
  check((await flow.exchangeCode(s.code, { codeVerifier: auth.codeVerifier })).accessToken === s.access, 'exchange');
  queue.push(() => json(answer(s.escapedAccess, s.refresh).replace('/', '\\/')));
  check((await flow.exchangeCode(s.decodedCode, { codeVerifier: auth.codeVerifier })).accessToken === s.escapedAccess, 'escaped answer');
  // Refresh (the string ABI: the old refresh token is an argument), then an error answer.
  queue.push(() => json(answer(s.access2, s.refresh2)));
  const tokens = await flow.refresh(s.refresh);
  check(tokens.refreshToken === s.refresh2, 'refresh');
  queue.push(() => json(JSON.stringify({ error: 'invalid_grant' }), 400));
  const refused = await flow.refresh(s.refresh2).then(() => null, (e) => e);
  check(refused?.code === 'oauth_error' && refused.error === 'invalid_grant', 'error answer');
  // Credentials on an API request; token sets stored and read back both ways, and from fields.
  const placed = flow.authorize(new Request('https://api.example.com/v1/me'), tokens);
  check(placed.headers.get('authorization') === `Bearer ${s.access2}`, 'authorize');
  const stored = tokens.serialize();
  check(TokenSet.deserialize(stored).accessToken === s.access2, 'deserialize');
  const escaped = stored.replace(s.access2, s.access2.replace('-', '\\u002d'));
  check(TokenSet.deserialize(escaped).accessToken === s.access2, 'deserialize (string ABI)');
  const init = new TokenSet({ accessToken: s.access, refreshToken: s.refresh, expiresAt: Date.now() + 1e6 });
  check(init.refreshToken === s.refresh, 'TokenSet from fields');
  flow.free();

  // A public client with PKCE, the password grant and revocation.
  const oauth2 = new OAuth2({ clientId: 'mem-public', ...endpoints });
  const pkce = oauth2.createAuthorizationRequest({ scopes: ['read'] });
  secrets.verifier = pkce.codeVerifier;
  secrets.oauth2State = pkce.state;
  queue.push(() => json(answer(s.access, s.refresh)));
  await oauth2.exchangeCode(s.code, { codeVerifier: pkce.codeVerifier });
  queue.push(() => json(answer(s.access2, s.refresh2)));
  check((await oauth2.login({ username: 'alice', password: s.password })).accessToken === s.access2, 'password grant');
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

  check(bodies.some((b) => b.includes(s.code)) && bodies.some((b) => b.includes(s.password)), 'the secrets did cross');
  return Object.fromEntries(Object.entries(secrets).map(([name, v]) => [name, copies(memory, v)]));
}
