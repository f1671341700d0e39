// "npm i crm-auth, import it, it works": fresh projects (tests/consumers/<name>: pinned tools,
// committed package-lock.json, each tool's DEFAULT config) install the PACKED tarball
// (scripts/pack.sh) and are built and run for real. Browser builds load in headless Chromium:
// the page must show an authorize URL made by crm-auth and log no console error.
// Each project is copied to .tmp/consumers/<name> and installed with `npm ci --prefer-offline`;
// two run at a time, each within its own timeout. The results (tool versions, bytes a browser
// downloaded, gzip -9) go to .tmp/consumers/results.md: the README's "Works with" table.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from '../e2e/helpers/pkg.js';
import { launchChromium } from '../e2e/helpers/chromium.js';
import { withTimeout } from '../e2e/helpers/util.js';

const HERE = path.join(ROOT, 'tests', 'consumers');
const WORK = path.join(ROOT, '.tmp', 'consumers');
const AUTHORIZE_URL = /^https:\/\/[^\s]+[?&]code_challenge_method=S256/m;
const results = [];

/** Runs a command to completion; rejects with its output on failure or after `timeout` ms. */
function run(cwd, cmd, args, { timeout = 300_000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, timeout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code ?? signal}:\n${out.slice(-4000)}`));
    });
  });
}

/** Starts a long-running server; `url` must answer before `timeout` ms. Returns stop(). */
async function serve(cwd, cmd, args, url, { timeout = 120_000, env = {} } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const stop = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} };
  const deadline = Date.now() + timeout;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} ${args.join(' ')} exited ${child.exitCode}:\n${out.slice(-4000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.status < 500) return stop;
    } catch {}
    if (Date.now() > deadline) { stop(); throw new Error(`${url} did not answer within ${timeout} ms:\n${out.slice(-4000)}`); }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A static file server for a build's output directory (with `page` as its index.html). */
async function staticServer(dir, page) {
  if (page) fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html>\n<meta charset="utf-8">\n<p id="out"></p>\n${page}\n`);
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.css': 'text/css' };
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(dir, p.endsWith('/') ? `${p}index.html` : p);
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

/**
 * Opens `url` in Chromium; waits for #out to hold an authorize URL. Returns the URL and the
 * bytes of every script and wasm the page downloaded (each gzip -9). Fails on console errors.
 */
async function checkPage(url) {
  const { context, close } = await launchChromium('consumer');
  try {
    const page = await context.newPage();
    const errors = [];
    const bodies = [];
    // (No app here has a favicon: the browser's request for it is no error of crm-auth's.)
    page.on('console', (m) => { if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location()?.url ?? '')) errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => {
      const type = r.request().resourceType();
      if (type === 'script' || /\.wasm$/.test(new URL(r.url()).pathname)) bodies.push(r.body().catch(() => Buffer.alloc(0)));
    });
    await page.goto(url, { timeout: 60_000 });
    await page.waitForFunction(() => /^https:/.test(document.getElementById('out')?.textContent ?? ''), null, { timeout: 60_000 })
      .catch((e) => { throw new Error(`no authorize URL on ${url}: ${e.message}\nconsole errors: ${errors.join('\n')}`); });
    const text = await page.textContent('#out');
    assert.match(text, AUTHORIZE_URL);
    assert.deepEqual(errors, [], `console errors on ${url}`);
    let bytes = 0;
    for (const b of await Promise.all(bodies)) bytes += zlib.gzipSync(b, { level: 9 }).length;
    return { text, bytes };
  } finally {
    await close();
  }
}

// Variants of the shared app, by the name it is copied to.
const VARIANTS = {
  'slim.js': (text) => text.replace('from "crm-auth"', 'from "crm-auth/slim"'),
  'require.js': (text) => text.replace('import { OAuth2 } from "crm-auth";', 'const { OAuth2 } = require("crm-auth");'),
};

/** Copies tests/consumers/<name> and the shared app files it asks for ([from, to]), then installs it. */
async function install(name, shared = []) {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(HERE, name), dir, { recursive: true });
  for (const [from, to] of shared) {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    const text = fs.readFileSync(path.join(HERE, 'app', from), 'utf8');
    fs.writeFileSync(path.join(dir, to), (VARIANTS[path.basename(to)] ?? String)(text));
  }
  await run(dir, 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { timeout: 600_000 });
  return dir;
}

const version = (dir, pkg) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const npx = (dir, bin) => path.join(dir, 'node_modules', '.bin', bin);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** A static build served and checked in Chromium. */
async function checkBuild(dir, out, page) {
  const s = await staticServer(path.join(dir, out), page);
  try { return await checkPage(s.url); } finally { s.stop(); }
}

