// The OAuth 2.0 engine every provider file configures: authorize page + decision, token
// endpoint (client auth, grants), RFC 7009 revocation and bearer checks for API routes.
import { collectParams, parseForm, parseBasic, mediaType, bearerOf, htmlPage, escapeHtml, json, random, safeEqual, sha256url } from './http.js';
import { issueTokens, revokeFamily, liveAccess, USER } from './state.js';

// ---- error replies ----------------------------------------------------------------------

/**
 * {error, error_description} with 400; providers may rename the description key (Flowlu's typo)
 * or add their own fields (`shapeError`: HubSpot's legacy status/message).
 */
export function oauthError(ctx, error, description, status = 400, headers = {}) {
  const body = { error, [ctx.provider.errorDescriptionKey ?? 'error_description']: description };
  return json(status, ctx.provider.shapeError ? ctx.provider.shapeError(body) : body, headers);
}

const invalidClient = (ctx, description) =>
  oauthError(ctx, 'invalid_client', description, 401, { 'www-authenticate': `Basic realm="${ctx.provider.name}"` });

export const invalidToken = () =>
  json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });

const errorPage = (ctx, title, text) =>
  htmlPage(400, `${ctx.provider.title} — ${title}`, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>`);

// ---- authorization endpoint -------------------------------------------------------------

function redirect(ctx, uri, params) {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  if (ctx.ps.config.sendIss) url.searchParams.append('iss', ctx.origin); // RFC 9207
  return { status: 302, headers: { location: url.href, 'cache-control': 'no-store' }, body: '' };
}

/** Validates authorize parameters. Bad client/redirect_uri never redirect (open-redirect rule). */
function checkAuthorize(ctx, params, duplicates) {
  const client = ctx.ps.clients.get(params.client_id);
  if (!client || duplicates.includes('client_id'))
    return { reply: errorPage(ctx, 'Unknown client', 'The client_id is missing or not registered.') };
  if (!client.redirectUris.includes(params.redirect_uri) || duplicates.includes('redirect_uri'))
    return { reply: errorPage(ctx, 'Invalid redirect_uri', 'The redirect_uri does not exactly match a registered one.') };
  const fail = (error, error_description) =>
    ({ reply: redirect(ctx, params.redirect_uri, { error, error_description, state: params.state }) });
  if (duplicates.length) return fail('invalid_request', `parameter repeated: ${duplicates[0]}`);
  if (!params.response_type) return fail('invalid_request', 'response_type is required');
  if (params.response_type !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
  if (ctx.provider.requireScope && !params.scope) return fail('invalid_scope', 'scope is required');
  const { code_challenge: challenge, code_challenge_method: method } = params;
  if (challenge !== undefined || method !== undefined) {
    // RFC 7636: a missing method means "plain", which this server refuses.
    if ((method ?? 'plain') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge ?? '')) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 digest');
  } else if (client.clientSecret == null) {
    return fail('invalid_request', 'public clients must use PKCE (S256)');
  }
  return { client };
}

/** GET: the consent page, with every authorize parameter carried as a hidden input. */
export function authorizePage(ctx) {
  const { params, duplicates } = collectParams(ctx.url.searchParams);
  const { reply, client } = checkAuthorize(ctx, params, duplicates);
  if (reply) return reply;
  const scopes = (params.scope || '').split(' ').filter(Boolean);
  const hidden = Object.entries(params)
    .map(([k, v]) => `  <input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
  const title = `${ctx.provider.title} — Authorize ${client.clientId} to access your account?`;
  return htmlPage(200, title, `<h1>${escapeHtml(title)}</h1>
<p>Signed in as ${escapeHtml(USER.name)} (${escapeHtml(USER.email)}).</p>
<p>Requested scopes:</p>
<ul id="scopes">${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('') || '<li>(none)</li>'}</ul>
<form id="consent" method="post" action="${escapeHtml(ctx.url.pathname)}">
${hidden}
  <button id="approve" type="submit" name="decision" value="approve">Approve</button>
  <button id="deny" type="submit" name="decision" value="deny">Deny</button>
</form>`);
}

