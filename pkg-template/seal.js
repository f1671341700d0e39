// Sealed, expiring authorization state for servers without a session store:
// state, PKCE verifier, redirect target and expiry travel in a cookie only
// the server can read or forge.
//
// WebCrypto (browsers, Node, workerd) does the cryptography, so it costs the
// package no wasm (an audited Rust AEAD measured +9 KB gzip); the price is
// that sealing and opening are asynchronous.
// - Key: HKDF-SHA256 from the caller's secret (≥ 32 characters), per provider.
// - Cipher: AES-256-GCM with a random 96-bit IV; the provider name is
//   authenticated data, so a cookie sealed for one provider never opens for
//   another.
// - Format: "v1." + base64url(iv ‖ ciphertext ‖ tag).
// A sealed cookie alone cannot tell that it is being replayed; with a
// `store` (any TokenStore: DurableObjectStore for strong consistency), each
// sealed state opens once. Providers' codes are single-use besides.
// `redirectTo` is where the app sends the user after the callback, so only a
// same-origin path is sealed or opened (else an app sealing `?next=` is an
// open redirect), and the cookie must fit the 4 KB browsers keep.
import { isLoopbackUrl } from "./crm_auth.js";
import { fail } from "./errors.js";
import { base64url, decrypt, deriveKey, encrypt, encryptedLength } from "./aead.js";

const PREFIX = "v1.";
const MIN_SECRET = 32;
const DEFAULT_MAX_AGE_SECONDS = 600;
const DEFAULT_COOKIE_NAME = "crm_auth_state";
// RFC 6265 §6.1: browsers keep at least 4096 bytes per cookie, name, value and
// attributes together; a larger one may be dropped silently (and the login with it).
const MAX_COOKIE_BYTES = 4096;
const encoder = new TextEncoder();

function checkSecret(provider, secret) {
  if (typeof secret !== "string" || secret.length < MIN_SECRET) {
    throw fail(provider, "invalid_argument", `the seal key must be a string of at least ${MIN_SECRET} characters`);
  }
}

/** The AES-GCM key for (secret, provider), derived once per process. */
const keyFor = (secret, provider) => deriveKey(secret, "crm-auth sealed state", provider);

const aad = (provider) => `crm-auth-seal-v1|${provider}`;

/** Reads and checks `seal: { key, maxAgeSeconds?, redirectTo? }`. */
export function sealOptions(provider, seal) {
  if (seal === null || typeof seal !== "object") throw fail(provider, "invalid_argument", "`seal` must be an object");
  checkSecret(provider, seal.key);
  const maxAge = seal.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (typeof maxAge !== "number" || !(maxAge >= 0) || !Number.isFinite(maxAge)) {
    throw fail(provider, "invalid_argument", "`seal.maxAgeSeconds` must be a non-negative number");
  }
  if (seal.redirectTo !== undefined && !isSameOriginPath(seal.redirectTo)) {
    throw fail(provider, "invalid_argument", "`seal.redirectTo` must be a path on this site (\"/…\"), not a URL");
  }
  return { key: seal.key, maxAge, redirectTo: seal.redirectTo ?? null };
}

/** Seals `{state, codeVerifier, redirectTo}` for `provider`. */
export async function seal(provider, options, { state, codeVerifier }) {
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const plain = JSON.stringify({ s: state, v: codeVerifier, r: options.redirectTo, e: Date.now() + options.maxAge * 1000, n: nonce });
  checkCookieSize(provider, encoder.encode(plain).length, options.maxAge);
  const key = await keyFor(options.key, provider);
  return PREFIX + (await encrypt(key, plain, aad(provider)));
}

/**
 * Opens a cookie sealed for `provider`: tampered, foreign, malformed or
 * expired → `state_mismatch`; already opened (with a `store`) →
 * `invalid_callback`.
 */
export async function open(provider, cookie, secret, store) {
  checkSecret(provider, secret);
  const invalid = (why) => fail(provider, "state_mismatch", why);
  const sealed = typeof cookie === "string" && cookie.startsWith(PREFIX) ? cookie.slice(PREFIX.length) : null;
  const text = sealed === null ? null : await decrypt(await keyFor(secret, provider), sealed, aad(provider));
  let plain;
  try {
    plain = JSON.parse(text);
  } catch {
    throw invalid("the sealed state is not valid");
  }
  if (typeof plain?.s !== "string" || typeof plain.e !== "number") throw invalid("the sealed state is not valid");
  if (plain.e <= Date.now()) throw invalid("the sealed state has expired");
  // Re-checked: a cookie sealed by an older version may carry "//host" or a scheme.
  if (plain.r != null && !isSameOriginPath(plain.r)) throw invalid("the sealed redirectTo is not a path on this site");
  if (store !== undefined) await useOnce(provider, store, plain.n, plain.e);
  return { state: plain.s, codeVerifier: plain.v ?? null, redirectTo: plain.r ?? null };
}

