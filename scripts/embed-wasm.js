// Writes the wasm as two ES modules for the entries that embed it.
// <out-dir>/wasm-latin1.js (browser.js): a string with one char per byte
// (char code = byte XOR `xor`). In a UTF-8 file chars >= 0x80 take two bytes,
// yet it gzips ~8 KB smaller than base64 (the wasm's own redundancy
// survives). The XOR key is the one of the 256 that gzips smallest (~1 KB
// less than none: fewer two-byte chars where the wasm repeats itself); the
// decode loop browsers run anyway pays nothing for it. Escaped: only what a
// string literal cannot hold (NUL, CR, LF, quote, backslash).
// <out-dir>/wasm-base64.js (node.js, node.cjs): base64. Node's ESM loader
// decodes and parses a non-ASCII source several ms slower than an ASCII one
// of the same size, and no browser downloads these entries.
// Usage: node scripts/embed-wasm.js <in.wasm> <out-dir>
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [input, outDir] = process.argv.slice(2);
const wasm = fs.readFileSync(input);

function latin1Module(xor) {
  let s = "";
  for (let i = 0; i < wasm.length; i++) {
    const b = wasm[i] ^ xor;
    const next = wasm[i + 1] ^ xor;
    if (b === 0) s += next >= 0x30 && next <= 0x39 ? "\\x00" : "\\0"; // "\0" then a digit is octal
    else if (b === 0x0a) s += "\\n";
    else if (b === 0x0d) s += "\\r";
    else if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += "\\\\";
    else s += String.fromCharCode(b);
  }
  // The length tells a file decoded as UTF-8 (one char per byte) from one that was not.
  return `export default "${s}";\nexport const byteLength = ${wasm.length};\nexport const xor = ${xor};\n`;
}

let best = null;
for (let xor = 0; xor < 256; xor++) {
  const text = latin1Module(xor);
  const size = zlib.gzipSync(Buffer.from(text, "utf8"), { level: 9 }).length;
  if (best === null || size < best.size) best = { text, size };
}
fs.writeFileSync(path.join(outDir, "wasm-latin1.js"), best.text, "utf8");
fs.writeFileSync(path.join(outDir, "wasm-base64.js"), `export default "${wasm.toString("base64")}";\n`, "utf8");
