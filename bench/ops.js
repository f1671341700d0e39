// The operations timed by the throughput benchmark: crm-auth vs arctic 3 vs oauth4webapi 3
// doing the same work, each written the way the library's own docs show it.
//
// Shared setup (not timed): one client object per library, built once, as an app would
// at module scope. Same endpoints, client id/secret, redirect URI, scopes, callback URL,
// token-endpoint JSON body and access token for every library.
//
// Rows (`OPS`), and exactly what each library does per operation:
//
// authorize — authorize URL with fresh state + PKCE S256; output {url (string), state, verifier}
//   crm-auth     client.createAuthorizationRequest({ scopes })            (one wasm call)
//   arctic       generateState() + generateCodeVerifier() +
//                client.createAuthorizationURLWithPKCE(..., S256, ...) + url.toString()
//   oauth4webapi generateRandomState() + generateRandomCodeVerifier() +
//                await calculatePKCECodeChallenge(v) (WebCrypto, async) + new URL() +
//                7 × searchParams.set + url.href                        (async: batches)
//
// callback — parse the redirect URL, check state against the stored one, return the code
//   crm-auth     client.parseCallback(url, { state })        (also checks error/iss params)
//   arctic       new URL(url) + searchParams.get(code/state) + null checks + `!==`
//                (arctic's docs: it has no callback helper)
//   oauth4webapi validateAuthResponse(as, client, new URL(url), state).get('code')
//
// exchange — code exchange against a stubbed token endpoint, into a token object; then read
//   access token, refresh token and expiry (what an app stores). The stub answers at once:
//   `new Response(TOKEN_BODY, { headers: { 'content-type': 'application/json' } })`, built
//   per call (a body is readable once). Each library builds its form body + Basic auth
//   header, calls the stub, reads and parses the body, validates and wraps it.
//   crm-auth     await client.exchangeCode(code, { codeVerifier })   (custom `fetch` option;
//                also arms + clears its 30 s timeout timer per call, as in production)
//   arctic       await client.validateAuthorizationCode(tokenEndpoint, code, verifier)
//                (arctic only calls the global `fetch`: it is stubbed during this case only)
//   oauth4webapi await authorizationCodeGrantRequest(..., ClientSecretBasic, params, redirect,
//                verifier, { [customFetch]: stub }) + await processAuthorizationCodeResponse(...)
//   (async: batches)
//
// parse — token parse only, no request building and no fetch (cheap extra row; the inputs
//   are NOT identical, see below)
//   crm-auth     TokenSet.deserialize(s) + 3 getters; `s` is crm-auth's own storage string
//                (`serialize()` output: the same JSON fields plus "v" and "expires_at")
//   arctic       new OAuth2Tokens(JSON.parse(TOKEN_BODY)) + accessToken()/refreshToken()/
//                accessTokenExpiresAt()
//   oauth4webapi await processAuthorizationCodeResponse(as, client, new Response(TOKEN_BODY))
//                (its only token-parse entry point takes a Response; async: batches)
//
// apply — put the access token on an outgoing Request (one Request built, as the peers do)
//   crm-auth     a = client.authorization(apiUrl, tokens); new Request(a.url, { headers: a.headers })
//                (`authorize(request, tokens)` copies a Request the caller built: two Requests)
//   arctic       new Request(apiUrl, { headers: { authorization: 'Bearer ' + t.accessToken() } })
//   oauth4webapi new Request(apiUrl, { headers: { authorization: 'Bearer ' + t.access_token } })
//   (neither peer has a helper that only builds a Request: this is what their users write)

import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import { OAuth2, TokenSet } from "../pkg/node.js";
import * as arctic from "arctic";
import * as o4w from "oauth4webapi";

// ---- fixtures shared by every library ------------------------------------------------
export const CFG = {
  issuer: "https://as.example",
  authorizationEndpoint: "https://as.example/authorize",
  tokenEndpoint: "https://as.example/token",
  clientId: "bench-client",
  clientSecret: "bench-secret-3f9a1c",
  redirectUri: "https://app.example/callback",
  scopes: ["read", "write"],
  apiUrl: "https://api.example/v1/users/me",
};
const STATE = "Xq3v0Jm1oY7kz2WcR8tBn4LpA6sD9fGhK5jE0uIyT1w"; // 43 chars, like a real one
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CODE = "SplxlOBeZQQYbYS6WxSbIA.c0de-4d7f2a9e";
const CALLBACK_URL = `${CFG.redirectUri}?code=${CODE}&state=${STATE}`;
const ACCESS_TOKEN = "at_" + "A1b2C3d4".repeat(6);
const REFRESH_TOKEN = "rt_" + "Z9y8X7w6".repeat(6);
export const TOKEN_BODY = JSON.stringify({
  access_token: ACCESS_TOKEN,
  token_type: "Bearer",
  expires_in: 3600,
  refresh_token: REFRESH_TOKEN,
  scope: "read write",
});
const JSON_HEADERS = { "content-type": "application/json" };
const stubFetch = () => Promise.resolve(new Response(TOKEN_BODY, { status: 200, headers: JSON_HEADERS }));