/** POST: the user's decision → 302 to redirect_uri with a code, or with error=access_denied. */
export function authorizeDecision(ctx) {
  if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded')
    return errorPage(ctx, 'Bad request', 'The consent form must be posted as application/x-www-form-urlencoded.');
  const { params: { decision, ...params }, duplicates } = parseForm(ctx.body);
  const { reply } = checkAuthorize(ctx, params, duplicates);
  if (reply) return reply;
  const { state, redirect_uri: redirectUri } = params;
  if (decision === 'deny')
    return redirect(ctx, redirectUri, { error: 'access_denied', error_description: 'The user denied the request', state });
  if (decision !== 'approve')
    return redirect(ctx, redirectUri, { error: 'invalid_request', error_description: 'decision must be approve or deny', state });
  const code = random();
  ctx.ps.codes.set(code, {
    clientId: params.client_id, redirectUri, codeChallenge: params.code_challenge ?? null,
    scope: params.scope || ctx.provider.defaultScope || '', used: false, family: null,
    expiresAt: Date.now() + ctx.ps.config.codeTtlSeconds * 1000,
  });
  // `callbackParams`: what a provider adds to a successful callback (Zoho's accounts-server).
  return redirect(ctx, redirectUri, { code, state, ...ctx.provider.callbackParams?.(ctx) });
}

// ---- token endpoint ---------------------------------------------------------------------

/** Form body (or JSON where the provider allows it). RFC 6749 §3.2: no repeated parameters. */
function parseTokenBody(ctx) {
  const type = mediaType(ctx.req);
  if (type === 'application/json' && ctx.provider.acceptsJsonBody) {
    try {
      const obj = JSON.parse(ctx.body);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error();
      return { params: Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, String(v)])) };
    } catch {
      return { reply: oauthError(ctx, 'invalid_request', 'malformed JSON body') };
    }
  }
  if (type !== 'application/x-www-form-urlencoded')
    return { reply: oauthError(ctx, 'invalid_request', 'content type must be application/x-www-form-urlencoded') };
  const { params, duplicates } = parseForm(ctx.body);
  if (duplicates.length) return { reply: oauthError(ctx, 'invalid_request', `parameter repeated: ${duplicates[0]}`) };
  return { params };
}

/** client_secret_post or client_secret_basic (never both); public clients send no secret. */
function authenticateClient(ctx, params) {
  const methods = ctx.provider.clientAuthMethods;
  const basic = parseBasic(ctx.req.headers.authorization);
  if (basic === false) return { reply: invalidClient(ctx, 'malformed Basic credentials') };
  if (basic && !methods.includes('client_secret_basic'))
    return { reply: invalidClient(ctx, 'client_secret_basic is not supported; send client_id and client_secret in the body') };
  if (!basic && params.client_secret !== undefined && !methods.includes('client_secret_post'))
    return { reply: invalidClient(ctx, 'client_secret_post is not supported; authenticate with HTTP Basic') };
  if (basic && params.client_secret !== undefined)
    return { reply: oauthError(ctx, 'invalid_request', 'more than one client authentication method used') };
  if (basic && params.client_id !== undefined && params.client_id !== basic.id)
    return { reply: oauthError(ctx, 'invalid_request', 'client_id does not match the Basic credentials') };
  const id = basic ? basic.id : params.client_id;
  const secret = basic ? basic.secret : params.client_secret;
  const client = id ? ctx.ps.clients.get(id) : undefined;
  if (!client) return { reply: invalidClient(ctx, id ? 'unknown client' : 'client authentication required') };
  if (client.clientSecret == null ? secret : secret == null || !safeEqual(secret, client.clientSecret))
    return { reply: invalidClient(ctx, 'client authentication failed') };
  return { client };
}

export async function tokenEndpoint(ctx) {
  const parsed = parseTokenBody(ctx);
  let reply = parsed.reply;
  if (!reply) {
    const { params } = parsed;
    const auth = ctx.provider.clientAuthMethods ? authenticateClient(ctx, params) : { client: null };
    const grant = ctx.provider.grants[params.grant_type];
    if (auth.reply) reply = auth.reply;
    else if (!params.grant_type) reply = oauthError(ctx, 'invalid_request', 'grant_type is required');
    else if (!Object.hasOwn(ctx.provider.grants, params.grant_type))
      reply = oauthError(ctx, 'unsupported_grant_type', `grant_type ${params.grant_type} is not supported`);
    else reply = await grant(ctx, params, auth.client);
  }
  // `shapeTokenReply`: a provider's own answer shape (Zoho's errors inside HTTP 200).
  if (ctx.provider.shapeTokenReply) reply = ctx.provider.shapeTokenReply(reply, ctx);
  reply.headers = { ...reply.headers, 'cache-control': 'no-store', pragma: 'no-cache' };
  return reply;
}

/** Standard success body; a provider's shapeTokens can adjust it (Virtuous adds fields). */
export function tokenReply(ctx, issued) {
  const { access_token, expires_in, refresh_token, scope } = issued;
  const body = { access_token, token_type: 'Bearer', expires_in, refresh_token, scope: scope || undefined };
  return json(200, ctx.provider.shapeTokens ? ctx.provider.shapeTokens(body, issued, ctx) : body);
}

// ---- grants -----------------------------------------------------------------------------

