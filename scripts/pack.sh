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

# attw: the package is ESM-only ("type": "module", import-only `exports`, top-level await in the
# browser entry). CommonJS `require("crm-auth")` is intentionally unsupported, so use the
# `esm-only` profile: it skips the node10 and node16-from-CJS resolution checks (which would
# only report "ESM-only, can't be required") and still fails on real problems in the node16-ESM
# and bundler resolutions (missing/untyped types, masquerading modules, wrong exports).
echo "pack: attw --profile esm-only"
npx --no-install attw --pack pkg --profile esm-only --format table-flipped --no-emoji --no-color
echo "pack: ok"
