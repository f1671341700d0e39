#!/usr/bin/env bash
# Packs pkg/ exactly as `npm publish` would and installs the tarball into a fresh consumer
# project (.tmp/consumer), so the e2e tests exercise the real published files and `exports`.
# Then lints the package: publint (strict) and "Are the Types Wrong?".
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

[ -f pkg/package.json ] || { echo "pack: pkg/package.json missing — run scripts/build.sh first" >&2; exit 1; }

mkdir -p .tmp
rm -rf .tmp/consumer .tmp/crm-auth-*.tgz
tgz_name="$(cd pkg && npm pack --silent --pack-destination "$root/.tmp" 2>/dev/null | tail -n 1)"
tgz=".tmp/$tgz_name"
[ -f "$tgz" ] || { echo "pack: npm pack produced no tarball" >&2; exit 1; }
echo "pack: $tgz ($(wc -c < "$tgz") bytes)"
tar -tzf "$tgz" | sed 's/^/pack:   /'

# A fresh ESM consumer project that depends on the tarball only (no registry access needed:
# crm-auth has no dependencies).
mkdir -p .tmp/consumer
cat > .tmp/consumer/package.json <<'JSON'
{
  "name": "crm-auth-e2e-consumer",
  "private": true,
  "type": "module"
}
JSON
# Node tests import this file: the bare specifier is resolved by Node from inside the consumer,
# through the installed package's `exports` (conditions node/import/default).
echo 'export * from "crm-auth";' > .tmp/consumer/entry.js
(cd .tmp/consumer && npm install --no-audit --no-fund --loglevel=error --offline "../$tgz_name") \
  || (cd .tmp/consumer && npm install --no-audit --no-fund --loglevel=error "../$tgz_name")
[ -f .tmp/consumer/node_modules/crm-auth/package.json ] || { echo "pack: install failed" >&2; exit 1; }

# tests/ts-consumer type-checks against the installed package: give it the consumer's
# node_modules (a symlink, git-ignored) so `crm-auth` resolves through the real `exports`/`types`.
ln -sfn ../../.tmp/consumer/node_modules tests/ts-consumer/node_modules

echo "pack: publint --strict"
npx --no-install publint run pkg --strict

# attw: "." works from ESM and CommonJS (a `require` condition with .d.cts types) and in every
# resolution mode. `crm-auth/slim` awaits its wasm at top level, so it is ESM-only on purpose:
# checked with the `esm-only` profile (node16-ESM and bundler resolution).
echo "pack: attw (all profiles: ., package.json; esm-only: ./slim)"
npx --no-install attw --pack pkg --exclude-entrypoints ./slim --format table-flipped --no-emoji --no-color
npx --no-install attw --pack pkg --entrypoints ./slim --profile esm-only --format table-flipped --no-emoji --no-color
echo "pack: ok"
