// crm-auth demo Worker: "Connect your CRM" for Flextell, Flexie CRM, Agile CRM, Pipedrive, Zoho
// CRM, HubSpot and Salesforce (OAuth code flow with sealed state; PKCE where the CRM takes it),
// Flowlu and Virtuous CRM (API key or password grant).
// Tokens live in a Durable Object per user and provider (DurableObjectStore); the page only
// ever sees a status summary, never a token or key. No dependencies besides crm-auth.
//
// Routes (the browser page in public/ uses these):
//   GET  /connect/:provider    flextell|flexie|agilecrm|pipedrive|zohocrm|hubspot|salesforce → 302 to
//                                the provider, sealed state cookie
//   GET  /callback/:provider   → exchange the code, store the tokens → 302 /?connected=:provider
//                                (errors → 302 /?error=<code>&provider=:provider)
//   POST /connect/:provider    flowlu|virtuous, form: mode=apikey&apiKey=… or
//                                mode=password&username=…&password=…[&otp=…] → 302 /?connected=…
//                                (Virtuous two-factor → 302 /?otp=virtuous)
//   GET  /api/:provider/*      → the provider's API at apiBase + "/*", with the user's credentials
//   GET  /status               → { providers: [{ name, label, connected, method, expiresAt,
//                                  hasRefreshToken, mePath }] }
//   POST /refresh/:provider    → refreshes now; the provider's status entry
//   POST /logout/:provider     → { ok: true }
//   GET  /, /app.js, /style.css  the demo page (public/, imported as Text modules)
import {
  AgileCrm, CrmAuthError, DurableObjectStore, Flexie, Flextell, Flowlu, HubSpot, Pipedrive, Salesforce, Session,
  TokenSet, Virtuous, ZohoCrm, readStateCookie, stateCookie,
} from "crm-auth";
import indexHtml from "./public/index.html";
import appJs from "./public/app.js";
import styleCss from "./public/style.css";

export { TokenStoreObject } from "crm-auth";

const SID_COOKIE = "crm_demo_sid";
const SID_MAX_AGE = 30 * 24 * 3600;

const PROVIDERS = {
  flextell: { label: "Flextell", flow: "oauth", mePath: "/users/me", scopes: ["read"] }, // Flextell requires scope
  flexie: { label: "Flexie CRM", flow: "oauth", mePath: "/users/self" },
  agilecrm: { label: "Agile CRM", flow: "oauth", mePath: "/contacts/1" },
  // Pipedrive takes no scopes (set on the app); paths follow each grant's api_domain.
  pipedrive: { label: "Pipedrive", flow: "oauth", mePath: "/api/v1/users/me" },
  zohocrm: { label: "Zoho CRM", flow: "oauth", mePath: "/crm/v8/users?type=CurrentUser", scopes: ["ZohoCRM.users.READ"] },
  hubspot: { label: "HubSpot", flow: "oauth", mePath: "/account-info/v3/details", scopes: ["oauth"] }, // HubSpot requires scope
  salesforce: { label: "Salesforce", flow: "oauth", mePath: "/services/oauth2/userinfo", scopes: ["api", "refresh_token"] },
  flowlu: { label: "Flowlu", flow: "password", mePath: "/crm/lead/list" },
  virtuous: { label: "Virtuous CRM", flow: "password", mePath: "/Contact/1" },
};

const STATIC = {
  "/": ["text/html; charset=utf-8", indexHtml],
  "/index.html": ["text/html; charset=utf-8", indexHtml],
  "/app.js": ["text/javascript; charset=utf-8", appJs],
  "/style.css": ["text/css; charset=utf-8", styleCss],
};

// ---- providers (built per request: workerd forbids random values at global scope) -------

const opt = (value) => (typeof value === "string" && value !== "" ? value : undefined);

function configured(name, env) {
  if (PROVIDERS[name].flow !== "oauth") return true;
  const p = name.toUpperCase();
  return Boolean(opt(env[`${p}_CLIENT_ID`]) && opt(env.SEAL_KEY));
}

