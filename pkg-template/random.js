// The wasm's one source of secure random bytes (imported by crm_auth.js as
// "./random.js"). Entries may swap the source: Node reads /dev/urandom, since
// touching globalThis.crypto first costs ~2 ms of WebCrypto start-up.

// WebCrypto refuses more than 65536 bytes per call.
const CHUNK = 65536;

/** The default source: WebCrypto. */
export function webCryptoRandom(view) {
  for (let i = 0; i < view.length; i += CHUNK) globalThis.crypto.getRandomValues(view.subarray(i, i + CHUNK));
}

let source = webCryptoRandom;

/** Fills `view` (a Uint8Array over wasm memory); false when there is no source (the wasm reports `unsupported`). */
export function fillRandom(view) {
  try {
    source(view);
    return true;
  } catch {
    return false;
  }
}

/** Replaces the source: `fn(view)` fills the whole view or throws. */
export function setRandomSource(fn) {
  source = fn;
}
