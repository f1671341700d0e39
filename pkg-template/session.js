// Session: one user's tokens for one provider, kept fresh.
//
// - Single-flight: concurrent callers share one refresh promise, and the
//   refresh first re-reads the store, so a caller holding an older set never
//   sends a refresh token that someone else already rotated away.
// - Rotation-safe: a refreshed set is written to the store before any caller
//   gets it; when the write fails it stays in memory and is written again on
//   the next call, so the store never keeps only a dead refresh token.
// - invalid_grant clears the store; transient failures back off (cooldown).
import { AgileCrm, ApiKeyCredentials, Flexie, Flextell, Flowlu, OAuth2, Virtuous } from "./api.js";
import { CrmAuthError, fail } from "./errors.js";
import { PLACEMENT, TokenSet } from "./tokens.js";

const LIBRARY = "crm-auth";
const COOLDOWN_FIRST_MS = 1000;
const COOLDOWN_MAX_MS = 60000;
function providerName(provider) {
  if (provider instanceof ApiKeyCredentials) return provider.provider;
  // Built here, not at load time: api.js (which re-exports this module) may not have run yet.
  const names = [
    [Flextell, "flextell"],
    [Flexie, "flexie"],
    [AgileCrm, "agilecrm"],
    [OAuth2, "oauth2"],
    [Flowlu, "flowlu"],
    [Virtuous, "virtuous"],
  ];
  return names.find(([cls]) => provider instanceof cls)?.[1] ?? LIBRARY;
}

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

