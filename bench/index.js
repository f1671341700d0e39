// Entry of `npm run bench` (via bench/run.sh, which builds pkg/ first unless --no-build).
// Runs, in order: output checks, throughput (bench/ops.js + bench/harness.js), Node and
// workerd cold start (bench/coldstart.js), sizes + twiggy appendix (bench/size.js).
// Prints one markdown report on stdout (progress on stderr) and writes bench/results.json.
//
// Options: --quick  fewer/shorter rounds (a smoke run; figures are noisier)
//          --only=ops,cold,workerd,size,twiggy,session   run a subset
//            (session: CPU overhead of session.fetch over a bare fetch, bench/session.js)
//          (run with node --expose-gc so the harness can GC between slices)

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { measure } from "./harness.js";
import { cases, checkAll } from "./ops.js";
import { nodeColdStart, withInstalledPackage, workerdBreakdown, workerdColdStart } from "./coldstart.js";
import { measureSizes, twiggyAppendix } from "./size.js";
import { sessionOverhead } from "./session.js";
import { render, verdicts } from "./report.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice(7).split(",")) : null;
const want = (k) => !only || only.has(k);
const log = (...m) => console.error("bench:", ...m);

const config = quick
  ? { warmupMs: 100, roundMs: 100, rounds: 5, batch: 32, nodeRuns: 5, workerdRuns: 2, sessionRounds: 5, sessionRequests: 300 }
  : { warmupMs: 300, roundMs: 200, rounds: 10, batch: 32, nodeRuns: 15, workerdRuns: 5, sessionRounds: 15, sessionRequests: 1000 };

function sh(cmd) {
  try { return execSync(cmd, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(); } catch { return "?"; }
}
const pkgVersion = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;

const load = () => os.loadavg().map((x) => x.toFixed(2));
const env = {
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model?.trim() ?? "?",
  loadBefore: load(),
  commit: sh("git describe --always --dirty"),
  date: new Date().toISOString(),
  versions: {
    "crm-auth": JSON.parse(fs.readFileSync(path.join(ROOT, "pkg/package.json"), "utf8")).version,
    arctic: pkgVersion("arctic"),
    oauth4webapi: pkgVersion("oauth4webapi"),
    esbuild: pkgVersion("esbuild"),
    miniflare: pkgVersion("miniflare"),
  },
};
if (!globalThis.gc) log("note: run with --expose-gc (bench/run.sh does) so slices start from a clean heap");
if (Number(env.loadBefore[0]) > 0.7 * env.cpus) log(`warning: load average ${env.loadBefore[0]} on ${env.cpus} cores — figures will be noisy`);

const R = { env, config };
const t0 = performance.now();

if (want("ops")) {
  log("checking every library's output once…");
  await checkAll();
  log("throughput…");
  const res = await measure(cases().map((g) => g.map((c) => ({ ...c, batch: config.batch }))), { ...config, log });
  R.ops = Object.fromEntries(res);
}
await withInstalledPackage(async () => {
  if (want("cold")) {
    log(`Node cold start (${config.nodeRuns} processes per library)…`);
    R.node = nodeColdStart({ n: config.nodeRuns });
  }
  if (want("workerd")) {
    log(`workerd cold start (${config.workerdRuns} Miniflare instances per library)…`);
    R.workerd = await workerdColdStart({ n: config.workerdRuns, outDir: path.join(ROOT, "target/bench/workerd") });
    log(`workerd "ready" breakdown (${config.workerdRuns} Miniflare instances per variant)…`);
    R.workerdParts = await workerdBreakdown({ n: config.workerdRuns, outDir: path.join(ROOT, "target/bench/workerd-parts") });
  }
});
if (want("size")) {
  log("sizes…");
  R.size = await measureSizes();
}
if (want("session")) {
  log(`session.fetch overhead (${config.sessionRounds} rounds × ${config.sessionRequests} requests per path)…`);
  R.session = await sessionOverhead({ rounds: config.sessionRounds, requests: config.sessionRequests, concurrency: 16, log });
}
if (want("twiggy")) {
  log("names-kept build + twiggy…");
  R.twiggy = twiggyAppendix({ outDir: path.join(ROOT, "target/bench-names") });
}
env.loadAfter = load();
env.seconds = Math.round((performance.now() - t0) / 1000);

R.budgets = verdicts(R);
fs.writeFileSync(path.join(HERE, "results.json"), JSON.stringify(R, null, 2) + "\n");
console.log(render(R));
log(`done in ${env.seconds} s; raw samples in bench/results.json`);
