// Runs a test Worker in workerd (miniflare) against the PACKED package: the
// worker source is copied into the consumer install with its `crm-auth`
// import pointed at the package's `workerd` export, so what loads is exactly
// what a Worker bundler would pick.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { CONSUMER, PKG_DIR, workerdEntry } from './pkg.js';
import { withTimeout } from './util.js';

/**
 * `source`: the worker file; `name`: its folder under the consumer;
 * `extra`: `{ [fileName]: sourcePath }` copied next to it; `bindings`: env;
 * `options`: more Miniflare options (e.g. `durableObjects`, `kvNamespaces`).
 */
export async function startWorker({ source, name, extra = {}, bindings = {}, options = {} }) {
  const dir = path.join(CONSUMER, name);
  fs.mkdirSync(dir, { recursive: true });
  const rel = path.relative(dir, path.join(PKG_DIR, workerdEntry())).split(path.sep).join('/');
  const src = fs.readFileSync(source, 'utf8');
  const out = src.replace(/from\s+['"]crm-auth['"]/g, `from '${rel.startsWith('.') ? rel : './' + rel}'`);
  assert.notEqual(out, src, `${path.basename(source)} must import "crm-auth"`);
  const scriptPath = path.join(dir, 'worker.js');
  fs.writeFileSync(scriptPath, out);
  for (const [file, from] of Object.entries(extra)) fs.copyFileSync(from, path.join(dir, file));
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: CONSUMER,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
    bindings,
    ...options,
  });
  await withTimeout(mf.ready, 20000, 'miniflare ready');
  return mf;
}
