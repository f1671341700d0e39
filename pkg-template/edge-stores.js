// Token stores for Cloudflare Workers (plain JS: exported from every entry).
//
// - KvStore: Workers KV. Eventually consistent, so it cannot coordinate
//   refresh across isolates.
// - DurableObjectStore + TokenStoreObject: one Durable Object per key holds
//   the tokens and a lease. A Session whose store has `lock(key, fn)` runs
//   its refresh inside the lock, so one refresh happens across every isolate.
//   The Durable Object class needs `cloudflare:workers`, so only the workerd
//   entry builds it (`defineTokenStoreObject(DurableObject)`).
import { fail } from "./errors.js";
import { ttlSeconds } from "./stores.js";

const LIBRARY = "crm-auth";
const LEASE_MS = 30000;
const WAIT_MS = 35000;
const MAX_LEASE_MS = 10 * 60 * 1000;
const POLL_FIRST_MS = 20;
const POLL_MAX_MS = 250;
const KV_MIN_TTL_SECONDS = 60;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function milliseconds(value, name, fallback, min, max) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw fail(LIBRARY, "invalid_argument", `\`${name}\` must be a number of milliseconds from ${min} to ${max}`);
  }
  return value;
}

function inspectable(cls, text) {
  cls.prototype.toJSON = function () {
    return {};
  };
  cls.prototype.toString = function () {
    return text;
  };
  cls.prototype[Symbol.for("nodejs.util.inspect.custom")] = function () {
    return text;
  };
}

/**
 * A token store over a Workers KV namespace binding.
 *
 * KV is eventually consistent: a write can take up to about 60 seconds to be seen in
 * other locations, so KV cannot coordinate refresh across isolates (two isolates may
 * both refresh, and with rotating refresh tokens one of them then loses). Use
 * `DurableObjectStore` when a Worker may refresh the same tokens in many places at once.
 *
 * `ttlSeconds` (at least 60, KV's minimum) sets `expirationTtl` on every write; leave it
 * out unless it is longer than the refresh token's lifetime. A `set(key, value, { ttlSeconds })`
 * (sealed state's replay records) uses that instead, raised to KV's 60 s minimum.
 */
export class KvStore {
  #kv;
  #ttl;

  constructor(namespace, options = {}) {
    if (!namespace || typeof namespace.get !== "function" || typeof namespace.put !== "function" ||
        typeof namespace.delete !== "function") {
      throw fail(LIBRARY, "invalid_argument", "namespace must be a Workers KV namespace binding");
    }
    const ttl = options?.ttlSeconds;
    if (ttl !== undefined && (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < KV_MIN_TTL_SECONDS)) {
      throw fail(LIBRARY, "invalid_argument", "`ttlSeconds` must be a number of seconds, at least 60");
    }
    this.#kv = namespace;
    this.#ttl = ttl === undefined ? undefined : Math.ceil(ttl);
  }

  get(key) {
    return this.#kv.get(key);
  }
  async set(key, value, options) {
    const own = ttlSeconds(options);
    const ttl = own === undefined ? this.#ttl : Math.max(KV_MIN_TTL_SECONDS, Math.ceil(own));
    await (ttl === undefined ? this.#kv.put(key, value) : this.#kv.put(key, value, { expirationTtl: ttl }));
  }
  async delete(key) {
    await this.#kv.delete(key);
  }
}
inspectable(KvStore, "KvStore {}");

/**
 * A token store over a Durable Object namespace bound to `TokenStoreObject` (one object
 * per key). Its `lock(key, fn)` holds a lease on the key's object while `fn` runs, so a
 * `Session` refreshes once across every isolate; the others wait, re-read and get the new
 * tokens. A lease expires after `leaseMs` (default 30 s; keep it above the provider's
 * `timeoutMs`) so a crashed holder cannot block the key; `lock` waits at most `waitMs`
 * (default 35 s) and then rejects with `timeout`.
 */
export class DurableObjectStore {
  #ns;
  #leaseMs;
  #waitMs;

  constructor(namespace, options = {}) {
    if (!namespace || typeof namespace.idFromName !== "function" || typeof namespace.get !== "function") {
      throw fail(LIBRARY, "invalid_argument", "namespace must be a Durable Object namespace binding (class TokenStoreObject)");
    }
    this.#leaseMs = milliseconds(options?.leaseMs, "leaseMs", LEASE_MS, 1, MAX_LEASE_MS);
    this.#waitMs = milliseconds(options?.waitMs, "waitMs", WAIT_MS, 0, MAX_LEASE_MS);
    this.#ns = namespace;
  }

