/** The dashboard API over a synthetic analysed store, through hono's app.request (no network). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLabels } from '../cli/commands/analyze.js';
import { trainModel } from '../detect/train.js';
import { loadPolicy } from '../enforce/policy.js';
import { scratch } from '../testutil/fixtures.js';
import type { Store } from '../store/store.js';
import { CAMPAIGN, Client, SMALL, benign, lone, member, suspicious, syntheticStore, testApp, type TestApp } from './testkit.js';
import { GRAPH_MEMBERS } from './routes/campaigns.js';
import { REPORT_CSP } from './routes/exports.js';
import type { RouteSpec } from './route.js';
import { verifyAudit } from './review.js';

const { dir, cleanup } = scratch('dg-api-');
let store: Store;
let t: TestApp;
let c: Client;

before(async () => {
  store = await syntheticStore(dir, SMALL);
  t = await testApp(store, { policyFile: join(dir, 'policy.json') });
  c = await new Client(t.app).start();
});
after(() => {
  store.close();
  cleanup();
});

async function json<T = Record<string, unknown>>(r: Response | Promise<Response>, status = 200): Promise<T> {
  const res = await r;
  const body = (await res.json()) as T;
  assert.equal(res.status, status, `HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** GET a documented route and check the body against its response schema. */
async function checked<T>(path: string, spec?: RouteSpec): Promise<T> {
  const s = spec ?? t.api.routes.find((r) => r.method === 'get' && new RegExp('^' + r.path.replace(/:[^/]+/g, '[^/]+') + '$').test(path.split('?')[0]!));
  assert.ok(s, `a documented route for ${path}`);
  const body = await json<T>(c.get(path));
  const r = s.response.safeParse(body);
  assert.ok(r.success, `${path} matches its schema: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}`);
  return body;
}

test('openapi: every route is documented, and every GET answers with the shape its schema documents', async () => {
  const doc = await json<{ openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters: { name: string }[] }>> }>(
    c.get('/api/openapi.json'),
  );
  assert.equal(doc.openapi, '3.1.0');
  for (const r of t.api.routes) {
    const p = r.path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
    assert.ok(doc.paths[p]?.[r.method], `${r.method} ${p} documented`);
    assert.ok(doc.paths[p]![r.method]!.responses['200'], `${r.method} ${p} has a 200 response`);
  }
  assert.deepEqual(
    doc.paths['/api/campaigns/{id}/accounts']!.get!.parameters.map((x) => x.name).sort(),
    ['dir', 'id', 'limit', 'min_score', 'offset', 'q', 'review', 'sort', 'verdict'],
  );
  const gets = [
    '/api/session',
    '/api/overview',
    '/api/campaigns',
    `/api/campaigns/${CAMPAIGN}`,
    `/api/campaigns/${CAMPAIGN}/accounts`,
    `/api/campaigns/${CAMPAIGN}/graph`,
    '/api/accounts?limit=5',
    `/api/accounts/${member(0)}`,
    '/api/review/queue',
    '/api/decisions',
    '/api/audit',
    '/api/lists',
    '/api/policy',
    '/api/policy/simulation',
    '/api/signals',
    `/api/campaigns/${CAMPAIGN}/stix`,
  ];
  for (const g of gets) await checked(g);
  const notJson = new Set(['/api/labels', '/api/openapi.json', '/api/campaigns/:id/report']);
  const documentedGets = t.api.routes.filter((r) => r.method === 'get' && !notJson.has(r.path));
  assert.equal(documentedGets.length, gets.length, 'every documented GET is exercised');
});

