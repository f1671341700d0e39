// A Cloudflare Worker that logs users in with Flextell using crm-auth.
// Secrets come from env bindings. Login state (state + PKCE verifier) travels in a plain
// cookie here (sealed cookies are a later issue); tokens too, serialized.
// workerd forbids random values at global scope: everything random happens in handlers.
import { Flextell, TokenSet, CrmAuthError } from 'crm-auth';

function provider(env) {
  return new Flextell({
    clientId: env.CLIENT_ID,
    clientSecret: env.CLIENT_SECRET,
    redirectUri: env.REDIRECT_URI,
    origin: env.FLEXTELL_ORIGIN,
    timeoutMs: 5000,
  });
}

function cookies(request) {
  const out = {};
  for (const part of (request.headers.get('cookie') || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

const setCookie = (name, value, maxAge = 600) =>
  `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;

const json = (body, status = 200, headers = new Headers()) => {
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
};

async function handle(request, env) {
  const url = new URL(request.url);
  const p = provider(env);
  switch (url.pathname) {
    case '/login': {
      const req = p.createAuthorizationRequest({ scopes: ['contacts.read', 'users.read'] });
      const headers = new Headers({ location: req.url });
      headers.append('set-cookie', setCookie('flow', JSON.stringify({ state: req.state, v: req.codeVerifier })));
      return new Response(null, { status: 302, headers });
    }
    case '/callback': {
      const flow = JSON.parse(cookies(request).flow || 'null');
      if (!flow) return json({ ok: false, code: 'no_flow_cookie' }, 400);
      const { code } = p.parseCallback(request.url, { state: flow.state });
      const tokens = await p.exchangeCode(code, { codeVerifier: flow.v });
      const headers = new Headers();
      headers.append('set-cookie', setCookie('flow', '', 0));
      headers.append('set-cookie', setCookie('tokens', tokens.serialize(), 3600));
      return json({ ok: true, expiresAt: tokens.expiresAt, hasRefresh: tokens.refreshToken !== null, tokenType: tokens.tokenType, summary: JSON.parse(JSON.stringify(tokens)) }, 200, headers);
    }
    case '/me': {
      const stored = cookies(request).tokens;
      if (!stored) return json({ ok: false, code: 'not_logged_in' }, 401);
      let tokens = TokenSet.deserialize(stored);
      const headers = new Headers();
      if (tokens.isExpired() && tokens.refreshToken) {
        tokens = await p.refresh(tokens.refreshToken);
        headers.append('set-cookie', setCookie('tokens', tokens.serialize(), 3600));
      }
      const r = await fetch(p.authorize(new Request(`${env.FLEXTELL_ORIGIN}/api/v1/users/me`), tokens));
      return json({ ok: r.ok, status: r.status, me: await r.json() }, r.ok ? 200 : 502, headers);
    }
    case '/refresh': {
      const tokens = TokenSet.deserialize(cookies(request).tokens || '');
      const fresh = await p.refresh(tokens.refreshToken);
      const headers = new Headers();
      headers.append('set-cookie', setCookie('tokens', fresh.serialize(), 3600));
      return json({ ok: true, rotated: fresh.refreshToken !== tokens.refreshToken }, 200, headers);
    }
    case '/logout': {
      const tokens = TokenSet.deserialize(cookies(request).tokens || '');
      await p.revoke(tokens.accessToken); // Flextell: unsupported
      return json({ ok: true });
    }
    default:
      return json({ ok: false, code: 'not_found' }, 404);
  }
}

export default {
  async fetch(request, env) {
    try {
      return await handle(request, env);
    } catch (e) {
      if (e instanceof CrmAuthError) {
        return json({
          ok: false, code: e.code, provider: e.provider, error: e.error ?? null, status: e.status ?? null,
          isError: e instanceof Error, name: e.name, message: e.message, json: JSON.stringify(e),
        }, 400);
      }
      return json({ ok: false, code: 'unexpected', name: e && e.name, message: String(e && e.message) }, 500);
    }
  },
};
