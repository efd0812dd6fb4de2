/**
 * Test helpers for the dashboard: a synthetic analysed store of any size (built in SQL and through the detector's
 * own writeResults, so the tables have the shapes a real analysis gives them), and requests to the hono app with
 * a session and its CSRF token.
 */
import { join } from 'node:path';
import type { Hono } from 'hono';
import { writeResults, type AnalysisResult } from '../detect/analyze.js';
import type { AccountResult, CampaignResult } from '../model/results.js';
import { Store } from '../store/store.js';
import { createApp, createContext, type ContextOptions } from './app.js';
import type { ServerContext } from './context.js';
import type { AppEnv } from './security.js';

export const T0 = Date.UTC(2026, 4, 1);
const DAY = 86_400_000;

export interface SyntheticSizes {
  /** Accounts in the campaign C001-test (verdict distillation, score 0.95..0.999). */
  members: number;
  /** Benign accounts (score 0.01). */
  benign: number;
  /** Suspicious accounts (score 0.5), in no campaign. */
  suspicious: number;
  /** Accounts flagged distillation outside any campaign (score 0.97). */
  lone: number;
}

export const SMALL: SyntheticSizes = { members: 200, benign: 100, suspicious: 7, lone: 3 };

const pad = (i: number) => String(i).padStart(6, '0');
export const member = (i: number) => `c${pad(i)}`;
export const benign = (i: number) => `b${pad(i)}`;
export const suspicious = (i: number) => `s${pad(i)}`;
export const lone = (i: number) => `l${pad(i)}`;
export const CAMPAIGN = 'C001-test';

/**
 * A store analysed by a fictitious detector run: every account has two interactions (on days i % 10 and
 * (i + 5) % 10 after T0), prompts carry an e-mail address (for redaction), campaign members are linked in a ring
 * by template links and member 0 is linked to benign account 0 by an IP link.
 */
