// The wasm's linear memory (issue 12), scanned from outside: no secret that
// crossed the boundary is left in it after the calls and `free()` (Node and
// headless Chromium), and 10,000 token answers of 1 KiB–1 MiB keep it within
// a stated bound (Node).
//
// It loads what scripts/build.sh leaves before bundling — the wasm-bindgen glue
// and the optimized wasm in target/bindgen — next to a copy of pkg-template's
// JS, and initializes it itself with `initSync`, whose return value exposes
// `memory`. The calls are the public API's (api.js, tokens.js), so they reach
// the same exports with the same arguments as the package does. Token
// endpoints answer through the providers' `fetch` option (a public option):
// 10,000 answers of up to 1 MiB over loopback HTTP would only measure HTTP.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { answer, secretsLeft } from './cases/memory.js';
import { launchChromium } from './helpers/chromium.js';
import { startStatic } from './helpers/static.js';
import { withTimeout } from './helpers/util.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const BINDGEN = join(ROOT, 'target/bindgen');
const PAGE = 65536;

/** pkg-template's JS with the wasm-bindgen glue, in a fresh directory. */
function stage() {
  const dir = mkdtempSync(join(tmpdir(), 'crm-auth-memory-'));
  cpSync(join(ROOT, 'pkg-template'), dir, { recursive: true });
  copyFileSync(join(BINDGEN, 'crm_auth.js'), join(dir, 'crm_auth.js'));
  return dir;
}

/** A fresh wasm instance and the public API over it. */
async function load() {
  const dir = stage();
  try {
    const glue = await import(pathToFileURL(join(dir, 'crm_auth.js')).href);
    const { memory } = glue.initSync({ module: readFileSync(join(BINDGEN, 'crm_auth_bg.wasm')) });
    const api = await import(pathToFileURL(join(dir, 'api.js')).href);
    return { memory, api };
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the modules are loaded
  }
}

const zeros = (left) => Object.fromEntries(Object.keys(left).map((name) => [name, 0]));
const REDIRECT = 'http://127.0.0.1/callback';
const json = (body) => new Response(body, { headers: { 'content-type': 'application/json' } });

describe('wasm memory (target/bindgen glue + wasm, public API)', () => {
  it('no secret that crossed the boundary is left in linear memory after the calls and free()', async () => {
    const { memory, api } = await load();
    const left = await secretsLeft(api, memory, { clientSecret: true });
    assert.ok(Object.keys(left).length >= 15);
    assert.deepEqual(left, zeros(left));
  });

  it('Chromium: no secret that crossed the boundary is left in linear memory after the calls and free()', async () => {
    const dir = stage();
    const routes = {
      '/memory.html': here('./browser/memory.html'),
      '/cases/memory.js': here('./cases/memory.js'),
      '/mem/crm_auth_bg.wasm': join(BINDGEN, 'crm_auth_bg.wasm'),
    };
    for (const f of readdirSync(dir, { recursive: true })) routes[`/mem/${f}`] = join(dir, f);
    const web = await startStatic({ config: {}, routes });
    const { context, close } = await launchChromium('chromium-memory');
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${web.url}/memory.html`);
      const left = await withTimeout(page.evaluate(async () => {
        const glue = await import('/mem/crm_auth.js');
        const bytes = await (await fetch('/mem/crm_auth_bg.wasm')).arrayBuffer();
        const { memory } = glue.initSync({ module: bytes });
        const api = await import('/mem/api.js');
        const { secretsLeft } = await import('/cases/memory.js');
        return secretsLeft(api, memory, { clientSecret: false });
      }), 30_000, 'memory case in Chromium');
      assert.ok(Object.keys(left).length >= 14);
      assert.deepEqual(left, zeros(left));
    } finally {
      await close();
      await web.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('10,000 token answers of 1 KiB–1 MiB through one instance keep linear memory ≤ 8 MiB', async () => {
    const { memory, api } = await load();
    // xorshift32: the same answers on every run.
    let x = 0x9e3779b9;
    const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
    // 128 sizes log-uniform from 1 KiB to 1 MiB (the default maxBodyBytes),
    // each as a plain answer (the fast path: the input buffer) and as one with
    // an escaped "/" (the string ABI: the body copied in, the canonical JSON
    // back). Built once: making 1.5 GB of strings would be most of the run.
    const SIZES = 128;
    const body = (size, escaped) => {
      const frame = answer('', `refresh-${size}`);
      const fill = size - frame.length - (escaped ? 2 : 0);
      const token = escaped ? `a\\/${'t'.repeat(fill - 1)}` : 't'.repeat(fill);
      const text = frame.replace('"access_token":""', `"access_token":"${token}"`);
      assert.equal(text.length, size);
      return text;
    };
    const sizes = Array.from({ length: SIZES }, (_, k) => Math.round(1024 * 1024 ** (k / (SIZES - 1))));
    const plain = sizes.map((size) => body(size, false));
    const escaped = sizes.map((size) => body(size, true));
    let nextAnswer = '';
    const fetch = async () => json(nextAnswer);
    const flextell = new api.Flextell({ clientId: 'mem-client', clientSecret: 'mem-secret', redirectUri: REDIRECT, fetch });
    for (let i = 0; i < 10_000; i++) {
      const k = Math.floor(next() * SIZES);
      // Every fourth is a refresh (the string ABI, with the old refresh token).
      const refresh = i % 4 === 3;
      nextAnswer = (refresh ? escaped : plain)[k];
      const t = refresh ? await flextell.refresh(`old-refresh-${i}`) : await flextell.exchangeCode(`code-${i}`);
      assert.equal(t.refreshToken, `refresh-${sizes[k]}`);
    }
    flextell.free();
    const pages = memory.buffer.byteLength / PAGE;
    console.log(`# linear memory after 10,000 answers: ${pages} pages of 64 KiB (${(pages / 16).toFixed(2)} MiB)`);
    assert.ok(pages <= 128, `linear memory grew to ${pages} pages (bound: 128)`);
  });
});
