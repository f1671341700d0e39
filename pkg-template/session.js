// Session: one user's tokens for one provider, kept fresh.
//
// - Single-flight: concurrent callers share one refresh promise, and the
//   refresh first re-reads the store, so a caller holding an older set never
//   sends a refresh token that someone else already rotated away.
// - Rotation-safe: a refreshed set is written to the store before any caller
//   gets it; when the write fails it stays in memory and is written again on
//   the next call, so the store never keeps only a dead refresh token.
// - Several Sessions on one store (tabs, isolates): the one that loses a
//   rotation race (invalid_grant) re-reads the store and uses the winner's
//   set; a Session clears only a set that is still the one it refreshed from.
// - invalid_grant clears the store; transient failures back off (cooldown).
// - logout waits for a refresh in flight and revokes what is current; a
//   refresh that lands after logout began revokes its own answer.
// - API calls go through the fetch seam (http.js: the provider's `fetch`,
//   `timeoutMs`); redirects are followed here, never with credentials to
//   another origin.
// - With `encryptionKey`, the store holds "e1." + AES-GCM(serialized set).
import { ApiKeyCredentials } from "./api.js";
import { decrypt, deriveKey, encrypt } from "./aead.js";
import { hasApiErrors, rateLimitStatus, refreshesOn401, retryAfterSeconds as parseRetryAfter } from "./crm_auth.js";
import { CrmAuthError, fail, providerApiError } from "./errors.js";
import { HTTP, fetchResponse, httpOptions, peekText } from "./http.js";
import { PLACEMENT, PROVIDER, TokenSet } from "./tokens.js";

const LIBRARY = "crm-auth";
const COOLDOWN_FIRST_MS = 1000;
const COOLDOWN_MAX_MS = 60000;
/** After a 401-driven refresh, that set's 401s go to the caller for this long. */
const UNAUTHORIZED_COOLDOWN_MS = 30000;
/** A lost rotation race: the winner's write may still be on its way (ms). */
const RACE_REREADS_MS = [0, 20, 40, 80, 160, 320];
/** fetch's own limit. */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect turns the request into a GET (fetch does the same). */
const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type"];
const ENCRYPTED = "e1.";
const MIN_ENCRYPTION_KEY = 32;
function seconds(value, name, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw fail(LIBRARY, "invalid_argument", `\`${name}\` must be a non-negative number of seconds`);
  }
  return value;
}

/** Failures worth retrying later: the server or the network, not the grant. */
function isTransient(e) {
  if (!(e instanceof CrmAuthError)) return false;
  return e.code === "network_error" || e.code === "timeout" || e.code === "rate_limited" ||
    (e.code === "invalid_response" && e.status >= 500);
}

/** `Retry-After` of an API answer as seconds, or null: parsed by the core (src/core/time.rs). */
const retryAfter = (response) => parseRetryAfter(response.headers.get("retry-after") ?? "", Date.now()) ?? null;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `encryptionKey`: one key or a list (the first encrypts, all decrypt), each ≥ 32 characters. */
function encryptionKeys(name, value) {
  if (value === undefined) return null;
  const list = Array.isArray(value) ? [...value] : [value]; // a copy: later edits by the caller do not count
  if (list.length === 0 || !list.every((k) => typeof k === "string" && k.length >= MIN_ENCRYPTION_KEY)) {
    throw fail(name, "invalid_argument",
      `\`encryptionKey\` must be a string of at least ${MIN_ENCRYPTION_KEY} characters or a non-empty list of them`);
  }
  return list;
}

const isRedirect = (response) => REDIRECT_STATUSES.has(response.status) || response.type === "opaqueredirect";
const discard = (response) => response.body?.cancel().catch(() => {});