/** The OAuth or password-grant provider `name`. */
function providerFor(name, env, request) {
  const base = (opt(env.REDIRECT_BASE) ?? new URL(request.url).origin).replace(/\/+$/, "");
  const code = (P) => ({
    clientId: env[`${P}_CLIENT_ID`],
    clientSecret: opt(env[`${P}_CLIENT_SECRET`]),
    redirectUri: `${base}/callback/${name}`,
    origin: opt(env[`${P}_ORIGIN`]),
  });
  switch (name) {
    case "flextell": return new Flextell(code("FLEXTELL"));
    case "flexie": return new Flexie({ ...code("FLEXIE"), subdomain: opt(env.FLEXIE_SUBDOMAIN) });
    case "agilecrm": return new AgileCrm({ ...code("AGILECRM"), domain: opt(env.AGILECRM_DOMAIN) });
    case "pipedrive": return new Pipedrive(code("PIPEDRIVE"));
    case "zohocrm": return new ZohoCrm({ ...code("ZOHOCRM"), dataCenter: opt(env.ZOHOCRM_DATA_CENTER) });
    case "hubspot": return new HubSpot(code("HUBSPOT"));
    case "salesforce": return new Salesforce({ ...code("SALESFORCE"), host: opt(env.SALESFORCE_HOST) });
    case "flowlu": return new Flowlu({ company: opt(env.FLOWLU_COMPANY), origin: opt(env.FLOWLU_ORIGIN), clientId: opt(env.FLOWLU_CLIENT_ID) });
    case "virtuous": return new Virtuous({ origin: opt(env.VIRTUOUS_ORIGIN) });
  }
  throw new Error(`unknown provider ${name}`);
}

/** API-key credentials of `name` (flowlu, virtuous). */
function apiKeyFor(name, env, apiKey) {
  if (name === "flowlu") return Flowlu.apiKey({ company: opt(env.FLOWLU_COMPANY), origin: opt(env.FLOWLU_ORIGIN), apiKey });
  return Virtuous.apiKey({ origin: opt(env.VIRTUOUS_ORIGIN), apiKey });
}

// ---- what is stored per user and provider ------------------------------------------------
// Under `${sid}:${provider}` in the provider's Durable Object: either TokenSet.serialize()
// (what Session reads and writes) or, for an API key, {"kind":"apikey","apiKey":"…"}.

const storeOf = (env) => new DurableObjectStore(env.TOKENS);
const keyOf = (sid, name) => `${sid}:${name}`;
const apiKeyRecord = (apiKey) => JSON.stringify({ kind: "apikey", apiKey });

function readRecord(raw) {
  if (raw == null) return null;
  try {
    const v = JSON.parse(raw);
    if (v?.kind === "apikey" && typeof v.apiKey === "string") return { apiKey: v.apiKey };
  } catch { /* not JSON: not ours */ }
  try {
    return { tokens: TokenSet.deserialize(raw) };
  } catch {
    return null;
  }
}

/** A Session over the user's stored credentials, or null when nothing is stored. */
async function sessionFor(name, env, request, sid) {
  if (sid === null) return null;
  const store = storeOf(env);
  const key = keyOf(sid, name);
  const record = readRecord(await store.get(key));
  if (record === null) return null;
  const provider = record.apiKey !== undefined ? apiKeyFor(name, env, record.apiKey) : providerFor(name, env, request);
  return new Session({ provider, store, key });
}

function statusOf(name, record) {
  const { label, flow, mePath } = PROVIDERS[name];
  const tokens = record?.tokens ?? null;
  return {
    name,
    label,
    connected: record !== null,
    method: record === null ? null : record.apiKey !== undefined ? "apikey" : flow,
    expiresAt: tokens?.expiresAt ?? null,
    hasRefreshToken: tokens !== null && tokens.refreshToken !== null,
    mePath,
  };
}

async function providerStatus(name, env, sid) {
  if (sid === null) return statusOf(name, null);
  return statusOf(name, readRecord(await storeOf(env).get(keyOf(sid, name))));
}

// ---- cookies and responses -----------------------------------------------------------------

