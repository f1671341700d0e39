#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm -> wasm-bindgen (web target,
# name/producers sections stripped) -> wasm-opt -Oz (npm binaryen) -> entries.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/bindgen
cargo build --release --target wasm32-unknown-unknown --lib
rm -rf "$out" pkg
wasm-bindgen --target web --out-dir "$out" --out-name crm_auth \
  --remove-name-section --remove-producers-section \
  target/wasm32-unknown-unknown/release/crm_auth.wasm
# Debian's /usr/bin/wasm-opt (binaryen 108) breaks externref modules: use npm's.
node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-multivalue \
  --enable-mutable-globals \
  "$out/crm_auth_bg.wasm" -o "$out/crm_auth_bg.wasm"

mkdir -p pkg
cp pkg-template/* pkg/
cp "$out"/crm_auth.js "$out"/crm_auth_bg.wasm pkg/
# `[Symbol.dispose]` in the types would force consumers onto lib
# "esnext.disposable"; the method still exists at run time.
# A trailing `x: T | undefined` parameter is optional: say so (`x?: T`).
grep -v '\[Symbol.dispose\]()' "$out"/crm_auth.d.ts \
  | sed -E 's/([A-Za-z]+): ([^,()]+) \| undefined\)/\1?: \2)/' > pkg/crm_auth.d.ts
cp LICENSE-MIT LICENSE-APACHE pkg/ 2>/dev/null || true

# The package version follows Cargo.toml.
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
node -e '
  const fs = require("fs"); const p = JSON.parse(fs.readFileSync("pkg/package.json"));
  p.version = process.argv[1]; fs.writeFileSync("pkg/package.json", JSON.stringify(p, null, 2) + "\n");
' "$version"

wasm_gz=$(gzip -9c pkg/crm_auth_bg.wasm | wc -c)
js_gz=$(cat pkg/crm_auth.js pkg/*.js | gzip -9c | wc -c)
echo "build: pkg/ crm-auth@$version — wasm $(wc -c < pkg/crm_auth_bg.wasm) B ($wasm_gz B gzip -9), JS $js_gz B gzip -9"
