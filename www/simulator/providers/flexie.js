// Flexie CRM ({subdomain}.flexie.io): authorization code under /oauth2/*, client credentials
// only as form fields (no Basic), no revocation endpoint (revocation lives in its UI).
// API under /api: a token (Bearer header or ?access_token=) or an API key (apikey header or
// ?apikey=); API errors look like {errors:[{code, message}]}.
import { codeProvider, bearerUser, profile } from '../oauth.js';
import { json, safeEqual } from '../http.js';
import { USER, API_KEY } from '../state.js';

function self(ctx) {
  const key = ctx.req.headers.apikey ?? ctx.url.searchParams.get('apikey');
  const user = key != null
    ? (safeEqual(key, API_KEY) ? USER : null)
    : bearerUser(ctx, { queryParam: 'access_token' });
  if (!user) return json(401, { errors: [{ code: 401, message: 'API authorization denied.' }] });
  return json(200, profile(user));
}

export default codeProvider({
  name: 'flexie',
  title: 'Flexie CRM',
  authorizePath: '/oauth2/authorize',
  tokenPath: '/oauth2/token',
  clientAuthMethods: ['client_secret_post'],
  api: [{ path: '/api/users/self', GET: self }],
});
