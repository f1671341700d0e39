#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm -> wasm-bindgen (web target,
# name/producers sections stripped) -> wasm-opt -Oz (npm binaryen) -> one
# bundled module per runtime entry (esbuild), minified again by terser.
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
# --encode-into always: every runtime we support has TextEncoder.encodeInto
# (no fallback in the glue); --omit-default-module-path: every entry passes
# the wasm itself.
wasm-bindgen --target web --out-dir "$out" --out-name crm_auth --encode-into always --omit-default-module-path \
  --remove-name-section --remove-producers-section "$out/input.wasm" 2> >(grep -v "target_features" >&2)
# -ocimfs 20: binaryen moves a function into its one caller only when it is
# at most 20 bytes (default: any size). The wasm is ~1.5 KB larger raw but
# ~0.9 KB smaller gzipped: a body merged into its caller (locals renumbered,
# blocks restructured) no longer repeats the byte patterns of its siblings.
# Scanned 0-50 and -Os: 15-25 is the floor.
node_modules/.bin/wasm-opt -Oz --converge -ocimfs 20 --strip-target-features "${features[@]}" \
  "$out/crm_auth_bg.wasm" -o "$out/crm_auth_bg.wasm"

# Each runtime loads one self-contained, minified module. The default entries
# (browser.js, node.js, node.cjs) carry the wasm inside as a string (Latin-1 in
# browser.js, base64 in the Node entries: scripts/embed-wasm.js), so no
# bundler has to know about a .wasm file and nothing awaits at top level;
# workerd.js (wrangler uploads the .wasm as a module) and slim.js (streaming
# compile) load crm_auth_bg.wasm. --charset=utf8 keeps that string one
# character per byte instead of \xNN escapes.
src=target/pkg-src
rm -rf "$src" && mkdir -p "$src" pkg
cp pkg-template/*.js "$src"/
cp "$out"/crm_auth.js "$src"/
node scripts/embed-wasm.js "$out"/crm_auth_bg.wasm "$src"
bundle() {
  node_modules/.bin/esbuild "$src/$1" --bundle --target=es2022 --minify --charset=utf8 --log-level=warning \
    --external:./crm_auth_bg.wasm --external:cloudflare:workers "${@:2}"
}
for entry in browser node slim workerd; do bundle "$entry.js" --format=esm --outfile="pkg/$entry.js"; done
# The same Node entry as CommonJS, for `require` where Node cannot require
# ESM (< 20.19) and for Jest. (The glue's unused async init, dropped by tree
# shaking, is what mentions import.meta.)
bundle node.js --format=cjs --platform=node --log-override:empty-import-meta=silent --outfile=pkg/node.cjs
# terser after esbuild's minifier: ~0.45 KB gzip less JS in every entry (its
# compressor folds more; two passes, safe options only).
for f in browser.js node.js slim.js workerd.js node.cjs; do
  module=(--module); [ "$f" = node.cjs ] && module=()
  node_modules/.bin/terser "pkg/$f" "${module[@]}" --ecma 2022 --compress passes=2 --mangle -o "pkg/$f"
done
cp "$out"/crm_auth_bg.wasm pkg-template/package.json pkg-template/*.d.ts README.md pkg/
# CommonJS twins of the ESM types (for `require`): the same declarations,
# relative imports pointing at the .d.cts files.
# (workerd.d.ts has none: that entry is ESM only.)
for f in pkg-template/*.d.ts; do
  [ "$(basename "$f")" = workerd.d.ts ] && continue
  sed 's#\(from "\./[^"]*\)\.js"#\1.cjs"#' "$f" > "pkg/$(basename "$f" .d.ts).d.cts"
done
cp LICENSE-MIT LICENSE-APACHE pkg/ 2>/dev/null || true

# The package version follows Cargo.toml.
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
node -e '
  const fs = require("fs"); const p = JSON.parse(fs.readFileSync("pkg/package.json"));
  p.version = process.argv[1]; fs.writeFileSync("pkg/package.json", JSON.stringify(p, null, 2) + "\n");
' "$version"

wasm_gz=$(gzip -9c pkg/crm_auth_bg.wasm | wc -c)
js_gz=$(gzip -9c pkg/browser.js | wc -c)
slim_gz=$(gzip -9c pkg/slim.js | wc -c)
echo "build: pkg/ crm-auth@$version — browser.js (wasm inside) $js_gz B gzip -9; slim.js $slim_gz B + wasm $(wc -c < pkg/crm_auth_bg.wasm) B ($wasm_gz B) gzip -9"
