// Shape of the PACKED package as installed in the consumer project.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PKG_DIR, ROOT, packageJson, loadPackage } from './helpers/pkg.js';

describe('packed package', () => {
  const pj = packageJson();

  it('is named crm-auth, ESM, with no runtime dependencies', () => {
    assert.equal(pj.name, 'crm-auth');
    assert.equal(pj.type, 'module');
    assert.deepEqual(Object.keys(pj.dependencies ?? {}), []);
  });

  it('exports types/workerd/node/browser/default, types first, every target shipped', () => {
    const root = pj.exports['.'];
    const keys = Object.keys(root);
    for (const c of ['types', 'workerd', 'node', 'browser', 'default']) assert.ok(keys.includes(c), `missing condition ${c}`);
    assert.equal(keys[0], 'types', '"types" must come first');
    assert.equal(keys.at(-1), 'default', '"default" must come last');
    const targets = [];
    const walk = (t) => (typeof t === 'string' ? targets.push(t) : Object.values(t).forEach(walk));
    walk(pj.exports);
    for (const t of targets) assert.ok(fs.existsSync(path.join(PKG_DIR, t)), `exports target ${t} is not in the tarball`);
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
  });
});
