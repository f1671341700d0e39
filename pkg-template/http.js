// The fetch seam: runs a request the wasm built (JSON) and hands back the
// answer as plain values. Every request is bounded by `timeoutMs` (headers
// and body alike, even when a custom fetch ignores the abort signal) and
// every body by `maxBodyBytes` (default 1 MiB) and must be valid UTF-8.
import { fail, CrmAuthError } from "./errors.js";

/** Token endpoints answer in bytes; an error page can be huge (option `maxBodyBytes`). */
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30000;

/** Reads `fetch` and `timeoutMs`, which every provider takes. */
export function httpOptions(provider, options) {
  const custom = options?.fetch;
  if (custom != null && typeof custom !== "function") throw fail(provider, "invalid_argument", "`fetch` must be a function");
  const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) {
    throw fail(provider, "invalid_argument", "`timeoutMs` must be a non-negative number");
  }
  const maxBodyBytes = options?.maxBodyBytes ?? MAX_BODY_BYTES;
  if (typeof maxBodyBytes !== "number" || !(maxBodyBytes >= 0) || !Number.isFinite(maxBodyBytes)) {
    throw fail(provider, "invalid_argument", "`maxBodyBytes` must be a non-negative number");
  }
  return { fetch: custom ?? null, timeoutMs, maxBodyBytes, provider };
}

/** Sends the wasm-built request; resolves to `{ status, retryAfter, body }`. */
export async function send(requestJson, http) {
  const { method, url, headers, body } = JSON.parse(requestJson);
  const { provider } = http;
  const controller = new AbortController();
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(fail(provider, "timeout", "no answer within the timeout"));
    }, http.timeoutMs);
  });
  // The JS error text is not kept: it can name URLs with credentials in them.
  const transport = (e) => {
    throw e instanceof CrmAuthError ? e : fail(provider, "network_error", "the request failed before an answer arrived");
  };
  try {
    const fetchFn = http.fetch ?? globalThis.fetch;
    // A token endpoint that redirects is misconfigured or hostile: never follow.
    const init = { method, headers, body, redirect: "manual", signal: controller.signal };
    const started = new Promise((resolve) => resolve(fetchFn(url, init)));
    const response = await Promise.race([started, deadline]).catch(transport);
    if (typeof response?.status !== "number" || typeof response.headers?.get !== "function") {
      throw fail(provider, "invalid_response", "fetch did not return a Response");
    }
    const { status } = response;
    if (status === 0 || (status >= 300 && status < 400)) {
      response.body?.cancel?.().catch(() => {});
      throw fail(provider, "invalid_response", "the endpoint answered with a redirect", { status });
    }
    if (Number(response.headers.get("content-length")) > http.maxBodyBytes) {
      response.body?.cancel?.().catch(() => {});
      throw fail(provider, "invalid_response", "the response body is too large", { status });
    }
    const text = await Promise.race([readCapped(response, http), deadline]).catch(transport);
    return { status, retryAfter: response.headers.get("retry-after") ?? "", body: text };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The body as UTF-8 text, refusing more than `maxBodyBytes` even without a
 * length, and refusing invalid UTF-8 (it would otherwise become U+FFFD inside
 * a token).
 */
async function readCapped(response, { maxBodyBytes, provider }) {
  const status = response.status;
  if (!response.body?.getReader) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBodyBytes) throw fail(provider, "invalid_response", "the response body is too large", { status });
    return decode(bytes, provider, status);
  }
  const reader = response.body.getReader();
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
