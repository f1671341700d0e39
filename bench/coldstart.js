// Cold start: how long until the first authorize URL exists, in a fresh runtime.
//
// Like with like: every library is imported by its package name. crm-auth is installed for the
// run as npm would install its tarball (pkg/ copied to node_modules/crm-auth, removed again
// afterwards), next to the peers, so all three pay the same package lookup (node_modules walk,
// package.json, `exports` conditions). Importing pkg/node.js by path flattered crm-auth by ~1 ms.
//
// Node: bench/cold-child.js is spawned `n` times per library (libraries interleaved) with
//   spawnSync; the child reports `boot` (Node start-up until its first line) and `toUrl`
//   (first line → first authorize URL: import, wasm compile + instantiate for crm-auth, first
//   call). The parent also records process wall time (spawn → exit, includes Node start-up
//   and shutdown). Medians are reported.
// workerd: for each sample a fresh Miniflare 4 is started for the worker, and we time
//   `new Miniflare()` → `ready` (workerd process start + script load: module evaluation,
//   and for crm-auth the wasm compile + instantiate in the `workerd` entry), then the first
//   `dispatchFetch` (the handler builds an authorize URL; round trip through miniflare's
//   loopback HTTP), then a second one (warm: the round trip floor). Timing is taken outside
//   workerd because workerd freezes its own clocks during execution. A no-library baseline
//   worker shows the floor of both. Every worker is bundled the way wrangler does it: esbuild
//   from the package name with the `workerd` condition, `.wasm` imports left as modules
//   (CompiledWasm), so crm-auth is measured in whatever layout its entries have.
// workerdBreakdown: where crm-auth's extra "ready" time goes, by variants of the baseline
//   worker that add one part at a time (bench/workers/parts.js).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./harness.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const LIBS = ["crm-auth", "arctic", "oauth4webapi"];

function checkUrl(lib, url) {
  const p = new URL(url).searchParams;
  if (p.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(p.get("code_challenge") ?? "")
    || (p.get("state") ?? "").length < 22) {
    throw new Error(`${lib}: cold-start URL lacks state / S256 challenge: ${url}`);
  }
}

/** pkg/ installed as node_modules/crm-auth (files copied, as from the tarball) while `run` runs. */
export async function withInstalledPackage(run) {
  const dir = path.join(ROOT, "node_modules", "crm-auth");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, "pkg"), dir, { recursive: true });
  try {
    return await run();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Node cold start, `n` fresh processes per library (crm-auth must be installed: withInstalledPackage). */
export function nodeColdStart({ n = 15 } = {}) {
  const child = path.join(HERE, "cold-child.js");
  const raw = Object.fromEntries(LIBS.map((l) => [l, { boot: [], toUrl: [], wall: [] }]));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < LIBS.length; k++) {
      const lib = LIBS[(i + k) % LIBS.length];
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [child, lib], { cwd: ROOT, encoding: "utf8" });
      const wall = performance.now() - t0;
      if (r.status !== 0) throw new Error(`cold-child ${lib} failed: ${r.stderr}`);
      const out = JSON.parse(r.stdout);
      checkUrl(lib, out.url);
      raw[lib].boot.push(out.boot);
      raw[lib].toUrl.push(out.toUrl);
      raw[lib].wall.push(wall);
    }
  }
  const res = {};
  for (const lib of LIBS) {
    res[lib] = {
      bootMs: median(raw[lib].boot),
      toUrlMs: median(raw[lib].toUrl),
      wallMs: median(raw[lib].wall),
      samples: raw[lib],
    };
  }
  return res;
}

/** A wasm module whose only content is an empty `__wbindgen_start`: the glue's init accepts it,
 * so a worker with it in place of the real wasm costs the entry's JS alone. */
const STUB_WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00, 0x07, 0x14, 0x01, 0x10, ..."__wbindgen_start".split("").map((c) => c.charCodeAt(0)), 0x00, 0x00,
  0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b]);

/** esbuild as wrangler runs it: `workerd` condition, `.wasm` imports kept as modules next to the bundle. */
async function bundleWorker(src, outDir, { wasmStub = false } = {}) {
  const esbuild = await import("esbuild");
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const wasmModules = {
    name: "wasm-modules",
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, (args) => {
        const file = path.resolve(args.resolveDir, args.path);
        if (wasmStub) fs.writeFileSync(path.join(outDir, path.basename(file)), STUB_WASM);
        else fs.copyFileSync(file, path.join(outDir, path.basename(file)));
        return { path: `./${path.basename(file)}`, external: true };
      });
    },
  };
  const scriptPath = path.join(outDir, "worker.js");
  await esbuild.build({ entryPoints: [src], outfile: scriptPath, bundle: true, minify: true, format: "esm",
    platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"],
    external: ["cloudflare:*"], plugins: [wasmModules], logLevel: "error" });
  return { scriptPath, modulesRoot: outDir };
}