/** `Retry-After` as seconds (delta or HTTP date), or null. */
function retryAfterSeconds(value) {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Session {
  #provider;
  #name;
  #store;
  #key;
  #skew;
  #maxRetryAfter;
  #apiKey;
  #canRefresh;
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
    const name = providerName(provider);
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
    if (this.#apiKey) return null;
    if (this.#unsaved !== null || this.#inflight !== null) return this.#refresh(null);
    const stored = await this.#read();
    if (!stored.isExpired(this.#skew)) return stored;
    return this.#refresh(stored);
  }

  /**
   * `fetch` with this session's credentials. A path (starting with "/") is
   * joined to the provider's `apiBase`; a Request or absolute URL is used as
   * is. 401 → one refresh and one retry; 429 → one retry after a
   * `Retry-After` of at most `maxRetryAfterSeconds`, else `rate_limited`.
   */
  async fetch(input, init) {
    const original = this.#resolve(input, init);
    const body = original.body === null ? null : await original.clone().arrayBuffer();
    let tokens = await this.tokens();
    let response = await this.#send(original, body, tokens);
    if (tokens !== null && this.#canRefresh && tokens.refreshToken !== null && (await this.#unauthorized(response))) {
      await response.body?.cancel().catch(() => {});
      tokens = await this.#refresh(tokens);
      response = await this.#send(original, body, tokens);
    }
    if (response.status === 429) {
      const wait = retryAfterSeconds(response.headers.get("retry-after"));
      await response.body?.cancel().catch(() => {});
      if (wait === null || wait > this.#maxRetryAfter) throw this.#rateLimited(wait);
      await sleep(wait * 1000);
      response = await this.#send(original, body, tokens);
      if (response.status === 429) {
        const again = retryAfterSeconds(response.headers.get("retry-after"));
        await response.body?.cancel().catch(() => {});
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
    await this.#inflight?.catch(() => {});
    if (!this.#apiKey && typeof this.#provider.revoke === "function") {
      let tokens = this.#unsaved;
      if (tokens === null) {
        const raw = await this.#call("get", "could not read the stored tokens", this.#key).catch(() => null);
        try {
          tokens = raw == null ? null : TokenSet.deserialize(raw);
        } catch {
          tokens = null;
        }
      }
      const token = tokens?.refreshToken ?? tokens?.accessToken;
      if (token) await this.#provider.revoke(token).catch(() => {}); // `unsupported` included
    }
    this.#unsaved = null;
    this.#resetCooldown();
    await this.#call("delete", "could not delete the stored tokens", this.#key);
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

  async #call(method, message, ...args) {
    try {
      return await this.#store[method](...args);
    } catch {
      // The store's own error is not kept: it may quote the value (the tokens).
      throw fail(this.#name, "invalid_response", message);
    }
  }

  async #read() {
    const raw = await this.#call("get", "could not read the stored tokens", this.#key);
    if (raw === null || raw === undefined) {
      throw fail(this.#name, "oauth_error", "no tokens are stored for this session: log in", { error: "invalid_grant" });
    }
    return TokenSet.deserialize(raw);
  }

  #write(tokens, message) {
    return this.#call("set", message, this.#key, tokens.serialize());
  }

  #resetCooldown() {
    this.#failures = 0;
    this.#cooldownUntil = 0;
    this.#lastError = null;
  }

  /** One refresh at a time; `seen` is the set the caller found stale (or null). */
  #refresh(seen) {
    this.#inflight ??= this.#runRefresh(seen).finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #runRefresh(seen) {
    if (this.#unsaved !== null) {
      const fresh = this.#unsaved;
      await this.#write(fresh, "could not save the refreshed tokens");
      this.#unsaved = null;
      if (!fresh.isExpired(this.#skew) || !this.#canRefresh || fresh.refreshToken === null) return fresh;
      seen = fresh;
    }
    // A store with `lock(key, fn)` (DurableObjectStore) serialises this across isolates.
    if (typeof this.#store.lock === "function") return this.#store.lock(this.#key, () => this.#refreshStored(seen));
    return this.#refreshStored(seen);
  }

  async #refreshStored(seen) {
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
      fresh = await this.#provider.refresh(stored.refreshToken);
    } catch (e) {
      if (e instanceof CrmAuthError && e.code === "oauth_error" && e.error === "invalid_grant") {
        this.#resetCooldown();
        await this.#call("delete", "could not delete the stored tokens", this.#key).catch(() => {});
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
    try {
      await this.#write(fresh, "could not save the refreshed tokens");
    } catch (e) {
      this.#unsaved = fresh;
      throw e;
    }
    return fresh;
  }

  #resolve(input, init) {
    if (input instanceof Request) return init === undefined ? input : new Request(input, init);
    const url = input instanceof URL ? input.href : input;
    if (typeof url !== "string" || url === "") {
      throw fail(this.#name, "invalid_argument", "pathOrRequest must be a path, an absolute URL or a Request");
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return new Request(url, init);
    if (!url.startsWith("/")) throw fail(this.#name, "invalid_argument", "a path must start with \"/\"");
    const base = this.#provider.apiBase;
    if (typeof base !== "string" || base === "") {
      throw fail(this.#name, "invalid_argument", "this provider has no apiBase: pass an absolute URL or a Request");
    }
    return new Request(base + url, init);
  }

  /** A fresh request with credentials and the buffered body. */
  #send(original, body, tokens) {
    // No probe Request: the credential's place is asked for as data (each
    // Request costs ~5–20 µs in Node).
    const { url, headers } = this.#provider[PLACEMENT](original.url, tokens);
    const merged = new Headers(original.headers);
    for (const [name, value] of headers) merged.set(name, value);
    // A credential in the query moves the request: a new URL with the same
    // method, body (buffered: a moved stream body would upload only over
    // HTTP/2 in browsers), redirect mode and signal.
    // fetch(input, init) builds its Request itself: building one here first
    // would make it copy that one again.
    const sent = url === null
      ? globalThis.fetch(original, body === null ? { headers: merged } : { headers: merged, body })
      : globalThis.fetch(url, { method: original.method, headers: merged, body, redirect: original.redirect, signal: original.signal });
    return sent.catch((e) => {
      if (e instanceof CrmAuthError || e?.name === "AbortError") throw e;
      throw fail(this.#name, "network_error", "the request failed before an answer arrived");
    });
  }

  /** 401, or Flowlu's authorization failure inside an HTTP 200. */
  async #unauthorized(response) {
    if (response.status === 401) return true;
    if (this.#name !== "flowlu" || response.status !== 200) return false;
    let json;
    try {
      json = await response.clone().json();
    } catch {
      return false;
    }
    return Flowlu.apiError(json)?.error === "invalid_token";
  }

  #rateLimited(retryAfter) {
    return fail(this.#name, "rate_limited", "the API answered 429 Too Many Requests",
      retryAfter === null ? { status: 429 } : { status: 429, retryAfter });
  }
}
