// Shape of the PACKED package as installed in the consumer project.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { CONSUMER, PKG_DIR, ROOT, packageJson, loadPackage } from './helpers/pkg.js';

describe('packed package', () => {
  const pj = packageJson();

  it('is named crm-auth, ESM, with no runtime dependencies', () => {
    assert.equal(pj.name, 'crm-auth');
    assert.equal(pj.type, 'module');
    assert.equal(pj.main, pj.exports['.'].node.require.default, '`main` (tools that ignore `exports`) is the CommonJS build');
    assert.deepEqual(Object.keys(pj.dependencies ?? {}), []);
  });

  it('exports workerd/node/browser/default with types in each, every target shipped', () => {
    const root = pj.exports['.'];
    const keys = Object.keys(root);
    for (const c of ['workerd', 'node', 'browser', 'types', 'default']) assert.ok(keys.includes(c), `missing condition ${c}`);
    assert.equal(keys.at(-1), 'default', '"default" must come last');
    const targets = [];
    const walk = (t) => {
      if (typeof t === 'string') return targets.push(t);
      const k = Object.keys(t);
      // `types` comes before any JS target of its object (else TypeScript takes the JS target).
      if (k.includes('types')) assert.ok(k.every((c, i) => typeof t[c] !== 'string' || c === 'types' || i > k.indexOf('types')), JSON.stringify(t));
      Object.values(t).forEach(walk);
    };
    walk(pj.exports);
    for (const t of [...targets, pj.main, pj.types]) assert.ok(fs.existsSync(path.join(PKG_DIR, t)), `target ${t} is not in the tarball`);
  });

  it('TokenStoreObject is typed only by the workerd condition (the one entry that exports it)', () => {
    const types = (rel) => fs.readFileSync(path.join(PKG_DIR, rel), 'utf8');
    assert.match(types(pj.exports['.'].workerd.types), /export declare class TokenStoreObject/);
    for (const rel of [pj.exports['.'].types, pj.exports['.'].node.require.types]) assert.doesNotMatch(types(rel), /class TokenStoreObject/, rel);
  });

  it('ships the wasm and nothing from the build tree', () => {
    const files = fs.readdirSync(PKG_DIR, { recursive: true });
    assert.ok(files.includes('crm_auth_bg.wasm'));
    const wasm = fs.readFileSync(path.join(PKG_DIR, 'crm_auth_bg.wasm'));
    assert.ok(WebAssembly.validate(wasm), 'crm_auth_bg.wasm is valid WebAssembly');
    for (const f of files) assert.ok(!/(^|\/)(target|src|tests|node_modules)\//.test(f) && !f.endsWith('.rs') && !f.endsWith('.tgz'), `unexpected file ${f}`);
  });

  it('the wasm exports return at most one value (multi-value ones cost Node 20 ~3.5 ms of cold start)', () => {
    // scripts/build.sh strips target_features before wasm-bindgen for this; see README "How it is built".
    const wat = spawnSync(path.join(ROOT, 'node_modules/.bin/wasm-dis'), [path.join(PKG_DIR, 'crm_auth_bg.wasm')],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(wat.status, 0, wat.stderr);
    const types = wat.stdout.split('\n').filter((l) => /^ \(type /.test(l));
    assert.ok(types.length > 0, 'type section read');
    for (const t of types) assert.doesNotMatch(t, /\(result \w+ \w+/, t);
  });

  it('the node entry exposes the contract names', async () => {
    const m = await loadPackage();
    for (const n of ['Flextell', 'OAuth2', 'TokenSet', 'CrmAuthError']) assert.equal(typeof m[n], 'function', n);
    assert.ok(Object.prototype.isPrototypeOf.call(Error.prototype, m.CrmAuthError.prototype));
    assert.equal(m.TokenStoreObject, undefined, 'only the workerd entry exports TokenStoreObject');
  });

  it('require("crm-auth") in Node gives the same module as import: one wasm instance, one CrmAuthError', async () => {
    const m = await loadPackage();
    const required = createRequire(path.join(CONSUMER, 'entry.js'))('crm-auth');
    assert.equal(required.CrmAuthError, m.CrmAuthError);
    assert.equal(required.Flextell, m.Flextell);
  });

  it('the CommonJS build (require where Node cannot require ESM, Jest) works in a fresh process', () => {
    // Node 20.19+ picks node.js for require too ("module-sync"); load the require target directly.
    const file = path.join(PKG_DIR, pj.exports['.'].node.require.default);
    const r = spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(file)});
      const c = new m.Flextell({ clientId: "c", clientSecret: "s", redirectUri: "https://app.example/cb" });
      const { url } = c.createAuthorizationRequest({ scopes: ["read"] });
      try { c.parseCallback("https://app.example/cb?error=access_denied&state=x", { state: "x" }); } catch (e) {
        if (!(e instanceof m.CrmAuthError)) throw e;
        process.stdout.write(new URL(url).searchParams.get("scope") + " " + e.code);
      }`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'read authorization_denied');
  });

  it('no top-level await in the default entries; the default entries carry the wasm inside', () => {
    for (const rel of [pj.exports['.'].browser.default, pj.exports['.'].node.default, pj.exports['.'].node.require.default]) {
      const js = fs.readFileSync(path.join(PKG_DIR, rel), 'utf8');
      assert.doesNotMatch(js, /\.wasm\b/, `${rel} must not load a .wasm file`);
      assert.doesNotMatch(js, /import\.meta/, `${rel} must not need import.meta`);
    }
    const slim = fs.readFileSync(path.join(PKG_DIR, pj.exports['./slim'].default), 'utf8');
    assert.match(slim, /crm_auth_bg\.wasm/);
  });
});
