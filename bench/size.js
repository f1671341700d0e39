// Bytes on the wire, and the per-function / per-crate size appendix.
//
// crm-auth: what a browser downloads for the default entry — browser.js (glue + every JS module +
//   the wasm inside as a Latin-1 string, one minified module) — and, in a row of its own, for
//   `crm-auth/slim` (slim.js + crm_auth_bg.wasm, each a separate response, compressed on its own
//   and summed).
// Peers: bench/entries/<lib>.js (one provider: authorize URL + callback check + code
//   exchange) bundled with esbuild --bundle --minify --format=esm (browser platform).
//   For reference, crm-auth's default entry used the same way (bench/entries/crm-auth.js) is
//   bundled with the same flags (the wasm is inside).
// Compression (node:zlib): gzip level 9; brotli quality 11 (max), default window.
//
// Appendix: a names-kept build (the steps of scripts/build.sh with wasm-opt -g and wasm-bindgen
// --keep-debug, so sizes match the shipped wasm but the name section survives), `twiggy top -n 25`, and a per-crate rollup of shallow sizes.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
// What a browser downloads: the default entry, and the slim entry with its wasm.
export const CRM_FILES = ["browser.js"];
export const CRM_SLIM_FILES = ["slim.js", "crm_auth_bg.wasm"];

