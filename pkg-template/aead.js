// AES-256-GCM with HKDF-SHA256 keys and canonical base64url, on WebCrypto
// (browsers, Node, workerd): shared by sealed state cookies (seal.js) and
// tokens encrypted at rest (session.js). Asynchronous because WebCrypto is.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
/** Derived keys by (salt, info, secret): HKDF runs once per process. */
const keys = new Map();

export function base64url(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url, or null; only the canonical spelling is accepted (atob
 * would ignore a final character's unused bits, letting altered text open). */
export function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  let bytes;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  return base64url(bytes) === text ? bytes : null;
}

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
