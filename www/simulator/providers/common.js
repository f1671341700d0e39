// Bits several provider files share.

/** The address a request came on: a provider's own origin, or the main URL with its prefix. */
export const arrivedOn = (ctx) => (ctx.req.clientUrl !== undefined ? ctx.origin : `${ctx.origin}/${ctx.provider.name}`);

/** X-RateLimit-* headers on every API answer; "remaining" counts down with API calls since reset. */
export function rateLimitHeaders(ctx, reply, limit = 1000) {
  const remaining = reply.status === 429 ? 0 : Math.max(0, limit - ctx.ps.counts.api);
  return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining) };
}
