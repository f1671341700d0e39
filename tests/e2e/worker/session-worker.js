// A Worker that keeps a Flextell session in a MemoryStore for one invocation: POST /run with
// `{ tokens }` (a serialized, expired TokenSet) → 20 concurrent tokens() + session.fetch.
import { Flextell, Session, MemoryStore, TokenSet, CrmAuthError } from 'crm-auth';

export default {
  async fetch(request, env) {
    try {
      const { tokens } = await request.json();
      const provider = new Flextell({
        clientId: 'test-client',
        clientSecret: 'test-secret',
        redirectUri: 'http://127.0.0.1/callback',
        origin: env.FLEXTELL_ORIGIN,
        timeoutMs: 5000,
      });
      const store = new MemoryStore();
      const session = new Session({ provider, store, key: 'user-1' });
      await session.save(TokenSet.deserialize(tokens));
      const all = await Promise.all(Array.from({ length: 20 }, () => session.tokens()));
      const me = await session.fetch('/users/me');
      return Response.json({
        same: all.every((t) => t.accessToken === all[0].accessToken),
        changed: all[0].serialize() !== tokens,
        stored: store.get('user-1') === all[0].serialize(),
        status: me.status,
        email: (await me.json()).email,
      });
    } catch (e) {
      return Response.json({ error: e instanceof CrmAuthError ? e.code : String(e) }, { status: 500 });
    }
  },
};