export class Session {
  #provider;
  #name;
  #store;
  #key;
  #skew;
  #maxRetryAfter;
  #apiKey;
  #canRefresh;
  /** The provider reports authorization failures inside HTTP 200 too (registry data: Flowlu). */
  #apiErrors;
  /** A 401 makes us refresh (registry data: not for HubSpot, whose 401s are not about expiry). */
  #refreshOn401;
  /** Besides 429, the status the API reports exhausted limits with, or 0 (registry: Salesforce's 403). */
  #rateLimitStatus;
  #http;
  /** The provider's `apiBase`, read once: the getter crosses into the wasm. */
  #apiBase;
  /** Encryption keys (first encrypts), or null: sets are stored in plain text. */
  #keys;
  /** The last stored string read or written and its set: no decrypt/parse per call. */
  #cached = { raw: null, tokens: null };
  /** Bumped by logout: a refresh started before it must not store its answer. */
  #generation = 0;
  /** The set a 401 made us refresh to, and until when its 401s are final. */
  #after401 = null;
  /** A refreshed set the store refused: written again on the next call. */
  #unsaved = null;
  /** The running refresh, shared by every caller. */
  #inflight = null;
  #failures = 0;
  #cooldownUntil = 0;
  #lastError = null;

  constructor(options) {
    const { provider, store, key } = options ?? {};
    if (provider === null || typeof provider !== "object" || typeof provider[PLACEMENT] !== "function") {
      throw fail(LIBRARY, "invalid_argument", "`provider` must be a crm-auth provider or ApiKeyCredentials");
    }
    const name = provider[PROVIDER] ?? LIBRARY;
    if (store === null || typeof store !== "object" ||
        !["get", "set", "delete"].every((m) => typeof store[m] === "function")) {
      throw fail(name, "invalid_argument", "`store` must have get(key), set(key, value) and delete(key)");
    }
    if (typeof key !== "string" || key === "") throw fail(name, "invalid_argument", "`key` must be a non-empty string");
    this.#skew = seconds(options.skewSeconds, "skewSeconds", 60);
    this.#maxRetryAfter = seconds(options.maxRetryAfterSeconds, "maxRetryAfterSeconds", 10);
    this.#provider = provider;
    this.#name = name;
    this.#store = store;
    this.#key = key;
    this.#apiKey = provider instanceof ApiKeyCredentials;
    this.#canRefresh = !this.#apiKey && typeof provider.refresh === "function";
    this.#apiErrors = name !== LIBRARY && hasApiErrors(name);
    this.#refreshOn401 = name === LIBRARY || refreshesOn401(name);
    this.#rateLimitStatus = name === LIBRARY ? 0 : rateLimitStatus(name);
    this.#http = provider[HTTP] ?? httpOptions(name, {});
    this.#apiBase = provider.apiBase;
    this.#keys = encryptionKeys(name, options.encryptionKey);
  }