// ---- one client per library -------------------------------------------------------------
const crm = new OAuth2({
  authorizationEndpoint: CFG.authorizationEndpoint,
  tokenEndpoint: CFG.tokenEndpoint,
  clientId: CFG.clientId,
  clientSecret: CFG.clientSecret,
  redirectUri: CFG.redirectUri,
  clientAuth: "client_secret_basic", // arctic always uses Basic when given a secret
  fetch: stubFetch,
});
const crmTokens = new TokenSet({ accessToken: ACCESS_TOKEN, tokenType: "Bearer", refreshToken: REFRESH_TOKEN });

const arcticClient = new arctic.OAuth2Client(CFG.clientId, CFG.clientSecret, CFG.redirectUri);
const arcticTokens = new arctic.OAuth2Tokens(JSON.parse(TOKEN_BODY));

const as = {
  issuer: CFG.issuer,
  authorization_endpoint: CFG.authorizationEndpoint,
  token_endpoint: CFG.tokenEndpoint,
};
const o4wClient = { client_id: CFG.clientId };
const o4wAuth = o4w.ClientSecretBasic(CFG.clientSecret);
const o4wCallbackParams = o4w.validateAuthResponse(as, o4wClient, new URL(CALLBACK_URL), STATE);
const o4wTokens = { access_token: ACCESS_TOKEN };
const SCOPE = CFG.scopes.join(" ");

// ---- the operations ---------------------------------------------------------------------
const impl = {
  authorize: {
    "crm-auth": () => {
      const r = crm.createAuthorizationRequest({ scopes: CFG.scopes });
      return { url: r.url, state: r.state, verifier: r.codeVerifier };
    },
    arctic: () => {
      const state = arctic.generateState();
      const verifier = arctic.generateCodeVerifier();
      const url = arcticClient.createAuthorizationURLWithPKCE(
        CFG.authorizationEndpoint, state, arctic.CodeChallengeMethod.S256, verifier, CFG.scopes);
      return { url: url.toString(), state, verifier };
    },
    oauth4webapi: async () => {
      const state = o4w.generateRandomState();
      const verifier = o4w.generateRandomCodeVerifier();
      const challenge = await o4w.calculatePKCECodeChallenge(verifier);
      const url = new URL(as.authorization_endpoint);
      const p = url.searchParams;
      p.set("response_type", "code");
      p.set("client_id", o4wClient.client_id);
      p.set("redirect_uri", CFG.redirectUri);
      p.set("state", state);
      p.set("code_challenge_method", "S256");
      p.set("code_challenge", challenge);
      p.set("scope", SCOPE);
      return { url: url.href, state, verifier };
    },
  },
  callback: {
    "crm-auth": () => crm.parseCallback(CALLBACK_URL, { state: STATE }).code,
    arctic: () => {
      const url = new URL(CALLBACK_URL);
      const code = url.searchParams.get("code");
      const state = url.searchParams.get("state");
      if (code === null || state === null) throw new Error("bad callback");
      if (state !== STATE) throw new Error("state mismatch");
      return code;
    },
    oauth4webapi: () => o4w.validateAuthResponse(as, o4wClient, new URL(CALLBACK_URL), STATE).get("code"),
  },
  exchange: {
    "crm-auth": async () => {
      const t = await crm.exchangeCode(CODE, { codeVerifier: VERIFIER });
      return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt };
    },
    arctic: async () => {
      const t = await arcticClient.validateAuthorizationCode(CFG.tokenEndpoint, CODE, VERIFIER);
      return { accessToken: t.accessToken(), refreshToken: t.refreshToken(), expiresAt: t.accessTokenExpiresAt().getTime() };
    },
    oauth4webapi: async () => {
      const res = await o4w.authorizationCodeGrantRequest(
        as, o4wClient, o4wAuth, o4wCallbackParams, CFG.redirectUri, VERIFIER, { [o4w.customFetch]: stubFetch });
      const t = await o4w.processAuthorizationCodeResponse(as, o4wClient, res);
      return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: Date.now() + t.expires_in * 1000 };
    },
  },
  parse: {
    "crm-auth": (() => {
      const s = new TokenSet({ accessToken: ACCESS_TOKEN, tokenType: "Bearer", refreshToken: REFRESH_TOKEN,
        expiresAt: Date.now() + 3_600_000, scopes: CFG.scopes }).serialize();
      return () => {
        const t = TokenSet.deserialize(s);
        return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt };
      };
    })(),
    arctic: () => {
      const t = new arctic.OAuth2Tokens(JSON.parse(TOKEN_BODY));
      return { accessToken: t.accessToken(), refreshToken: t.refreshToken(), expiresAt: t.accessTokenExpiresAt().getTime() };
    },
    oauth4webapi: async () => {
      const res = new Response(TOKEN_BODY, { status: 200, headers: JSON_HEADERS });
      const t = await o4w.processAuthorizationCodeResponse(as, o4wClient, res);
      return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: Date.now() + t.expires_in * 1000 };
    },
  },
  apply: {
    "crm-auth": () => {
      const a = crm.authorization(CFG.apiUrl, crmTokens);
      return new Request(a.url, { headers: a.headers });
    },
    arctic: () => new Request(CFG.apiUrl, { headers: { authorization: "Bearer " + arcticTokens.accessToken() } }),
    oauth4webapi: () => new Request(CFG.apiUrl, { headers: { authorization: "Bearer " + o4wTokens.access_token } }),
  },
};

