// A Worker for the edge-store tests: KvStore over env.KV, DurableObjectStore over env.TOKENS
// (bound to the package's TokenStoreObject, re-exported below as a user would).
//   POST /kv      { key, tokens }  KvStore round trip, then Session.tokens() on `tokens`
//   POST /seed    { key, tokens }  writes `tokens` into the key's Durable Object
//   POST /tokens  { key, waitMs? } a fresh Session over DurableObjectStore: tokens() + fetch
//   POST /crash   { key, ttlMs }   takes the key's lease and never releases it
//   POST /stored  { key }          the key's stored value
import { Flextell, Session, KvStore, DurableObjectStore, CrmAuthError } from 'crm-auth';

export { TokenStoreObject } from 'crm-auth';

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
