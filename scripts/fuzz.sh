#!/usr/bin/env bash
# Runs every cargo-fuzz target (or the ones named) for SECONDS each and appends
# one JSON line per target to fuzz/runs.jsonl: the record the README's fuzzing
# figure is checked against (fuzz/RUNS.md sums it).
#   bash scripts/fuzz.sh [SECONDS] [target...]      (default 30 s, all targets)
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). New
# corpus entries go to .tmp/fuzz-corpus/ (the committed corpus is only read:
# minimize with `cargo fuzz cmin` before committing additions).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- ../src . || echo -dirty)"
toolchain="$(rustc +nightly --version)"

for t in "${targets[@]}"; do
  scratch="../.tmp/fuzz-corpus/$t"
  mkdir -p "$scratch" "artifacts/$t"
  log="../.tmp/fuzz-$t.log"
  started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  status=ok
  cargo +nightly fuzz run "$t" "$scratch" "corpus/$t" -- -max_total_time="$seconds" -print_final_stats=1 \
    >"$log" 2>&1 || status=failed
  # libFuzzer's own count: "Done N runs in S second(s)" (or stat::number_of_executed_units on a crash).
  runs="$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -1)"
  [ -n "$runs" ] || runs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)"
  per_s="$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -1)"
  corpus="$(ls "corpus/$t" | wc -l)"
  printf '{"date":"%s","commit":"%s","toolchain":"%s","target":"%s","seconds":%s,"runs":%s,"execPerSec":%s,"corpus":%s,"result":"%s"}\n' \
    "$started" "$commit" "$toolchain" "$t" "$seconds" "${runs:-0}" "${per_s:-0}" "$corpus" "$status" | tee -a runs.jsonl
  [ "$status" = ok ] || { echo "fuzz: $t failed, see .tmp/fuzz-$t.log and fuzz/artifacts/$t/" >&2; tail -30 "$log" >&2; }
done

# Totals over every recorded run (what the README's figure is checked against).
node -e '
  const runs = require("fs").readFileSync("runs.jsonl", "utf8").trim().split("\n").map(JSON.parse);
  const by = {};
  for (const r of runs) (by[r.target] ??= { runs: 0, seconds: 0, n: 0 }), by[r.target].runs += r.runs, by[r.target].seconds += r.seconds, by[r.target].n++;
  let total = 0;
  for (const [t, v] of Object.entries(by)) { total += v.runs; console.log(`${t}: ${v.runs} executions in ${v.n} run(s), ${v.seconds} s`); }
  console.log(`recorded total: ${total} executions`);
'
