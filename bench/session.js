// session.fetch overhead (`npm run bench -- --only=session`): CPU time per request of
// `session.fetch(path)` minus that of a bare `fetch(url, { headers: { authorization } })`,
// against a local server. Not a test.
//
// Method:
//   - The server is a tiny node:http server on 127.0.0.1 in a CHILD process (answers 200 JSON),
//     so process.cpuUsage() of this process counts the client side only: undici, the Request
//     objects, and for the session path everything Session adds (path resolution, store read +
//     TokenSet.deserialize + expiry check, authorize() into wasm, the Request copies).
//   - One Session (generic OAuth2 provider with apiBase = the local server) over a MemoryStore
//     holding a fresh token set: no refresh happens; this is the steady-state cost per call.
//   - Both paths read the whole response body (arrayBuffer()). Keep-alive connections (undici).
//   - A third path, bare fetch + timeout (an AbortController and a timer per request, as http.js
//     arms for every API call), shows what Session costs beyond that timeout.
//   - Two shapes: sequential (one request at a time) and concurrent (`concurrency` requests under
//     Promise.all, repeated). Rounds interleave the paths (order rotated each round)
//     after a warm-up; a full GC (with --expose-gc) runs before each slice.
//   - Figures: per round, CPU µs (user + system) / request and wall µs / request; reported as the
//     median over rounds; overhead = median over rounds of (session − bare), with its IQR.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { quantile } from "./harness.js";

const SERVER = `
const http = require("node:http");
const body = JSON.stringify({ ok: true, items: [{ id: 1, name: "Alice Example" }] });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
process.stdin.on("end", () => process.exit(0)); // parent gone → exit
process.stdin.resume();
`;

async function startServer() {
  const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  let buf = "";
  child.stdout.setEncoding("utf8");
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("bench server did not start")), 5000);
    child.stdout.on("data", (d) => {
      buf += d;
      if (buf.includes("\n")) { clearTimeout(t); resolve(Number(buf.trim())); }
    });
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      child.stdin.end();
      child.kill();
      if (child.exitCode === null) await once(child, "exit").catch(() => {});
    },
  };
}

const median = (xs) => quantile(xs, 0.5);
const stats = (xs) => ({ median: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), samples: xs });

/** Runs `n` requests of `one()` (sequential, or `concurrency` at a time); CPU and wall µs per request. */
async function slice(one, n, concurrency) {
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  if (concurrency <= 1) {
    for (; done < n; done++) await one();
  } else {
    for (; done < n; done += concurrency) await Promise.all(Array.from({ length: concurrency }, one));
  }
  const wall = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / done, wallUs: wall / done };
}

/**
 * @param {object} o
 * @param {number} o.rounds  interleaved rounds per shape
 * @param {number} o.requests  requests per slice
 * @param {number} o.concurrency  requests in flight in the concurrent shape
 */
