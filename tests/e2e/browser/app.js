// The test page: a frontend that logs in using the packed crm-auth package.
// It never holds a client secret. Two modes:
//   "server": the page builds Flextell's authorize URL (client id only) and, on the callback,
//             sends code + verifier to its own backend (/exchange), which holds the secret.
//   "public": a public client (PKCE, no secret) of the generic OAuth2 profile exchanges the
//             code itself from the browser (Flextell documents confidential clients only).
import { Flextell, OAuth2, TokenSet, CrmAuthError } from 'crm-auth';

const cfg = JSON.parse(document.getElementById('config').textContent);
window.crmAuth = { Flextell, OAuth2, TokenSet, CrmAuthError, cfg };

const KEY = 'crm-auth-e2e';
const show = (result) => {
  document.getElementById('result').textContent = JSON.stringify(result);
  document.body.dataset.state = 'done';
};

function provider(mode) {
  const redirectUri = cfg.base + '/callback';
  if (mode === 'public') {
    const { authorizationEndpoint, tokenEndpoint } = cfg.oauth2;
    return new OAuth2({ authorizationEndpoint, tokenEndpoint, clientId: cfg.publicClientId, redirectUri, timeoutMs: 5000 });
  }
  return new Flextell({ clientId: cfg.clientId, redirectUri, origin: cfg.flextellOrigin, timeoutMs: 5000 });
}

window.startLogin = (mode) => {
  const p = provider(mode);
  const req = p.createAuthorizationRequest({ scopes: cfg.scopes });
  sessionStorage.setItem(KEY, JSON.stringify({ mode, state: req.state, codeVerifier: req.codeVerifier }));
  location.assign(req.url);
  return req.url;
};

async function callback() {
  const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  sessionStorage.removeItem(KEY);
  if (!saved) throw new Error('no saved login state in sessionStorage');
  const p = provider(saved.mode);
  const { code } = p.parseCallback(location.href, { state: saved.state });
  history.replaceState(null, '', '/'); // drop code/state from the address bar
  if (saved.mode === 'public') {
    const tokens = await p.exchangeCode(code, { codeVerifier: saved.codeVerifier });
    const restored = TokenSet.deserialize(tokens.serialize());
    const r = await fetch(p.authorize(new Request(cfg.oauth2.userinfo), restored));
    const me = await r.json();
    const json = JSON.stringify(tokens);
    return {
      ok: true, mode: 'public', tokenType: tokens.tokenType, expiresAt: tokens.expiresAt,
      hasRefresh: typeof tokens.refreshToken === 'string', apiStatus: r.status, me,
      redacted: !json.includes(tokens.accessToken) && !String(tokens).includes(tokens.accessToken),
      refreshed: await p.refresh(tokens.refreshToken).then((t) => t.accessToken !== tokens.accessToken),
    };
  }
  const r = await fetch('/exchange', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, codeVerifier: saved.codeVerifier }),
  });
  return { mode: 'server', ...(await r.json()) };
}

async function main() {
  if (location.pathname === '/callback') show(await callback());
  else document.body.dataset.state = 'ready';
}

main().catch((e) => show({
  ok: false, name: e && e.name, code: e && e.code, message: String(e && e.message),
  isCrmAuthError: e instanceof CrmAuthError,
}));