test('overview: totals, traffic per day and verdict, campaigns ranked, traffic per action under the policy', async () => {
  const o = await checked<{
    totals: Record<string, unknown>;
    days: { total: number; distillation: number; suspicious: number }[];
    campaigns: { campaign_id: string }[];
    verdict_share: { key: string; accounts: number }[];
    action_share: { key: string; accounts: number; interactions: number }[];
  }>('/api/overview');
  const n = SMALL.members + SMALL.benign + SMALL.suspicious + SMALL.lone;
  assert.equal(o.totals.accounts, n);
  assert.equal(o.totals.interactions, 2 * n);
  assert.equal(o.totals.flagged_accounts, SMALL.members + SMALL.lone);
  assert.equal(o.totals.suspicious_accounts, SMALL.suspicious);
  assert.equal(o.days.length, 10);
  assert.equal(
    o.days.reduce((s, d) => s + d.distillation, 0),
    2 * (SMALL.members + SMALL.lone),
  );
  assert.equal(
    o.days.reduce((s, d) => s + d.suspicious, 0),
    2 * SMALL.suspicious,
  );
  assert.deepEqual(
    o.campaigns.map((x) => x.campaign_id),
    [CAMPAIGN],
  );
  assert.equal(o.verdict_share.find((v) => v.key === 'benign')?.accounts, SMALL.benign);
  // The default policy: block verdict distillation with score >= 0.9, degrade suspicious, allow the rest.
  const act = Object.fromEntries(o.action_share.map((a) => [a.key, a.accounts]));
  assert.deepEqual(act, { block: SMALL.members + SMALL.lone, degrade: SMALL.suspicious, allow: SMALL.benign });
});

test('campaign accounts: paged, sorted and filtered in SQL; bad parameters answered with JSON paths', async () => {
  const base = `/api/campaigns/${CAMPAIGN}/accounts`;
  type Page = { total: number; rows: { account_id: string; score: number; review: string | null }[] };
  const p1 = await json<Page>(c.get(`${base}?limit=30&sort=score&dir=desc`));
  const p2 = await json<Page>(c.get(`${base}?limit=30&offset=30&sort=score&dir=desc`));
  assert.equal(p1.total, SMALL.members);
  const scores = [...p1.rows, ...p2.rows].map((r) => r.score);
  assert.deepEqual(
    scores,
    [...scores].sort((a, b) => b - a),
    'descending across the page boundary',
  );
  assert.equal(new Set([...p1.rows, ...p2.rows].map((r) => r.account_id)).size, 60, 'pages do not overlap');
  const last = await json<Page>(c.get(`${base}?limit=50&offset=${SMALL.members - 7}`));
  assert.equal(last.rows.length, 7);
  const byId = await json<Page>(c.get(`${base}?sort=account_id&dir=asc&limit=3`));
  assert.deepEqual(
    byId.rows.map((r) => r.account_id),
    [member(0), member(1), member(2)],
  );
  const q = await json<Page>(c.get(`${base}?q=${member(12).slice(-3)}`));
  assert.ok(q.rows.every((r) => r.account_id.includes(member(12).slice(-3))) && q.total >= 1);
  const high = await json<Page>(c.get(`${base}?min_score=0.99&limit=500`));
  assert.equal(high.total, Array.from({ length: SMALL.members }, (_, i) => 0.95 + (i % 50) / 1000).filter((x) => x >= 0.99).length);
  assert.ok(high.rows.every((r) => r.score >= 0.99));
  const bad = await json<{ issues: { path: string }[] }>(c.get(`${base}?sort=nope&limit=0`), 400);
  assert.deepEqual(bad.issues.map((i) => i.path).sort(), ['$.limit', '$.sort']);
  await json(c.get(`/api/campaigns/none/accounts`), 404);
});

