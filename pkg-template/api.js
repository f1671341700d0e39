// The public classes. Each is a thin shell over a wasm core that does the
// protocol work (validation, request building, response parsing); this
// layer converts arguments, runs fetch (http.js) and builds JS objects.
import { CredentialCore, HmacCore } from "./crm_auth.js";
import { CrmAuthError, fail, providerApiError, wasm } from "./errors.js";
import { HTTP, httpOptions, send } from "./http.js";
import { PLACEMENT, PROVIDER, TokenSet, accessTokenOf, fromCanonical, fromSpans, toJson } from "./tokens.js";
import { AT_SPANS, answered, firstSpan, input, slot, writeInput } from "./spans.js";
import { open, seal, sealOptions } from "./seal.js";

export { CrmAuthError, TokenSet };
export { stateCookie, readStateCookie } from "./seal.js";
export { Session } from "./session.js";
export { MemoryStore, WebStorageStore } from "./stores.js";

/** A page (not a worker, Node or workerd): client secrets are refused there. */
const IN_BROWSER_PAGE = typeof document === "object" && document !== null;
/** Browsers send streamed request bodies only over HTTP/2 (see `withCredential`). */
const BROWSER_FETCH = typeof navigator === "object" && /^Mozilla\//.test(navigator.userAgent ?? "");
const INTERNAL = Symbol("crm-auth internal");
/** `CredentialCore.request`'s kinds (src/bindings/credential.rs). */
const EXCHANGE = 0, REFRESH = 1, REVOKE = 2, LOGIN = 3, CLIENT_CREDENTIALS = 4;

function text(provider, value, name) {
  if (typeof value !== "string" || value === "") throw fail(provider, "invalid_argument", `${name} must be a non-empty string`);
  return value;
}

function optionalText(provider, value, name) {
  if (value === undefined || value === null) return "";
  return text(provider, value, name);
}

/** The wasm's answer to "where does the credential go on a request to this URL?". */
function placement(json) {
  const { url, headers, perUrl } = JSON.parse(json);
  return { url, headers: Object.fromEntries(headers), perUrl };
}

/** `authorization(url)`: the URL and headers to send, as fresh values the caller may change. */
function authorization(provider, url, place) {
  const href = typeof url === "string" ? url : url instanceof URL ? url.href : null;
  if (href === null) throw fail(provider, "invalid_argument", "url must be a string or URL");
  const placed = place(href);
  return { url: placed.url ?? href, headers: { ...placed.headers } };
}

/** Returns a copy of `request` with the credential the wasm placed for its URL. */
function withCredential(provider, request, place) {
  if (!(request instanceof Request)) throw fail(provider, "invalid_argument", "request must be a Request");
  const { url, headers } = place(request.url);
  let copy;
  if (url === null) {
    copy = request.clone(); // tees any body: the caller's request stays usable
  } else if (request.body !== null && BROWSER_FETCH) {
    // Moving a body to a new URL turns it into a stream, which browsers only
    // upload over HTTP/2.
    throw fail(provider, "unsupported",
      "in browsers a credential in the query cannot be added to a request with a body; " +
      "authorize a body-less request and pass the body to fetch: fetch(authorize(new Request(url, { method, headers })), { body })");
  } else {
    copy = new Request(url, request.body === null ? request : request.clone());
  }
  for (const name in headers) copy.headers.set(name, headers[name]);
  return copy;
}

/** Request fields that carry no secret (everything else a token request sends is scrubbed). */
const NOT_SECRET = new Set(["grant_type", "redirect_uri", "scope", "client_id"]);
/** Shorter values would scrub innocent text; secrets this short are not secrets. */
const MIN_SCRUB = 4;

/**
 * `e` with every secret the token request carried (client secret, code,
 * verifier, refresh token, token, username, password, otp, Basic credentials)
 * cut out of the texts the server may echo (`error`, `errorDescription`,
 * and the message for safety), raw and URL-encoded.
 */