export async function syntheticStore(dir: string, sizes: SyntheticSizes = SMALL): Promise<Store> {
  const store = await Store.open(join(dir, 'synthetic.duckdb'));
  const groups: Array<[string, number, (i: number) => string]> = [
    ['c', sizes.members, member],
    ['b', sizes.benign, benign],
    ['s', sizes.suspicious, suspicious],
    ['l', sizes.lone, lone],
  ];
  for (const [p, n] of groups) {
    if (n === 0) continue;
    await store.run(`
      INSERT INTO interactions (id, ts, account_id, ip, api_key_id, model, api, prompt, prompt_chars, prompt_hash, capability, input_tokens, output_tokens)
      SELECT '${p}' || i || '-' || k, ${T0} + ((i + 5 * k) % 10) * ${DAY} + i % 1000, '${p}' || lpad(i::VARCHAR, 6, '0'),
             '10.0.' || (i % 200) || '.' || k, NULL, 'model-a', 'text',
             'task ' || i || ' try ' || k || ': write it for user' || i || '@example.com', 40, '${p}' || i || ':' || k, 'coding', 100, 200
      FROM range(${n}) r(i), range(2) q(k)`);
    await store.run(`
      INSERT INTO accounts (account_id, created_at, tier, verified, email_domain, country)
      SELECT '${p}' || lpad(i::VARCHAR, 6, '0'), ${T0 - 30 * DAY}, ${p === 'c' ? "'free'" : "'paid'"}, ${p === 'c' ? 'false' : 'true'}, 'example.com', 'US'
      FROM range(${n}) r(i)`);
  }
  await store.run(`
    CREATE OR REPLACE TABLE account_links AS
    SELECT 'c' || lpad(i::VARCHAR, 6, '0') AS a, 'c' || lpad((i + 1)::VARCHAR, 6, '0') AS b, 'template' AS kind, 0.5::DOUBLE AS weight, 2::BIGINT AS keys
    FROM range(${Math.max(sizes.members - 1, 0)}) r(i)
    UNION ALL SELECT '${member(0)}', '${benign(0)}', 'ip', 0.3, 1`);
  const iso = (ms: number) => new Date(ms).toISOString();
  const acct = (id: string, i: number, score: number, verdict: AccountResult['verdict'], campaign: string | null): AccountResult => ({
    account_id: id,
    score,
    verdict,
    campaign_id: campaign,
    interactions: 2,
    distillation_share: verdict === 'distillation' ? 1 : 0,
    first_seen: iso(T0 + Math.min(i % 10, (i + 5) % 10) * DAY),
    last_seen: iso(T0 + Math.max(i % 10, (i + 5) % 10) * DAY),
    reasons:
      verdict === 'benign'
        ? [{ signal: 'account.metadata', contribution: -1.2, detail: 'verified paid account' }]
        : [
            ...(campaign ? [{ signal: 'campaign.member', contribution: 0, detail: `member of campaign ${campaign}` }] : []),
            { signal: 'text.template', contribution: 2.5, detail: 'shares its prompt wrapper with other new accounts' },
          ],
  });
  const accounts: AccountResult[] = [];
  for (let i = 0; i < sizes.members; i++) accounts.push(acct(member(i), i, 0.95 + (i % 50) / 1000, 'distillation', sizes.members ? CAMPAIGN : null));
  for (let i = 0; i < sizes.benign; i++) accounts.push(acct(benign(i), i, 0.01, 'benign', null));
  for (let i = 0; i < sizes.suspicious; i++) accounts.push(acct(suspicious(i), i, 0.5, 'suspicious', null));
  for (let i = 0; i < sizes.lone; i++) accounts.push(acct(lone(i), i, 0.97, 'distillation', null));
  const campaigns: CampaignResult[] = sizes.members
    ? [
        {
          campaign_id: CAMPAIGN,
          score: 0.97,
          accounts: sizes.members,
          account_ids: accounts.filter((a) => a.campaign_id === CAMPAIGN).map((a) => a.account_id),
          interactions: sizes.members * 2,
          first_seen: iso(T0),
          last_seen: iso(T0 + 9 * DAY),
          capabilities: { coding: 0.75, reasoning_math: 0.25 },
          models: { 'model-a': 1 },
          indicators: { ips: ['10.0.0.1'], cidrs: ['10.0.0.0/24'], asns: [64500], payment_fingerprints: [], email_domains: ['example.com'], system_prompt_hashes: [], template_fingerprints: ['00000000deadbeef'] },
          summary: `${sizes.members * 2} interactions through ${sizes.members} accounts`,
          evidence: [
            { signal: 'template.shared_wrapper', detail: '1 prompt wrapper used by 3 or more of its accounts', count: 1 },
            { signal: 'coordination.communities', detail: '1 linked group', groups: 1 },
          ],
        },
      ]
    : [];
  const res: AnalysisResult = { accounts, campaigns, timings: {}, links: 0, graph: { pairs: 0, accounts: 0, edges: 0 }, communities: 0 };
  await writeResults(store, res, join(dir, 'results'));
  return store;
}

export interface TestApp {
  ctx: ServerContext;
  app: Hono<AppEnv>;
  api: ReturnType<typeof createApp>['api'];
}

export async function testApp(store: Store, opts: ContextOptions = {}): Promise<TestApp> {
  const ctx = await createContext(store, { webRoot: null, ...opts });
  const { app, api } = createApp(ctx);
  return { ctx, app, api };
}

/** A browser-like client: a session cookie from GET /api/session and its CSRF token on mutations. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(
    readonly app: Hono<AppEnv>,
    readonly base = 'http://localhost',
    readonly extraHeaders: Record<string, string> = {},
  ) {}

  async start(): Promise<this> {
    const r = await this.app.request(`${this.base}/api/session`, { headers: { ...this.extraHeaders } });
    const set = r.headers.get('set-cookie') ?? '';
    this.cookie = set.split(';')[0] ?? '';
    this.csrf = ((await r.json()) as { csrf: string }).csrf;
    return this;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return Promise.resolve(this.app.request(`${this.base}${path}`, { headers: { cookie: this.cookie, ...this.extraHeaders, ...headers } }));
  }

  send(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return Promise.resolve(
      this.app.request(`${this.base}${path}`, {
        method,
        headers: { cookie: this.cookie, 'content-type': 'application/json', 'x-distillguard-csrf': this.csrf, ...this.extraHeaders, ...headers },
        body: JSON.stringify(body),
      }),
    );
  }
}
