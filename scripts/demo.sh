#!/usr/bin/env bash
# Sets up, builds the package, and runs the Flextell login flow in Node
# against the local provider simulator, printing each step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node www/demo/node-flow.js
