#!/usr/bin/env bash
# `npm run bench`: builds pkg/ (unless --no-build), makes sure twiggy is there for the size
# appendix, then runs the benchmark. Report on stdout, progress on stderr, raw data in
# bench/results.json. Other options are passed to bench/index.js (--quick, --only=...).
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    *) args+=("$a") ;;
  esac
done

if [ ! -d node_modules/arctic ] || [ ! -d node_modules/oauth4webapi ] || [ ! -d node_modules/esbuild ]; then
  echo "bench: peers missing — run npm install (devDependencies: arctic, oauth4webapi, esbuild)" >&2
  exit 1
fi

if [ "$build" = 1 ]; then
  bash scripts/build.sh >&2
fi

# twiggy is only needed for the appendix: try to install it, carry on without it.
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v twiggy >/dev/null 2>&1; then
  echo "bench: installing twiggy (cargo install twiggy)…" >&2
  cargo install twiggy >&2 || echo "bench: could not install twiggy; the appendix will say so" >&2
fi

exec node --expose-gc bench/index.js ${args[@]+"${args[@]}"}
