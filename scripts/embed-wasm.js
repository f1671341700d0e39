// Writes the wasm as two ES modules for the entries that embed it.
// <out-dir>/wasm-latin1.js (browser.js): a string with one char per byte
// (char code = byte XOR `xor`). In a UTF-8 file chars >= 0x80 take two bytes,
// yet it gzips ~8 KB smaller than base64 (the wasm's own redundancy
// survives). Escaped: only what a string literal cannot hold (NUL, CR, LF,
// quote, backslash). The XOR key (the decode loop browsers run anyway pays
// nothing for it) is the one of the 256 whose module gzips smallest both as
// written and as re-printed by the bundlers that escape control characters
// (Next.js's SWC, Bun: each C0/C1 char becomes `\xNN`): the key best for our
// own file alone once left ~43,700 control chars in the string, which cost
// those apps +2.3-2.5 KB gzip while ours saved 0.2 KB.
// <out-dir>/wasm-base64.js (node.js, node.cjs): base64. Node's ESM loader
// decodes and parses a non-ASCII source several ms slower than an ASCII one
// of the same size, and no browser downloads these entries.
// Usage: node scripts/embed-wasm.js <in.wasm> <out-dir>
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [input, outDir] = process.argv.slice(2);
const wasm = fs.readFileSync(input);

/** `reprinted`: as a bundler that escapes control characters prints it. */
function latin1Module(xor, reprinted = false) {
  let s = "";
  for (let i = 0; i < wasm.length; i++) {
    const b = wasm[i] ^ xor;
    const next = wasm[i + 1] ^ xor;
    if (b === 0) s += next >= 0x30 && next <= 0x39 ? "\\x00" : "\\0"; // "\0" then a digit is octal
    else if (reprinted && (b < 0x20 || (b >= 0x7f && b < 0xa0))) s += "\\x" + b.toString(16).padStart(2, "0");
    else if (b === 0x0a) s += "\\n";
    else if (b === 0x0d) s += "\\r";
    else if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += "\\\\";
    else s += String.fromCharCode(b);
  }
  // The length tells a file decoded as UTF-8 (one char per byte) from one that was not.
  return `export default "${s}";\nexport const byteLength = ${wasm.length};\nexport const xor = ${xor};\n`;
}

const gzipped = (text) => zlib.gzipSync(Buffer.from(text, "utf8"), { level: 9 }).length;
let best = null;
for (let xor = 0; xor < 256; xor++) {
  const text = latin1Module(xor);
  const size = gzipped(text) + gzipped(latin1Module(xor, true));
  if (best === null || size < best.size) best = { text, size };
}
fs.writeFileSync(path.join(outDir, "wasm-latin1.js"), best.text, "utf8");
fs.writeFileSync(path.join(outDir, "wasm-base64.js"), `export default "${wasm.toString("base64")}";\n`, "utf8");