export function authorizationCode(ctx, params, client) {
  const { ps } = ctx;
  const { code, redirect_uri: redirectUri, code_verifier: verifier } = params;
  if (!code) return oauthError(ctx, 'invalid_request', 'code is required');
  const rec = ps.codes.get(code);
  if (!rec || rec.clientId !== client?.clientId) return oauthError(ctx, 'invalid_grant', 'unknown authorization code');
  if (rec.used) {
    if (rec.family) revokeFamily(ps, rec.family); // RFC 6749 §4.1.2: reuse revokes what the code issued
    return oauthError(ctx, 'invalid_grant', 'authorization code already used');
  }
  if (Date.now() >= rec.expiresAt) {
    ps.codes.delete(code);
    return oauthError(ctx, 'invalid_grant', 'authorization code expired');
  }
  if (redirectUri !== rec.redirectUri) return oauthError(ctx, 'invalid_grant', 'redirect_uri does not match the authorization request');
  if (rec.codeChallenge) {
    if (!verifier) return oauthError(ctx, 'invalid_grant', 'code_verifier is required');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || sha256url(verifier) !== rec.codeChallenge)
      return oauthError(ctx, 'invalid_grant', 'code_verifier does not match the code_challenge');
  } else if (verifier !== undefined) {
    return oauthError(ctx, 'invalid_grant', 'code_verifier sent but the authorization request had no code_challenge');
  }
  rec.used = true;
  const issued = issueTokens(ps, { clientId: rec.clientId, scope: rec.scope });
  rec.family = issued.family;
  return tokenReply(ctx, issued);
}

/** Rotation: the presented refresh token dies at once and a new one is issued (unless configured off). */
export function refreshToken(ctx, params, client) {
  const { ps } = ctx;
  const token = params.refresh_token;
  if (!token) return oauthError(ctx, 'invalid_request', 'refresh_token is required');
  const rec = ps.refresh.get(token);
  if (!rec || (client && rec.clientId !== client.clientId))
    return oauthError(ctx, 'invalid_grant', 'refresh token is invalid, expired, revoked or already used');
  let scope = rec.scope;
  if (params.scope !== undefined) {
    const granted = new Set(rec.scope.split(' '));
    if (!params.scope.split(' ').every((s) => granted.has(s))) return oauthError(ctx, 'invalid_scope', 'scope exceeds the original grant');
    scope = params.scope;
  }
  const rotate = ps.config.rotateRefreshTokens;
  if (rotate) ps.refresh.delete(token);
  return tokenReply(ctx, issueTokens(ps, { clientId: rec.clientId, scope, user: rec.user, family: rec.family, refresh: rotate }));
}

export function password(ctx, params, client) {
  if (!params.username || !params.password) return oauthError(ctx, 'invalid_request', 'username and password are required');
  if (params.username !== USER.username || !safeEqual(params.password, USER.password))
    return oauthError(ctx, 'invalid_grant', 'invalid username or password');
  const scope = params.scope || ctx.provider.defaultScope || '';
  return tokenReply(ctx, issueTokens(ctx.ps, { clientId: client?.clientId ?? null, scope }));
}

// ---- revocation (RFC 7009) --------------------------------------------------------------

export function revokeEndpoint(ctx) {
  const parsed = parseTokenBody(ctx);
  if (parsed.reply) return parsed.reply;
  const auth = authenticateClient(ctx, parsed.params);
  if (auth.reply) return auth.reply;
  const { token } = parsed.params;
  if (!token) return oauthError(ctx, 'invalid_request', 'token is required');
  const mine = (rec) => rec && rec.clientId === auth.client.clientId;
  const { ps } = ctx;
  if (mine(ps.refresh.get(token))) revokeFamily(ps, ps.refresh.get(token).family); // and its access tokens
  if (mine(ps.access.get(token))) ps.access.delete(token);
  return { status: 200, headers: {}, body: '' }; // unknown tokens too (RFC 7009 §2.2)
}

// ---- API helpers ------------------------------------------------------------------------

/** The user behind `Authorization: Bearer` (or `?access_token=` when allowed), or null. */
export function bearerUser(ctx, { queryParam } = {}) {
  const token = bearerOf(ctx.req) ?? (queryParam ? ctx.url.searchParams.get(queryParam) : null);
  return liveAccess(ctx.ps, token)?.user ?? null;
}

export const profile = (user = USER) => ({ id: user.id, name: user.name, email: user.email });

export const codeGrants = { authorization_code: authorizationCode, refresh_token: refreshToken };

/** Declarative description of a typical authorization-code provider; files override fields. */
export const codeProvider = (fields) => ({
  authorizePath: '/oauth/authorize',
  tokenPath: '/oauth/token',
  clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
  grants: codeGrants,
  defaultScope: 'read',
  api: [],
  ...fields,
});
