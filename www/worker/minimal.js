// The smallest useful Worker: connect one user to Flextell, keep their tokens
// fresh in a Durable Object, call the API. (README "The Worker an integrator
// copies"; tests/e2e/minimal-worker.workerd.test.js runs it.)
import { Flextell, Session, DurableObjectStore, stateCookie, readStateCookie } from "crm-auth";
export { TokenStoreObject } from "crm-auth"; // bound as TOKENS in wrangler.toml

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const flextell = new Flextell({ clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET, redirectUri: `${url.origin}/callback`, origin: env.FLEXTELL_ORIGIN });
    const user = request.headers.get("x-user-id"); // your own user identity
    const store = new DurableObjectStore(env.TOKENS);
    const session = new Session({ provider: flextell, store, key: user });
    if (url.pathname === "/connect") {
      const { url: to, cookie } = await flextell.createAuthorizationRequest({ scopes: ["read"], seal: { key: env.SEAL_KEY } });
      return new Response(null, { status: 302, headers: { location: to, "set-cookie": stateCookie(cookie, { requestUrl: request }) } });
    }
    if (url.pathname === "/callback") {
      const sealed = readStateCookie(request); // opens once: the store refuses a replay
      const { code, codeVerifier } = await flextell.parseCallback(request.url, { sealed, key: env.SEAL_KEY, store });
      await session.save(await flextell.exchangeCode(code, { codeVerifier }));
      return new Response(null, { status: 302, headers: { location: "/", "set-cookie": stateCookie("", { requestUrl: request, maxAgeSeconds: 0 }) } });
    }
    if (url.pathname === "/me") return session.fetch("/users/me"); // refreshed, retried on 401
    return new Response("not found", { status: 404 });
  },
};
