// Token stores: anything with get(key), set(key, value) and delete(key)
// (async allowed) works with Session; these two cover memory and Web Storage.
import { fail } from "./errors.js";

const LIBRARY = "crm-auth";

/** Tokens in memory, for one process (tests, scripts, one Worker invocation). */
export class MemoryStore {
  #map = new Map();

  get(key) {
    return this.#map.get(key) ?? null;
  }
  set(key, value) {
    this.#map.set(key, value);
  }
  delete(key) {
    this.#map.delete(key);
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
