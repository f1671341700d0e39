// The fetch seam: every request crm-auth sends goes through here, with the
// provider's `fetch` option and `timeoutMs`.
// - `send`: a token request the wasm built (JSON), answered as plain values.
//   `timeoutMs` bounds headers and body alike (even when a custom fetch
//   ignores the abort signal: the body stream is then cancelled), every body
//   is capped by `maxBodyBytes` (default 1 MiB) and must be valid UTF-8.
// - `fetchResponse`: an API request of `Session.fetch`, answered with the
//   Response itself. `timeoutMs` bounds the wait for its headers; the body is
//   then the caller's to stream (their own `signal` still aborts it), so it
//   is never cut short silently.
import { fail, CrmAuthError } from "./errors.js";

/** Token endpoints answer in bytes; an error page can be huge (option `maxBodyBytes`). */
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30000;
/** setTimeout's largest delay: above it, timers fire after ~1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Internal (api.js, Session): `provider[HTTP]` is its `httpOptions`. */
export const HTTP = Symbol("crm-auth http");

/** Reads `fetch`, `timeoutMs` and `maxBodyBytes`, which every provider takes. */
export function httpOptions(provider, options) {
  const custom = options?.fetch;
  if (custom != null && typeof custom !== "function") throw fail(provider, "invalid_argument", "`fetch` must be a function");
  const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw fail(provider, "invalid_argument", "`timeoutMs` must be an integer from 1 to 2147483647");
  }
  const maxBodyBytes = options?.maxBodyBytes ?? MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw fail(provider, "invalid_argument", "`maxBodyBytes` must be a non-negative integer");
  }
  return { fetch: custom ?? null, timeoutMs, maxBodyBytes, provider };
}

/**
 * Arms the timeout: after `timeoutMs` the request is aborted and `expire`
 * gets the `timeout` error. `outer` (a caller's signal) aborts it as well.
 */
function arm(http, outer, expire) {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
    expire(fail(http.provider, "timeout", "no answer within the timeout"));
  }, http.timeoutMs);
  return { timer, signal: outer === null ? controller.signal : anySignal(outer, controller.signal) };
}

/**
 * A token request's timeout: `race(work)` rejects with `timeout` when it
 * fires, and `onExpire` runs then too (to cancel a body being read).
 */
function deadline(http) {
  let expire;
  const expired = new Promise((_, reject) => {
    expire = reject;
  });
  const d = { onExpire: null, race: (work) => Promise.race([work, expired]) };
  Object.assign(d, arm(http, null, (e) => {
    d.onExpire?.();
    expire(e);
  }));
  return d;
}

/** Aborts when `a` or `b` does. AbortSignal.any is missing in Node 20.0–20.2 and older browsers. */
function anySignal(a, b) {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const both = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener("abort", () => both.abort(s.reason), { once: true });
  }
  return both.signal;
}

/**
 * Calls the provider's fetch (or the global one); a synchronous throw becomes
 * a rejection. fetch's own promise is used as is (no wrapper: two ticks less).
 */
function call(http, input, init) {
  try {
    return Promise.resolve((http.fetch ?? globalThis.fetch)(input, init));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Anything but a Response-like answer from a custom fetch is `invalid_response`. */
function checked(response, provider) {
  if (typeof response?.status !== "number" || typeof response.headers?.get !== "function") {
    throw fail(provider, "invalid_response", "fetch did not return a Response");
  }
  return response;
}

/** Sends the wasm-built request; resolves to `{ status, retryAfter, body }`. */
export async function send(requestJson, http) {
  const { method, url, headers, body } = JSON.parse(requestJson);
  const { provider } = http;
  const d = deadline(http);
  // The JS error text is not kept: it can name URLs with credentials in them.
  const transport = (e) => {
    throw e instanceof CrmAuthError ? e : fail(provider, "network_error", "the request failed before an answer arrived");
  };
  try {
    // A token endpoint that redirects is misconfigured or hostile: never follow.
    const init = { method, headers, body, redirect: "manual", signal: d.signal };
    const response = checked(await d.race(call(http, url, init)).catch(transport), provider);
    const { status } = response;
    if (status === 0 || (status >= 300 && status < 400)) {
      response.body?.cancel?.().catch(() => {});
      throw fail(provider, "invalid_response", "the endpoint answered with a redirect", { status });
    }
    if (Number(response.headers.get("content-length")) > http.maxBodyBytes) {
      response.body?.cancel?.().catch(() => {});
      throw fail(provider, "invalid_response", "the response body is too large", { status });
    }
    const text = await d.race(readCapped(response, http, d)).catch(transport);
    return { status, retryAfter: response.headers.get("retry-after") ?? "", body: text };
  } finally {
    clearTimeout(d.timer);
  }
}

/**
 * Runs one API request (Session.fetch) and resolves to its Response once
 * the headers arrived, within `timeoutMs`. `init.signal` (the caller's)
 * is honoured: its abort rejects with the caller's reason, untouched.
 */
export function fetchResponse(input, init, http) {
  const outer = init.signal ?? null;
  // A plain promise, not an async function racing a timer promise: this runs on every API call.
  return new Promise((resolve, reject) => {
    const { timer, signal } = arm(http, outer, reject);
    init.signal = signal;
    call(http, input, init).then((response) => {
      clearTimeout(timer);
      try {
        resolve(checked(response, http.provider));
      } catch (e) {
        reject(e);
      }
    }, (e) => {
      clearTimeout(timer);
      reject(e instanceof CrmAuthError || outer?.aborted ? e : fail(http.provider, "network_error", "the request failed before an answer arrived"));
    });
  });
}

/**
 * Session's look for an API error inside an answer: the text of a copy of its
 * body, or null when the body is over `maxBodyBytes` (no more than that is
 * read: a huge answer is never buffered whole), unreadable or not UTF-8. The
 * caller's body is left whole.
 */
export async function peekText(response, http) {
  if (Number(response.headers.get("content-length")) > http.maxBodyBytes) return null;
  try {
    return await readCapped(response.clone(), http, null);
  } catch {
    return null;
  }
}

/**
 * The body as UTF-8 text, refusing more than `maxBodyBytes` even without a
 * length, and refusing invalid UTF-8 (it would otherwise become U+FFFD inside
 * a token). `d`: the token request's deadline, or null.
 */
async function readCapped(response, { maxBodyBytes, provider }, d) {
  const status = response.status;
  if (!response.body?.getReader) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBodyBytes) throw fail(provider, "invalid_response", "the response body is too large", { status });
    return decode(bytes, provider, status);
  }
  const reader = response.body.getReader();
  // A stream that ignores the abort (a custom fetch) is cancelled on timeout.
  if (d !== null) d.onExpire = () => reader.cancel().catch(() => {});
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      reader.cancel().catch(() => {});
      throw fail(provider, "invalid_response", "the response body is too large", { status });
    }
    chunks.push(value);
  }
  let bytes = chunks[0] ?? new Uint8Array(0);
  if (chunks.length > 1) {
    bytes = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
  }
  return decode(bytes, provider, status);
}

/** Fatal: invalid UTF-8 throws. One decode() call per body leaves no state behind. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function decode(bytes, provider, status) {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw fail(provider, "invalid_response", "the response body is not valid UTF-8", { status });
  }
}
