// TokenSet: tokens as JS sees them. The wasm owns the stored format: it
// validates every token set (from a token answer, a stored string or an init
// object), hands over its canonical JSON (or the fields' spans), and writes
// `serialize()`; reading fields is then free. Expiry (`isExpired`) is JS's
// alone: it needs the clock.
import { tokenSetDeserializeAt, tokenSetFromInit, tokenSetSerialize } from "./crm_auth.js";
import { fail, wasm } from "./errors.js";
import { AT_SPANS, answered, input, tokenSpans, writeInput } from "./spans.js";

const LIBRARY = "crm-auth";
const REDACTED = "[redacted]";
/** Checked fields for the constructor to take instead of its argument. */
let checked = null;

function fieldsOf(json) {
  const t = JSON.parse(json);
  return {
    accessToken: t.access_token,
    tokenType: t.token_type,
    expiresAt: t.expires_at,
    refreshToken: t.refresh_token,
    scope: t.scope,
    apiBase: t.api_base ?? null,
  };
}

function fromFields(fields) {
  checked = fields;
  try {
    return new TokenSet();
  } finally {
    checked = null;
  }
}

/** A TokenSet from the wasm's canonical JSON. */
export function fromCanonical(json) {
  return fromFields(fieldsOf(json));
}

/** A TokenSet from the fields the wasm located in `text` (see spans.js). */
export function fromSpans(text) {
  return fromFields(tokenSpans(text));
}

/** Options objects cross to the wasm as JSON. */
export function toJson(provider, value) {
  if (value === undefined || value === null) return "null";
  let json;
  try {
    json = JSON.stringify(value);
  } catch {
    throw fail(provider, "invalid_argument", "options must be a plain object");
  }
  return json ?? "null";
}

export class TokenSet {
  #accessToken;
  #tokenType;
  #expiresAt;
  #refreshToken;
  /** Canonical: words joined by single spaces (split when asked for). */
  #scope;
  #apiBase;

  /** Wraps tokens obtained elsewhere: `{ accessToken, tokenType?, expiresAt?, refreshToken?, scopes?, apiBase? }`. */
  constructor(init) {
    const t = checked ?? fieldsOf(wasm(() => tokenSetFromInit(toJson(LIBRARY, init))));
    this.#accessToken = t.accessToken;
    this.#tokenType = t.tokenType;
    this.#expiresAt = t.expiresAt;
    this.#refreshToken = t.refreshToken;
    this.#scope = t.scope;
    this.#apiBase = t.apiBase;
  }

  get accessToken() {
    return this.#accessToken;
  }
  get tokenType() {
    return this.#tokenType;
  }
  get expiresAt() {
    return this.#expiresAt;
  }
  get refreshToken() {
    return this.#refreshToken;
  }
  get scopes() {
    return this.#scope === null ? null : this.#scope.split(" ").filter(Boolean);
  }
  /** The API base the token answer named (`api_domain`, `instance_url`), or null. */
  get apiBase() {
    return this.#apiBase;
  }

  /** True when the token expires within `skewSeconds` (default 60); a token without expiry never does. */
  isExpired(skewSeconds = 60) {
    if (typeof skewSeconds !== "number" || !(skewSeconds >= 0) || !Number.isFinite(skewSeconds)) {
      throw fail(LIBRARY, "invalid_argument", "skewSeconds must be a non-negative number");
    }
    return this.#expiresAt !== null && this.#expiresAt - skewSeconds * 1000 <= Date.now();
  }

  /** A string for storage (it holds the tokens: store it like a password). The wasm owns the format. */
  serialize() {
    return tokenSetSerialize(this.#accessToken, this.#tokenType, this.#expiresAt, this.#refreshToken, this.#scope, this.#apiBase);
  }

  /** Reads a `serialize()` string; anything else is `invalid_argument`. */
  static deserialize(value) {
    if (typeof value !== "string") throw fail(LIBRARY, "invalid_argument", "expected a serialized TokenSet string");
    writeInput(value);
    const kind = tokenSetDeserializeAt(input.lengths[0], input.ascii);
    return kind === AT_SPANS ? fromSpans(value) : fromCanonical(answered(kind));
  }

  /** A redacted view, safe to log. */
  toJSON() {
    return {
      accessToken: REDACTED,
      tokenType: this.#tokenType,
      expiresAt: this.#expiresAt,
      refreshToken: this.#refreshToken === null ? null : REDACTED,
      scopes: this.scopes,
      apiBase: this.#apiBase,
    };
  }

  /** A redacted one-line description, safe to log. */
  toString() {
    const refresh = this.#refreshToken === null ? "null" : REDACTED;
    return `TokenSet { tokenType: ${this.#tokenType}, expiresAt: ${this.#expiresAt}, accessToken: ${REDACTED}, refreshToken: ${refresh} }`;
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toString();
  }
}

/**
 * Internal (api.js, Session): `provider[PLACEMENT](url, tokens)` says where the
 * credential goes — `{ url: string | null, headers }` — without building Requests.
 */
export const PLACEMENT = Symbol("crm-auth placement");

/** Internal (api.js, Session): `provider[PROVIDER]` is its registry name (src/providers/mod.rs). */
export const PROVIDER = Symbol("crm-auth provider");

/** The access token of a TokenSet (or any object with a string `accessToken`). */
export function accessTokenOf(provider, tokens) {
  const token = tokens?.accessToken;
  if (typeof token !== "string" || token === "") throw fail(provider, "invalid_argument", "tokens must be a TokenSet");
  return token;
}
