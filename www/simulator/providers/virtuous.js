// Virtuous CRM (api.virtuoussoftware.com): ASP.NET-style password grant at POST /Token with no
// client id. Users: alice / wonderland; carol+crm@example.com / `p&s=w+rd ü€ %41` (needs correct
// form encoding); a two-factor account (bob / builder, code 123456) first gets HTTP 202 and must
// repeat with `otp`. Token answers add userName, .issued and .expires (RFC 1123); the default
// lifetime is 3599 s. API: a token or an API key as Bearer, X-RateLimit-* headers.
import { oauthError, tokenReply, refreshToken, bearerUser, profile } from '../oauth.js';
import { json, bearerOf, safeEqual } from '../http.js';
import { issueTokens, USER, API_KEY } from '../state.js';
import { rateLimitHeaders } from './common.js';

const TWO_FACTOR_USER = { id: 2, name: 'Bob Builder', email: 'bob@example.com', username: 'bob', password: 'builder', otp: '123456' };
// Credentials must be form-encoded: this one breaks any client that does not.
const ODD_PASSWORD_USER = { id: 3, name: 'Carol Case', email: 'carol+crm@example.com', username: 'carol+crm@example.com', password: 'p&s=w+rd ü€ %41' };

function password(ctx, params) {
  const user = [USER, TWO_FACTOR_USER, ODD_PASSWORD_USER].find((u) => u.username === params.username);
  if (!user || !params.password || !safeEqual(params.password, user.password))
    return oauthError(ctx, 'invalid_grant', 'The user name or password is incorrect.');
  if (user.otp && !params.otp)
    return { status: 202, headers: { 'content-type': 'text/plain' }, body: 'A verification code has been sent. Repeat the request with otp.' };
  if (user.otp && !safeEqual(params.otp, user.otp)) return oauthError(ctx, 'invalid_grant', 'The verification code is incorrect.');
  return tokenReply(ctx, issueTokens(ctx.ps, { user }));
}

function contact(ctx) {
  const user = safeEqual(bearerOf(ctx.req) ?? '', API_KEY) ? USER : bearerUser(ctx);
  if (!user) return json(401, { message: 'Authorization has been denied for this request.' });
  if (Number(ctx.match[1]) !== user.id) return json(404, { message: 'Contact not found' });
  return json(200, profile(user));
}

export default {
  name: 'virtuous',
  title: 'Virtuous',
  tokenPath: '/Token',
  clientAuthMethods: null,
  grants: { password, refresh_token: refreshToken },
  defaults: { expiresIn: 3599 },
  shapeTokens: (body, issued) => ({
    ...body,
    token_type: 'bearer',
    userName: issued.user.email,
    '.issued': new Date().toUTCString(),
    '.expires': new Date(Date.now() + issued.expires_in * 1000).toUTCString(),
  }),
  api: [{ path: /^\/api\/Contact\/(\d+)$/, GET: contact }],
  decorateApi: rateLimitHeaders,
};
