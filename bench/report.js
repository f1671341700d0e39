// Formats bench results as markdown for stdout (pasteable into the README).

import { OPS, LIBS } from "./ops.js";
import { renderSession } from "./session.js";

export const BUDGET = {
  gzipBytes: 32 * 1024, // wasm + glue, gzip -9 (KB = 1024 bytes)
  coldStartMs: 4, // Node, first line → first authorize URL, median
  // crm-auth ops/s ÷ the faster peer (issue 12): authorize and callback ≥ 1.5×, the rest ≥ 1.0×
  opRatio: { authorize: 1.5, callback: 1.5, exchange: 1.0, parse: 1.0, apply: 1.0 },
};

const KB = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (r) => (r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`);

function opsps(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

/** "63.2k ±4%": median and half the interquartile range, relative. */
const opsCell = (m) => `${opsps(m.median)} ±${Math.round((50 * (m.p75 - m.p25)) / m.median)}%`;
const met = (ok, fig, need) => (ok ? `met: ${fig} (${need})` : `**NOT MET**: ${fig} (needs ${need})`);

/** The budget verdicts, for the table and for results.json. */
export function verdicts(R) {
  const v = [];
  if (R.ops) {
    for (const { key } of OPS) {
      const best = Math.max(R.ops[`arctic/${key}`].median, R.ops[`oauth4webapi/${key}`].median);
      const r = R.ops[`crm-auth/${key}`].median / best;
      const need = BUDGET.opRatio[key];
      v.push({ row: key, budget: `ops/s >= ${need}x faster peer`, value: r, met: r >= need });
    }
  }
  if (R.node) {
    const t = R.node["crm-auth"].toUrlMs;
    v.push({ row: "node-cold-start", budget: `<= ${BUDGET.coldStartMs} ms`, value: t, met: t <= BUDGET.coldStartMs });
  }
  if (R.size) {
    const g = R.size["crm-auth"].total.gzip;
    v.push({ row: "gzip-bytes", budget: `<= ${BUDGET.gzipBytes} B`, value: g, met: g <= BUDGET.gzipBytes });
  }
  return v;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|")}|`;
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join("\n");
}

