// A Worker for the edge-store tests: KvStore over env.KV, DurableObjectStore over env.TOKENS
// (bound to the package's TokenStoreObject, re-exported below as a user would).
//   POST /kv      { key, tokens }  KvStore round trip, then Session.tokens() on `tokens`
//   POST /seed    { key, tokens }  writes `tokens` into the key's Durable Object
//   POST /tokens  { key, waitMs? } a fresh Session over DurableObjectStore: tokens() + fetch
//   POST /crash   { key, ttlMs }   takes the key's lease and never releases it
//   POST /stored  { key }          the key's stored value
//   POST /logins  { n, maxAgeSeconds, store: "kv"|"do" }  n sealed logins opened with a
//                 replay store (KvStore over env.KV, or DurableObjectStore over env.REPLAY);
//                 → the replay keys written
//   POST /left    { keys }         how many of those keys' REPLAY objects still hold storage
//   POST /kv-records { prefix }    the KV keys under `prefix` with their `expiration`
import { Flextell, Session, KvStore, DurableObjectStore, CrmAuthError, TokenStoreObject } from 'crm-auth';

export { TokenStoreObject } from 'crm-auth';

const SEAL_KEY = 'a-seal-key-of-at-least-thirty-two-chars';

/** The package's Durable Object, plus a count of what its storage holds (bound as REPLAY). */
export class CountedTokenStoreObject extends TokenStoreObject {
  async entries() {
    return (await this.ctx.storage.list()).size;
  }
}

function provider(env) {
  return new Flextell({
    clientId: 'test-client',
    clientSecret: 'test-secret',
    redirectUri: 'http://127.0.0.1/callback',
    origin: env.FLEXTELL_ORIGIN,
    timeoutMs: 5000,
  });
}

async function handle(path, body, env) {
  const { key } = body;
  if (path === '/kv') {
    const store = new KvStore(env.KV, { ttlSeconds: 3600 });
    await store.set('probe', 'v1');
    const probe = await store.get('probe');
    await store.delete('probe');
    const gone = await store.get('probe');
    await store.set(key, body.tokens);
    const session = new Session({ provider: provider(env), store, key });
    const t = await session.tokens();
    return {
      probe, gone,
      changed: t.serialize() !== body.tokens,
      stored: (await env.KV.get(key)) === t.serialize(),
      expired: t.isExpired(),
      text: String(store), json: JSON.stringify(store),
    };
  }
  if (path === '/logins') return logins(body, env);
  if (path === '/left') {
    let left = 0;
    for (const k of body.keys) if ((await env.REPLAY.get(env.REPLAY.idFromName(k)).entries()) > 0) left++;
    return { left };
  }
  if (path === '/kv-records') {
    const { keys } = await env.KV.list({ prefix: body.prefix });
    return { now: Date.now(), keys: keys.map((k) => ({ name: k.name, expiration: k.expiration ?? null })) };
  }
  const store = new DurableObjectStore(env.TOKENS, { waitMs: body.waitMs });
  if (path === '/seed') {
    await store.set(key, body.tokens);
    return { ok: true };
  }
  if (path === '/stored') return { value: await store.get(key) };
  if (path === '/crash') {
    const stub = env.TOKENS.get(env.TOKENS.idFromName(key));
    return { lease: await stub.acquire(body.ttlMs), again: await stub.acquire(body.ttlMs) };
  }
  if (path === '/tokens') {
    const started = Date.now();
    const session = new Session({ provider: provider(env), store, key });
    const t = await session.tokens();
    const ms = Date.now() - started;
    const me = await session.fetch('/users/me');
    await me.body?.cancel();
    return { accessToken: t.accessToken, ms, status: me.status, stored: (await store.get(key)) === t.serialize() };
  }
  return null;
}

/** `n` logins: seal, then open with a replay store that records the keys it is given. */
async function logins({ n, maxAgeSeconds, store: kind }, env) {
  const p = provider(env);
  const inner = kind === 'kv' ? new KvStore(env.KV) : new DurableObjectStore(env.REPLAY);
  const keys = [];
  const store = {
    get: (k) => inner.get(k),
    set: (k, v, o) => { keys.push(k); return inner.set(k, v, o); },
    delete: (k) => inner.delete(k),
    lock: kind === 'do' ? (k, fn) => inner.lock(k, fn) : undefined,
  };
  for (let i = 0; i < n; i++) {
    const req = await p.createAuthorizationRequest({ scopes: ['read'], seal: { key: SEAL_KEY, maxAgeSeconds } });
    await p.parseCallback(`http://127.0.0.1/callback?code=c&state=${req.state}`, { sealed: req.cookie, key: SEAL_KEY, store });
  }
  return { keys };
}

export default {
  async fetch(request, env) {
    try {
      const out = await handle(new URL(request.url).pathname, await request.json(), env);
      return out === null ? new Response('not found', { status: 404 }) : Response.json(out);
    } catch (e) {
      return Response.json({ error: e instanceof CrmAuthError ? e.code : String(e) }, { status: 500 });
    }
  },
};
