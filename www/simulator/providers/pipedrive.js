// Pipedrive (oauth.pipedrive.com; the API on each company's domain): authorization code for
// Marketplace apps. Client authentication is HTTP Basic only (client_secret_post →
// invalid_client) and there are no public clients. The authorize request takes no `scope`
// (one sent is refused here, so a test sees we send none): the app's scopes are granted and
// answered comma-separated ("base,deals:full").
// Every token answer names the company's API base in `api_domain`: at first the address the
// token request came on; with config `moveApiDomain` each refresh moves the company to the
// other address this simulator serves (its own origin ⇄ main URL + /pipedrive), and the API
// answers a grant's token only on its current domain (404 elsewhere); with
// `refreshWithoutApiDomain` refresh answers leave it out.
// API: GET /api/v1/users/me with Bearer or a personal API token in `x-api-token`; config
// `dailyBudget` (API calls, null = unlimited) → 429 once spent, without Retry-After.
import { codeProvider, oauthError } from '../oauth.js';
import { json, bearerOf, safeEqual } from '../http.js';
import { liveAccess, USER, API_KEY } from '../state.js';
import { arrivedOn } from './common.js';

const NAME = 'pipedrive';

/** The two addresses this simulator serves Pipedrive on. */
const domains = (ctx) => [ctx.sim.urls.origins[NAME], `${ctx.sim.urls.main}/${NAME}`];

/** The grant's API domain for this answer (moved on refresh with `moveApiDomain`); undefined: left out. */
function apiDomain(ctx, family) {
  const map = (ctx.ps.apiDomains ??= new Map());
  const now = map.get(family);
  const next = now === undefined ? arrivedOn(ctx) : ctx.ps.config.moveApiDomain ? domains(ctx).find((d) => d !== now) : now;
  map.set(family, next);
  return now !== undefined && ctx.ps.config.refreshWithoutApiDomain ? undefined : next;
}

const unauthorized = () => json(401, { success: false, error: 'unauthorized access', errorCode: 401 });

function me(ctx) {
  const { config, counts } = ctx.ps;
  if (config.dailyBudget !== null && counts.api > config.dailyBudget) {
    return json(429, { success: false, error: 'Daily API token budget exceeded', errorCode: 429 }, { 'x-daily-requests-left': '0' });
  }
  const key = ctx.req.headers['x-api-token'];
  if (key !== undefined) return safeEqual(key, API_KEY) ? json(200, { success: true, data: profileOf(USER) }) : unauthorized();
  const rec = liveAccess(ctx.ps, bearerOf(ctx.req));
  if (!rec) return unauthorized();
  if (ctx.ps.apiDomains?.get(rec.family) !== arrivedOn(ctx)) {
    return json(404, { success: false, error: 'Company not found on this domain: use api_domain', errorCode: 404 });
  }
  return json(200, { success: true, data: profileOf(rec.user) });
}

const profileOf = (user) => ({ id: user.id, name: user.name, email: user.email });

/** Pipedrive's authorize request has no `scope` parameter. */
const noScope = (handler) => (ctx) => {
  const scope = ctx.req.method === 'GET' ? ctx.url.searchParams.get('scope') : new URLSearchParams(ctx.body).get('scope');
  return scope === null ? handler(ctx) : oauthError(ctx, 'invalid_request', 'Pipedrive takes no scope parameter');
};

export default codeProvider({
  name: NAME,
  title: 'Pipedrive',
  revokePath: '/oauth/revoke',
  clientAuthMethods: ['client_secret_basic'],
  publicClients: false,
  defaultScope: 'base deals:full',
  defaults: { expiresIn: 3599, moveApiDomain: false, refreshWithoutApiDomain: false, dailyBudget: null },
  configTypes: {
    moveApiDomain: (v) => typeof v === 'boolean',
    refreshWithoutApiDomain: (v) => typeof v === 'boolean',
    dailyBudget: (v) => v === null || (Number.isInteger(v) && v >= 0),
  },
  wrapAuthorize: noScope,
  shapeTokens: (body, issued, ctx) => ({
    ...body,
    scope: issued.scope.split(' ').filter(Boolean).join(','),
    api_domain: apiDomain(ctx, issued.family),
  }),
  api: [{ path: '/api/v1/users/me', GET: me }],
});
