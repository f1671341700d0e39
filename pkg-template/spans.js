// The one way across the boundary for the calls that read untrusted text
// (src/bindings/spans.rs): the strings go into the wasm's input buffer with
// encodeInto, and the call answers with a number. AT_SPANS: the results are
// positions in those strings (ASCII input: byte positions are string
// indices), so JS slices the strings it already has. AT_TEXT / AT_ERROR: the
// result or the error's JSON waits in the wasm's output buffer.
import { inputBuffer, spansPointer, wasmMemory } from "./crm_auth.js";
import { fromWasm } from "./errors.js";

/** An `…At` call's answer: the results are spans in `input.text` (else see `answered`). */
export const AT_SPANS = 0;
const AT_ERROR = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let memory = null;
let bytes = null;
let spans = null;
/** The view `encodeInto` last wrote through, reused for the same place and length (a subarray costs ~60 ns). */
let lastView = new Uint8Array(0);

/** Views over the wasm memory, renewed when it has grown (which detaches the old ones: length 0). */
function views() {
  if (bytes === null || bytes.length === 0) {
    memory ??= wasmMemory();
    bytes = new Uint8Array(memory.buffer);
    spans = new Float64Array(memory.buffer, spansPointer(), 11);
  }
}

/** `len` bytes of the input buffer at `at` (a view of the current memory: a detached one has length 0). */
function inputView(at, len) {
  if (lastView.byteOffset !== at || lastView.length !== len) lastView = bytes.subarray(at, at + len);
  return lastView;
}

/** What `writeInput` wrote: the strings joined, each one's UTF-8 byte length, and whether all were ASCII. */
export const input = { text: "", lengths: [0, 0, 0], ascii: true };

/** Writes `parts` one after the other into the input buffer (see `input`). */
export function writeInput(a, b = "", c = "") {
  const s = c === "" ? (b === "" ? a : a + b) : a + b + c; // one encodeInto beats several
  let at = inputBuffer(s.length);
  views();
  input.text = s;
  if (encoder.encodeInto(s, inputView(at, s.length)).read === s.length) {
    input.ascii = true;
    input.lengths[0] = a.length;
    input.lengths[1] = b.length;
    input.lengths[2] = c.length;
    return;
  }
  // Not ASCII: up to 3 bytes per UTF-16 unit, and each part's byte length.
  bytes.fill(0, at, at + s.length); // what was written may be a secret's start
  const room = s.length * 3;
  at = inputBuffer(room);
  views();
  let end = at;
  [a, b, c].forEach((part, i) => {
    const written = encoder.encodeInto(part, bytes.subarray(end, at + room)).written;
    input.lengths[i] = written;
    end += written;
  });
  input.ascii = false;
}

/**
 * The text an `…At` call that did not answer AT_SPANS left in the output
 * buffer (then zeroed: it may be a code or tokens); an error is thrown as
 * CrmAuthError.
 */
export function answered(kind) {
  views();
  const at = spans[0];
  const end = at + spans[1];
  const text = decoder.decode(bytes.subarray(at, end));
  bytes.fill(0, at, end);
  if (kind === AT_ERROR) throw fromWasm(text);
  return text;
}

/** Span slot `i` as the wasm left it (a callback's token-host index: slot 2). */
export function slot(i) {
  views();
  return spans[i];
}

/** `text` sliced at the first span the wasm wrote. */
export function firstSpan(text) {
  views();
  return text.slice(spans[0], spans[1]);
}

/** The token fields the wasm located in `text`. */
export function tokenSpans(text) {
  views();
  const s = spans;
  return {
    accessToken: text.slice(s[0], s[1]),
    tokenType: s[2] < 0 ? "Bearer" : text.slice(s[2], s[3]),
    refreshToken: s[4] < 0 ? null : text.slice(s[4], s[5]),
    scope: s[6] < 0 ? null : text.slice(s[6], s[7]),
    apiBase: s[8] < 0 ? null : text.slice(s[8], s[9]),
    expiresAt: Number.isNaN(s[10]) ? null : s[10],
  };
}
