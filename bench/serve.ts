/**
 * Dashboard API response times per page, over HTTP, on an analysed store (by default seed-2026 at --scale 0.1, made
 * once with the commands in docs/benchmarks.md and cached under bench/out/serve/).
 *
 * Each page's data is the set of API requests the web app makes for it, sent together as the browser does; a page
 * is ready when the last of them has answered. "cold" is the first load after the server started (empty caches),
 * "warm" the median and worst of --runs further loads. Mutations are measured too (a decision on the largest
 * campaign labels all its members; the labels export afterwards): they are appended to the store's review tables
 * like any analyst's, so run the benchmark on a copy of a store you care about.
 *
 *   node dist/bench/serve.js [--db bench/out/serve/store.duckdb] [--runs 5] [--json FILE]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startServer } from '../src/server/serve.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const DB = opt('db', 'bench/out/serve/store.duckdb');
const RUNS = Number(opt('runs', '5'));
const JSON_OUT = opt('json', 'bench/out/serve-results.json');

if (!existsSync(DB)) {
  process.stderr.write(
    `no store at ${DB}; make it with:\n  node dist/src/cli/bin.js simulate --preset seed-2026 --scale 0.1 --seed 1 --out bench/out/serve/sim\n` +
      `  node dist/src/cli/bin.js analyze bench/out/serve/sim/interactions.jsonl.gz --accounts bench/out/serve/sim/accounts.jsonl --db ${DB} --out bench/out/serve/analysis\n`,
  );
  process.exit(1);
}

const t0 = performance.now();
const server = await startServer({ db: DB, port: 0, webRoot: null, log: (s) => process.stderr.write(`serve: ${s}\n`) });
const startMs = performance.now() - t0;
const base = server.url.replace(/\/$/, '');
const s = await fetch(`${base}/api/session`);
const cookie = (s.headers.get('set-cookie') ?? '').split(';')[0]!;
const csrf = ((await s.json()) as { csrf: string }).csrf;

interface Timed {
  ms: number;
  bytes: number;
}
async function call(path: string, init: RequestInit = {}): Promise<Timed & { body: unknown }> {
  const t = performance.now();
  const r = await fetch(`${base}${path}`, { ...init, headers: { cookie, 'x-distillguard-csrf': csrf, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const text = await r.text();
  const ms = performance.now() - t;
  if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
  return { ms, bytes: text.length, body: r.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
}
async function page(paths: string[]): Promise<Timed & { slowest: string }> {
  const t = performance.now();
  const rs = await Promise.all(paths.map((p) => call(p)));
  const slow = rs.reduce((a, b, i) => (b.ms > a.ms ? { ms: b.ms, i } : a), { ms: -1, i: 0 });
  return { ms: performance.now() - t, bytes: rs.reduce((x, r) => x + r.bytes, 0), slowest: paths[slow.i]! };
}

// What to open: the largest campaign, its busiest member, a benign account with links.
const overview = (await call('/api/overview')).body as { totals: { interactions: number; accounts: number }; campaigns: { campaign_id: string; accounts: number }[] };
const campaign = overview.campaigns[0];
if (!campaign) throw new Error('the store has no campaign');
const cid = encodeURIComponent(campaign.campaign_id);
const members = (await call(`/api/campaigns/${cid}/accounts?sort=interactions&dir=desc&limit=1`)).body as { rows: { account_id: string }[] };
const busiest = members.rows[0]!.account_id;
const benign = ((await call(`/api/accounts?verdict=benign&sort=interactions&dir=desc&limit=1`)).body as { rows: { account_id: string }[] }).rows[0]!.account_id;
const lastOffset = Math.max(0, campaign.accounts - 25);
const policyVersion = ((await call('/api/policy')).body as { version: number }).version;

const PAGES: Record<string, string[]> = {
  overview: ['/api/overview'],
  campaign: [`/api/campaigns/${cid}`, `/api/campaigns/${cid}/graph`, `/api/campaigns/${cid}/accounts?sort=score&dir=desc&offset=0&limit=25&review=any`],
  'campaign: accounts, last page sorted by interactions': [`/api/campaigns/${cid}/accounts?sort=interactions&dir=asc&offset=${lastOffset}&limit=25&review=any`],
  'campaign: accounts, filtered (id contains "a", score >= 0.9), 100 rows': [`/api/campaigns/${cid}/accounts?sort=last_seen&dir=desc&offset=0&limit=100&review=any&q=a&min_score=0.9`],
  'account (busiest campaign member)': [`/api/accounts/${encodeURIComponent(busiest)}`],
  'account (busiest benign account)': [`/api/accounts/${encodeURIComponent(benign)}`],
  review: ['/api/review/queue?kind=all&offset=0&limit=20', '/api/lists'],
  audit: ['/api/audit?offset=0&limit=50', '/api/labels'],
  policy: ['/api/policy', `/api/policy/simulation?window_days=7&v=${policyVersion}`],
  'exports (not page data): campaign report': [`/api/campaigns/${cid}/report`],
  'exports (not page data): STIX bundle': [`/api/campaigns/${cid}/stix`],
};

interface Row {
  page: string;
  requests: number;
  cold_ms: number;
  warm_median_ms: number;
  warm_max_ms: number;
  kb: number;
  slowest: string;
}
const rows: Row[] = [];
for (const [name, paths] of Object.entries(PAGES)) {
  const cold = await page(paths);
  const warm: number[] = [];
  let slowest = cold.slowest;
  for (let i = 0; i < RUNS; i++) {
    const w = await page(paths);
    warm.push(w.ms);
    slowest = w.slowest;
  }
  warm.sort((a, b) => a - b);
  rows.push({
    page: name,
    requests: paths.length,
    cold_ms: Math.round(cold.ms),
    warm_median_ms: Math.round(warm[Math.floor(warm.length / 2)] ?? cold.ms),
    warm_max_ms: Math.round(warm[warm.length - 1] ?? cold.ms),
    kb: Math.round(cold.bytes / 1024),
    slowest,
  });
}

// Pages stay answered while a long export runs on its own connection.
const exporting = call(`/api/campaigns/${cid}/stix`);
await new Promise((r) => setTimeout(r, 1000));
const during = await page(PAGES.overview!);
await exporting;

// Mutations: a campaign-wide decision (labels every member), then the labels export and the queue it changed.
const dec = await call('/api/decisions', { method: 'POST', body: JSON.stringify({ subject_kind: 'campaign', subject_id: campaign.campaign_id, decision: 'needs_evidence', note: 'bench', analyst: 'bench' }) });
const after = await page(['/api/review/queue?kind=all&offset=0&limit=20', '/api/labels', `/api/policy/simulation?window_days=7&v=${policyVersion}`]);
const mutations = [
  { what: 'overview while a STIX export of the campaign runs', ms: Math.round(during.ms) },
  { what: `decision on ${campaign.campaign_id} (${campaign.accounts} accounts labelled)`, ms: Math.round(dec.ms) },
  { what: 'review queue + labels + simulation right after it (caches invalidated)', ms: Math.round(after.ms) },
];

await server.close();

const total = overview.totals;
const lines = [
  `store ${DB}: ${total.interactions.toLocaleString('en-US')} interactions, ${total.accounts.toLocaleString('en-US')} accounts, ${overview.campaigns.length} campaign(s), largest ${campaign.campaign_id} with ${campaign.accounts.toLocaleString('en-US')} accounts`,
  `server start (opening the store, dashboard tables when the analysis changed): ${(startMs / 1000).toFixed(1)} s`,
  '',
  '| page | requests | cold (ms) | warm median (ms) | warm max (ms) | data (KB) | slowest request |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.page} | ${r.requests} | ${r.cold_ms} | ${r.warm_median_ms} | ${r.warm_max_ms} | ${r.kb} | \`${r.slowest.split('?')[0]}\` |`),
  '',
  ...mutations.map((m) => `- ${m.what}: ${m.ms} ms`),
];
process.stdout.write(lines.join('\n') + '\n');
const worst = Math.max(...rows.filter((r) => !r.page.startsWith('exports')).map((r) => Math.max(r.cold_ms, r.warm_max_ms)));
process.stdout.write(`slowest page load: ${worst} ms (target: under 1000 ms) -> ${worst < 1000 ? 'met' : 'NOT met'}\n`);
mkdirSync(dirname(JSON_OUT), { recursive: true });
writeFileSync(JSON_OUT, JSON.stringify({ db: DB, runs: RUNS, start_ms: Math.round(startMs), totals: total, rows, mutations }, null, 2) + '\n');