export function render(R) {
  const out = [];
  const v = R.env.versions;
  const head = ["", "crm-auth", `arctic ${v.arctic}`, `oauth4webapi ${v.oauth4webapi}`,
    "crm-auth vs best peer¹", "budget"];
  const rows = [head];

  if (R.ops) {
    for (const { key, label } of OPS) {
      const m = Object.fromEntries(LIBS.map((l) => [l, R.ops[`${l}/${key}`]]));
      const best = Math.max(m.arctic.median, m.oauth4webapi.median);
      const r = m["crm-auth"].median / best;
      rows.push([`${label}, ops/s²`, opsCell(m["crm-auth"]), opsCell(m.arctic), opsCell(m.oauth4webapi),
        ratio(r), met(r >= BUDGET.opRatio[key], ratio(r), `≥ ${BUDGET.opRatio[key].toFixed(1)}×`)]);
    }
  }
  if (R.node) {
    const n = R.node;
    const best = Math.min(n.arctic.toUrlMs, n.oauth4webapi.toUrlMs);
    rows.push([`Node cold start: first line → first URL, ms³`, ms(n["crm-auth"].toUrlMs), ms(n.arctic.toUrlMs),
      ms(n.oauth4webapi.toUrlMs), ratio(best / n["crm-auth"].toUrlMs),
      met(n["crm-auth"].toUrlMs <= BUDGET.coldStartMs, `${ms(n["crm-auth"].toUrlMs)} ms`, `≤ ${BUDGET.coldStartMs} ms`)]);
    const bw = Math.min(n.arctic.wallMs, n.oauth4webapi.wallMs);
    rows.push([`Node cold start: process wall time, ms³`, ms(n["crm-auth"].wallMs), ms(n.arctic.wallMs),
      ms(n.oauth4webapi.wallMs), ratio(bw / n["crm-auth"].wallMs), "—"]);
  }
  if (R.workerd) {
    const w = R.workerd;
    for (const [k, label] of [["readyMs", "workerd: new Miniflare → ready, ms⁴"], ["firstFetchMs", "workerd: first dispatchFetch → URL, ms⁴"]]) {
      const best = Math.min(w.arctic[k], w.oauth4webapi[k]);
      rows.push([label, ms(w["crm-auth"][k]), ms(w.arctic[k]), ms(w.oauth4webapi[k]), ratio(best / w["crm-auth"][k]), "—"]);
    }
  }
  if (R.size) {
    const s = R.size;
    const c = s["crm-auth"].total;
    for (const k of ["gzip", "brotli", "raw"]) {
      const best = Math.min(s.arctic[k], s.oauth4webapi[k]);
      const label = { gzip: "bytes on the wire, gzip -9⁵", brotli: "bytes on the wire, brotli 11⁵", raw: "bytes on the wire, raw⁵" }[k];
      rows.push([label, KB(c[k]), KB(s.arctic[k]), KB(s.oauth4webapi[k]), ratio(best / c[k]),
        k === "gzip" ? met(c.gzip <= BUDGET.gzipBytes, KB(c.gzip), `≤ ${KB(BUDGET.gzipBytes)}`) : "—"]);
    }
    const slim = s["crm-auth"].slim?.total;
    if (slim) {
      const best = Math.min(s.arctic.gzip, s.oauth4webapi.gzip);
      rows.push(["`crm-auth/slim` on the wire, gzip -9⁵", KB(slim.gzip), KB(s.arctic.gzip), KB(s.oauth4webapi.gzip), ratio(best / slim.gzip), "—"]);
    }
  }

  out.push(`## crm-auth benchmark`, "");
  out.push(`Node ${R.env.node}, ${R.env.cpus}× ${R.env.cpuModel}; load average ${R.env.loadBefore.join(" ")} before, ` +
    `${R.env.loadAfter.join(" ")} after; crm-auth ${R.env.commit}; ${R.env.date}.`, "");
  out.push(table(rows), "");
  out.push(
    "1. Above 1× crm-auth is better: ops/s ÷ the faster peer's; for times and sizes, the smaller peer figure ÷ crm-auth's.",
    `2. Median of ${R.config.rounds} interleaved ${R.config.roundMs} ms slices after a ${R.config.warmupMs} ms warm-up, ` +
      "one Node process; ± is half the interquartile range. Async operations (oauth4webapi authorize and parse, every " +
      `exchange) run ${R.config.batch} at a time under Promise.all. Clients are built once. What each row runs (bench/ops.js):`,
    "   - **authorize**: crm-auth `createAuthorizationRequest({scopes})`; arctic `generateState()` + `generateCodeVerifier()` + " +
      "`createAuthorizationURLWithPKCE(…S256…)` + `toString()`; oauth4webapi `generateRandomState()` + " +
      "`generateRandomCodeVerifier()` + `await calculatePKCECodeChallenge()` + `new URL` + 7 `searchParams.set`. " +
      "Each output is checked once: state, S256 challenge = BASE64URL(SHA-256(verifier)), and fresh values per call.",
    "   - **callback**: crm-auth `parseCallback(url, {state})` (also checks `error`/`iss`); arctic `new URL` + " +
      "`searchParams.get` + `!==` (its docs; no helper); oauth4webapi `validateAuthResponse(as, client, new URL(url), state)`.",
    "   - **code exchange**: build the token request (form body + Basic auth), call a stub fetch that returns " +
      "`new Response(json)` at once, read + parse + validate the body, read access/refresh token and expiry. crm-auth " +
      "`exchangeCode` with its `fetch` option (also arms and clears its 30 s timeout timer); arctic " +
      "`validateAuthorizationCode` with the global fetch stubbed; oauth4webapi `authorizationCodeGrantRequest` " +
      "(`customFetch`) + `processAuthorizationCodeResponse`. Dominated by `Request`/`Response` and promise cost in Node.",
    "   - **token parse only** (not the same input for every library): crm-auth `TokenSet.deserialize(s)` of its own " +
      "`serialize()` string + 3 getters; arctic `new OAuth2Tokens(JSON.parse(body))` + 3 accessors; oauth4webapi " +
      "`processAuthorizationCodeResponse` on `new Response(body)` (its only parse entry point; includes the body read).",
    "   - **apply credentials**: crm-auth `authorization(url, tokens)` + one `new Request(a.url, {headers: a.headers})`; peers have no such helper: " +
      "`new Request(url, {headers: {authorization: 'Bearer ' + token}})`, what their users write.",
    `3. Median of ${R.config.nodeRuns} fresh \`node\` processes per library, interleaved. "first line → first URL" is ` +
      "`performance.now()` from the child's first statement to the URL: dynamic `import()` of the library by package " +
      "name, all three the same way (crm-auth: pkg/ installed as node_modules/crm-auth for the run; its `node` entry " +
      "decodes its embedded wasm, compiles and instantiates it synchronously) + building one client + one " +
      "authorize URL (incl. Node's lazy `globalThis.crypto` set-up, paid by every library). Wall time is spawn → exit " +
      `as seen by the parent (Node boot before the first line, crm-auth / arctic / oauth4webapi: ` +
      `${R.node ? LIBS.map((l) => ms(R.node[l].bootMs)).join(" / ") : "?"} ms). arctic is imported from "arctic", ` +
      "whose index loads every provider module, as its docs show.",
    `4. Median of ${R.config.workerdRuns} fresh Miniflare 4 instances per library. "ready" = workerd start + script ` +
      "load (crm-auth: its `workerd` entry, wasm as CompiledWasm, `initSync` at module scope); first dispatchFetch = " +
      "handler builds one client + authorize URL, + miniflare's loopback round trip. Every worker, crm-auth's " +
      "included, is bundled from the package name as wrangler does (esbuild, `workerd` condition, .wasm as CompiledWasm). " +
      (R.workerd ? `No-library baseline: ready ${ms(R.workerd.baseline.readyMs)} ms, first fetch ${ms(R.workerd.baseline.firstFetchMs)} ms; ` +
        `warm fetch ${LIBS.map((l) => ms(R.workerd[l].warmFetchMs)).join(" / ")} ms.` : ""),
    "5. crm-auth: what a browser loads for the default entry, as shipped: browser.js (every provider, Session, sealed " +
      "state, edge stores, HMAC and the wasm inside as a Latin-1 string; one minified module). The `crm-auth/slim` row: " +
      "slim.js + crm_auth_bg.wasm, each compressed separately and summed. Peers: esbuild `--bundle --minify --format=esm` " +
      "of one provider's authorize + callback + exchange (bench/entries/). KB = 1024 bytes. gzip level 9 and " +
      "brotli quality 11 from node:zlib.",
  );

  if (R.workerdParts) {
    const p = R.workerdParts;
    const base = p.baseline.readyMs;
    out.push("", "### workerd \"ready\": where crm-auth's time goes, ms", "",
      table([["variant (baseline worker + …)", "ready (median)", "over baseline", "ready (min)", "of which miniflare in Node, CPU"],
        ...Object.entries(p).map(([name, v]) => [name, ms(v.readyMs), name === "baseline" ? "—" : ms(v.readyMs - base),
          ms(v.minReadyMs), ms(v.readyNodeCpuMs)])]),
      "", `Median of ${R.config.workerdRuns} fresh Miniflare 4 instances per variant, interleaved (bench/workers/parts.js): ` +
        "DurableObject subclass = what the entry does for TokenStoreObject; wasm module = the shipped .wasm as a " +
        "CompiledWasm module, never instantiated (workerd compiles it while loading the script); + instantiate + start = " +
        "`new WebAssembly.Instance` with stub imports and `__wbindgen_start()` at module scope; stub wasm = the entry with an empty wasm module (exporting only an empty " +
        "`__wbindgen_start`) in place of its own: its JS alone; crm-auth entry = the package's `workerd` entry " +
        "by name (its JS: parse, evaluate, glue, `initSync`). The last column is CPU time of the benchmark's own Node " +
        "process from `new Miniflare` to ready: miniflare parses each JS module (acorn) to collect its imports before " +
        "workerd sees it, a cost that grows with the entry's JS and that a deployed Worker does not pay.");
  }

  if (R.session) {
    const { rows: srows, notes } = renderSession(R.session);
    out.push("", "### session.fetch overhead, µs per request", "");
    out.push(table(srows), "", ...notes);
  }

  if (R.size) {
    const c = R.size["crm-auth"];
    out.push("", "### Size detail (crm-auth)", "");
    const srows = [["file", "raw", "gzip -9", "brotli 11"]];
    for (const [f, s] of Object.entries(c.files)) srows.push([`${f} (default entry, wasm inside)`, s.raw, s.gzip, s.brotli]);
    for (const [f, s] of Object.entries(c.slim.files)) srows.push([`${f} (crm-auth/slim)`, s.raw, s.gzip, s.brotli]);
    srows.push(["**crm-auth/slim total**", c.slim.total.raw, c.slim.total.gzip, c.slim.total.brotli]);
    srows.push(["default entry bundled by esbuild like the peers (bench/entries/crm-auth.js)", c.bundled.js.raw, c.bundled.js.gzip, c.bundled.js.brotli]);
    out.push(table(srows));
  }

  if (R.twiggy) {
    out.push("", "### Appendix: wasm size by function and crate", "");
    const t = R.twiggy;
    if (!t.ok) {
      out.push(`_${t.note}_`);
    } else {
      out.push(`Analysed ${t.analysed} (${t.analysedBytes} B; ${t.withoutNames} B without name/custom sections; ` +
        `shipped pkg/crm_auth_bg.wasm: ${t.shippedBytes} B)` +
        (t.optimised ? ", i.e. the release wasm through wasm-bindgen --keep-debug and wasm-opt -Oz -ocimfs 20 -g (names kept)." : ", without wasm-opt (it failed)."),
        "Sizes are shallow, uncompressed.", "", "```", t.top.trimEnd(), "```", "");
      const rrows = [["crate / group", "bytes", "% of wasm w/o names", "items"]];
      for (const e of t.rollup) rrows.push([e.crate, e.bytes, e.pct == null ? "—" : `${e.pct.toFixed(1)}%`, e.items]);
      out.push(table(rrows));
      out.push("", "Crate = first path segment of the item's demangled name (`<X as T>` impls count for X's crate, " +
        "or T's when X is a primitive/generic). wasm-opt inlines Rust bodies into the exported wasm-bindgen shims, " +
        "so crm_auth's share is spread over `crm_auth` and the shims row.");
    }
  }
  return out.join("\n");
}
