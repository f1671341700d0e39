// Flextell (dev.flextell.ai): authorization code + PKCE, rotating refresh tokens,
// no revocation endpoint, API under /api/v1 with an optional X-Tenant header.
// Its docs: `scope` is required on /oauth/authorize and `client_secret` on /oauth/token
// (confidential, server-side clients only: no public client is registered here).
import { codeProvider, bearerUser, invalidToken, profile } from '../oauth.js';
import { json } from '../http.js';
import { rateLimitHeaders } from './common.js';

function me(ctx) {
  const user = bearerUser(ctx);
  if (!user) return invalidToken(); // 401 means "refresh and retry"
  const tenant = ctx.req.headers['x-tenant'];
  return json(200, { ...profile(user), ...(tenant !== undefined && { tenant }) });
}

export default codeProvider({
  name: 'flextell',
  title: 'Flextell',
  requireScope: true,
  publicClients: false,
  // Older docs use /api/v0.0.1/; both answer.
  api: [{ path: /^\/api\/v(?:1|0\.0\.1)\/users\/me$/, GET: me }],
  decorateApi: rateLimitHeaders,
});
