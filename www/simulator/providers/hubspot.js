// HubSpot (app.hubspot.com for consent, api.hubapi.com for tokens and the API; one origin
// here): authorization code (+ PKCE when a challenge comes), `scope` required, confidential
// clients only with client_id/client_secret in the body, the dated /oauth/2026-03/ token and
// revoke endpoints. Access tokens last 30 minutes; a refresh answers the SAME refresh token.
// Token errors carry RFC 6749 `error` and HubSpot's legacy `status`/`message`
// (BAD_REFRESH_TOKEN) plus a correlationId.
// API: Bearer (OAuth or a private-app token), X-HubSpot-RateLimit-* headers on every answer;
// GET /account-info/v3/details answers the portal (plus who approved, for the demo card); GET /crm/v3/objects/quotes answers 401 even
// for a live token — HubSpot: "a 401 is not a valid indicator that a new token is needed".
// The `rate_limit` fault on the API is HubSpot's 429 (TEN_SECONDLY_ROLLING, Retry-After).
import { codeProvider, codeGrants, refreshToken, bearerUser } from '../oauth.js';
import { json, bearerOf, safeEqual, random } from '../http.js';
import { USER, API_KEY } from '../state.js';

const PORTAL_ID = 62515;
const LEGACY = { invalid_grant: 'BAD_REFRESH_TOKEN', invalid_client: 'BAD_CLIENT_ID', unsupported_grant_type: 'BAD_GRANT_TYPE', invalid_scope: 'BAD_SCOPES' };

/** The refresh token does not rotate: the same value comes back. */
function refresh(ctx, params, client) {
  const reply = refreshToken(ctx, params, client);
  if (reply.status === 200) reply.body.refresh_token = params.refresh_token;
  return reply;
}

const unauthenticated = (message) =>
  json(401, { status: 'error', message, correlationId: random(8), category: 'INVALID_AUTHENTICATION' });

/** The user behind an OAuth token or the private-app token (API_KEY), or null. */
const userOf = (ctx) => (safeEqual(bearerOf(ctx.req) ?? '', API_KEY) ? USER : bearerUser(ctx));

function details(ctx) {
  if (!userOf(ctx)) return unauthenticated('Authentication credentials not found.');
  // HubSpot's answer has no user; the simulator adds who approved (the demo card shows it).
  return json(200, { portalId: PORTAL_ID, accountType: 'DEVELOPER_TEST', timeZone: 'Europe/Berlin', uiDomain: 'app.hubspot.com', name: USER.name, email: USER.email });
}

/** A 401 that has nothing to do with the token's expiry. */
const quotes = () => unauthenticated('This portal has not enabled quotes for this app.');

export default codeProvider({
  name: 'hubspot',
  title: 'HubSpot',
  authorizePath: '/oauth/authorize',
  tokenPath: '/oauth/2026-03/token',
  revokePath: '/oauth/2026-03/token/revoke',
  clientAuthMethods: ['client_secret_post'],
  publicClients: false,
  requireScope: true,
  defaults: { expiresIn: 1800, rotateRefreshTokens: false },
  grants: { ...codeGrants, refresh_token: refresh },
  shapeError: (body) => ({ ...body, status: LEGACY[body.error] ?? body.error.toUpperCase(), message: body.error_description, correlationId: random(8) }),
  api: [
    { path: '/account-info/v3/details', GET: details },
    { path: '/crm/v3/objects/quotes', GET: quotes },
  ],
  faults: {
    rate_limit: (ctx, fault) => json(429, {
      status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT',
      correlationId: random(8), policyName: 'TEN_SECONDLY_ROLLING',
    }, { 'retry-after': fault.retryAfterHeader ?? String(fault.retryAfter ?? 7) }),
  },
  decorateApi: (ctx, reply) => ({
    'x-hubspot-ratelimit-daily': '250000',
    'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, 250000 - ctx.ps.counts.api)),
    'x-hubspot-ratelimit-interval-milliseconds': '10000',
    'x-hubspot-ratelimit-max': '110',
    'x-hubspot-ratelimit-remaining': reply.status === 429 ? '0' : '109',
  }),
});
