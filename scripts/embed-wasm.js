// Writes the wasm as two ES modules for the entries that embed it.
// <out-dir>/wasm-latin1.js (browser.js): a string with one char per byte (char
// code = byte). In a UTF-8 file bytes >= 0x80 take two bytes, yet it gzips
// ~8 KB smaller than base64 (the wasm's own redundancy survives). Escaped:
// only what a string literal cannot hold (NUL, CR, LF, quote, backslash).
// <out-dir>/wasm-base64.js (node.js, node.cjs): base64. Node's ESM loader
// decodes and parses a non-ASCII source several ms slower than an ASCII one
// of the same size, and no browser downloads these entries.
// Usage: node scripts/embed-wasm.js <in.wasm> <out-dir>
import fs from "node:fs";
import path from "node:path";

const [input, outDir] = process.argv.slice(2);
const wasm = fs.readFileSync(input);
let s = "";
for (let i = 0; i < wasm.length; i++) {
  const b = wasm[i];
  if (b === 0) s += wasm[i + 1] >= 0x30 && wasm[i + 1] <= 0x39 ? "\\x00" : "\\0"; // "\0" then a digit is octal
  else if (b === 0x0a) s += "\\n";
  else if (b === 0x0d) s += "\\r";
  else if (b === 0x22) s += '\\"';
  else if (b === 0x5c) s += "\\\\";
  else s += String.fromCharCode(b);
}
// The length tells a file decoded as UTF-8 (one char per byte) from one that was not.
fs.writeFileSync(path.join(outDir, "wasm-latin1.js"), `export default "${s}";\nexport const byteLength = ${wasm.length};\n`, "utf8");
fs.writeFileSync(path.join(outDir, "wasm-base64.js"), `export default "${wasm.toString("base64")}";\n`, "utf8");