test('account: reasons with signal rationale, activity, redacted prompts, links with their kind; reveal is audited', async () => {
  const a = await checked<{
    reasons: { signal: string; meta: { id: string } | null }[];
    days: { interactions: number }[];
    prompts: { redacted: boolean; items: { prompt: string }[] };
    links: { account_id: string; kinds: { kind: string; why: string }[] }[];
    result: { campaign_id: string };
  }>(`/api/accounts/${member(0)}`);
  assert.equal(a.result.campaign_id, CAMPAIGN);
  assert.equal(a.reasons.find((r) => r.signal === 'text.template')?.meta?.id, 'text.template');
  assert.equal(
    a.days.reduce((s, d) => s + d.interactions, 0),
    2,
  );
  assert.equal(a.prompts.redacted, true);
  assert.equal(a.prompts.items.length, 2);
  for (const p of a.prompts.items) {
    assert.ok(!p.prompt.includes('@example.com'), `redacted: ${p.prompt}`);
    assert.match(p.prompt, /\[email\]/);
  }
  const ip = a.links.find((l) => l.account_id === benign(0));
  assert.deepEqual(
    ip?.kinds.map((k) => k.kind),
    ['ip'],
  );
  assert.match(ip!.kinds[0]!.why, /IP/);
  assert.ok(a.links.some((l) => l.account_id === member(1) && l.kinds[0]!.kind === 'template'));
  const raw = await json<{ redacted: boolean; items: { prompt: string }[] }>(c.send('POST', `/api/accounts/${member(0)}/prompts/reveal`, { analyst: 'ana' }));
  assert.equal(raw.redacted, false);
  assert.ok(raw.items.every((p) => p.prompt.includes('@example.com')));
  const audit = await json<{ rows: { action: string; subject_id: string; actor: string }[] }>(c.get(`/api/audit?subject_id=${member(0)}`));
  assert.deepEqual(audit.rows[0], { ...audit.rows[0], action: 'prompts.reveal', subject_id: member(0), actor: 'ana' });
  await json(c.get('/api/accounts/nobody'), 404);
});

test('graph: members and the links between them, capped', async () => {
  const g = await checked<{ nodes: { id: string; member: boolean }[]; edges: { source: string; target: string; kinds: string[] }[]; truncated: boolean; members: number }>(
    `/api/campaigns/${CAMPAIGN}/graph`,
  );
  assert.equal(g.members, SMALL.members);
  assert.equal(g.nodes.filter((n) => n.member).length, Math.min(SMALL.members, GRAPH_MEMBERS));
  assert.ok(g.nodes.some((n) => n.id === benign(0) && !n.member), 'the linked account outside the campaign');
  const ids = new Set(g.nodes.map((n) => n.id));
  assert.ok(g.edges.every((e) => ids.has(e.source) && ids.has(e.target)));
  assert.ok(g.edges.some((e) => e.source === member(0) && e.target === member(1) && e.kinds.includes('template')));
});

