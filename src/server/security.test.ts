/** Dashboard security: bind refusal, access token, sessions, CSRF, Host check, security headers, text not HTML. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { UserError } from '../cli/errors.js';
import { repoRoot } from '../util/paths.js';
import { scratch } from '../testutil/fixtures.js';
import type { Store } from '../store/store.js';
import { CAMPAIGN, Client, member, syntheticStore, testApp, type TestApp } from './testkit.js';
import { checkBind, startServer } from './serve.js';
import { CSP } from './security.js';

const TOKEN = 'correct-horse-battery-staple-42';
const { dir, cleanup } = scratch('dg-sec-');
let store: Store;
let open: TestApp;
let locked: TestApp;

before(async () => {
  store = await syntheticStore(dir, { members: 20, benign: 10, suspicious: 2, lone: 1 });
  open = await testApp(store);
  locked = await testApp(store, { security: { token: TOKEN, loopbackHostsOnly: false } });
});
after(() => {
  store.close();
  cleanup();
});

const decision = { subject_kind: 'account', subject_id: member(1), decision: 'needs_evidence', note: 'x' };

async function capture(fn: () => Promise<number>): Promise<{ code: number; err: string }> {
  const orig = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((s: string | Uint8Array) => {
    err += String(s);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await fn(), err };
  } finally {
    process.stderr.write = orig;
  }
}

test('binds 127.0.0.1 by default; refuses another address without a token; refuses short tokens', async () => {
  assert.doesNotThrow(() => checkBind('127.0.0.1', null));
  assert.doesNotThrow(() => checkBind('::1', null));
  assert.doesNotThrow(() => checkBind('localhost', null));
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) assert.throws(() => checkBind(host, null), UserError, host);
  assert.throws(() => checkBind('0.0.0.0', 'short'), /at least 16/);
  assert.doesNotThrow(() => checkBind('0.0.0.0', TOKEN));
  await assert.rejects(startServer({ db: join(dir, 'none.duckdb'), host: '0.0.0.0', port: 0 }), /refusing to listen on 0\.0\.0\.0 without an access token/);
  assert.equal(existsSync(join(dir, 'none.duckdb')), false, 'nothing was opened');

  const saved = process.env.DISTILLGUARD_TOKEN;
  delete process.env.DISTILLGUARD_TOKEN;
  try {
    const r = await capture(() => main(['node', 'distillguard', 'serve', '--db', join(dir, 'none.duckdb'), '--host', '0.0.0.0', '--port', '0']));
    assert.equal(r.code, 1);
    assert.match(r.err, /refusing to listen on 0\.0\.0\.0 without an access token/);
  } finally {
    if (saved !== undefined) process.env.DISTILLGUARD_TOKEN = saved;
  }
});

test('a server started without options listens on 127.0.0.1 only; with a token it may listen on all addresses', async () => {
  const db = join(dir, 'served.duckdb');
  const { Store } = await import('../store/store.js');
  (await Store.open(db)).close();
  const s = await startServer({ db, port: 0, webRoot: null });
  try {
    assert.equal(s.host, '127.0.0.1');
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(`${s.url}api/session`);
    assert.equal(r.status, 200);
  } finally {
    await s.close();
  }
  const t = await startServer({ db, host: '0.0.0.0', port: 0, token: TOKEN, webRoot: null });
  try {
    const port = t.port;
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/overview`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  } finally {
    await t.close();
  }
});

test('access token: required on API and pages; bearer, login form and ?token= work; wrong ones do not', async () => {
  const app = locked.app;
  const base = 'http://localhost';
  assert.equal((await app.request(`${base}/api/overview`)).status, 401);
  assert.equal((await app.request(`${base}/api/overview`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
  assert.equal((await app.request(`${base}/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  const page = await app.request(`${base}/campaigns/x`);
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), '/login?next=%2Fcampaigns%2Fx');
  const login = await app.request(`${base}/login?next=/campaigns/x`);
  assert.equal(login.status, 200);
  assert.match(await login.text(), /<form method="post" action="\/login">/);

  const bad = await app.request(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope', next: '/' }) });
  assert.equal(bad.status, 303);
  assert.match(bad.headers.get('location')!, /failed=1/);
  assert.equal(bad.headers.get('set-cookie'), null);
  const good = await app.request(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN, next: '/campaigns/x' }) });
  assert.equal(good.status, 303);
  assert.equal(good.headers.get('location'), '/campaigns/x');
  const cookie = good.headers.get('set-cookie')!;
  assert.match(cookie, /dg_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
  const session = await app.request(`${base}/api/session`, { headers: { cookie: cookie.split(';')[0]! } });
  assert.equal(session.status, 200);
  assert.equal(((await session.json()) as { auth: string }).auth, 'session');
  const offsite = await app.request(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), headers: { origin: 'https://evil.example' } });
  assert.equal(offsite.status, 403, 'login from another site is refused');

  const q = await app.request(`${base}/review?token=${TOKEN}&x=1`);
  assert.equal(q.status, 303);
  assert.equal(q.headers.get('location'), '/review?x=1', 'the token is dropped from the address');
  assert.match(q.headers.get('set-cookie') ?? '', /dg_session=/);
  assert.equal((await app.request(`${base}/review?token=wrong-token-wrong-token`)).headers.get('location'), '/login?failed=1');
  assert.equal((await app.request(`${base}/api/overview?token=${TOKEN}`)).status, 401, 'no token in API addresses');
});

test('mutations: refused without the session CSRF token, from another origin or site; accepted with it', async () => {
  const c = await new Client(open.app).start();
  assert.ok(c.csrf.length >= 20 && c.cookie.startsWith('dg_session='));
  const post = (headers: Record<string, string>, cookie = c.cookie) =>
    open.app.request('http://localhost/api/decisions', { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body: JSON.stringify(decision) });
  const refused = [
    await post({}),
    await post({ 'x-distillguard-csrf': 'guess' }),
    await post({ 'x-distillguard-csrf': c.csrf }, ''),
    await post({ 'x-distillguard-csrf': c.csrf, origin: 'https://evil.example' }),
    await post({ 'x-distillguard-csrf': c.csrf, 'sec-fetch-site': 'cross-site' }),
    await post({ 'x-distillguard-csrf': c.csrf, 'sec-fetch-site': 'same-site' }),
  ];
  for (const r of refused) assert.equal(r.status, 403, await r.text());
  // A form posted from another site: no custom header, a simple content type.
  const form = await open.app.request('http://localhost/api/decisions', {
    method: 'POST',
    headers: { 'content-type': 'text/plain', cookie: c.cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    body: JSON.stringify(decision),
  });
  assert.equal(form.status, 403);
  const other = await new Client(open.app).start();
  assert.equal((await post({ 'x-distillguard-csrf': other.csrf })).status, 403, "another session's token");
  const audit0 = (await (await c.get('/api/audit')).json()) as { total: number };
  assert.equal(audit0.total, 0, 'nothing refused reached the store');

  const ok = await post({ 'x-distillguard-csrf': c.csrf, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' });
  assert.equal(ok.status, 200, await ok.text());
  for (const [m, p] of [
    ['PUT', '/api/policy'],
    ['POST', '/api/lists'],
    ['DELETE', '/api/lists'],
    ['POST', `/api/accounts/${member(1)}/prompts/reveal`],
    ['POST', '/api/policy/validate'],
  ] as const) {
    const r = await open.app.request(`http://localhost${p}`, { method: m, headers: { 'content-type': 'application/json', cookie: c.cookie }, body: '{}' });
    assert.equal(r.status, 403, `${m} ${p} without the CSRF header`);
  }
  // A bearer token is no ambient credential: API clients need no CSRF token.
  const bearer = await locked.app.request('http://localhost/api/decisions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(decision),
  });
  assert.equal(bearer.status, 200);
});

test('Host check: a loopback server answers only to loopback names (DNS rebinding)', async () => {
  for (const host of ['localhost:8787', '127.0.0.1:8787', '[::1]:8787']) {
    const r = await open.app.request('http://localhost/api/session', { headers: { host } });
    assert.equal(r.status, 200, host);
  }
  const r = await open.app.request('http://localhost/api/session', { headers: { host: 'rebind.evil.example:8787' } });
  assert.equal(r.status, 403);
});

test('headers: a content-security-policy without inline scripts on every response; no-sniff, no framing', async () => {
  assert.doesNotMatch(CSP, /unsafe-inline|unsafe-eval/);
  assert.match(CSP, /script-src 'self'/);
  for (const path of ['/', '/campaigns/x', '/api/overview', '/login', '/api/nothing']) {
    const r = await open.app.request(`http://localhost${path}`);
    assert.equal(r.headers.get('content-security-policy'), CSP, path);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  }
  assert.equal((await open.app.request('http://localhost/api/overview')).headers.get('cache-control'), 'no-store');
  const index = join(repoRoot(), 'web', 'dist', 'index.html');
  if (existsSync(index)) {
    const html = readFileSync(index, 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length >= 1);
    for (const s of scripts) {
      assert.match(s[1]!, /\bsrc="\/assets\//, 'every script is a file');
      assert.equal(s[2]!.trim(), '', 'no inline script body');
    }
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  }
});

test('user text is data: notes and prompts come back as JSON strings; the login page escapes its parameter', async () => {
  const c = await new Client(open.app).start();
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  const r = await c.send('POST', '/api/decisions', { subject_kind: 'campaign', subject_id: CAMPAIGN, decision: 'needs_evidence', note: hostile });
  assert.equal(r.status, 200);
  const audit = await c.get('/api/audit');
  assert.match(audit.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await audit.json()) as { rows: { detail: { note?: string } }[] };
  assert.equal(body.rows[0]!.detail.note, hostile);
  const login = await (await open.app.request(`http://localhost/login?next=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
  assert.doesNotMatch(login, /<script>alert/);
  assert.match(login, /&#34;&#62;&#60;script&#62;/);
  const r404 = await open.app.request('http://localhost/api/%3Cscript%3E');
  assert.match(r404.headers.get('content-type') ?? '', /^application\/json/);
  const big = await c.send('POST', '/api/decisions', { ...decision, note: 'x'.repeat(2 << 20) });
  assert.equal(big.status, 413);
});
