// Cold start: how long until the first authorize URL exists, in a fresh runtime.
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
//   worker shows the floor of both. Peers are bundled with esbuild; crm-auth is used as
//   shipped (its `workerd` entry + wasm as a CompiledWasm module), like the e2e test.

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

/** Node cold start, `n` fresh processes per library. */
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

/** Writes the worker of each library (plus baseline) under `outDir`; returns lib -> script path. */
async function prepareWorkers(outDir) {
  const esbuild = await import("esbuild");
  const scripts = {};
  for (const lib of ["baseline", ...LIBS]) {
    const dir = path.join(outDir, lib);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const src = path.join(HERE, "workers", `${lib}.js`);
    const out = path.join(dir, "worker.js");
    if (lib === "crm-auth") {
      // What wrangler would upload: the workerd entry (one bundled module) and the wasm, with
      // the bare import pointed at the entry. (Other runtimes' entries next to it would be
      // loaded as modules too and slow "ready" down.)
      fs.mkdirSync(path.join(dir, "pkg"));
      for (const f of ["workerd.js", "crm_auth_bg.wasm"]) fs.copyFileSync(path.join(ROOT, "pkg", f), path.join(dir, "pkg", f));
      const text = fs.readFileSync(src, "utf8").replace(/from "crm-auth"/, 'from "./pkg/workerd.js"');
      fs.writeFileSync(out, text);
    } else if (lib === "baseline") {
      fs.copyFileSync(src, out);
    } else {
      await esbuild.build({ entryPoints: [src], outfile: out, bundle: true, minify: true, format: "esm",
        platform: "neutral", mainFields: ["module", "main"], logLevel: "error" });
    }
    scripts[lib] = { scriptPath: out, modulesRoot: dir };
  }
  return scripts;
}

/** workerd (miniflare) cold start, `n` fresh Miniflare instances per worker. */
export async function workerdColdStart({ n = 5, outDir }) {
  const { Miniflare } = await import("miniflare");
  const scripts = await prepareWorkers(outDir);
  const names = Object.keys(scripts);
  const raw = Object.fromEntries(names.map((l) => [l, { ready: [], first: [], warm: [] }]));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < names.length; k++) {
      const lib = names[(i + k) % names.length];
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
        const res = await mf.dispatchFetch("http://localhost/login");
        const url = await res.text();
        const t2 = performance.now();
        const res2 = await mf.dispatchFetch("http://localhost/login");
        const url2 = await res2.text();
        const t3 = performance.now();
        if (res.status !== 200) throw new Error(`${lib} worker: HTTP ${res.status}: ${url.slice(0, 300)}`);
        if (lib !== "baseline") {
          checkUrl(lib, url);
          if (url === url2) throw new Error(`${lib} worker: same URL twice`);
        }
        raw[lib].ready.push(t1 - t0);
        raw[lib].first.push(t2 - t1);
        raw[lib].warm.push(t3 - t2);
      } finally {
        await mf.dispose();
      }
    }
  }
  const res = {};
  for (const lib of names) {
    res[lib] = {
      readyMs: median(raw[lib].ready),
      firstFetchMs: median(raw[lib].first),
      warmFetchMs: median(raw[lib].warm),
      samples: raw[lib],
    };
  }
  return res;
}
