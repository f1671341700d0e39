#!/usr/bin/env bash
# Builds the Rust Worker example (examples/worker: workers-rs + crm-auth's Rust client) into
# examples/worker/build with worker-build, offline: worker-build would download wasm-bindgen,
# esbuild and wasm-opt from GitHub and npm, so it is pointed at the ones this project installs
# (scripts/setup.sh: wasm-bindgen-cli pinned to the crate's version; npm esbuild and binaryen).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export WASM_BINDGEN_BIN ESBUILD_BIN WASM_OPT_BIN
WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
ESBUILD_BIN="$root/node_modules/.bin/esbuild"
WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
cd examples/worker
worker-build --release
ls -l build/index.js build/index_bg.wasm >&2