test('review: queue, decisions on accounts and campaigns, precedence, audit chain, labels that train reads', async () => {
  type Queue = { total: number; rows: { subject_kind: string; subject_id: string; why: string }[] };
  const q0 = await json<Queue>(c.get('/api/review/queue?limit=500'));
  assert.equal(q0.total, 1 + SMALL.suspicious + SMALL.lone, 'the campaign, suspicious accounts and lone distillers');
  assert.equal(q0.rows[0]!.subject_kind, 'campaign');
  assert.equal(q0.rows.filter((r) => r.why === 'lone_distillation').length, SMALL.lone);

  const hostile = '<img src=x onerror=alert(1)> "quoted" \u2028';
  await json(c.send('POST', '/api/decisions', { subject_kind: 'account', subject_id: member(3), decision: 'false_positive', note: hostile, analyst: 'bob' }));
  await json(c.send('POST', '/api/decisions', { subject_kind: 'campaign', subject_id: CAMPAIGN, decision: 'confirm_distillation', note: 'wrappers match', analyst: 'ana' }));
  await json(c.send('POST', '/api/decisions', { subject_kind: 'account', subject_id: suspicious(0), decision: 'needs_evidence', note: '', analyst: 'bob' }));
  await json(c.send('POST', '/api/decisions', { subject_kind: 'account', subject_id: lone(0), decision: 'confirm_distillation', analyst: 'ana' }));
  const bad = await json<{ issues: { path: string }[] }>(c.send('POST', '/api/decisions', { subject_kind: 'account', subject_id: member(1), decision: 'maybe' }), 400);
  assert.deepEqual(
    bad.issues.map((i) => i.path),
    ['$.decision'],
  );
  await json(c.send('POST', '/api/decisions', { subject_kind: 'account', subject_id: 'nobody', decision: 'false_positive' }), 404);

  const q1 = await json<Queue>(c.get('/api/review/queue?limit=500'));
  assert.ok(!q1.rows.some((r) => r.subject_kind === 'campaign'), 'the decided campaign left the queue');
  assert.equal(q1.rows.find((r) => r.subject_id === suspicious(0))?.why, 'needs_evidence');
  assert.ok(!q1.rows.some((r) => r.subject_id === lone(0)));

  // The account's own decision wins over its campaign's, even though the campaign's came later.
  const m3 = await json<{ review: { decision: string; via: string } }>(c.get(`/api/accounts/${member(3)}`));
  assert.deepEqual([m3.review.decision, m3.review.via], ['false_positive', 'account']);
  const m4 = await json<{ review: { decision: string; via: string }; history: { note: string }[] }>(c.get(`/api/accounts/${member(4)}`));
  assert.deepEqual([m4.review.decision, m4.review.via], ['confirm_distillation', 'campaign']);
  const undecided = await json<{ total: number }>(c.get(`/api/campaigns/${CAMPAIGN}/accounts?review=false_positive`));
  assert.equal(undecided.total, 1);

  const audit = await json<{ total: number; rows: { action: string; detail: { note?: string } }[]; chain: { ok: boolean } }>(c.get('/api/audit'));
  assert.equal(audit.chain.ok, true);
  assert.ok(audit.rows.some((r) => r.detail.note === hostile), 'the note is stored exactly as written');

  // Labels: every campaign member but the false positive is distillation, member 3 benign, lone 0 distillation;
  // needs_evidence makes none.
  const res = await c.get('/api/labels');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /ndjson/);
  const file = join(dir, 'labels.jsonl');
  writeFileSync(file, await res.text());
  const labels = readLabels(file);
  assert.equal(labels.size, SMALL.members + 1);
  assert.equal(labels.get(member(3)), false);
  assert.equal(labels.get(member(4)), true);
  assert.equal(labels.get(lone(0)), true);
  assert.equal(labels.has(suspicious(0)), false);
  assert.equal([...labels.values()].filter((v) => v).length, SMALL.members);

  // What `distillguard train --db --labels` does with them (the CLI path is in e2e.test.ts).
  const model = await trainModel([{ name: 'synthetic', store, labels }]);
  assert.equal(model.training.accounts, SMALL.members + 1);
  assert.equal(model.training.positives, SMALL.members);

  // The chain shows an edit made behind the dashboard's back.
  await t.ctx.db.run(`UPDATE review_audit SET detail = replace(detail, 'wrappers match', 'nothing') WHERE detail LIKE '%wrappers match%'`);
  const broken = await verifyAudit(t.ctx.db);
  assert.equal(broken.ok, false);
  assert.ok(broken.broken_at !== null);
  await t.ctx.db.run(`UPDATE review_audit SET detail = replace(detail, 'nothing', 'wrappers match')`);
  assert.equal((await verifyAudit(t.ctx.db)).ok, true);
});