export function sizes(buf) {
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const ZERO = { raw: 0, gzip: 0, brotli: 0 };

async function bundle(entry) {
  const esbuild = await import("esbuild");
  const r = await esbuild.build({
    entryPoints: [entry], bundle: true, minify: true, format: "esm", write: false, logLevel: "error",
    external: ["*.wasm"],
  });
  return Buffer.from(r.outputFiles[0].contents);
}

const filesSizes = (names) => {
  const files = Object.fromEntries(names.map((f) => [f, sizes(fs.readFileSync(path.join(ROOT, "pkg", f)))]));
  return { files, total: Object.values(files).reduce(add, ZERO) };
};

/** Sizes of crm-auth's shipped files (default entry; slim entry) and of each peer's bundle. */
export async function measureSizes() {
  const crm = { ...filesSizes(CRM_FILES), slim: filesSizes(CRM_SLIM_FILES) };
  const crmBundleJs = sizes(await bundle(path.join(HERE, "entries", "crm-auth.js")));
  crm.bundled = { js: crmBundleJs, total: crmBundleJs };

  const peers = {};
  for (const lib of ["arctic", "oauth4webapi"]) {
    peers[lib] = sizes(await bundle(path.join(HERE, "entries", `${lib}.js`)));
  }
  return { "crm-auth": crm, ...peers };
}

// ---- appendix: twiggy ----------------------------------------------------------------------

function which(cmd) {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** wasm-opt --enable-* flags used by scripts/build.sh (read, so they stay in step). */
function buildFeatureFlags() {
  try {
    const text = fs.readFileSync(path.join(ROOT, "scripts", "build.sh"), "utf8");
    const flags = [...new Set(text.match(/--enable-[a-z0-9-]+/g) ?? [])];
    if (flags.length) return flags;
  } catch {}
  return ["--enable-reference-types", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
    "--enable-sign-ext", "--enable-multivalue", "--enable-mutable-globals"];
}

/**
 * Which crate an item belongs to, from its (demangled) name. Trait impls count for the
 * crate of their Self type when it is a path (`<crm_auth::X as core::fmt::Debug>` →
 * crm_auth), else for the trait's crate (`<f64 as core::str::FromStr>` → core).
 */
export function crateOf(name) {
  if (/name" subsection|names" subsection|^custom section|producers/.test(name)) return "(name/custom sections, not shipped)";
  if (name.startsWith("data segment")) return "(data segments: string/const tables)";
  if (/ shim\b/.test(name) || /^__wbg|^__wbindgen|^__externref/.test(name)) return "(wasm-bindgen export shims + inlined bodies)";
  if (/^(import|export) /.test(name)) return "(import/export entries)";
  if (/^<(u8|u16|u32|u64|u128|usize|i32|i64|f32|f64|char|str|bool|\[u8\])>::/.test(name)) return "core";
  if (/^(memcmp|memcpy|memmove|memset|round|__multi3|__udivti3|__[a-z0-9]+[0-9])$/.test(name)) return "compiler_builtins";
  if (/^__rustc\[/.test(name)) return "std";
  if (/^code\[\d+\]$/.test(name)) return "(unnamed functions)";
  let s = name.replace(/\[[0-9a-f]{16}\]/g, "").replace(/^(<|&|mut |dyn |\*const |\*mut |\()+/, "");
  let m = s.match(/^([A-Za-z_][A-Za-z0-9_]*)::/);
  if (m) return m[1];
  m = s.match(/ as ([A-Za-z_][A-Za-z0-9_]*)::/);
  if (m) return m[1];
  if (/^(type|table|elem|global|memory|func|code|wasm magic|section headers)\b|section headers/.test(name)) return "(wasm structure)";
  return "(other)";
}

/** Returns { ok, note?, top?: string, rollup?: [{crate, bytes, pct, items}], files } */
export function twiggyAppendix({ outDir }) {
  const twiggy = which("twiggy") ?? (fs.existsSync(`${process.env.HOME}/.cargo/bin/twiggy`) ? `${process.env.HOME}/.cargo/bin/twiggy` : null);
  if (!twiggy) return { ok: false, note: "twiggy not installed (bench/run.sh tries `cargo install twiggy`); appendix skipped." };
  const wasmBindgen = which("wasm-bindgen");
  const input = path.join(ROOT, "target/wasm32-unknown-unknown/release/crm_auth.wasm");
  if (!wasmBindgen || !fs.existsSync(input)) {
    return { ok: false, note: `names-kept build skipped: ${wasmBindgen ? input + " missing (run scripts/build.sh)" : "wasm-bindgen not found"}.` };
  }
  const wasmOpt = path.join(ROOT, "node_modules/.bin/wasm-opt"); // npm binaryen, never Debian's
  if (!fs.existsSync(wasmOpt)) return { ok: false, note: "node_modules/.bin/wasm-opt missing (run scripts/setup.sh)." };
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  // The steps of scripts/build.sh, with names kept (-g, --keep-debug).
  const stripped = path.join(outDir, "input.wasm");
  let r = spawnSync(wasmOpt, ["-g", "--strip-target-features", ...buildFeatureFlags(), input, "-o", stripped], { encoding: "utf8" });
  if (r.status !== 0) return { ok: false, note: `wasm-opt failed: ${r.stderr.trim().slice(0, 400)}` };
  r = spawnSync(wasmBindgen, ["--target", "web", "--keep-debug", "--out-dir", outDir, "--out-name", "crm_auth", stripped], { encoding: "utf8" });
  if (r.status !== 0) return { ok: false, note: `wasm-bindgen --keep-debug failed: ${r.stderr.trim().slice(0, 400)}` };
  const named = path.join(outDir, "crm_auth_bg.wasm");
  const opt = path.join(outDir, "crm_auth_bg.opt.wasm");
  let target = named;
  let optimised = false;
  r = spawnSync(wasmOpt, ["-Oz", "--converge", "-ocimfs", "20", "-g", "--strip-target-features", ...buildFeatureFlags(), named, "-o", opt], { encoding: "utf8" });
  if (r.status === 0) { target = opt; optimised = true; }
  const top = spawnSync(twiggy, ["top", "-n", "25", target], { encoding: "utf8" });
  const all = spawnSync(twiggy, ["top", "-f", "json", target], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (top.status !== 0 || all.status !== 0) return { ok: false, note: `twiggy failed: ${(top.stderr || all.stderr).trim().slice(0, 400)}` };

  const items = JSON.parse(all.stdout);
  const total = items.reduce((s, it) => s + it.shallow_size, 0);
  const byCrate = new Map();
  for (const it of items) {
    const c = crateOf(it.name);
    const e = byCrate.get(c) ?? { crate: c, bytes: 0, items: 0 };
    e.bytes += it.shallow_size;
    e.items++;
    byCrate.set(c, e);
  }
  // Percentages are of the wasm without its name/custom sections (≈ the shipped file).
  const NAMES = "(name/custom sections, not shipped)";
  const shippedLike = total - (byCrate.get(NAMES)?.bytes ?? 0);
  const rollup = [...byCrate.values()].sort((a, b) => b.bytes - a.bytes)
    .map((e) => ({ ...e, pct: e.crate === NAMES ? null : (100 * e.bytes) / shippedLike }));
  return {
    ok: true,
    analysed: path.relative(ROOT, target),
    optimised,
    analysedBytes: fs.statSync(target).size,
    shippedBytes: fs.existsSync(path.join(ROOT, "pkg/crm_auth_bg.wasm")) ? fs.statSync(path.join(ROOT, "pkg/crm_auth_bg.wasm")).size : null,
    withoutNames: shippedLike,
    top: top.stdout,
    rollup,
  };
}
