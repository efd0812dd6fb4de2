/**
 * The built web app (web/dist) and the login page. Files are listed once at start-up and served from that list
 * only (no path from the request reaches the file system); paths without a file extension get index.html (the
 * app routes in the browser).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './security.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function listFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set('/' + relative(root, p).split(sep).join('/'), p);
    }
  };
  walk(root);
  return out;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const LOGIN_CSS = `body{font:15px system-ui,sans-serif;background:#f4f5f7;color:#1d2330;display:flex;justify-content:center;padding-top:15vh}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;min-width:320px}h1{font-size:1.2rem;margin:0 0 1rem}
input{width:100%;box-sizing:border-box;padding:.5rem;margin:.5rem 0 1rem;font:inherit}button{padding:.5rem 1rem;font:inherit}
.err{color:#b00020}`;

export function loginPage(failed: boolean, next: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>distillguard: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/login.css"></head>
<body><form method="post" action="/login"><h1>distillguard dashboard</h1>
${failed ? '<p class="err">Wrong access token.</p>' : ''}
<label for="token">Access token</label><input id="token" name="token" type="password" autocomplete="current-password" autofocus required>
<input type="hidden" name="next" value="${escapeHtml(next)}"><button type="submit">Log in</button></form></body></html>`;
}

export function loginRoutes(app: Hono<AppEnv>): void {
  app.get('/login', (c) => c.html(loginPage(c.req.query('failed') === '1', c.req.query('next') ?? '/')));
  app.get('/login.css', (c) => c.body(LOGIN_CSS, 200, { 'Content-Type': TYPES['.css']! }));
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>distillguard</title></head><body>
<p>The web app is not built: run <code>npm run build</code> (it writes web/dist). The JSON API is served under /api/ (see /api/openapi.json).</p></body></html>`;

/** Serves the app's files and its index for client-side routes. */
export function staticRoutes(app: Hono<AppEnv>, webRoot: string | null): void {
  const files = webRoot !== null && existsSync(join(webRoot, 'index.html')) ? listFiles(webRoot) : new Map<string, string>();
  const cache = new Map<string, Buffer>();
  const send = (c: Context<AppEnv>, path: string, file: string) => {
    let body = cache.get(file);
    if (!body) cache.set(file, (body = readFileSync(file)));
    const immutable = path.startsWith('/assets/');
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };
  app.get('*', (c) => {
    const path = c.req.path;
    if (path.startsWith('/api/')) return c.json({ error: `no such endpoint: ${path} (see /api/openapi.json)` }, 404);
    const f = files.get(path);
    if (f) return send(c, path, f);
    if (extname(path) === '') {
      const index = files.get('/index.html');
      return index ? send(c, '/index.html', index) : c.html(NOT_BUILT);
    }
    return c.text('not found', 404);
  });
}