test('policy: validation with JSON paths, saving to the file, allow/deny lists, simulation of each rule', async () => {
  const invalid = { mode: 'loud', rules: [{ when: { score_gte: 2 }, action: 'throttle' }, { action: 'block', when: { list: 'vip' } }] };
  const v = await json<{ valid: boolean; issues: { path: string }[] }>(c.send('POST', '/api/policy/validate', { policy: invalid }));
  assert.equal(v.valid, false);
  assert.deepEqual(
    v.issues.map((i) => i.path),
    ['$.mode', '$.rules[0].when.score_gte'],
  );
  const put = await json<{ issues: { path: string; message: string }[] }>(c.send('PUT', '/api/policy', { policy: { rules: [{ action: 'block', when: { list: 'vip' } }] } }), 422);
  assert.deepEqual(
    put.issues.map((i) => i.path),
    ['$.rules[0].when.list'],
  );

  const policy = {
    mode: 'enforce',
    lists: { vip: { accounts: [benign(1)] } },
    rules: [
      { name: 'vip-throttle', when: { list: 'vip' }, action: 'flag' },
      { name: 'block-campaigns', when: { campaign: true, score_gte: 0.96 }, action: 'block' },
      { name: 'degrade-flagged', when: { verdict: ['distillation', 'suspicious'] }, action: 'degrade' },
    ],
  };
  const saved = await json<{ version: number; mode: string }>(c.send('PUT', '/api/policy', { policy, note: 'stricter', analyst: 'ana' }));
  assert.equal(saved.mode, 'enforce');
  assert.equal(loadPolicy(join(dir, 'policy.json')).rules.length, 3, 'written to the policy file, which the gateway loads');

  await json(c.send('POST', '/api/lists', { list: 'deny', kind: 'accounts', value: benign(2), analyst: 'ana' }));
  await json(c.send('POST', '/api/lists', { list: 'allow', kind: 'accounts', value: member(5), analyst: 'ana' }));
  await json(c.send('POST', '/api/lists', { list: 'deny', kind: 'accounts', value: benign(2) }), 409);
  const badIp = await json<{ issues: { path: string }[] }>(c.send('POST', '/api/lists', { list: 'deny', kind: 'ips', value: 'not-an-ip' }), 400);
  assert.deepEqual(
    badIp.issues.map((i) => i.path),
    ['$.deny.ips[0]'],
  );
  const lists = await json<{ deny: { accounts: string[] }; allow: { accounts: string[] } }>(c.get('/api/lists'));
  assert.deepEqual(lists.deny.accounts, [benign(2)]);
  assert.deepEqual(lists.allow.accounts, [member(5)]);
  assert.deepEqual(loadPolicy(join(dir, 'policy.json')).deny?.accounts, [benign(2)]);

  type Sim = { accounts: number; rules: { rule: string; decided_accounts: number; matched_accounts: number; confirmed_benign: number }[] };
  const sim = await json<Sim>(c.get('/api/policy/simulation?window_days=3660'));
  const n = SMALL.members + SMALL.benign + SMALL.suspicious + SMALL.lone;
  assert.equal(sim.accounts, n);
  const r = Object.fromEntries(sim.rules.map((x) => [x.rule, x]));
  // Members score 0.95 + (i % 50) / 1000: 40 of every 50 have score >= 0.96; member 5 (0.955) is allow-listed anyway.
  const strong = Array.from({ length: SMALL.members }, (_, i) => 0.95 + (i % 50) / 1000 >= 0.96 && i !== 5).filter(Boolean).length;
  assert.equal(r['deny-list']!.decided_accounts, 1);
  assert.equal(r['allow-list']!.decided_accounts, 1);
  assert.equal(r['vip-throttle']!.decided_accounts, 1);
  assert.equal(r['block-campaigns']!.decided_accounts, strong);
  assert.equal(r['degrade-flagged']!.decided_accounts, SMALL.members - 1 - strong + SMALL.lone + SMALL.suspicious);
  assert.equal(r['degrade-flagged']!.matched_accounts, SMALL.members + SMALL.lone + SMALL.suspicious, 'matched whatever the rules before it');
  assert.equal(r['default']!.decided_accounts, SMALL.benign - 2);
  // member 3 was marked a false positive above: the block rule would still hit it (score 0.953 < 0.96: degrade).
  assert.equal(r['degrade-flagged']!.confirmed_benign, 1);
  const draft = await json<Sim>(c.send('POST', '/api/policy/simulation', { policy: { rules: [], default: 'flag' }, window_days: 3660 }));
  assert.equal(draft.rules.find((x) => x.rule === 'default')?.decided_accounts, n);
  await json(c.send('POST', '/api/policy/simulation', { policy: { default: 'explode' } }), 422);

  const view = await json<{ version: number; versions: { note: string }[] }>(c.get('/api/policy'));
  assert.equal(view.version, 3);
  assert.ok(view.versions.some((x) => x.note === 'stricter'));
  const audit = await json<{ rows: { action: string }[] }>(c.get('/api/audit?limit=500'));
  for (const a of ['policy.update', 'list.add']) assert.ok(audit.rows.some((x) => x.action === a), a);
  assert.ok(existsSync(join(dir, 'policy.json')));
  assert.match(readFileSync(join(dir, 'policy.json'), 'utf8'), /"mode": "enforce"/);
});

