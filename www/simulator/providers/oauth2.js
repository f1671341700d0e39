// A standards-minded generic OAuth 2.0 server: code + PKCE, rotating refresh tokens,
// password grant (alice / wonderland), RFC 7009 revocation and a userinfo endpoint.
import { codeProvider, codeGrants, password, bearerUser, invalidToken, profile } from '../oauth.js';
import { json } from '../http.js';

function userinfo(ctx) {
  const user = bearerUser(ctx);
  return user ? json(200, profile(user)) : invalidToken();
}

export default codeProvider({
  name: 'oauth2',
  title: 'OAuth2 Test Server',
  authorizePath: '/authorize',
  tokenPath: '/token',
  revokePath: '/revoke',
  grants: { ...codeGrants, password },
  api: [{ path: '/userinfo', GET: userinfo }],
});
