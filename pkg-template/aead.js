// AES-256-GCM with HKDF-SHA256 keys and canonical base64url, on WebCrypto
// (browsers, Node, workerd): shared by sealed state cookies (seal.js) and
// tokens encrypted at rest (session.js). Asynchronous because WebCrypto is.
// base64url crosses into the wasm: a few µs beside each AES-GCM call, and
// faster than btoa/atob plus the canonical re-encoding check from ~300 B on.
import { base64urlDecode, base64urlEncode } from "./crm_auth.js";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
/** Derived keys by (salt, info, secret): HKDF runs once per process. */
const keys = new Map();

/** Unpadded base64url of `bytes`, by the core (src/core/encode.rs, its one owner). */
export const base64url = base64urlEncode;

/** Decodes base64url, or null; only the canonical spelling is accepted (a
 * final character's unused bits must be zero, so altered text never opens). */
const fromBase64url = (text) => base64urlDecode(text) ?? null;

/** The AES-GCM key HKDF-SHA256 derives from `secret` for `salt` and `info`. */
export async function deriveKey(secret, salt, info) {
  const id = `${salt}\u0000${info}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
    key = await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: encoder.encode(salt), info: encoder.encode(info) },
      material,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    );
    keys.set(id, key);
  }
  return key;
}

/** base64url(iv ‖ ciphertext ‖ tag) of `plain` (a string) with a random 96-bit IV. */
export async function encrypt(key, plain, aad) {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(aad) }, key, encoder.encode(plain)),
  );
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return base64url(out);
}

/** The length of `encrypt`'s output for a plaintext of `plainBytes` UTF-8 bytes. */
export function encryptedLength(plainBytes) {
  return Math.ceil(((IV_BYTES + plainBytes + TAG_BYTES) * 4) / 3);
}

/** The plaintext of an `encrypt` output, or null when it is malformed, altered or under another key/aad. */
export async function decrypt(key, text, aad) {
  const raw = fromBase64url(text);
  if (!raw || raw.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const bytes = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: raw.subarray(0, IV_BYTES), additionalData: encoder.encode(aad) },
      key,
      raw.subarray(IV_BYTES),
    );
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