/** Bundles each worker under `outDir`; returns name -> Miniflare script options. */
async function prepareWorkers(outDir, names) {
  const scripts = {};
  for (const name of names) scripts[name] = await bundleWorker(path.join(HERE, "workers", `${name}.js`), path.join(outDir, name));
  return scripts;
}

/** `ready`, first and warm fetch of a fresh Miniflare per sample, workers interleaved. */
async function startWorkers(scripts, n, check) {
  const { Miniflare } = await import("miniflare");
  const names = Object.keys(scripts);
  const raw = Object.fromEntries(names.map((l) => [l, { ready: [], first: [], warm: [], nodeCpu: [] }]));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < names.length; k++) {
      const lib = names[(i + k) % names.length];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const mf = new Miniflare({
        modules: true,
        ...scripts[lib],
        modulesRules: [
          { type: "ESModule", include: ["**/*.js"] },
          { type: "CompiledWasm", include: ["**/*.wasm"] },
        ],
        compatibilityDate: "2025-01-01",
      });
      try {
        await mf.ready;
        const t1 = performance.now();
        // CPU spent in this process (miniflare's side: it parses every module to find its imports).
        const cpu = process.cpuUsage(cpu0);
        const res = await mf.dispatchFetch("http://localhost/login");
        const url = await res.text();
        const t2 = performance.now();
        const res2 = await mf.dispatchFetch("http://localhost/login");
        const url2 = await res2.text();
        const t3 = performance.now();
        if (res.status !== 200) throw new Error(`${lib} worker: HTTP ${res.status}: ${url.slice(0, 300)}`);
        check(lib, url, url2);
        raw[lib].ready.push(t1 - t0);
        raw[lib].first.push(t2 - t1);
        raw[lib].warm.push(t3 - t2);
        raw[lib].nodeCpu.push((cpu.user + cpu.system) / 1000);
      } finally {
        await mf.dispose();
      }
    }
  }
  const res = {};
  for (const lib of names) {
    res[lib] = {
      readyMs: median(raw[lib].ready),
      minReadyMs: Math.min(...raw[lib].ready),
      readyNodeCpuMs: median(raw[lib].nodeCpu),
      firstFetchMs: median(raw[lib].first),
      warmFetchMs: median(raw[lib].warm),
      samples: raw[lib],
    };
  }
  return res;
}

/** workerd (miniflare) cold start, `n` fresh Miniflare instances per worker (crm-auth installed). */
export async function workerdColdStart({ n = 5, outDir }) {
  const scripts = await prepareWorkers(outDir, ["baseline", ...LIBS]);
  return startWorkers(scripts, n, (lib, url, url2) => {
    if (lib === "baseline") return;
    checkUrl(lib, url);
    if (url === url2) throw new Error(`${lib} worker: same URL twice`);
  });
}

/**
 * Where crm-auth's "ready" time goes in workerd: the baseline worker plus one part at a time
 * (bench/workers/parts.js): a DurableObject subclass from `cloudflare:workers` (the entry's
 * TokenStoreObject), the wasm as a CompiledWasm module (compiled by workerd at load, not
 * instantiated), the same module instantiated with stub imports and started, the `workerd`
 * entry with an empty stub in place of its wasm (its JS alone), and the whole entry.
 */
export async function workerdBreakdown({ n = 9, outDir }) {
  const wasm = fs.readdirSync(path.join(ROOT, "pkg")).find((f) => f.endsWith(".wasm"));
  if (!wasm) throw new Error("workerdBreakdown: pkg/ ships no .wasm file");
  const variants = { baseline: "baseline", "DurableObject subclass": "workers", "wasm module": "compile",
    "wasm module + instantiate + start": "instantiate", "crm-auth entry, stub wasm": "js", "crm-auth entry": "entry" };
  const scripts = {};
  const src = path.join(HERE, "workers", "parts.js");
  for (const [name, part] of Object.entries(variants)) {
    const dir = path.join(outDir, part);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // The wasm the package ships, whatever its name; the entry variant imports the package itself.
    const text = fs.readFileSync(src, "utf8").split("\n")
      .filter((line) => !/\/\/ only: /.test(line) || line.split("// only: ")[1].split(" ").includes(part))
      .join("\n").replace(/__PART__/g, part).replace("__WASM__", path.join(ROOT, "pkg", wasm));
    fs.writeFileSync(path.join(dir, "src.js"), text);
    scripts[name] = await bundleWorker(path.join(dir, "src.js"), path.join(dir, "out"), { wasmStub: part === "js" });
  }
  return startWorkers(scripts, n, () => {});
}