/** A port nothing listens on now (dev servers need one up front). */
async function freePort() {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const consumers = {
  'Node ESM + CommonJS': async () => {
    const dir = await install('node', [['url.js', 'url.js']]);
    assert.match(await run(dir, 'node', ['esm.mjs']), AUTHORIZE_URL);
    assert.match(await run(dir, 'node', ['cjs.cjs']), AUTHORIZE_URL);
    return { version: `Node ${process.versions.node}` };
  },
  'TypeScript (bundler, node16, nodenext; workerd types)': async () => {
    const dir = await install('typescript');
    for (const p of ['bundler', 'node16', 'nodenext', 'workerd']) await run(dir, npx(dir, 'tsc'), ['-p', `tsconfig.${p}.json`]);
    assert.match(await run(dir, 'node', ['dist/esm.js']), AUTHORIZE_URL); // nodenext output, run
    assert.match(await run(dir, 'node', ['dist/cjs.cjs']), AUTHORIZE_URL);
    return { version: `typescript ${version(dir, 'typescript')}` };
  },
  ...Object.fromEntries(['vite-6', 'vite-latest'].map((name) => [`Vite (${name}) build + dev; slim entry`, async () => {
    const dir = await install(name, [['main.js', 'src/main.js']]);
    let bytes;
    // Default config; then crm-auth/slim with the settings the README gives (vite.slim.config.js,
    // root slim/: written only now, or the default dev server's dependency scan would find it).
    for (const config of [[], ['--config', 'vite.slim.config.js']]) {
      if (config.length) {
        fs.mkdirSync(path.join(dir, 'slim'));
        fs.writeFileSync(path.join(dir, 'slim', 'slim.js'), VARIANTS['slim.js'](fs.readFileSync(path.join(dir, 'src', 'main.js'), 'utf8')));
        fs.writeFileSync(path.join(dir, 'slim', 'index.html'), fs.readFileSync(path.join(dir, 'index.html'), 'utf8').replace('/src/main.js', './slim.js'));
      }
      await run(dir, npx(dir, 'vite'), ['build', ...config]);
      const built = await checkBuild(dir, config.length ? 'slim/dist' : 'dist');
      bytes ??= built.bytes;
      const p = await freePort();
      const stop = await serve(dir, npx(dir, 'vite'), [...config, '--port', String(p), '--strictPort', '--host', '127.0.0.1'], `http://127.0.0.1:${p}/`);
      try { await checkPage(`http://127.0.0.1:${p}/`); } finally { stop(); }
    }
    return { version: `vite ${version(dir, 'vite')}`, bytes };
  }])),
  'webpack 5 (no config; import and require); slim entry': async () => {
    const dir = await install('webpack', [['main.js', 'src/index.js'], ['main.js', 'src/require.js'], ['main.js', 'src/slim.js']]);
    await run(dir, npx(dir, 'webpack'), []);
    const built = await checkBuild(dir, 'dist', '<script src="main.js"></script>');
    await run(dir, npx(dir, 'webpack'), ['--entry', './src/require.js', '--output-path', 'dist-require']);
    await checkBuild(dir, 'dist-require', '<script src="main.js"></script>');
    await run(dir, npx(dir, 'webpack'), ['--entry', './src/slim.js', '--output-path', 'dist-slim']);
    await checkBuild(dir, 'dist-slim', '<script src="main.js"></script>');
    return { version: `webpack ${version(dir, 'webpack')}`, bytes: built.bytes };
  },
  'esbuild --bundle; slim entry': async () => {
    const dir = await install('esbuild', [['main.js', 'src/main.js'], ['main.js', 'src/slim.js']]);
    await run(dir, npx(dir, 'esbuild'), ['src/main.js', '--bundle', '--minify', '--outfile=dist/main.js']);
    const built = await checkBuild(dir, 'dist', '<script src="main.js"></script>');
    // slim: ESM output (top-level await) and the wasm copied next to the bundle.
    await run(dir, npx(dir, 'esbuild'), ['src/slim.js', '--bundle', '--minify', '--format=esm', '--outfile=dist-slim/slim.js']);
    fs.copyFileSync(path.join(dir, 'node_modules/crm-auth/crm_auth_bg.wasm'), path.join(dir, 'dist-slim/crm_auth_bg.wasm'));
    await checkBuild(dir, 'dist-slim', '<script type="module" src="slim.js"></script>');
    return { version: `esbuild ${version(dir, 'esbuild')}`, bytes: built.bytes };
  },
  'Rollup + node-resolve': async () => {
    const dir = await install('rollup', [['main.js', 'src/main.js']]);
    await run(dir, npx(dir, 'rollup'), ['-c']);
    const built = await checkBuild(dir, 'dist', '<script type="module" src="main.js"></script>');
    return { version: `rollup ${version(dir, 'rollup')}`, bytes: built.bytes };
  },
  'Next.js app router (Turbopack, --webpack)': async () => {
    const dir = await install('nextjs');
    const env = { NEXT_TELEMETRY_DISABLED: '1' };
    let bytes;
    for (const flags of [[], ['--webpack']]) {
      await run(dir, npx(dir, 'next'), ['build', ...flags], { env, timeout: 600_000 });
      const p = await freePort();
      const stop = await serve(dir, npx(dir, 'next'), ['start', '-p', String(p), '-H', '127.0.0.1'], `http://127.0.0.1:${p}/`, { env });
      try {
        const page = await checkPage(`http://127.0.0.1:${p}/`);
        bytes ??= page.bytes;
        assert.match(await (await fetch(`http://127.0.0.1:${p}/api/url`)).text(), AUTHORIZE_URL);
      } finally { stop(); }
    }
    return { version: `next ${version(dir, 'next')}`, bytes, note: 'Turbopack build' };
  },
  'Jest (no config)': async () => {
    const dir = await install('jest');
    await run(dir, npx(dir, 'jest'), ['--ci']);
    return { version: `jest ${version(dir, 'jest')}` };
  },
  'Vitest (no config)': async () => {
    const dir = await install('vitest', [['url.js', 'url.js']]);
    await run(dir, npx(dir, 'vitest'), ['run']);
    return { version: `vitest ${version(dir, 'vitest')}` };
  },
  'wrangler deploy --dry-run + dev': async () => {
    const dir = await install('wrangler', [['url.js', 'src/url.js']]);
    const env = { WRANGLER_SEND_METRICS: 'false', CI: '1' };
    await run(dir, npx(dir, 'wrangler'), ['deploy', '--dry-run', '--outdir', 'dist'], { env });
    let bytes = 0;
    for (const f of fs.readdirSync(path.join(dir, 'dist'))) {
      if (/\.(js|wasm)$/.test(f)) bytes += zlib.gzipSync(fs.readFileSync(path.join(dir, 'dist', f)), { level: 9 }).length;
    }
    const p = await freePort();
    const stop = await serve(dir, npx(dir, 'wrangler'), ['dev', '--port', String(p), '--ip', '127.0.0.1'], `http://127.0.0.1:${p}/`, { env });
    try {
      assert.match(await (await fetch(`http://127.0.0.1:${p}/`)).text(), AUTHORIZE_URL);
    } finally { stop(); }
    return { version: `wrangler ${version(dir, 'wrangler')}`, bytes, note: 'worker upload' };
  },
  'Deno (npm deno)': async () => {
    const dir = await install('deno', [['url.js', 'url.js']]);
    assert.match(await run(dir, npx(dir, 'deno'), ['run', '--allow-read', '--allow-env', 'main.js'], { env: { DENO_NO_UPDATE_CHECK: '1' } }), AUTHORIZE_URL);
    return { version: `deno ${version(dir, 'deno')}` };
  },
  'Bun (npm bun): run + bun build': async () => {
    const dir = await install('bun', [['url.js', 'url.js'], ['main.js', 'src/main.js']]);
    assert.match(await run(dir, npx(dir, 'bun'), ['main.js']), AUTHORIZE_URL);
    await run(dir, npx(dir, 'bun'), ['build', 'src/main.js', '--outdir', 'dist']);
    const built = await checkBuild(dir, 'dist', '<script type="module" src="main.js"></script>');
    return { version: `bun ${version(dir, 'bun')}`, bytes: built.bytes, note: 'bun build' };
  },
};

describe('consumers: npm i crm-auth with each tool\'s default config', { concurrency: 2, timeout: 1_800_000 }, () => {
  const tgz = fs.readdirSync(path.join(ROOT, '.tmp')).find((f) => /^crm-auth-.*\.tgz$/.test(f));
  fs.mkdirSync(WORK, { recursive: true });
  if (tgz) fs.copyFileSync(path.join(ROOT, '.tmp', tgz), path.join(WORK, 'crm-auth.tgz'));
  // CONSUMERS=<regexp> runs a subset while working on one (CI runs all).
  const only = new RegExp(process.env.CONSUMERS ?? '');
  for (const [name, check] of Object.entries(consumers).filter(([n]) => only.test(n))) {
    it(name, { timeout: 900_000 }, async (t) => {
      assert.ok(tgz, 'no packed tarball in .tmp: run scripts/build.sh && scripts/pack.sh');
      try {
        const r = await withTimeout(check(), 880_000, name);
        results.push({ name, ...r, ok: true });
        t.diagnostic(`${name}: ${r.version}${r.bytes ? `, ${kb(r.bytes)} gzip -9 downloaded` : ''}`);
      } catch (e) {
        results.push({ name, ok: false, error: String(e.message).split('\n')[0] });
        throw e;
      }
    });
  }
  after(() => {
    const order = Object.keys(consumers);
    results.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const rows = results.map((r) => `| ${r.name} | ${r.version ?? ''} | ${r.ok ? 'works' : `FAILS: ${r.error}`} | ${r.bytes ? `${kb(r.bytes)}${r.note ? ` (${r.note})` : ''}` : '—'} |`);
    fs.writeFileSync(path.join(WORK, 'results.md'),
      ['| consumer (default config) | version | result | bytes shipped, gzip -9 |', '|---|---|---|---:|', ...rows, ''].join('\n'));
  });
});