  // A stub per call: stubs belong to the request that made them.
  #stub(key) {
    return this.#ns.get(this.#ns.idFromName(key));
  }

  async get(key) {
    return (await this.#stub(key).get()) ?? null;
  }
  /** With `{ ttlSeconds }`, the key's object deletes the value when it expires (an alarm). */
  async set(key, value, options) {
    const ttl = ttlSeconds(options);
    await (ttl === undefined ? this.#stub(key).set(value) : this.#stub(key).set(value, ttl));
  }
  async delete(key) {
    await this.#stub(key).delete();
  }

  /** Runs `fn` while holding the lease on `key`; the lease is released afterwards. */
  async lock(key, fn) {
    const stub = this.#stub(key);
    const deadline = Date.now() + this.#waitMs;
    let delay = POLL_FIRST_MS;
    let lease;
    for (;;) {
      try {
        lease = await stub.acquire(this.#leaseMs);
      } catch {
        throw fail(LIBRARY, "invalid_response", "could not reach the token store's Durable Object");
      }
      if (typeof lease === "string") break;
      const left = deadline - Date.now();
      if (left <= 0) throw fail(LIBRARY, "timeout", "another isolate held the token refresh lock for too long");
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, POLL_MAX_MS);
    }
    try {
      return await fn();
    } finally {
      await stub.release(lease).catch(() => {}); // else it expires by itself
    }
  }
}
inspectable(DurableObjectStore, "DurableObjectStore {}");

/**
 * The Durable Object class behind `DurableObjectStore`, built over `cloudflare:workers`'
 * `DurableObject` by the workerd entry. Storage: "value" (the serialized tokens),
 * "expires" (epoch ms, for a value set with a TTL: an alarm then deletes both) and
 * "lease" (`{ id, until }`). The lease also lives in memory, checked and set without an
 * `await`, so two `acquire` calls can never both win.
 */
export function defineTokenStoreObject(DurableObject) {
  return class TokenStoreObject extends DurableObject {
    #lease = null;

    constructor(ctx, env) {
      super(ctx, env);
      ctx.blockConcurrencyWhile(async () => {
        this.#lease = (await ctx.storage.get("lease")) ?? null;
      });
    }

    async get() {
      const stored = await this.ctx.storage.get(["value", "expires"]);
      // Alarms can run late: an expired value is absent already.
      if (stored.get("expires") <= Date.now()) return null;
      return stored.get("value") ?? null;
    }
    /** `ttlSeconds`: delete the value that many seconds from now. */
    async set(value, ttlSeconds) {
      if (typeof value !== "string") throw new TypeError("value must be a string");
      if (ttlSeconds === undefined) {
        await this.ctx.storage.put("value", value);
        await this.ctx.storage.delete("expires");
        return;
      }
      if (typeof ttlSeconds !== "number" || !(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
        throw new TypeError("ttlSeconds must be a positive number");
      }
      const expires = Date.now() + ttlSeconds * 1000;
      await this.ctx.storage.put({ value, expires });
      await this.ctx.storage.setAlarm(expires);
    }
    async delete() {
      await this.ctx.storage.delete(["value", "expires"]);
    }

    /** Deletes the value if it has expired (a later `set` may have kept it or moved the alarm). */
    async alarm() {
      if ((await this.ctx.storage.get("expires")) <= Date.now()) await this.ctx.storage.delete(["value", "expires"]);
    }

    /** A lease id when the key was free (or its lease expired), else null. */
    async acquire(ttlMs) {
      const ttl = typeof ttlMs === "number" && ttlMs > 0 ? Math.min(ttlMs, MAX_LEASE_MS) : LEASE_MS;
      const now = Date.now();
      if (this.#lease !== null && this.#lease.until > now) return null;
      const lease = { id: crypto.randomUUID(), until: now + ttl };
      this.#lease = lease;
      await this.ctx.storage.put("lease", lease);
      return lease.id;
    }

    /** Frees the lease if `leaseId` still holds it (an expired holder cannot free a newer one). */
    async release(leaseId) {
      if (this.#lease === null || this.#lease.id !== leaseId) return false;
      this.#lease = null;
      await this.ctx.storage.delete("lease");
      return true;
    }
  };
}
