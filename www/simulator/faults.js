// Scripted misbehaviour: POST /__sim/fault queues faults per provider endpoint; each request
// to that endpoint consumes one. Some faults replace the answer, others distort the real one.
import { CORS, delay, htmlPage, json, random } from './http.js';

export const FAULT_KINDS = [
  'html500', 'string_expires_in', 'slow', 'slow_body', 'text_plain', 'error_in_200',
  'rate_limit', 'no_access_token', 'missing_token_type', 'truncated_json', 'reset',
  'reset_mid_body', 'wrong_types', 'invalid_utf8', 'huge_body', 'huge_body_length', 'redirect', 'xml',
  'redirect_to', 'unauthorized', 'echo_request', 'endless_body',
];

const HUGE_BYTES = 50 * 1024 * 1024; // 50 MB
const CHUNK = Buffer.alloc(64 * 1024, 0x20); // spaces: still "JSON" whitespace after the '{'

export function queueFault(ps, { endpoint, kind, delayMs = 5000, times = 1, retryAfter = 7, retryAfterHeader = null, location = null, status = 302 }) {
  ps.faults[endpoint].push({ kind, delayMs, retryAfter, retryAfterHeader, location, status, remaining: times });
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
  // Retry-After in seconds: 7 unless the fault says otherwise (`retryAfter`), or
  // `retryAfterHeader` verbatim (HTTP dates, garbage).
  rate_limit: (ctx, fault) => json(429, { error: 'rate_limited', error_description: 'Too many requests' },
    { 'retry-after': fault.retryAfterHeader ?? String(fault.retryAfter ?? 7) }),
  no_access_token: () => json(200, { token_type: 'Bearer' }),
  truncated_json: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: `{"access_token":"${random()}","token_ty` }),
  // Well-formed JSON, every field of the wrong type.
  wrong_types: () => json(200, { access_token: 123, token_type: 'Bearer', expires_in: {} }),
  // Bytes that are not UTF-8 (a lone continuation byte, an overlong form, 0xFF) inside the token.
  invalid_utf8: () => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.concat([Buffer.from('{"access_token":"tok'), Buffer.from([0x80, 0xc0, 0xaf, 0xff, 0xfe]), Buffer.from('","token_type":"Bearer","expires_in":3600}')]),
  }),
  // A token endpoint that redirects (to a plain-http host): must never be followed.
  redirect: () => ({ status: 302, headers: { location: 'http://evil.example/token', 'content-type': 'text/plain' }, body: 'Found' }),
  // A redirect to `location` (absolute, or a path on the same origin) with `status` (302 unless said).
  redirect_to: (ctx, fault) => ({ status: fault.status, headers: { location: fault.location ?? '/', 'content-type': 'text/plain' }, body: 'Moved' }),
  // An API that refuses every access token.
  unauthorized: () => json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' }),
  // A careless server that quotes the request back: every form value (secrets included) and the
  // Authorization header in `error` and `error_description`.
  echo_request: (ctx) => {
    const echoed = [...new URLSearchParams(ctx.body).values(), ctx.req.headers.authorization ?? ''].join(' ');
    return json(400, { error: `invalid_request ${echoed}`, error_description: `bad request: ${ctx.body} ${echoed}` });
  },
  // The right fields, the wrong format.
  xml: () => ({
    status: 200,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: `<?xml version="1.0"?>\n<token><access_token>${random()}</access_token><token_type>Bearer</token_type><expires_in>3600</expires_in></token>`,
  }),
};

// Faults that write to the socket themselves (then the engine writes nothing).
const raw = {
  // Headers and part of a JSON body (Content-Length promises more), then the socket dies.
  reset_mid_body: (ctx) => {
    const body = Buffer.from(JSON.stringify({ access_token: random(), token_type: 'Bearer', expires_in: 3600, refresh_token: random(32) }));
    ctx.res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    ctx.res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => ctx.req.socket.destroy(), 20));
  },
  // 50 MB of JSON-ish bytes, streamed chunk by chunk with backpressure; stops when the client goes.
  huge_body: (ctx) => streamHuge(ctx, false),
  huge_body_length: (ctx) => streamHuge(ctx, true),
  // `status` with a JSON-ish body that never ends, 64 KiB every 10 ms (a client that buffers it
  // all grows without bound, slowly enough to be seen failing rather than crash); stops when the
  // client goes.
  endless_body: (ctx, fault) => {
    const { res } = ctx;
    res.writeHead(fault.status, { ...CORS, 'content-type': 'application/json' }); // browsers read it too
    res.write('{');
    const timer = setInterval(() => {
      if (res.destroyed) clearInterval(timer);
      else res.write(CHUNK);
    }, 10);
    res.on('close', () => clearInterval(timer));
    res.on('error', () => {});
  },
};

function streamHuge(ctx, withLength) {
  const { res } = ctx;
  const headers = { 'content-type': 'application/json' };
  if (withLength) headers['content-length'] = String(HUGE_BYTES);
  res.writeHead(200, headers);
  res.write('{');
  let sent = 1;
  const pump = () => {
    while (!res.destroyed && sent < HUGE_BYTES) {
      const n = Math.min(CHUNK.length, HUGE_BYTES - sent);
      sent += n;
      if (sent >= HUGE_BYTES) return void res.end(CHUNK.subarray(0, n));
      if (!res.write(CHUNK.subarray(0, n))) return void res.once('drain', pump);
    }
  };
  res.on('error', () => {});
  pump();
}

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
  if (raw[kind]) {
    raw[kind](ctx, fault);
    return null;
  }
  // A provider may answer a fault its own way (`faults`: HubSpot's 429, Salesforce's 403 limit).
  const replace = ctx.provider.faults?.[kind] ?? replacements[kind];
  if (replace) return { reply: replace(ctx, fault) };
  if (kind === 'slow' && (await delay(fault.delayMs, ctx.res))) return null; // client gave up
  const reply = await handler(ctx);
  distortions[kind]?.(reply);
  return { reply, slowBodyMs: kind === 'slow_body' ? fault.delayMs : 0 };
}
