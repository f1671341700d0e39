// Locates the PACKED crm-auth package, installed by scripts/pack.sh into .tmp/consumer.
//
// Node:     tests import `.tmp/consumer/entry.js` (`export * from "crm-auth"`), so the bare
//           specifier is resolved by Node from inside the consumer project, through the real
//           `exports` map of the installed tarball (conditions: node, import, module-sync, default).
// Browser:  `browserEntry()` resolves `exports["."]` with the browser conditions; the page gets
//           an import map pointing "crm-auth" at that file (see helpers/static.js).
// workerd:  `workerdEntry()` resolves `exports["."]` with the workerd conditions; the Worker is
//           copied into the consumer and its `"crm-auth"` import rewritten to that file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CONSUMER = path.join(ROOT, '.tmp', 'consumer');
export const PKG_DIR = path.join(CONSUMER, 'node_modules', 'crm-auth');

function assertInstalled() {
  if (!fs.existsSync(path.join(PKG_DIR, 'package.json')) || !fs.existsSync(path.join(CONSUMER, 'entry.js'))) {
    throw new Error(`packed crm-auth is not installed in ${CONSUMER}: run \`bash scripts/build.sh && bash scripts/pack.sh\` first`);
  }
}

export function packageJson() {
  assertInstalled();
  return JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
}

/**
 * Resolve a package `exports` target the way Node/bundlers do: walk condition objects in key
 * order and take the first key that is in `conditions` (or "default").
 * Returns a path relative to the package root ("./x.js") or null.
 */
export function resolveExports(exportsField, conditions, subpath = '.') {
  let target = exportsField;
  if (target && typeof target === 'object' && !Array.isArray(target)) {
    const keys = Object.keys(target);
    if (keys.length && keys.every((k) => k.startsWith('.'))) target = target[subpath];
    else if (subpath !== '.') return null;
  }
  const walk = (t) => {
    if (t == null) return null;
    if (typeof t === 'string') return t;
    if (Array.isArray(t)) {
      for (const x of t) { const r = walk(x); if (r) return r; }
      return null;
    }
    for (const [k, v] of Object.entries(t)) {
      if (k === 'default' || conditions.includes(k)) {
        const r = walk(v);
        if (r) return r;
      }
    }
    return null;
  };
  return walk(target);
}

export const BROWSER_CONDITIONS = ['browser', 'import', 'module', 'default'];
// What wrangler/esbuild use for Workers.
export const WORKERD_CONDITIONS = ['workerd', 'worker', 'browser', 'import', 'module', 'default'];

export function browserEntry() {
  const pj = packageJson();
  const rel = resolveExports(pj.exports, BROWSER_CONDITIONS);
  if (!rel || rel.endsWith('.d.ts')) throw new Error(`no browser entry in crm-auth exports: ${JSON.stringify(pj.exports)}`);
  return rel.replace(/^\.\//, '');
}

export function workerdEntry() {
  const pj = packageJson();
  const rel = resolveExports(pj.exports, WORKERD_CONDITIONS);
  if (!rel || rel.endsWith('.d.ts')) throw new Error(`no workerd entry in crm-auth exports: ${JSON.stringify(pj.exports)}`);
  return rel.replace(/^\.\//, '');
}

/** Import the packed package in Node, resolved from the consumer project. */
export async function loadPackage() {
  assertInstalled();
  return import(pathToFileURL(path.join(CONSUMER, 'entry.js')).href);
}
