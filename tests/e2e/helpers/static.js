// Static server for the browser test: the test page, the packed package files (from the
// consumer install, as a CDN/static host would serve them) and a server-side /exchange
// endpoint that holds the client secret.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PKG_DIR, browserEntry } from './pkg.js';
import { listen, closeServer } from './sim.js';

const PAGE_DIR = fileURLToPath(new URL('../browser/', import.meta.url));
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.ts': 'text/plain' };

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')); } catch (e) { reject(e); } });
    req.on('error', reject);
  });
}

/**
 * @param {object} o
 * @param {object} o.config     JSON handed to the page (origin, client ids, redirect path...)
 * @param {(body: any) => Promise<any>} [o.exchange]  server-side exchange handler
 * @param {Record<string, string>} [o.routes]  extra GET paths -> absolute file paths; `.html`
 *        files get the same import map / config substitution as the main page
 */
export async function startStatic({ config, exchange, routes = {} }) {
  const entry = browserEntry();
  const importMap = JSON.stringify({ imports: { 'crm-auth': `/node_modules/crm-auth/${entry}` } });
  let base;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      const p = url.pathname;
      if (req.method === 'POST' && p === '/exchange' && exchange) {
        const body = await readJson(req);
        const out = await exchange(body);
        res.writeHead(out.ok ? 200 : 400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return res.end(JSON.stringify(out));
      }
      if (req.method !== 'GET') { res.writeHead(405); return res.end(); }
      if (p === '/favicon.ico') { res.writeHead(204); return res.end(); }
      const page = p === '/' || p === '/callback' ? path.join(PAGE_DIR, 'index.html')
        : Object.hasOwn(routes, p) && routes[p].endsWith('.html') ? routes[p] : null;
      if (page) {
        const html = fs.readFileSync(page, 'utf8')
          .replace('__IMPORT_MAP__', importMap)
          .replace('__CONFIG__', JSON.stringify({ ...config, base }).replace(/</g, '\\u003c'));
        res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
        return res.end(html);
      }
      let file = null;
      if (p === '/app.js') file = path.join(PAGE_DIR, 'app.js');
      else if (Object.hasOwn(routes, p)) file = routes[p];
      else if (p.startsWith('/node_modules/crm-auth/')) {
        const rel = decodeURIComponent(p.slice('/node_modules/crm-auth/'.length));
        const abs = path.resolve(PKG_DIR, rel);
        if (abs.startsWith(PKG_DIR + path.sep)) file = abs;
      }
      if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404, { 'content-type': 'text/plain' }); return res.end('not found'); }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      fs.createReadStream(file).pipe(res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: String(e && e.message) }));
    }
  });
  base = await listen(server);
  return { url: base, entry, close: () => closeServer(server) };
}
