#!/usr/bin/env bash
# The browser demo in one command: sets up, builds the package (pkg/), then starts the
# provider simulator and the demo Worker (www/worker/, in workerd via miniflare) on
# 127.0.0.1 and prints the URL to open. Ctrl-C stops everything.
#
#   bash scripts/demo.sh               # http://127.0.0.1:8787 (a free port if 8787 is taken)
#   bash scripts/demo.sh --port 9000
#   bash scripts/demo.sh --node        # the Flextell flow step by step in Node instead
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo needs no Chromium of its own (you open the page in your browser).
SKIP_CHROMIUM="${SKIP_CHROMIUM:-1}" bash scripts/setup.sh
bash scripts/build.sh
if [ "${1:-}" = "--node" ]; then
  exec node www/demo/node-flow.js
fi
exec node www/demo/start.js "$@"
