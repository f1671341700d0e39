import assert from 'node:assert/strict';
import util from 'node:util';

/** Bound any await: rejects after `ms` with a labelled error. */
export function withTimeout(promise, ms, label = 'operation') {
  let t;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(t)),
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${label} timed out after ${ms} ms`)), ms); }),
  ]);
}

/** Run fn (sync throw or async rejection) and return what it threw; fail if it did not. */
export async function caught(fn, ms = 5000) {
  try {
    await withTimeout((async () => fn())(), ms, 'call expected to fail');
  } catch (e) {
    if (e instanceof Error && /call expected to fail timed out/.test(e.message)) throw e;
    return e;
  }
  assert.fail('expected the call to throw / reject, but it succeeded');
}

/** Every text form of a value that could leak into logs. */
export function renderings(v) {
  const out = [];
  const add = (f) => { try { out.push(String(f())); } catch (e) { out.push(`<threw ${e && e.name}>`); } };
  add(() => JSON.stringify(v));
  add(() => String(v));
  add(() => `${v}`);
  add(() => util.inspect(v, { depth: 10 }));
  add(() => util.inspect(v, { depth: 10, showHidden: true }));
  add(() => util.format('%o', v));
  if (v instanceof Error) {
    add(() => v.message);
    add(() => v.stack);
  }
  return out;
}

export function assertNoSecrets(v, secrets, label = 'value') {
  const texts = renderings(v);
  for (const s of secrets.filter((x) => typeof x === 'string' && x.length >= 4)) {
    for (const t of texts) {
      assert.ok(!t.includes(s), `${label} leaks a secret (${s.slice(0, 3)}…) in: ${t.slice(0, 300)}`);
    }
  }
}

/**
 * Assert `err` is a CrmAuthError with the given code (and optional fields).
 */
export function assertCrmError(CrmAuthError, err, code, fields = {}) {
  const desc = err instanceof Error ? `${err.name}: ${err.message} (code=${err.code})` : util.inspect(err);
  assert.ok(err instanceof CrmAuthError, `expected a CrmAuthError "${code}", got ${desc}`);
  assert.ok(err instanceof Error, 'CrmAuthError must be an Error');
  assert.equal(err.code, code, `wrong code; got ${desc}`);
  assert.equal(typeof err.provider, 'string', 'provider must be a string');
  assert.ok(err.provider.length > 0, 'provider must be non-empty');
  assert.equal(typeof err.message, 'string');
  for (const [k, v] of Object.entries(fields)) assert.deepEqual(err[k], v, `err.${k}`);
  return err;
}

export async function expectCrmError(CrmAuthError, fn, code, fields = {}) {
  const err = await caught(fn);
  return assertCrmError(CrmAuthError, err, code, fields);
}
