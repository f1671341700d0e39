// Salesforce (login.salesforce.com, test.salesforce.com or a My Domain; one origin here):
// web-server flow + PKCE under /services/oauth2/*, client_secret_post or _basic, public clients
// with PKCE, the client-credentials grant (confidential clients), RFC 7009-style revocation.
// Token answers have NO expires_in, and carry instance_url (where this org's API lives: another
// address of this simulator than the login one), id, issued_at (a string of epoch ms) and
// signature. Refresh answers carry a new refresh token only with config rotateRefreshTokens
// (off by default, as in a connected app without rotation). Access tokens still die (config
// expiresIn, default 7200 s, unknown to the client): the API then answers 401
// INVALID_SESSION_ID. API errors are JSON arrays [{message, errorCode}]; the `rate_limit` fault
// on the API is Salesforce's 403 REQUEST_LIMIT_EXCEEDED (not 429); every API answer carries
// Sforce-Limit-Info. API: GET /services/data/vNN.N/limits and /services/oauth2/userinfo.
import { codeProvider, codeGrants, oauthError, tokenReply, bearerUser, profile } from '../oauth.js';
import { json, random } from '../http.js';
import { issueTokens } from '../state.js';

const NAME = 'salesforce';
const DAILY_LIMIT = 5000;

/** The org's API: the simulator's other address for Salesforce, so a test sees it is used. */
function instanceUrl(ctx) {
  const own = ctx.sim.urls.origins[NAME];
  return ctx.req.clientUrl !== undefined ? `${ctx.sim.urls.main}/${NAME}` : own;
}

function clientCredentials(ctx, params, client) {
  if (!client?.clientSecret) return oauthError(ctx, 'invalid_client', 'the client credentials flow needs a confidential client');
  return tokenReply(ctx, issueTokens(ctx.ps, { clientId: client.clientId, scope: params.scope || 'api', refresh: false }));
}

const apiError = (status, errorCode, message) => json(status, [{ message, errorCode }]);

function limits(ctx) {
  if (!bearerUser(ctx)) return apiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  const used = ctx.ps.counts.api;
  return json(200, { DailyApiRequests: { Max: DAILY_LIMIT, Remaining: Math.max(0, DAILY_LIMIT - used) } });
}

function userinfo(ctx) {
  const user = bearerUser(ctx);
  if (!user) return apiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  return json(200, { ...profile(user), user_id: '005000000000001', organization_id: '00D000000000001' });
}

export default codeProvider({
  name: NAME,
  title: 'Salesforce',
  authorizePath: '/services/oauth2/authorize',
  tokenPath: '/services/oauth2/token',
  revokePath: '/services/oauth2/revoke',
  defaultScope: 'api refresh_token',
  defaults: { expiresIn: 7200, rotateRefreshTokens: false },
  grants: { ...codeGrants, client_credentials: clientCredentials },
  shapeTokens: (body, issued, ctx) => {
    const { expires_in: _unsent, ...rest } = body;
    return {
      ...rest,
      instance_url: instanceUrl(ctx),
      id: `https://login.salesforce.com/id/00D000000000001/005000000000001`,
      issued_at: String(Date.now()),
      signature: random(32),
    };
  },
  api: [
    { path: /^\/services\/data\/v\d+\.\d\/limits$/, GET: limits },
    { path: '/services/oauth2/userinfo', GET: userinfo },
  ],
  faults: {
    rate_limit: () => apiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  },
  decorateApi: (ctx) => ({ 'sforce-limit-info': `api-usage=${ctx.ps.counts.api}/${DAILY_LIMIT}` }),
});