function scrubbed(e, requestJson) {
  if (!(e instanceof CrmAuthError) || (e.error === undefined && e.errorDescription === undefined)) return e;
  const { headers, body } = JSON.parse(requestJson);
  const values = [];
  if (typeof body === "string" && body !== "") {
    let fields;
    try {
      fields = body.startsWith("{") ? Object.entries(JSON.parse(body)) : [...new URLSearchParams(body)];
    } catch {
      fields = [];
    }
    for (const [name, value] of fields) if (!NOT_SECRET.has(name)) values.push(String(value));
  }
  const basic = /^Basic\s+(\S+)/i.exec(new Headers(headers ?? {}).get("authorization") ?? "");
  if (basic) {
    values.push(basic[1]);
    try {
      const pair = atob(basic[1]);
      values.push(pair, ...pair.split(":").map((part) => decodeURIComponent(part.replace(/\+/g, " "))));
    } catch {
      // not base64: the header value itself is scrubbed
    }
  }
  const variants = new Set();
  for (const v of values) {
    if (v.length < MIN_SCRUB) continue;
    variants.add(v).add(encodeURIComponent(v)).add(new URLSearchParams({ v }).toString().slice(2));
  }
  const cut = [...variants].sort((a, b) => b.length - a.length);
  for (const field of ["message", "error", "errorDescription"]) {
    if (typeof e[field] !== "string") continue;
    let text = e[field];
    for (const v of cut) text = text.split(v).join("[redacted]");
    e[field] = text;
  }
  return e;
}

/**
 * The checked code of a callback URL (sliced from `href` when it needed no
 * decoding), plus the token host it named (Zoho's `accounts-server`, checked
 * against the provider's own hosts) as `accountsServer`.
 */
function callbackCode(core, href, state) {
  writeInput(href, state);
  const kind = core.parseCallbackAt(input.lengths[0], input.lengths[1], input.ascii);
  const code = kind === AT_SPANS ? firstSpan(href) : answered(kind);
  const host = slot(2);
  return host < 0 ? { code, state } : { code, state, accountsServer: core.tokenHost(host) };
}

/** What the flow subclasses read of their base; set by TokenFlow's static block. */
let internals;

/** What every token-issuing provider shares: its wasm core (a code or password flow), fetch settings and name. */
class TokenFlow {
  #core;
  #http;
  #name;
  /** Headers-only answers per TokenSet (see [PLACEMENT]). */
  #placed = new WeakMap();