function cookies(request) {
  const out = new Map();
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function sidOf(request) {
  const sid = cookies(request).get(SID_COOKIE);
  return sid && /^[A-Za-z0-9_-]{22,64}$/.test(sid) ? sid : null;
}

function newSid() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

function plainLoopback(request) {
  const u = new URL(request.url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return u.protocol === "http:" && (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host));
}

const sidCookie = (sid, request) =>
  `${SID_COOKIE}=${sid}; HttpOnly${plainLoopback(request) ? "" : "; Secure"}; SameSite=Lax; Path=/; Max-Age=${SID_MAX_AGE}`;

const clearState = (request) => stateCookie("", { requestUrl: request, maxAgeSeconds: 0 });

const json = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store" } });

function redirect(location, setCookies = []) {
  const headers = new Headers({ location, "cache-control": "no-store", "referrer-policy": "no-referrer" });
  for (const c of setCookies) headers.append("set-cookie", c);
  return new Response(null, { status: 302, headers });
}

const errorCode = (e) => (e instanceof CrmAuthError ? e.code : "server_error");
const back = (query) => `/?${new URLSearchParams(query)}`;

/** The session id, creating one (and its Set-Cookie) when the request has none. */
function ensureSid(request) {
  const sid = sidOf(request);
  if (sid !== null) return { sid, cookies: [] };
  const fresh = newSid();
  return { sid: fresh, cookies: [sidCookie(fresh, request)] };
}

// ---- routes --------------------------------------------------------------------------------

async function connectOAuth(name, request, env) {
  if (!configured(name, env)) return redirect(back({ error: "not_configured", provider: name }));
  const { cookies: set } = ensureSid(request);
  try {
    const auth = await providerFor(name, env, request).createAuthorizationRequest({ scopes: PROVIDERS[name].scopes, seal: { key: env.SEAL_KEY } });
    return redirect(auth.url, [...set, stateCookie(auth.cookie, { requestUrl: request })]);
  } catch (e) {
    return redirect(back({ error: errorCode(e), provider: name }), set);
  }
}

async function callback(name, request, env) {
  const { sid, cookies: set } = ensureSid(request);
  set.push(clearState(request));
  try {
    const sealed = readStateCookie(request);
    if (sealed === null) return redirect(back({ error: "state_mismatch", provider: name }), set);
    const provider = providerFor(name, env, request);
    // The store makes each sealed state open once: a replayed callback is refused.
    // Zoho's callback names the user's data centre (`accountsServer`, checked): exchange there.
    const { code, codeVerifier, accountsServer } = await provider.parseCallback(request.url, { sealed, key: env.SEAL_KEY, store: storeOf(env) });
    const tokens = await provider.exchangeCode(code, { codeVerifier, accountsServer });
    await new Session({ provider, store: storeOf(env), key: keyOf(sid, name) }).save(tokens);
    return redirect(back({ connected: name }), set);
  } catch (e) {
    return redirect(back({ error: errorCode(e), provider: name }), set);
  }
}

async function connectForm(name, request, env) {
  const { sid, cookies: set } = ensureSid(request);
  const fail = (error) => redirect(back({ error, provider: name }), set);
  let form;
  try {
    form = await request.formData();
  } catch {
    return fail("invalid_argument");
  }
  const field = (k) => {
    const v = form.get(k);
    return typeof v === "string" ? v.trim() : "";
  };
  const store = storeOf(env);
  const key = keyOf(sid, name);
  try {
    if (field("mode") === "apikey") {
      const apiKey = field("apiKey");
      if (!apiKey) return fail("invalid_argument");
      apiKeyFor(name, env, apiKey); // checks the key's shape
      await store.set(key, apiKeyRecord(apiKey));
    } else if (field("mode") === "password") {
      const username = field("username");
      const password = form.get("password");
      if (!username || typeof password !== "string" || !password) return fail("invalid_argument");
      const provider = providerFor(name, env, request);
      const login = { username, password };
      if (name === "virtuous" && field("otp")) login.otp = field("otp");
      const tokens = await provider.login(login);
      await new Session({ provider, store, key }).save(tokens);
    } else {
      return fail("invalid_argument");
    }
    return redirect(back({ connected: name }), set);
  } catch (e) {
    if (e instanceof CrmAuthError && e.code === "otp_required") return redirect(back({ otp: name }), set);
    return fail(errorCode(e));
  }
}

async function api(name, rest, request, env) {
  // `/api/flextell/users/me` and `/api/flextell//users/me` are the same call. Stay under the
  // provider's apiBase: no empty, "." or ".." segments (also %2e-encoded).
  rest = rest.replace(/^\/+/, "");
  if (rest.includes("//") || /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rest)) {
    return json({ error: "invalid_argument" }, 400);
  }
  const session = await sessionFor(name, env, request, sidOf(request));
  if (session === null) return json({ error: "not_connected" }, 401);
  let upstream;
  try {
    upstream = await session.fetch("/" + rest + new URL(request.url).search, { headers: { accept: "application/json" } });
  } catch (e) {
    const code = errorCode(e);
    const status = code === "oauth_error" || code === "invalid_argument" ? 401 : code === "rate_limited" ? 429 : 502;
    return json({ error: code, ...(e?.error && { oauthError: e.error }) }, status);
  }
  const empty = upstream.status === 204 || upstream.status === 304;
  return new Response(empty ? null : await upstream.text(), {
    status: upstream.status,
    headers: { "content-type": upstream.headers.get("content-type") ?? "application/json", "cache-control": "no-store" },
  });
}

