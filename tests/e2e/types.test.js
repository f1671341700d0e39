// Type-checks tests/ts-consumer against the packed package's .d.ts (installed in
// .tmp/consumer; tests/ts-consumer/node_modules is a symlink made by scripts/pack.sh).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/pkg.js';

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function tsc(project) {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, '--noEmit', '-p', project], { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('TypeScript consumer (packed .d.ts)', () => {
  it('crm-auth resolves from the consumer install', () => {
    const link = path.join(ROOT, 'tests/ts-consumer/node_modules/crm-auth/package.json');
    assert.ok(fs.existsSync(link), 'run scripts/pack.sh first (it links tests/ts-consumer/node_modules)');
  });
  for (const [name, project] of [['bundler', 'tests/ts-consumer/tsconfig.json'], ['node16', 'tests/ts-consumer/tsconfig.node16.json']]) {
    it(`type-checks with moduleResolution ${name}`, { timeout: 130_000 }, async () => {
      const { code, out } = await tsc(project);
      assert.equal(code, 0, `tsc -p ${project} failed:\n${out}`);
    });
  }
});
