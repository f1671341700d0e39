// Small HTTP helpers shared by the engine, the providers and the control API.
// Replies are data first: handlers return { status, headers, body } and writeReply sends them.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export const MAX_BODY = 1024 * 1024; // 1 MB; larger bodies get 413
const DRAIN_LIMIT = 64 * MAX_BODY; // beyond this we stop draining and drop the socket

export const CORS = {
  'access-control-allow-origin': '*',
  // Browsers may only read these response headers cross-origin when exposed.
  'access-control-expose-headers':
    'retry-after, www-authenticate, x-ratelimit-limit, x-ratelimit-remaining, x-daily-requests-left, location, ' +
    'x-hubspot-ratelimit-max, x-hubspot-ratelimit-remaining, x-hubspot-ratelimit-daily-remaining, sforce-limit-info',
};

export const PREFLIGHT = {
  ...CORS,
  'access-control-allow-headers': 'authorization, content-type, accept, x-tenant, apikey, x-api-token',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-max-age': '600',
};

export const random = (bytes = 24) => randomBytes(bytes).toString('base64url');
export const sha256url = (s) => createHash('sha256').update(s).digest('base64url');

export function safeEqual(a, b) {
  const x = Buffer.from(String(a)), y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads the body as a UTF-8 string; resolves { tooLarge: true } past MAX_BODY (draining the rest). */
export function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else if (size > DRAIN_LIMIT) req.destroy();
    });
    req.on('end', () => resolve(size > MAX_BODY ? { tooLarge: true } : { text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => resolve({ aborted: true }));
    req.on('close', () => resolve({ aborted: true })); // no-op if already resolved
  });
}

/** Collects URLSearchParams into an object; `duplicates` lists names sent more than once. */
export function collectParams(searchParams) {
  const params = Object.create(null), duplicates = [];
  for (const [k, v] of searchParams) {
    if (k in params) duplicates.push(k);
    params[k] = v;
  }
  return { params, duplicates };
}

/** Parses an application/x-www-form-urlencoded body. */
export const parseForm = (text) => collectParams(new URLSearchParams(text));

export const mediaType = (req) => String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();

/**
 * Decodes `Authorization: Basic`. OAuth clients form-urlencode id and secret first (RFC 6749
 * §2.3.1); plain API Basic (Agile CRM email:key, Flowlu bearer:TOKEN) is raw: pass formEncoded=false.
 * Returns null when absent, false when malformed.
 */
export function parseBasic(header, { formEncoded = true } = {}) {
  const m = /^Basic\s+(\S*)\s*$/i.exec(header || '');
  if (!m) return null;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(m[1]) || m[1].length % 4) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return false;
  if (!formEncoded) return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
  try {
    const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
  } catch {
    return false;
  }
}

export const bearerOf = (req) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '')?.[1] ?? null;

export const json = (status, body, headers = {}) => ({ status, headers, body });

export const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

export function htmlPage(status, title, inner) {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}button{font:inherit;padding:.5rem 1.2rem;margin-right:.5rem}#approve{background:#2563eb;color:#fff;border:0;border-radius:4px}</style>
</head><body>
${inner}
</body></html>
`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** Resolves after ms, or early (with true) when the response is closed by the client. */
export function delay(ms, res) {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(true);
    const done = (closed) => { clearTimeout(t); res.off('close', onClose); resolve(closed); };
    const onClose = () => done(true);
    const t = setTimeout(() => done(false), ms);
    res.on('close', onClose);
  });
}

/** Serialises a reply. Objects become JSON; slowBodyMs sends headers first and the body later. */
export async function writeReply(res, reply, { slowBodyMs = 0 } = {}) {
  if (res.destroyed) return;
  let { status, headers = {}, body = '' } = reply;
  const out = { ...CORS };
  if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
    body = JSON.stringify(body);
    out['content-type'] = 'application/json';
  }
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  const buf = Buffer.from(body ?? '');
  out['content-length'] = String(buf.length);
  if (!slowBodyMs) return void res.writeHead(status, out).end(buf);
  res.writeHead(status, out);
  res.flushHeaders();
  if (!(await delay(slowBodyMs, res))) res.end(buf);
}