/** Records a sealed state's nonce; a second use is `invalid_callback`. */
async function useOnce(provider, store, nonce, expiresAt) {
  if (store === null || typeof store.get !== "function" || typeof store.set !== "function") {
    throw fail(provider, "invalid_argument", "`store` must have get(key) and set(key, value)");
  }
  if (typeof nonce !== "string") throw fail(provider, "state_mismatch", "the sealed state is not valid");
  const key = `crm-auth:sealed:${nonce}`;
  const use = async () => {
    if ((await store.get(key)) != null) throw fail(provider, "invalid_callback", "this sealed state was already used");
    // The record is useless once the sealed state has expired: stores that honour
    // `ttlSeconds` (MemoryStore, KvStore, DurableObjectStore) then remove it.
    await store.set(key, String(expiresAt), { ttlSeconds: Math.max(1, Math.ceil((expiresAt - Date.now()) / 1000)) });
  };
  // A store that can lock (DurableObjectStore) makes check-and-set atomic.
  await (typeof store.lock === "function" ? store.lock(key, use) : use());
}

/**
 * The `Set-Cookie` value carrying a sealed state: HttpOnly, SameSite=Lax,
 * Path=/, Max-Age, and Secure unless the request came over plain http on
 * loopback. `stateCookie("", { requestUrl, maxAgeSeconds: 0 })` clears it.
 */
export function stateCookie(value, options) {
  const provider = "crm-auth";
  if (typeof value !== "string" || !/^[A-Za-z0-9._-]*$/.test(value)) {
    throw fail(provider, "invalid_argument", "value must be a sealed state");
  }
  const u = options?.requestUrl;
  const requestUrl = typeof u === "string" ? u : typeof u?.href === "string" ? u.href : u?.url;
  if (typeof requestUrl !== "string") throw fail(provider, "invalid_argument", "`requestUrl` must be the request's URL");
  const name = options.name ?? DEFAULT_COOKIE_NAME;
  if (typeof name !== "string" || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw fail(provider, "invalid_argument", "`name` must be a cookie name");
  }
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (typeof maxAge !== "number" || !(maxAge >= 0) || !Number.isFinite(maxAge)) {
    throw fail(provider, "invalid_argument", "`maxAgeSeconds` must be a non-negative number");
  }
  const plainLoopback = /^http:/i.test(requestUrl) && isLoopbackUrl(requestUrl);
  const header = setCookie(name, value, !plainLoopback, maxAge);
  if (header.length > MAX_COOKIE_BYTES) {
    throw fail(provider, "invalid_argument", `the cookie would exceed ${MAX_COOKIE_BYTES} bytes, which browsers drop`);
  }
  return header;
}

/** The Set-Cookie line (ASCII only: length = bytes). */
const setCookie = (name, value, secure, maxAge) =>
  `${name}=${value}; HttpOnly${secure ? "; Secure" : ""}; SameSite=Lax; Path=/; Max-Age=${Math.floor(maxAge)}`;

/**
 * Refuses a state whose cookie, as `stateCookie` writes it with the default name and
 * `Secure`, would exceed 4096 bytes: the sealed text is "v1." + base64url of
 * IV ‖ plaintext ‖ tag.
 */
function checkCookieSize(provider, plainBytes, maxAge) {
  const sealedChars = PREFIX.length + encryptedLength(plainBytes);
  if (setCookie(DEFAULT_COOKIE_NAME, "", true, maxAge).length + sealedChars > MAX_COOKIE_BYTES) {
    throw fail(provider, "invalid_argument", `the sealed state would exceed ${MAX_COOKIE_BYTES} bytes as a cookie: shorten \`seal.redirectTo\``);
  }
}

/**
 * A path on the same site: "/…", but not "//host" or "/\host" (browsers read both as
 * another host), and no control characters (URL parsers drop tabs and newlines, so
 * "/\t/host" would become "//host").
 */
function isSameOriginPath(path) {
  return typeof path === "string" && path.startsWith("/") && !/^\/[/\\]/.test(path) && !/[\u0000-\u001f\u007f-\u009f]/.test(path);
}

/** The sealed state cookie of a request (`Cookie` header), or null. */
export function readStateCookie(request, name = DEFAULT_COOKIE_NAME) {
  const header = request?.headers?.get?.("cookie") ?? "";
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