  /** Stores `tokens` (e.g. right after login) as this session's tokens. */
  async save(tokens) {
    if (!(tokens instanceof TokenSet)) throw fail(this.#name, "invalid_argument", "tokens must be a TokenSet");
    await this.#inflight?.catch(() => {});
    await this.#write(tokens, "could not save the tokens");
    this.#unsaved = null;
    this.#resetCooldown();
  }

  /**
   * Valid tokens: the stored set, refreshed first when it expires within
   * `skewSeconds`. `null` for API-key credentials.
   */
  async tokens() {
    return this.#tokens(this.#generation);
  }

  /**
   * `tokens()`, without a promise in the usual case (a synchronous store
   * holding the string last read or written, and a fresh set): an API call
   * then reaches fetch without waiting a tick. Else a promise of them.
   */
  #tokens(generation) {
    if (this.#apiKey) return null;
    if (this.#unsaved !== null || this.#inflight !== null) return this.#refresh(null, generation);
    const raw = this.#get();
    const cached = this.#cached;
    if (raw === cached.raw && raw !== null && !cached.tokens.isExpired(this.#skew)) return cached.tokens;
    return this.#fresh(raw, generation);
  }

  async #fresh(raw, generation) {
    const stored = await this.#stored(await raw);
    if (!stored.isExpired(this.#skew)) return stored;
    return this.#refresh(stored, generation);
  }

  /**
   * `fetch` with this session's credentials, through the provider's `fetch`
   * and `timeoutMs` (which bounds the wait for the response headers). A path
   * (starting with "/") is joined to the tokens' `apiBase` (the one the token
   * answer named, after any refresh), else the provider's; a Request or
   * absolute URL is used as is. 401 → one refresh and one retry (at most one
   * refresh per set within 30 s: then the 401 is the caller's), unless the
   * registry says a 401 is not a refresh signal for this provider (HubSpot);
   * 429 → one retry after a `Retry-After` of at most `maxRetryAfterSeconds`,
   * else `rate_limited`; the provider's own rate-limit answer (Salesforce's
   * 403) → `rate_limited` at once. Redirects: see #redirected.
   */
  async fetch(input, init) {
    const generation = this.#generation;
    // A path waits for the tokens: their API base comes first.
    const path = typeof input === "string" && input.startsWith("/") ? input : null;
    let original = path === null ? this.#resolve(input, init) : null;
    // Only a signal the caller gave is combined with ours (AbortSignal.any costs ~50 µs in Node).
    const signal = init?.signal ?? (input instanceof Request ? input.signal : null);
    let tokens = this.#tokens(generation);
    if (tokens instanceof Promise) tokens = await tokens;
    original ??= this.#atPath(this.#base(tokens), path, init);
    const body = original.body === null ? null : await original.clone().arrayBuffer();
    let response = await this.#send(original, body, tokens, signal);
    if (tokens !== null && this.#canRefresh && this.#refreshOn401 && tokens.refreshToken !== null &&
        (response.status === 401 || (this.#apiErrors && response.status === 200 && (await this.#invalidToken(response)))) &&
        !(this.#after401?.accessToken === tokens.accessToken && Date.now() < this.#after401.until)) {
      await discard(response);
      const base = path === null ? null : this.#base(tokens);
      tokens = await this.#refresh(tokens, generation);
      this.#after401 = { accessToken: tokens.accessToken, until: Date.now() + UNAUTHORIZED_COOLDOWN_MS };
      // The refresh may have moved the API (Pipedrive's api_domain): the path follows it.
      if (path !== null && this.#base(tokens) !== base) original = this.#atPath(this.#base(tokens), path, init && { ...init, body });
      response = await this.#send(original, body, tokens, signal);
    }
    if (response.status === this.#rateLimitStatus) {
      const limited = await this.#apiRateLimit(response);
      if (limited !== null) throw limited;
    }
    if (response.status === 429) {
      const wait = retryAfter(response);
      await discard(response);
      if (wait === null || wait > this.#maxRetryAfter) throw this.#rateLimited(wait);
      await sleep(wait * 1000);
      response = await this.#send(original, body, tokens, signal);
      if (response.status === 429) {
        const again = retryAfter(response);
        await discard(response);
        throw this.#rateLimited(again);
      }
    }
    return response;
  }

  /**
   * Revokes the refresh token (else the access token) where the provider
   * can, ignoring revocation failures, and deletes the stored tokens.
   */
  async logout() {
    this.#generation += 1;
    await this.#settled();
    if (!this.#apiKey && typeof this.#provider.revoke === "function") {
      const tokens = this.#unsaved ?? (await this.#read().catch(() => null));
      const token = tokens?.refreshToken ?? tokens?.accessToken;
      // The set's apiBase: Zoho revokes at its data centre.
      if (token) await this.#provider.revoke(token, { apiBase: tokens.apiBase }).catch(() => {}); // `unsupported` included
    }
    this.#unsaved = null;
    this.#after401 = null;
    this.#resetCooldown();
    await this.#call("delete", "could not delete the stored tokens", this.#key);
    // A refresh that began while we revoked: it sees the new generation and
    // revokes its own answer; wait for that.
    await this.#settled();
  }

  toJSON() {
    return { provider: this.#name, key: this.#key, skewSeconds: this.#skew };
  }
  toString() {
    return `Session { provider: ${this.#name}, key: ${JSON.stringify(this.#key)} }`;
  }
  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toString();
  }

  // ---- internals ----------------------------------------------------------

  /** The store's answer to `method(...args)`; a synchronous throw as a rejected promise. */
  #ask(method, args) {
    try {
      return this.#store[method](...args);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A store call; its failure → `invalid_response` with `message`. */
  #call(method, message, ...args) {
    return this.#answer(this.#ask(method, args), message);
  }

  async #answer(answer, message) {
    try {
      return await answer;
    } catch {
      // The store's own error is not kept: it may quote the value (the tokens).
      throw fail(this.#name, "invalid_response", message);
    }
  }

  /** The stored string; a promise of it only from an async (or failing) store. */
  #get() {
    const raw = this.#ask("get", [this.#key]);
    return typeof raw?.then === "function" ? this.#answer(raw, "could not read the stored tokens") : raw;
  }

  /** The stored set; absent (or unreadable under `encryptionKey`) → invalid_grant "log in". */
  async #read() {
    return this.#stored(await this.#get());
  }

  /** A stored string as the set (`#read` after the store answered). */
  async #stored(raw) {
    const tokens = raw == null ? null : raw === this.#cached.raw ? this.#cached.tokens : await this.#decode(raw);
    if (tokens === null) {
      throw fail(this.#name, "oauth_error", "no tokens are stored for this session: log in", { error: "invalid_grant" });
    }
    return tokens;
  }

  /**
   * A stored string as a set, or null when it cannot be ours: an encrypted
   * set without the key (wrong, missing or altered), or a plain-text set
   * found by an encrypting Session (it may have been planted).
   */
  async #decode(raw) {
    const encrypted = typeof raw === "string" && raw.startsWith(ENCRYPTED);
    if (this.#keys === null) return encrypted ? null : this.#remember(raw, TokenSet.deserialize(raw));
    if (!encrypted) return null;
    for (let i = 0; i < this.#keys.length; i++) {
      const plain = await decrypt(await this.#cipherKey(i), raw.slice(ENCRYPTED.length), "crm-auth-tokens-v1");
      if (plain === null) continue;
      const tokens = TokenSet.deserialize(plain);
      // Read with an old key: store it under the current one (best effort).
      if (i > 0) await this.#write(tokens, "could not re-encrypt the stored tokens").catch(() => {});
      else this.#remember(raw, tokens);
      return tokens;
    }
    return null;
  }

  /** Key `i` for this provider and store key (HKDF-SHA256). */
  #cipherKey(i) {
    return deriveKey(this.#keys[i], "crm-auth tokens at rest", `${this.#name}\u0000${this.#key}`);
  }

  #remember(raw, tokens) {
    this.#cached = { raw, tokens };
    return tokens;
  }

  async #write(tokens, message) {
    const plain = tokens.serialize();
    const raw = this.#keys === null
      ? plain
      : ENCRYPTED + (await encrypt(await this.#cipherKey(0), plain, "crm-auth-tokens-v1"));
    await this.#call("set", message, this.#key, raw);
    this.#remember(raw, tokens);
  }

  /** Waits until no refresh is running (one may start while we wait). */
  async #settled() {
    while (this.#inflight !== null) await this.#inflight.catch(() => {});
  }

  #resetCooldown() {
    this.#failures = 0;
    this.#cooldownUntil = 0;
    this.#lastError = null;
  }

  /** One refresh at a time; `seen` is the set the caller found stale (or null). */
  #refresh(seen, generation) {
    this.#inflight ??= this.#runRefresh(seen, generation).finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #runRefresh(seen, generation) {
    if (this.#unsaved !== null) {
      const fresh = this.#unsaved;
      await this.#write(fresh, "could not save the refreshed tokens");
      this.#unsaved = null;
      if (!fresh.isExpired(this.#skew) || !this.#canRefresh || fresh.refreshToken === null) return fresh;
      seen = fresh;
    }
    // A store with `lock(key, fn)` (DurableObjectStore) serialises this across isolates.
    if (typeof this.#store.lock === "function") return this.#store.lock(this.#key, () => this.#refreshStored(seen, generation));
    return this.#refreshStored(seen, generation);
  }

  async #refreshStored(seen, generation) {
    // Someone (another caller, tab or process) may have refreshed already.
    const stored = await this.#read();
    const changed = seen === null ||
      stored.refreshToken !== seen.refreshToken || stored.accessToken !== seen.accessToken;
    if (changed && !stored.isExpired(this.#skew)) return stored;
    if (!this.#canRefresh || stored.refreshToken === null) {
      if (!stored.isExpired(0)) return stored;
      throw fail(this.#name, "oauth_error", "the tokens expired and cannot be refreshed: log in again", { error: "invalid_grant" });
    }
    if (Date.now() < this.#cooldownUntil) {
      if (!stored.isExpired(0)) return stored;
      throw this.#lastError;
    }
    let fresh;
    try {
      fresh = await this.#provider.refresh(stored.refreshToken, { apiBase: stored.apiBase });
    } catch (e) {
      if (e instanceof CrmAuthError && e.code === "oauth_error" && e.error === "invalid_grant") {
        this.#resetCooldown();
        const newer = generation === this.#generation ? await this.#afterLostRace(stored) : null;
        if (newer !== null) return newer;
        throw e;
      }
      if (isTransient(e)) {
        this.#failures += 1;
        this.#cooldownUntil = Date.now() + Math.min(COOLDOWN_FIRST_MS * 2 ** (this.#failures - 1), COOLDOWN_MAX_MS);
        this.#lastError = e;
        if (!stored.isExpired(0)) return stored;
      }
      throw e;
    }
    this.#resetCooldown();
    if (generation !== this.#generation) {
      // logout() began meanwhile and revoked what it found: this answer is
      // the live grant now, so it is revoked too, never stored.
      await this.#provider.revoke?.(fresh.refreshToken ?? fresh.accessToken, { apiBase: fresh.apiBase }).catch(() => {});
      throw fail(this.#name, "oauth_error", "the session logged out during the refresh: log in", { error: "invalid_grant" });
    }
    try {
      await this.#write(fresh, "could not save the refreshed tokens");
    } catch (e) {
      this.#unsaved = fresh;
      throw e;
    }
    return fresh;
  }

  /**
   * `stored`'s refresh token was refused. Another Session on this store
   * (a tab, an isolate) may have rotated it a moment ago: its set, once
   * written, is returned. Otherwise the store is cleared — only if it still
   * holds `stored` — and null returned.
   */
  async #afterLostRace(stored) {
    for (const ms of RACE_REREADS_MS) {
      if (ms > 0) await sleep(ms);
      let now;
      try {
        now = await this.#read();
      } catch {
        return null; // gone (someone logged out) or unreadable
      }
      if (now.refreshToken !== stored.refreshToken || now.accessToken !== stored.accessToken) return now;
    }
    await this.#call("delete", "could not delete the stored tokens", this.#key).catch(() => {});
    return null;
  }

  /** What to send: the caller's Request, or a Request built from `input` and `init`. */
  #resolve(input, init) {
    if (input instanceof Request && init === undefined) return input;
    try {
      return this.#request(input, init);
    } catch (e) {
      if (e instanceof CrmAuthError) throw e;
      // The host's text may quote the caller's headers (credentials): not kept.
      throw fail(this.#name, "invalid_argument", "fetch refused the request's URL or init (e.g. a GET with a body, or a redirect mode this runtime lacks)");
    }
  }

  #request(input, init) {
    if (input instanceof Request) return new Request(input, init);
    const url = input instanceof URL ? input.href : input;
    if (typeof url !== "string" || url === "") {
      throw fail(this.#name, "invalid_argument", "pathOrRequest must be a path, an absolute URL or a Request");
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return new Request(url, init);
    throw fail(this.#name, "invalid_argument", "a path must start with \"/\"");
  }

  /**
   * `path` on `base`; with no `init` — the usual call — just its URL (a
   * Request built here would be copied again by fetch: ~10 µs in Node).
   */
  #atPath(base, path, init) {
    const url = base + path;
    return init === undefined ? { url, method: "GET", headers: null, redirect: "follow", body: null } : this.#resolve(url, init);
  }

  /** Where paths go: the API base the token answer named, else the provider's. */
  #base(tokens) {
    const base = tokens?.apiBase ?? this.#apiBase;
    if (typeof base !== "string" || base === "") {
      throw fail(this.#name, "invalid_argument", "this provider has no apiBase: pass an absolute URL or a Request");
    }
    return base;
  }

  /** Sends `original` with credentials and the buffered body; follows redirects (#redirected). */
  async #send(original, body, tokens, signal) {
    const first = original instanceof Request ? original : null;
    const response = await this.#sendTo(first, original.url, original.method, original.headers, body, tokens, signal);
    return isRedirect(response) ? this.#redirected(original, body, tokens, signal, response) : response;
  }

  /**
   * One request to `url` with the credential placed for it. `first`: the
   * caller's Request, passed to fetch as is (its mode, credentials, cache…
   * kept; fetch(input, init) copies it once — building a Request here would
   * make it copy that one again). `headers`: the caller's, or null.
   */
  #sendTo(first, url, method, headers, body, tokens, signal) {
    // No probe Request: the credential's place is asked for as data.
    const placed = this.#provider[PLACEMENT](url, tokens);
    let merged = placed.headers; // fetch only reads it
    if (headers !== null) {
      merged = new Headers(headers);
      for (const name in placed.headers) merged.set(name, placed.headers[name]);
    }
    // Redirects are followed by #redirected, which knows which are safe.
    const init = { method, headers: merged, redirect: "manual", signal };
    // A buffered body: a moved stream body would upload only over HTTP/2 in browsers.
    if (body !== null) init.body = body;
    // A credential in the query moves the request to a new URL.
    const input = placed.url ?? (first ?? url);
    return fetchResponse(input, init, this.#http);
  }

  /**
   * A redirect answer. The caller's `redirect: "manual"` gets it as is and
   * `"error"` gets `network_error`. Otherwise (`"follow"`): within the
   * request's origin it is followed (at most 20 hops, fetch's method rules)
   * and the credential placed again for the new URL; to another origin it is
   * `invalid_response` — no credential (header, query or the caller's) ever
   * goes there. A browser's opaque redirect (no Location) cannot be checked:
   * `invalid_response` too.
   */
  async #redirected(original, body, tokens, signal, response) {
    const mode = original.redirect;
    if (mode === "manual") return response;
    const origin = new URL(original.url).origin;
    let { url, method } = original;
    let headers = original.headers;
    for (let hops = 1; ; hops++) {
      const { status } = response;
      const location = response.headers.get("location");
      if (response.type !== "opaqueredirect" && location === null) return response; // a final answer
      await discard(response);
      if (mode === "error") {
        throw fail(this.#name, "network_error", "the API answered with a redirect and the request's redirect mode is \"error\"", { status });
      }
      if (response.type === "opaqueredirect") {
        throw fail(this.#name, "invalid_response",
          "the API answered with a redirect the browser does not reveal: credentials are not sent on (pass redirect: \"manual\" to receive it)",
          { status });
      }
      let next;
      try {
        next = new URL(location, url);
      } catch {
        throw fail(this.#name, "invalid_response", "the API redirected to an invalid URL", { status });
      }
      if (next.origin !== origin) {
        throw fail(this.#name, "invalid_response",
          "the API redirected to another origin: credentials are never sent there (pass redirect: \"manual\" to follow it yourself)",
          { status });
      }
      if (hops > MAX_REDIRECTS) throw fail(this.#name, "invalid_response", "too many redirects", { status });
      if (status === 303 ? method !== "GET" && method !== "HEAD" : (status === 301 || status === 302) && method === "POST") {
        method = "GET";
        body = null;
        headers = new Headers(headers ?? undefined);
        for (const name of BODY_HEADERS) headers.delete(name);
      }
      url = next.href;
      response = await this.#sendTo(null, url, method, headers, body, tokens, signal);
      if (!isRedirect(response)) return response;
    }
  }

  /** An authorization failure inside an HTTP 200 (providers whose registry entry reads API errors). */
  async #invalidToken(response) {
    const body = await peekText(response, this.#http);
    return body !== null && providerApiError(this.#name, body)?.error === "invalid_token";
  }

  /** The provider's own rate-limit answer (Salesforce 403 REQUEST_LIMIT_EXCEEDED) as `rate_limited`, or null. */
  async #apiRateLimit(response) {
    const body = await peekText(response, this.#http);
    const e = body === null ? null : providerApiError(this.#name, body);
    if (e?.code !== "rate_limited") return null;
    await discard(response);
    const wait = retryAfter(response);
    return Object.assign(e, wait === null ? { status: response.status } : { status: response.status, retryAfter: wait });
  }

  #rateLimited(retryAfter) {
    return fail(this.#name, "rate_limited", "the API answered 429 Too Many Requests",
      retryAfter === null ? { status: 429 } : { status: 429, retryAfter });
  }
}
