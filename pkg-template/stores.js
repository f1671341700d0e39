// Token stores: anything with get(key), set(key, value) and delete(key)
// (async allowed) works with Session; these two cover memory and Web Storage.
// `set` may get a third argument `{ ttlSeconds }` (sealed state's replay
// records): a store should forget the value after that long, and may ignore it.
import { fail } from "./errors.js";

const LIBRARY = "crm-auth";
const SWEEP_MIN = 64;

/** `options.ttlSeconds` of `set(key, value, options)`: undefined, or a positive number. */
export function ttlSeconds(options) {
  const ttl = options?.ttlSeconds;
  if (ttl !== undefined && (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl <= 0)) {
    throw fail(LIBRARY, "invalid_argument", "`ttlSeconds` must be a positive number of seconds");
  }
  return ttl;
}

/**
 * Tokens in memory, for one process (tests, scripts, one Worker invocation). Values set
 * with `ttlSeconds` read as absent once expired and are swept out whenever the map has
 * doubled since the last sweep: O(1) per entry amortized, and the map never holds more
 * than twice what was live at the last sweep (or 64).
 */
export class MemoryStore {
  #map = new Map();
  #expiry = new Map(); // key → epoch ms, only for values set with ttlSeconds
  #sweepAt = SWEEP_MIN;

  get(key) {
    const at = this.#expiry.get(key); // read on every API call: no clock read for values without a TTL
    if (at !== undefined && at <= Date.now()) this.delete(key);
    return this.#map.get(key) ?? null;
  }
  set(key, value, options) {
    const ttl = ttlSeconds(options);
    this.#map.set(key, value);
    if (ttl === undefined) this.#expiry.delete(key);
    else this.#expiry.set(key, Date.now() + ttl * 1000);
    if (this.#map.size >= this.#sweepAt) this.#sweep();
  }
  delete(key) {
    this.#map.delete(key);
    this.#expiry.delete(key);
  }
  #sweep() {
    const now = Date.now();
    for (const [key, at] of this.#expiry) if (at <= now) this.delete(key);
    this.#sweepAt = Math.max(SWEEP_MIN, 2 * this.#map.size);
  }
  toJSON() {
    return { size: this.#map.size };
  }
  toString() {
    return `MemoryStore { size: ${this.#map.size} }`;
  }
  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toString();
  }
}

/** Tokens in `sessionStorage` or `localStorage` (anything with getItem/setItem/removeItem). */
export class WebStorageStore {
  #storage;

  constructor(storage) {
    if (!storage || typeof storage.getItem !== "function" || typeof storage.setItem !== "function" ||
        typeof storage.removeItem !== "function") {
      throw fail(LIBRARY, "invalid_argument", "storage must be a Web Storage object (sessionStorage or localStorage)");
    }
    this.#storage = storage;
  }

  get(key) {
    return this.#storage.getItem(key);
  }
  set(key, value) {
    this.#storage.setItem(key, value);
  }
  delete(key) {
    this.#storage.removeItem(key);
  }
  toJSON() {
    return {};
  }
  toString() {
    return "WebStorageStore {}";
  }
  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toString();
  }
}