async function refresh(name, request, env) {
  const sid = sidOf(request);
  if (sid === null) return json({ error: "not_connected" }, 401);
  const store = storeOf(env);
  const key = keyOf(sid, name);
  try {
    // Under the key's lease, so a refresh racing a Session elsewhere cannot lose a rotated token.
    await store.lock(key, async () => {
      const record = readRecord(await store.get(key));
      if (record === null) throw Object.assign(new Error("not connected"), { status: 401, code: "not_connected" });
      if (!record.tokens?.refreshToken) throw Object.assign(new Error("no refresh token"), { status: 400, code: "unsupported" });
      try {
        const { refreshToken, apiBase } = record.tokens;
        const fresh = await providerFor(name, env, request).refresh(refreshToken, { apiBase });
        await store.set(key, fresh.serialize());
      } catch (e) {
        if (e instanceof CrmAuthError && e.code === "oauth_error" && e.error === "invalid_grant") await store.delete(key);
        throw e;
      }
    });
  } catch (e) {
    if (e.status) return json({ error: e.code }, e.status);
    const code = errorCode(e);
    return json({ error: code, ...(e?.error && { oauthError: e.error }) }, code === "oauth_error" ? 401 : 502);
  }
  return json(await providerStatus(name, env, sid));
}

async function logout(name, request, env) {
  const session = await sessionFor(name, env, request, sidOf(request));
  if (session !== null) await session.logout();
  return json({ ok: true });
}

async function route(request, env) {
  const url = new URL(request.url);
  const { pathname } = url;
  const method = request.method;

  const asset = STATIC[pathname];
  if (asset && (method === "GET" || method === "HEAD")) {
    return new Response(method === "HEAD" ? null : asset[1], {
      headers: { "content-type": asset[0], "cache-control": "no-cache", "x-content-type-options": "nosniff" },
    });
  }
  if (pathname === "/status" && method === "GET") {
    const sid = sidOf(request);
    return json({ providers: await Promise.all(Object.keys(PROVIDERS).map((n) => providerStatus(n, env, sid))) });
  }

  const m = /^\/(connect|callback|api|refresh|logout)\/([a-z]+)(?:\/(.*))?$/.exec(pathname);
  const name = m?.[2];
  if (!m || !Object.hasOwn(PROVIDERS, name)) return json({ error: "not_found" }, 404);
  const [, action, , rest] = m;
  const oauth = PROVIDERS[name].flow === "oauth";

  // Refuse cross-site POSTs (a page elsewhere logging the visitor in or out).
  if (method === "POST") {
    const origin = request.headers.get("origin");
    if (origin !== null && origin !== url.origin) return json({ error: "forbidden" }, 403);
  }
  if (rest !== undefined && action !== "api") return json({ error: "not_found" }, 404);

  if (action === "connect" && method === "GET" && oauth) return connectOAuth(name, request, env);
  if (action === "connect" && method === "POST" && !oauth) return connectForm(name, request, env);
  if (action === "callback" && method === "GET" && oauth) return callback(name, request, env);
  if (action === "api" && method === "GET") return api(name, rest ?? "", request, env);
  if (action === "refresh" && method === "POST") return refresh(name, request, env);
  if (action === "logout" && method === "POST") return logout(name, request, env);
  return json({ error: "method_not_allowed" }, 405);
}

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (e) {
      // Never echo a provider error's details (or anything that might quote a token).
      return json({ error: errorCode(e) }, 500);
    }
  },
};
