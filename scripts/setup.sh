#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine with Rust and Node.
# Installs: wasm32 target, wasm-bindgen-cli (pinned to the crate's version),
# Debian chromium + chromium-driver, npm packages from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

WB_VERSION="$(sed -n 's/^wasm-bindgen = { *version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -1)"
: "${WB_VERSION:?could not read the pinned wasm-bindgen version from Cargo.toml}"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    echo "setup: adding rust component $component"
    rustup component add "$component"
  fi
done

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  echo "setup: installing wasm-bindgen-cli $WB_VERSION (a few minutes)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# The Rust Worker example's builder (examples/worker, scripts/build-worker-example.sh).
WORKER_BUILD_VERSION=0.8.7
if [ "$(worker-build --version 2>/dev/null | awk '{print $NF}')" != "$WORKER_BUILD_VERSION" ]; then
  echo "setup: installing worker-build $WORKER_BUILD_VERSION (several minutes)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --force
fi

if [ "${SKIP_CHROMIUM:-}" != 1 ] && ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
  echo "setup: installing chromium chromium-driver (apt)"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm packages: only reinstall when the lockfile changed since the last install.
stamp=node_modules/.lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
