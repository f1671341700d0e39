// Scripted misbehaviour: POST /__sim/fault queues faults per provider endpoint; each request
// to that endpoint consumes one. Some faults replace the answer, others distort the real one.
import { delay, htmlPage, json, random } from './http.js';

export const FAULT_KINDS = [
  'html500', 'string_expires_in', 'slow', 'slow_body', 'text_plain', 'error_in_200',
  'rate_limit', 'no_access_token', 'missing_token_type', 'truncated_json', 'reset',
];

export function queueFault(ps, { endpoint, kind, delayMs = 5000, times = 1, retryAfter = 7 }) {
  ps.faults[endpoint].push({ kind, delayMs, retryAfter, remaining: times });
}

function takeFault(ps, endpoint) {
  const queue = ps.faults[endpoint];
  if (!queue?.length) return null;
  const fault = queue[0];
  if (--fault.remaining <= 0) queue.shift();
  return fault;
}

// Faults that answer instead of the provider (the request has no effect on state).
const replacements = {
  // A proxy/server error page, the kind that must never be echoed into error messages.
  html500: () => htmlPage(500, 'Internal Server Error', '<h1>500 Internal Server Error</h1>\n<p>The server encountered an unexpected condition.</p>'),
  // Some servers report OAuth errors with HTTP 200.
  error_in_200: () => json(200, { error: 'invalid_grant', error_description: 'The grant is invalid (reported with HTTP 200)' }),
  // Retry-After in seconds: 7 unless the fault says otherwise (`retryAfter`).
  rate_limit: (ctx, fault) => json(429, { error: 'rate_limited', error_description: 'Too many requests' }, { 'retry-after': String(fault.retryAfter ?? 7) }),
  no_access_token: () => json(200, { token_type: 'Bearer' }),
  truncated_json: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: `{"access_token":"${random()}","token_ty` }),
};

// Faults that distort the real answer (the request takes effect, e.g. a code is consumed).
const distortions = {
  string_expires_in: (reply) => {
    if (typeof reply.body?.expires_in === 'number') reply.body.expires_in = String(reply.body.expires_in);
  },
  missing_token_type: (reply) => {
    if (reply.body && typeof reply.body === 'object') delete reply.body.token_type;
  },
  // Valid JSON, wrong media type.
  text_plain: (reply) => {
    reply.headers = { ...reply.headers, 'content-type': 'text/plain; charset=utf-8' };
  },
};

/**
 * Runs `handler` under the next queued fault of ctx.endpoint.
 * Returns { reply, slowBodyMs } or null when the connection was dropped / abandoned.
 */
export async function runWithFault(ctx, handler) {
  const fault = takeFault(ctx.ps, ctx.endpoint);
  const kind = fault?.kind;
  if (kind === 'reset') {
    ctx.req.socket.destroy();
    return null;
  }
  if (replacements[kind]) return { reply: replacements[kind](ctx, fault) };
  if (kind === 'slow' && (await delay(fault.delayMs, ctx.res))) return null; // client gave up
  const reply = await handler(ctx);
  distortions[kind]?.(reply);
  return { reply, slowBodyMs: kind === 'slow_body' ? fault.delayMs : 0 };
}
