#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm -> wasm-bindgen (web target,
# name/producers sections stripped) -> wasm-opt -Oz (npm binaryen) -> one
# bundled, minified ES module per runtime entry (esbuild).
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/bindgen
cargo build --release --target wasm32-unknown-unknown --lib --features shipped
rm -rf "$out" pkg
mkdir -p "$out"
# Debian's /usr/bin/wasm-opt (binaryen 108) breaks externref modules: use npm's.
features=(--enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-multivalue --enable-mutable-globals)
# Without a target_features section wasm-bindgen keeps single-value exports
# (results through a return pointer) and no externref table. Multi-value
# exports made Node 20 compile a js-to-wasm wrapper per signature with its
# optimizing compiler: 5 ms instead of 1.5 ms to compile the module, most of
# the cold-start budget. (wasm-bindgen warns that the section is missing.)
node_modules/.bin/wasm-opt --strip-target-features "${features[@]}" \
  target/wasm32-unknown-unknown/release/crm_auth.wasm -o "$out/input.wasm"
wasm-bindgen --target web --out-dir "$out" --out-name crm_auth \
  --remove-name-section --remove-producers-section "$out/input.wasm" 2> >(grep -v "target_features" >&2)
node_modules/.bin/wasm-opt -Oz --converge --strip-target-features "${features[@]}" \
  "$out/crm_auth_bg.wasm" -o "$out/crm_auth_bg.wasm"

# Each runtime loads one self-contained module: fewer files to fetch and
# parse at start-up, and minified. The wasm stays a separate file.
src=target/pkg-src
rm -rf "$src" && mkdir -p "$src" pkg
cp pkg-template/*.js "$src"/
cp "$out"/crm_auth.js "$src"/
for entry in node workerd browser; do
  node_modules/.bin/esbuild "$src/$entry.js" --bundle --format=esm --target=es2022 --minify \
    --external:./crm_auth_bg.wasm --external:node:fs --external:cloudflare:workers --log-level=warning --outfile="pkg/$entry.js"
done
cp "$out"/crm_auth_bg.wasm pkg-template/package.json pkg-template/*.d.ts README.md pkg/
cp LICENSE-MIT LICENSE-APACHE pkg/ 2>/dev/null || true

# The package version follows Cargo.toml.
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
node -e '
  const fs = require("fs"); const p = JSON.parse(fs.readFileSync("pkg/package.json"));
  p.version = process.argv[1]; fs.writeFileSync("pkg/package.json", JSON.stringify(p, null, 2) + "\n");
' "$version"

wasm_gz=$(gzip -9c pkg/crm_auth_bg.wasm | wc -c)
js_gz=$(gzip -9c pkg/browser.js | wc -c)
echo "build: pkg/ crm-auth@$version — wasm $(wc -c < pkg/crm_auth_bg.wasm) B ($wasm_gz B gzip -9), browser.js $js_gz B gzip -9"
