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
import { isLoopbackUrl } from "./crm_auth.js";
import { fail } from "./errors.js";
import { base64url, decrypt, deriveKey, encrypt } from "./aead.js";

const PREFIX = "v1.";
const MIN_SECRET = 32;
const DEFAULT_MAX_AGE_SECONDS = 600;

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
  if (seal.redirectTo !== undefined && typeof seal.redirectTo !== "string") {
    throw fail(provider, "invalid_argument", "`seal.redirectTo` must be a string");
  }
  return { key: seal.key, maxAge, redirectTo: seal.redirectTo ?? null };
}

/** Seals `{state, codeVerifier, redirectTo}` for `provider`. */
export async function seal(provider, options, { state, codeVerifier }) {
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const plain = JSON.stringify({ s: state, v: codeVerifier, r: options.redirectTo, e: Date.now() + options.maxAge * 1000, n: nonce });
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
    await store.set(key, String(expiresAt));
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
  const name = options.name ?? "crm_auth_state";
  if (typeof name !== "string" || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw fail(provider, "invalid_argument", "`name` must be a cookie name");
  }
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (typeof maxAge !== "number" || !(maxAge >= 0) || !Number.isFinite(maxAge)) {
    throw fail(provider, "invalid_argument", "`maxAgeSeconds` must be a non-negative number");
  }
  const plainLoopback = /^http:/i.test(requestUrl) && isLoopbackUrl(requestUrl);
  return `${name}=${value}; HttpOnly${plainLoopback ? "" : "; Secure"}; SameSite=Lax; Path=/; Max-Age=${Math.floor(maxAge)}`;
}

/** The sealed state cookie of a request (`Cookie` header), or null. */
export function readStateCookie(request, name = "crm_auth_state") {
  const header = request?.headers?.get?.("cookie") ?? "";
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
