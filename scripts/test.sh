#!/usr/bin/env bash
# The one command that tests everything on a fresh machine:
#   setup -> rustfmt + clippy -> native tests -> build pkg/ -> wasm tests (Node, Chromium) -> the Rust
#   client's tests (native, Node, Chromium) -> pack + lint the package -> build the Rust Worker
#   example -> every JS test (e2e in Node / Chromium / workerd, types, simulator, and the
#   consumer projects of tests/consumers: each bundler/runtime with its default config, installed
#   from the npm registry by lockfile) in ONE `node --test` run, so the last lines on stdout are
#   node's TAP summary (# pass / # fail).
# Stage wall times go to stderr.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

stage_times=()
current_stage="(none)"
trap 'echo "test.sh: FAILED in stage: $current_stage" >&2; printf "%s\n" "${stage_times[@]}" | sed "s/^/time: /" >&2' ERR
run_stage() {
  local name="$1"; shift
  current_stage="$name"
  echo "==> $name" >&2
  local t0; t0=$(date +%s.%N)
  "$@"
  local dt; dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  stage_times+=("$name ${dt}s")
  echo "<== $name (${dt}s)" >&2
}

rust_lint() {
  cargo fmt --check
  cargo clippy --all-targets -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --features shipped -- -D warnings
  # The Rust client (src/client): natively with its ureq HTTP, and in wasm; its docs build.
  cargo clippy --features ureq --all-targets -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --features client --all-targets -- -D warnings
  cargo doc --no-deps --features client --quiet
  cargo fmt --check --manifest-path examples/worker/Cargo.toml
}
wasm_tests_node()    { cargo test --target wasm32-unknown-unknown; }
wasm_tests_browser() { WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown; }
# The Rust client's tests against one simulator on loopback: in wasm (tests/client_wasm.rs,
# Node and Chromium) its URLs are compiled in (CRM_AUTH_SIM), since wasm-bindgen-test cannot
# start it; natively over ureq (tests/client_native.rs) they are read at run time.
client_tests() {
  local out pid rc=0
  out=$(mktemp)
  node scripts/simulator-env.js >"$out" &
  pid=$!
  for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.1; done
  export CRM_AUTH_SIM
  CRM_AUTH_SIM="$(head -1 "$out")"
  [ -n "$CRM_AUTH_SIM" ] || { echo "the simulator did not start" >&2; kill "$pid"; return 1; }
  cargo test --features ureq --test client_native || rc=$?
  cargo test --target wasm32-unknown-unknown --features client --test client_wasm || rc=$?
  WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --target wasm32-unknown-unknown --features client --test client_wasm || rc=$?
  unset CRM_AUTH_SIM
  kill "$pid" 2>/dev/null || true
  rm -f "$out"
  return "$rc"
}

js_tests() {
  shopt -s nullglob
  local files=(tests/e2e/*.test.js tests/*.test.js www/simulator/*.test.js tests/consumers/*.test.js)
  shopt -u nullglob
  [ "${#files[@]}" -gt 0 ] || { echo "no JS test files found" >&2; return 1; }
  # Bounded: a per-test timeout (25 min, because node applies it to each test FILE too and the
  # consumers file installs and builds real projects: 2-10 min), force-exit once all tests are
  # done (a test that leaves a handle open must not hang CI), an overall timeout, and a process
  # group so that anything a failed test left running (e.g. a spawned server) is cleaned up.
  local rc=0 pid
  setsid timeout 2400 node --test --test-force-exit --test-timeout=1500000 --test-reporter=tap "${files[@]}" &
  pid=$!
  wait "$pid" || rc=$?
  kill -- -"$pid" 2>/dev/null || true
  return "$rc"
}

run_stage "setup"                 bash scripts/setup.sh
run_stage "rustfmt + clippy"      rust_lint
run_stage "cargo test (native)"   cargo test
run_stage "build pkg/"            bash scripts/build.sh
run_stage "wasm tests (Node)"     wasm_tests_node
run_stage "wasm tests (Chromium)" wasm_tests_browser
run_stage "Rust client (native, wasm in Node and Chromium)" client_tests
run_stage "pack + lint"           bash scripts/pack.sh
run_stage "Rust Worker example (worker-build)" bash scripts/build-worker-example.sh
printf '%s\n' "${stage_times[@]}" | sed 's/^/time: /' >&2
run_stage "JS tests (node --test)" js_tests
