// Where the Node entry gets its random bytes (pkg-template/node.js, random.js): /dev/urandom
// through fs (WebCrypto's first use costs ~2 ms of a cold start), WebCrypto when the device
// cannot be opened, and `unsupported` — never a trap or predictable values — when neither
// works. Each case runs in a fresh Node process: the source is chosen once per process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONSUMER, loadPackage } from './helpers/pkg.js';

await loadPackage(); // fails early with a clear message when the package is not packed
const ENTRY = pathToFileURL(path.join(CONSUMER, 'entry.js')).href;

/** Runs `setup` (before the import), then builds 200 authorization requests; returns the child's JSON report. */
function child(setup) {
  const script = `
    const fs = process.getBuiltinModule('fs');
    const open = fs.openSync;
    const opened = [];
    fs.openSync = (p, ...rest) => { opened.push(String(p)); return open(p, ...rest); };
    const refuseUrandom = () => {
      fs.openSync = (p, ...rest) => { if (String(p) === '/dev/urandom') throw new Error('ENOENT'); return open(p, ...rest); };
    };
    const real = globalThis.crypto;
    let cryptoUsed = false;
    Object.defineProperty(globalThis, 'crypto', { configurable: true, get() { cryptoUsed = true; return real; } });
    ${setup}
    const { OAuth2 } = await import(${JSON.stringify(ENTRY)});
    const c = new OAuth2({ authorizationEndpoint: 'https://as.example/a', tokenEndpoint: 'https://as.example/t',
      clientId: 'c', redirectUri: 'https://app.example/cb' });
    let report;
    try {
      const states = Array.from({ length: 200 }, () => c.createAuthorizationRequest().state);
      report = { states, cryptoUsed, opened };
    } catch (e) {
      report = { error: { name: e.name, code: e.code }, cryptoUsed, opened };
    }
    process.stdout.write(JSON.stringify(report));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function assertRandomStates(states) {
  assert.equal(states.length, 200);
  assert.equal(new Set(states).size, 200, 'all distinct');
  for (const s of states) assert.match(s, /^[A-Za-z0-9_-]{43}$/);
}

describe('Node random source', () => {
  it('reads /dev/urandom and never touches globalThis.crypto', { skip: process.platform === 'win32' }, () => {
    const r = child('');
    assertRandomStates(r.states);
    assert.deepEqual(r.opened.filter((p) => p === '/dev/urandom'), ['/dev/urandom'], 'opened once');
    assert.equal(r.cryptoUsed, false);
  });

  it('falls back to WebCrypto when /dev/urandom cannot be opened', () => {
    const r = child('refuseUrandom();');
    assertRandomStates(r.states);
    assert.equal(r.cryptoUsed, true);
  });

  it('with no source at all, is a CrmAuthError `unsupported`', () => {
    const r = child(`
      refuseUrandom();
      Object.defineProperty(globalThis, 'crypto', { configurable: true, get() { cryptoUsed = true; return undefined; } });
    `);
    assert.deepEqual(r.error, { name: 'CrmAuthError', code: 'unsupported' });
  });
});
