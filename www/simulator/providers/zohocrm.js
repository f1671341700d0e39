// Zoho CRM (accounts.zoho.{dc}; API at www.zohoapis.{dc}): authorization code under
// /oauth/v2/*, for server apps (client_secret_post) and public clients (PKCE).
// - Authorize: `scope` comma-separated (a space is invalid_scope) and `access_type=offline`
//   required here (without it Zoho issues no refresh token).
// - The callback adds `location=us` and `accounts-server`: the address the authorize request
//   came on, or config `accountsServer` (a string: a test names a foreign host).
// - Token answers name `api_domain` (the address the token request came on); refresh tokens
//   never rotate (a refresh answers none). Errors come inside HTTP 200 (`invalid_grant` →
//   `{"error":"invalid_code"}`), except Zoho's refresh limit: more than config
//   `refreshesPerMinute` (5) refreshes of one refresh token within a minute → HTTP 400
//   `{"error":"Access Denied"}`.
// - Revoke at /oauth/v2/token/revoke → `{"status":"success"}`.
// - API: GET /crm/v8/users?type=CurrentUser with `Authorization: Zoho-oauthtoken <token>` only
//   (Bearer → 401 like a bad token).
import { codeProvider, oauthError, authorizationCode, refreshToken } from '../oauth.js';
import { json } from '../http.js';
import { liveAccess } from '../state.js';
import { arrivedOn } from './common.js';

const ZOHO_TOKEN = /^Zoho-oauthtoken\s+(\S+)\s*$/;

function users(ctx) {
  const token = ZOHO_TOKEN.exec(ctx.req.headers.authorization ?? '')?.[1] ?? null;
  const rec = liveAccess(ctx.ps, token);
  if (!rec) return json(401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
  if (ctx.url.searchParams.get('type') !== 'CurrentUser') return json(400, { code: 'INVALID_DATA', status: 'error' });
  const { id, name, email } = rec.user;
  return json(200, { users: [{ id: String(id), full_name: name, email }] });
}

/** Comma-separated scopes and access_type=offline on the authorize request. */
const authorizeChecks = (handler) => (ctx) => {
  const params = ctx.req.method === 'GET' ? ctx.url.searchParams : new URLSearchParams(ctx.body);
  if ((params.get('scope') ?? '').includes(' ')) return oauthError(ctx, 'invalid_scope', 'Zoho scopes are separated by commas');
  if (params.get('access_type') !== 'offline') return oauthError(ctx, 'invalid_request', 'access_type=offline is required (no refresh token otherwise)');
  return handler(ctx);
};

/** At most `refreshesPerMinute` refreshes of one refresh token a minute. */
function limitedRefresh(ctx, params, client) {
  const now = Date.now();
  const times = ((ctx.ps.refreshTimes ??= new Map()).get(params.refresh_token) ?? []).filter((t) => now - t < 60_000);
  if (times.length >= ctx.ps.config.refreshesPerMinute) {
    return json(400, { error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.', status: 'failure' });
  }
  ctx.ps.refreshTimes.set(params.refresh_token, [...times, now]);
  return refreshToken(ctx, params, client);
}

export default codeProvider({
  name: 'zohocrm',
  title: 'Zoho CRM',
  authorizePath: '/oauth/v2/auth',
  tokenPath: '/oauth/v2/token',
  revokePath: '/oauth/v2/token/revoke',
  clientAuthMethods: ['client_secret_post'],
  grants: { authorization_code: authorizationCode, refresh_token: limitedRefresh },
  defaultScope: 'ZohoCRM.users.READ',
  defaults: { rotateRefreshTokens: false, accountsServer: null, refreshesPerMinute: 5 },
  configTypes: {
    accountsServer: (v) => v === null || typeof v === 'string',
    refreshesPerMinute: (v) => Number.isInteger(v) && v >= 0,
  },
  wrapAuthorize: authorizeChecks,
  callbackParams: (ctx) => ({ location: 'us', 'accounts-server': ctx.ps.config.accountsServer ?? arrivedOn(ctx) }),
  shapeTokens: (body, issued, ctx) => ({ ...body, scope: undefined, api_domain: arrivedOn(ctx) }),
  // Zoho answers token errors with HTTP 200 and its own code for a dead code or refresh token.
  shapeTokenReply: (reply) => {
    const body = reply.body;
    if (reply.status !== 400 || typeof body?.error !== 'string' || body.error === 'Access Denied') return reply;
    const error = body.error === 'invalid_grant' ? 'invalid_code' : body.error;
    return json(200, { error }, reply.headers);
  },
  api: [{ path: '/crm/v8/users', GET: users }],
});
