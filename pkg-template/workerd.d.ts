// Types of the `workerd` entry: everything in index.d.ts, plus the Durable Object class
// only that entry exports.
export * from "./index.js";

/**
 * **workerd only** (Cloudflare Workers; it extends `DurableObject` from `cloudflare:workers`,
 * and other runtimes' entries do not export it, so only the `workerd` condition's types
 * declare it: in TypeScript set `"customConditions": ["workerd"]`). The Durable Object behind
 * `DurableObjectStore`: re-export it from your Worker and bind it. Its RPC methods hold one
 * key's tokens and refresh lease; workerd runs one object's calls one at a time.
 */
export declare class TokenStoreObject {
  constructor(ctx: any, env: any);
  get(): Promise<string | null>;
  /** With `ttlSeconds`, the value reads as absent after that long and an alarm deletes it. */
  set(value: string, ttlSeconds?: number): Promise<void>;
  delete(): Promise<void>;
  /** The alarm that deletes an expired value. */
  alarm(): Promise<void>;
  /** A lease id when no unexpired lease is held, else `null`. */
  acquire(ttlMs: number): Promise<string | null>;
  /** Frees the lease if `leaseId` still holds it. */
  release(leaseId: string): Promise<boolean>;
}