/** Row labels for the table, in order. */
export const OPS = [
  { key: "authorize", label: "authorize URL (state + PKCE S256)" },
  { key: "callback", label: "callback parse + state check" },
  { key: "exchange", label: "code exchange → tokens (stub fetch)" },
  { key: "parse", label: "token parse only (see note)" },
  { key: "apply", label: "apply credentials to a Request" },
];
export const LIBS = ["crm-auth", "arctic", "oauth4webapi"];
const ASYNC = new Set(["oauth4webapi/authorize", "crm-auth/exchange", "arctic/exchange", "oauth4webapi/exchange", "oauth4webapi/parse"]);

/** Harness groups: one group per operation, one case per library. */
export function cases() {
  return OPS.map(({ key }) =>
    LIBS.map((lib) => {
      const id = `${lib}/${key}`;
      const c = { id, lib, op: key, fn: impl[key][lib], async: ASYNC.has(id) };
      if (id === "arctic/exchange") {
        // arctic has no fetch option: swap the global only while this case runs.
        let saved;
        c.enter = () => { saved = globalThis.fetch; globalThis.fetch = stubFetch; };
        c.exit = () => { globalThis.fetch = saved; };
      }
      return c;
    }),
  );
}

// ---- output checks, run once per case before timing -------------------------------------
const b64url = (buf) => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const s256 = (v) => b64url(createHash("sha256").update(v).digest());

function checkAuthorize({ url, state, verifier }) {
  const u = new URL(url);
  const p = u.searchParams;
  assert.equal(u.origin + u.pathname, CFG.authorizationEndpoint);
  assert.equal(p.get("response_type"), "code");
  assert.equal(p.get("client_id"), CFG.clientId);
  assert.equal(p.get("redirect_uri"), CFG.redirectUri);
  assert.equal(p.get("scope"), SCOPE);
  assert.equal(p.get("state"), state);
  assert.match(state, /^[A-Za-z0-9_-]{22,}$/, "state: >= 128 bits, base64url");
  assert.match(verifier, /^[A-Za-z0-9._~-]{43,128}$/, "verifier: RFC 7636 charset/length");
  assert.equal(p.get("code_challenge_method"), "S256");
  assert.equal(p.get("code_challenge"), s256(verifier), "challenge = BASE64URL(SHA256(verifier))");
}

function checkTokens(t) {
  assert.equal(t.accessToken, ACCESS_TOKEN);
  assert.equal(t.refreshToken, REFRESH_TOKEN);
  assert.ok(Math.abs(t.expiresAt - (Date.now() + 3_600_000)) < 60_000, "expiry ≈ now + 1 h");
}

async function run(c) {
  if (c.enter) c.enter();
  try {
    return await c.fn();
  } finally {
    if (c.exit) c.exit();
  }
}

/** Runs every case once and checks its output; throws on any mismatch. */
export async function checkAll() {
  for (const group of cases()) {
    for (const c of group) {
      const out = await run(c);
      try {
        switch (c.op) {
          case "authorize": {
            checkAuthorize(out);
            const again = await run(c); // fresh randomness per call
            assert.notEqual(again.state, out.state);
            assert.notEqual(again.verifier, out.verifier);
            break;
          }
          case "callback":
            assert.equal(out, CODE);
            break;
          case "exchange":
          case "parse":
            checkTokens(out);
            break;
          case "apply":
            assert.ok(out instanceof Request);
            assert.equal(out.url, CFG.apiUrl);
            assert.equal(out.headers.get("authorization"), "Bearer " + ACCESS_TOKEN);
            break;
        }
      } catch (e) {
        e.message = `${c.id}: ${e.message}`;
        throw e;
      }
    }
  }
  // Each library's callback check must actually reject a wrong state.
  const bad = CALLBACK_URL.replace(STATE, STATE.slice(0, -1) + "x");
  assert.throws(() => crm.parseCallback(bad, { state: STATE }), /state/i);
  assert.throws(() => o4w.validateAuthResponse(as, o4wClient, new URL(bad), STATE));
  assert.notEqual(new URL(bad).searchParams.get("state"), STATE); // arctic: the `!==` above
}