  static {
    internals = (flow) => ({ core: flow.#core, http: flow.#http, name: flow.#name });
  }

  constructor(name, options) {
    this.#name = name;
    this.#http = httpOptions(name, options);
    this.#core = wasm(() => new CredentialCore(name, toJson(name, options), IN_BROWSER_PAGE));
  }

  /**
   * Sends the token request of `kind` (`a`, `b`, `c`: its arguments, see
   * CredentialCore.request) and parses the answer; a refresh passes the set's
   * refresh token and API base, kept when the answer omits them.
   */
  async _exchange(kind, a, b = "", c = "", oldRefresh = "", oldApiBase = "") {
    const request = wasm(() => this.#core.request(kind, a, b, c));
    const core = this.#core;
    try {
      const r = await send(request, this.#http);
      writeInput(r.body, oldRefresh, r.retryAfter);
      const [body, old, retryAfter] = input.lengths;
      const kind = core.parseTokenAt(r.status, body, old, retryAfter, input.ascii, Date.now(), oldApiBase);
      return kind === AT_SPANS ? fromSpans(input.text) : fromCanonical(answered(kind));
    } catch (e) {
      throw scrubbed(e, request);
    }
  }

  /** Refresh; public as `refresh` on the providers that issue refresh tokens. `apiBase`: the set's (or ""). */
  async _refresh(refreshToken, apiBase = "") {
    text(this.#name, refreshToken, "refreshToken");
    return this._exchange(REFRESH, refreshToken, apiBase, "", refreshToken, apiBase);
  }

  authorize(request, tokens) {
    return withCredential(this.#name, request, (url) => this[PLACEMENT](url, tokens));
  }

  /** `{ url, headers }` for a request to `url` with `tokens`: pass them to fetch (no Request is built). */
  authorization(url, tokens) {
    return authorization(this.#name, url, (href) => this[PLACEMENT](href, tokens));
  }

  [PLACEMENT](url, tokens) {
    const token = accessTokenOf(this.#name, tokens);
    // A TokenSet never changes: an answer that does not depend on the URL
    // (not `perUrl`) serves every request with it (a crossing costs ~4 µs).
    const set = tokens instanceof TokenSet;
    let placed = set ? this.#placed.get(tokens) : undefined;
    if (placed === undefined) {
      placed = placement(wasm(() => this.#core.authorization(url, token)));
      if (set && !placed.perUrl) this.#placed.set(tokens, placed);
    }
    return placed;
  }

  get [HTTP]() {
    return this.#http;
  }

  get [PROVIDER]() {
    return this.#name;
  }

  /** Base URL of the provider's API, or null when unknown. */
  get apiBase() {
    return this.#core.apiBase ?? null;
  }

  /** Frees the wasm memory now instead of at garbage collection. */
  free() {
    this.#core.free();
  }
}

/** The authorization-code flow shared by Flextell, Flexie, Agile CRM, OAuth2, HubSpot, Salesforce, Pipedrive and Zoho CRM. */
class CodeFlowProvider extends TokenFlow {
  /** With `seal`, resolves to the request plus the sealed `cookie` (WebCrypto is asynchronous). */
  createAuthorizationRequest(options) {
    const { core, name } = internals(this);
    const sealing = options?.seal === undefined ? null : sealOptions(name, options.seal);
    const out = wasm(() => core.authorizationRequest(toJson(name, options)));
    const [url, state, verifier] = out.split("\n");
    const request = { url, state, codeVerifier: verifier || null };
    if (sealing === null) return request;
    return seal(name, sealing, request).then((cookie) => ({ ...request, cookie }));
  }

  /** With `{ sealed, key }`, opens the sealed state first and resolves asynchronously. */
  parseCallback(url, options) {
    const { core, name } = internals(this);
    const href = typeof url === "string" ? url : typeof url?.href === "string" ? url.href : null;
    if (href === null) throw fail(name, "invalid_argument", "url must be a string or URL");
    if (options?.sealed !== undefined) return this.#parseSealed(href, options);
    const state = text(name, options?.state, "state");
    return callbackCode(core, href, state);
  }

  async #parseSealed(href, { sealed, key, store }) {
    const { core, name } = internals(this);
    const { state, codeVerifier, redirectTo } = await open(name, sealed, key, store);
    return { ...callbackCode(core, href, state), codeVerifier, redirectTo };
  }

  async exchangeCode(code, options) {
    const { name } = internals(this);
    text(name, code, "code");
    const verifier = optionalText(name, options?.codeVerifier, "codeVerifier");
    const host = optionalText(name, options?.accountsServer, "accountsServer");
    return this._exchange(EXCHANGE, code, verifier, host);
  }

  /** `options.apiBase`: the refreshed set's `apiBase` (Session passes it), kept when the answer names none. */
  async refresh(refreshToken, options) {
    return this._refresh(refreshToken, optionalText(internals(this).name, options?.apiBase, "apiBase"));
  }

  /** `options.apiBase`: the revoked set's (Zoho revokes at its data centre; Session passes it). */
  async revoke(token, options) {
    const { core, http, name } = internals(this);
    text(name, token, "token");
    const apiBase = optionalText(name, options?.apiBase, "apiBase");
    const request = wasm(() => core.request(REVOKE, token, apiBase, ""));
    try {
      const r = await send(request, http);
      wasm(() => core.parseRevoke(r.status, r.retryAfter, r.body, Date.now()));
    } catch (e) {
      throw scrubbed(e, request);
    }
  }

  /** Password grant; only `OAuth2` exposes it. */
  async _login(options) {
    const { name } = internals(this);
    return this._exchange(LOGIN, toJson(name, options));
  }
}

/** The password-grant flow shared by Flowlu and Virtuous. */
class PasswordProvider extends TokenFlow {
  async login(options) {
    return this._exchange(LOGIN, toJson(internals(this).name, options));
  }
}

/** A static API key, from a provider's `apiKey(options)`. */
export class ApiKeyCredentials {
  #core;
  #provider;
  #http;
  /** The key's headers, once known to serve every URL. */
  #placed = null;

  constructor(internal, provider, options) {
    if (internal !== INTERNAL) throw fail("crm-auth", "invalid_argument", "use a provider's apiKey(options)");
    this.#provider = provider;
    this.#http = httpOptions(provider, options);
    this.#core = wasm(() => CredentialCore.apiKey(provider, toJson(provider, options)));
  }

  get provider() {
    return this.#provider;
  }
  get apiBase() {
    return this.#core.apiBase;
  }

  authorize(request) {
    return withCredential(this.#provider, request, (url) => this[PLACEMENT](url));
  }

  /** `{ url, headers }` for a request to `url`: pass them to fetch (no Request is built). */
  authorization(url) {
    return authorization(this.#provider, url, (href) => this[PLACEMENT](href));
  }

  [PLACEMENT](url) {
    if (this.#placed !== null) return this.#placed;
    const placed = placement(wasm(() => this.#core.authorization(url, "")));
    // A key in a header: the same answer for every URL.
    if (!placed.perUrl) this.#placed = placed;
    return placed;
  }

  get [HTTP]() {
    return this.#http;
  }

  get [PROVIDER]() {
    return this.#provider;
  }

  toJSON() {
    return { provider: this.#provider, apiBase: this.apiBase, apiKey: "[redacted]" };
  }
  toString() {
    return `ApiKeyCredentials { provider: ${this.#provider}, apiKey: [redacted] }`;
  }
  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toString();
  }
  free() {
    this.#placed = null;
    this.#core.free();
  }
}

export class Flextell extends CodeFlowProvider {
  constructor(options) {
    super("flextell", options);
  }
}

export class Flexie extends CodeFlowProvider {
  constructor(options) {
    super("flexie", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials(INTERNAL, "flexie", options);
  }
}

export class AgileCrm extends CodeFlowProvider {
  constructor(options) {
    super("agilecrm", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials(INTERNAL, "agilecrm", options);
  }
}

export class OAuth2 extends CodeFlowProvider {
  constructor(options) {
    super("oauth2", options);
  }
  login(options) {
    return this._login(options);
  }
}

export class HubSpot extends CodeFlowProvider {
  constructor(options) {
    super("hubspot", options);
  }
  /** A private-app access token, sent as `Authorization: Bearer`. */
  static apiKey(options) {
    return new ApiKeyCredentials(INTERNAL, "hubspot", options);
  }
}

export class Salesforce extends CodeFlowProvider {
  constructor(options) {
    super("salesforce", options);
  }
  /** The client-credentials grant, on a My Domain only (the registry says where). */
  async clientCredentials(options) {
    const { name } = internals(this);
    return this._exchange(CLIENT_CREDENTIALS, toJson(name, options));
  }
  static apiError(body) {
    return providerApiError("salesforce", body);
  }
}

export class Flowlu extends PasswordProvider {
  constructor(options) {
    super("flowlu", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials(INTERNAL, "flowlu", options);
  }
  static apiError(body) {
    return providerApiError("flowlu", body);
  }
}

export class Virtuous extends PasswordProvider {
  constructor(options) {
    super("virtuous", options);
  }
  refresh(refreshToken) {
    return this._refresh(refreshToken);
  }
  static apiKey(options) {
    return new ApiKeyCredentials(INTERNAL, "virtuous", options);
  }
}

export class ZohoCrm extends CodeFlowProvider {
  constructor(options) {
    super("zohocrm", options);
  }
}

export class Pipedrive extends CodeFlowProvider {
  constructor(options) {
    super("pipedrive", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials(INTERNAL, "pipedrive", options);
  }
}

/**
 * Signs requests with HMAC-SHA256 under a configurable recipe (Virtuous does
 * not publish its own: supply it through the options).
 */
export class HmacSigner {
  #core;

  constructor(options) {
    this.#core = wasm(() => new HmacCore(toJson("hmac", options)));
  }

  canonicalString(input) {
    const p = signatureInput(input);
    return this.#core.sign(0, p.method, p.url, p.timestamp, p.body);
  }

  signature(input) {
    const p = signatureInput(input);
    return this.#core.sign(1, p.method, p.url, p.timestamp, p.body);
  }

  /** A signed copy of `request` (its body is read from a clone); `timestamp` defaults to now. */
  async sign(request, options) {
    if (!(request instanceof Request)) throw fail("hmac", "invalid_argument", "request must be a Request");
    const timestamp = options?.timestamp ?? Math.floor(Date.now() / 1000);
    unixSeconds(timestamp);
    const body = new Uint8Array(await request.clone().arrayBuffer());
    const signed = request.clone();
    for (const [name, value] of JSON.parse(this.#core.sign(2, request.method, request.url, timestamp, body))) {
      signed.headers.set(name, value);
    }
    return signed;
  }

  toJSON() {
    return { signatureHeader: this.#core.signatureHeader, key: "[redacted]" };
  }
  toString() {
    return `HmacSigner { signatureHeader: ${this.#core.signatureHeader}, key: [redacted] }`;
  }
  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toString();
  }
}

function unixSeconds(t) {
  if (typeof t !== "number" || !(t >= 0) || !Number.isFinite(t)) throw fail("hmac", "invalid_argument", "`timestamp` must be Unix seconds");
  return Math.floor(t);
}

function signatureInput(input) {
  const method = text("hmac", input?.method, "`method`");
  const url = text("hmac", input?.url, "`url`");
  const timestamp = unixSeconds(input?.timestamp);
  const b = input?.body;
  let body;
  if (b === undefined || b === null) body = new Uint8Array(0);
  else if (typeof b === "string") body = new TextEncoder().encode(b);
  else if (b instanceof Uint8Array) body = b;
  else throw fail("hmac", "invalid_argument", "`body` must be a string or Uint8Array");
  return { method, url, timestamp, body };
}