test('exports: the campaign report (HTML, sandboxed, no script) and its STIX 2.1 bundle, from src/report and src/stix', async () => {
  const r = await c.get(`/api/campaigns/${CAMPAIGN}/report`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(r.headers.get('content-security-policy'), REPORT_CSP);
  assert.match(r.headers.get('content-security-policy') ?? '', /^sandbox;/);
  const html = await r.text();
  assert.ok(html.includes(CAMPAIGN), 'the report is about the campaign');
  assert.doesNotMatch(html, /<script/i);
  const dl = await c.get(`/api/campaigns/${CAMPAIGN}/report?download=1`);
  assert.match(dl.headers.get('content-disposition') ?? '', /attachment; filename="C001-test\.report\.html"/);
  await dl.text();
  const s = await c.get(`/api/campaigns/${CAMPAIGN}/stix?tlp=green`);
  assert.equal(s.status, 200);
  const bundle = (await s.json()) as { type: string; objects: { type: string; name?: string }[] };
  assert.equal(bundle.type, 'bundle');
  assert.ok(bundle.objects.some((o) => o.type === 'campaign'), 'a campaign object');
  assert.ok(bundle.objects.some((o) => o.type === 'marking-definition'), 'a TLP marking');
  await json(c.get('/api/campaigns/none/stix'), 404);
  await json(c.get(`/api/campaigns/${CAMPAIGN}/stix?tlp=purple`), 400);
});

test('tens of thousands of accounts: a page is one SQL query, fast at any offset', async () => {
  const big = scratch('dg-api-big-');
  const s = await syntheticStore(big.dir, { members: 40_000, benign: 500, suspicious: 5, lone: 1 });
  try {
    const b = await testApp(s);
    const cl = await new Client(b.app).start();
    const base = `/api/campaigns/${CAMPAIGN}/accounts`;
    for (const path of [`${base}?limit=100`, `${base}?limit=100&offset=39950&sort=interactions&dir=asc`, `${base}?q=39&min_score=0.97&sort=last_seen`]) {
      const t0 = performance.now();
      const p = await json<{ total: number; rows: unknown[] }>(cl.get(path));
      const ms = performance.now() - t0;
      assert.ok(p.total > 0 && p.rows.length > 0, path);
      assert.ok(ms < 2000, `${path}: ${ms.toFixed(0)} ms`);
    }
    const last = await json<{ total: number; rows: { account_id: string }[] }>(cl.get(`${base}?limit=100&offset=39950&sort=account_id&dir=asc`));
    assert.equal(last.total, 40_000);
    assert.equal(last.rows.length, 50);
    assert.equal(last.rows.at(-1)!.account_id, member(39_999));
    const g = await json<{ nodes: { member: boolean }[]; truncated: boolean }>(cl.get(`/api/campaigns/${CAMPAIGN}/graph`));
    assert.equal(g.truncated, true);
    assert.equal(g.nodes.filter((n) => n.member).length, GRAPH_MEMBERS);
  } finally {
    s.close();
    big.cleanup();
  }
});

test('a store without an analysis: traffic is shown, decisions are refused', async () => {
  const empty = scratch('dg-api-empty-');
  const { Store } = await import('../store/store.js');
  const s = await Store.open(join(empty.dir, 'e.duckdb'));
  try {
    await s.run(`INSERT INTO interactions (id, ts, account_id) VALUES ('1', ${Date.UTC(2026, 0, 1)}, 'a1'), ('2', ${Date.UTC(2026, 0, 2)}, 'a2')`);
    const b = await testApp(s);
    const cl = await new Client(b.app).start();
    const o = await json<{ analysed: boolean; totals: { interactions: number; campaigns: number } }>(cl.get('/api/overview'));
    assert.deepEqual([o.analysed, o.totals.interactions, o.totals.campaigns], [false, 2, 0]);
    await json(cl.send('POST', '/api/decisions', { subject_kind: 'account', subject_id: 'a1', decision: 'false_positive' }), 409);
    const a = await json<{ result: unknown; days: unknown[] }>(cl.get('/api/accounts/a1'));
    assert.equal(a.result, null);
    assert.equal(a.days.length, 1);
    assert.equal((await json<{ total: number }>(cl.get('/api/review/queue'))).total, 0);
  } finally {
    s.close();
    empty.cleanup();
  }
});
