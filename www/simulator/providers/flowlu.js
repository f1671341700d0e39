// Flowlu ({company}.flowlu.com): password grant only (client_id required, e.g. "android_app_v1"),
// tokens without expiry or refresh token, token errors spell "error_descrption" (sic).
// API /api/v1/module/{module}/{entity}/{method}: ?api_key= (query only, for every method) or
// Basic bearer:TOKEN; API errors come back with HTTP 200 as {error:{error_code, error_msg}}.
import { oauthError } from '../oauth.js';
import { json, parseBasic, safeEqual } from '../http.js';
import { issueTokens, liveAccess, USER, API_KEY } from '../state.js';

function password(ctx, params) {
  if (!params.client_id) return oauthError(ctx, 'invalid_request', 'client_id is required');
  if (!params.username || !params.password) return oauthError(ctx, 'invalid_request', 'username and password are required');
  if (params.username !== USER.username || !safeEqual(params.password, USER.password))
    return oauthError(ctx, 'invalid_grant', 'Invalid username and password combination');
  const { access_token } = issueTokens(ctx.ps, { clientId: params.client_id, refresh: false, expires: false });
  return json(200, { access_token, token_type: 'bearer' });
}

function moduleCall(ctx) {
  const key = ctx.url.searchParams.get('api_key');
  const basic = parseBasic(ctx.req.headers.authorization, { formEncoded: false });
  let user = null;
  if (key !== null) user = safeEqual(key, API_KEY) ? USER : null;
  else if (basic && basic.id === 'bearer') user = liveAccess(ctx.ps, basic.secret)?.user ?? null;
  if (!user) return json(200, { error: { error_code: 11, error_msg: 'Authorization failed' } });
  const [, module, entity, method] = ctx.match;
  return json(200, { response: { module, entity, method, user: { id: user.id, name: user.name, email: user.email } } });
}

export default {
  name: 'flowlu',
  title: 'Flowlu',
  tokenPath: '/oauth/token',
  clientAuthMethods: null, // client_id is a plain form field, there is no secret
  errorDescriptionKey: 'error_descrption',
  grants: { password },
  api: [{ path: /^\/api\/v1\/module\/([\w-]+)\/([\w-]+)\/([\w-]+)$/, GET: moduleCall, POST: moduleCall }],
};
