// Timing machinery for the throughput benchmark (bench/ops.js defines what is timed).
//
// Method, per case (one library doing one operation):
//   1. warm-up: run the case for `warmupMs` so V8 has optimised it (and wasm functions,
//      which Node compiles lazily, have been tiered up);
//   2. `rounds` timed slices of `roundMs` each; a slice counts completed operations and
//      divides by its own elapsed time (performance.now(), checked every `chunk` calls);
//   3. the reported figure is the median over slices, with the interquartile spread.
// Slices are interleaved: round r runs every case once (libraries of one operation back to
// back, in an order rotated each round), so slow drift of the machine (thermal, other
// processes) spreads over all libraries instead of biasing whichever ran last.
// With --expose-gc, a full GC runs before each slice so one case's garbage is not
// collected on another case's clock (each case still pays for the garbage it makes itself).
//
// Sync cases are called `chunk` times between clock reads. Async cases are started `batch`
// at a time and awaited with Promise.all (how a server sees concurrent logins), so a
// slice measures throughput including promise/microtask overhead, not single-call latency.

const now = () => performance.now();

/** Keeps results alive so V8 cannot drop a call as dead code. */
export const sink = { last: null, n: 0 };

function keep(v) {
  sink.last = v;
  sink.n++;
}

/**
 * Runs `c` for about `ms` milliseconds; returns { ops, ms }.
 * c: { fn, async?: boolean, chunk?: number, batch?: number, enter?(), exit?() }
 */
async function slice(c, ms) {
  c.enter?.();
  try {
    const start = now();
    const end = start + ms;
    let ops = 0;
    let t = start;
    if (c.async) {
      const batch = c.batch ?? 32;
      const ps = new Array(batch);
      do {
        for (let i = 0; i < batch; i++) ps[i] = c.fn();
        keep(await Promise.all(ps));
        ops += batch;
        t = now();
      } while (t < end);
    } else {
      const chunk = c.chunk ?? 64;
      const fn = c.fn;
      do {
        for (let i = 0; i < chunk; i++) keep(fn());
        ops += chunk;
        t = now();
      } while (t < end);
    }
    return { ops, ms: t - start };
  } finally {
    c.exit?.();
  }
}

const median = (xs) => quantile(xs, 0.5);

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

export { median };

/**
 * Measures every case. `groups` is an array of arrays: the cases of one operation
 * (one per library), which run back to back within a round.
 * Returns a Map case.id -> { median, p25, p75, samples } in ops/s.
 */
export async function measure(groups, { warmupMs = 300, roundMs = 200, rounds = 10, log = () => {} } = {}) {
  const gc = globalThis.gc ?? (() => {});
  const samples = new Map();
  for (const g of groups) for (const c of g) samples.set(c.id, []);

  // Warm-up: each case alone, in declaration order.
  for (const g of groups) {
    for (const c of g) {
      gc();
      await slice(c, warmupMs);
    }
  }
  log(`warm-up done; ${rounds} rounds x ${samples.size} cases x ${roundMs} ms`);

  for (let r = 0; r < rounds; r++) {
    for (const g of groups) {
      // Rotate the library order each round.
      for (let k = 0; k < g.length; k++) {
        const c = g[(k + r) % g.length];
        gc();
        const { ops, ms } = await slice(c, roundMs);
        samples.get(c.id).push((ops * 1000) / ms);
      }
    }
  }

  const out = new Map();
  for (const [id, xs] of samples) {
    out.set(id, { median: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), samples: xs });
  }
  return out;
}