export async function sessionOverhead({ rounds = 15, requests = 1000, concurrency = 16, log = () => {} } = {}) {
  const { OAuth2, Session, MemoryStore, TokenSet } = await import("../pkg/node.js");
  const server = await startServer();
  try {
    const token = "bench-access-token-0123456789abcdef";
    const provider = new OAuth2({
      authorizationEndpoint: `${server.origin}/authorize`,
      tokenEndpoint: `${server.origin}/token`,
      clientId: "bench",
      redirectUri: "http://127.0.0.1/callback",
      apiBase: server.origin,
    });
    const store = new MemoryStore();
    const session = new Session({ provider, store, key: "user-1" });
    await session.save(new TokenSet({ accessToken: token, refreshToken: "bench-refresh", expiresAt: Date.now() + 24 * 3600_000 }));
    const url = `${server.origin}/api/items?page=1`;

    const bare = async () => {
      const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (r.status !== 200) throw new Error(`bare fetch: ${r.status}`);
      return r.arrayBuffer();
    };
    // A bare fetch with the same abortable timeout as the fetch seam (an AbortController and a
    // timer per request): what Session costs beyond the timeout every API call gets.
    const bareTimeout = async () => {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 30000);
      try {
        const r = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
        if (r.status !== 200) throw new Error(`bare fetch + timeout: ${r.status}`);
        return r.arrayBuffer();
      } finally {
        clearTimeout(timer);
      }
    };
    const viaSession = async () => {
      const r = await session.fetch("/api/items?page=1");
      if (r.status !== 200) throw new Error(`session.fetch: ${r.status}`);
      return r.arrayBuffer();
    };

    // Same request on the wire? (Authorization header and URL.)
    const seen = await session.fetch("/api/items?page=1");
    await seen.arrayBuffer();
    if (seen.url !== url) throw new Error(`session.fetch went to ${seen.url}, not ${url}`);

    const out = { requests, rounds, concurrency, shapes: {} };
    for (const [shape, c] of [["sequential", 1], ["concurrent", concurrency]]) {
      log(`session.fetch overhead (${shape}): warm-up…`);
      for (let i = 0; i < 2; i++) {
        await slice(bare, requests, c);
        await slice(bareTimeout, requests, c);
        await slice(viaSession, requests, c);
      }
      const b = { cpu: [], wall: [] };
      const t = { cpu: [], wall: [] };
      const s = { cpu: [], wall: [] };
      const d = { cpu: [], wall: [] };
      const dt = { cpu: [], wall: [] };
      const paths = [[bare, b], [bareTimeout, t], [viaSession, s]];
      for (let r = 0; r < rounds; r++) {
        const order = paths.map((_, i) => paths[(i + r) % paths.length]); // rotated each round
        const got = new Map();
        for (const [fn, acc] of order) {
          const x = await slice(fn, requests, c);
          acc.cpu.push(x.cpuUs);
          acc.wall.push(x.wallUs);
          got.set(acc, x);
        }
        d.cpu.push(got.get(s).cpuUs - got.get(b).cpuUs);
        d.wall.push(got.get(s).wallUs - got.get(b).wallUs);
        dt.cpu.push(got.get(s).cpuUs - got.get(t).cpuUs);
        dt.wall.push(got.get(s).wallUs - got.get(t).wallUs);
      }
      out.shapes[shape] = {
        bare: { cpuUs: stats(b.cpu), wallUs: stats(b.wall) },
        bareTimeout: { cpuUs: stats(t.cpu), wallUs: stats(t.wall) },
        session: { cpuUs: stats(s.cpu), wallUs: stats(s.wall) },
        overhead: { cpuUs: stats(d.cpu), wallUs: stats(d.wall) },
        overTimeout: { cpuUs: stats(dt.cpu), wallUs: stats(dt.wall) },
      };
      log(`session.fetch overhead (${shape}): ${median(d.cpu).toFixed(1)} µs CPU per request ` +
        `(${median(dt.cpu).toFixed(1)} over a bare fetch with a timeout)`);
    }
    return out;
  } finally {
    await server.close();
  }
}

const us = (n) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));
const cell = (m) => `${us(m.median)} (IQR ${us(m.p25)}–${us(m.p75)})`;

/** Markdown section for bench/report.js. */
export function renderSession(S) {
  const rows = [["session.fetch overhead, µs per request", "bare fetch", "bare fetch + timeout", "session.fetch",
    "overhead (session − bare)", "overhead %", "session − (bare + timeout)"]];
  for (const [shape, x] of Object.entries(S.shapes)) {
    const label = shape === "sequential" ? "sequential" : `${S.concurrency} concurrent`;
    for (const [unit, k] of [["CPU", "cpuUs"], ["wall", "wallUs"]]) {
      rows.push([`${label}: ${unit} µs`, us(x.bare[k].median), us(x.bareTimeout[k].median), us(x.session[k].median),
        cell(x.overhead[k]), `${Math.round((100 * x.overhead[k].median) / x.bare[k].median)}%`, cell(x.overTimeout[k])]);
    }
  }
  return { rows, notes: [
    `Median of ${S.rounds} interleaved rounds of ${S.requests} requests per path and shape, after a warm-up, one Node ` +
      "process (bench/session.js). CPU = process.cpuUsage() user + system of the client process (the server is a " +
      "node:http child process on 127.0.0.1 answering 200 JSON), per request; wall = elapsed time per request. " +
      "Overhead = median over rounds of (session − bare), IQR over rounds. Bare: `fetch(url, { headers: { authorization } })`; " +
      "bare + timeout: the same with an AbortController's signal and a 30 s timer, cleared at the headers (what the fetch " +
      "seam does for every API call; in Node 20 undici follows the signal with a WeakRef, a FinalizationRegistry entry " +
      "and a listener); " +
      "session: `session.fetch(path)` (generic OAuth2 provider, MemoryStore, fresh tokens: no refresh). Both read the body.",
  ] };
}
