/**
 * What a campaign's indicators look like in this provider's own data, for export: for each value, how many of the
 * campaign's accounts and calls show it, when it was first and last seen, and its purity, the share of all accounts
 * in the store showing it that belong to the campaign. Purity is the exported confidence: an address or e-mail domain
 * that ordinary customers use too is weak evidence at a partner, and values below MIN_PURITY are not exported.
 */
import { COT_PHRASES } from '../signals/text/cot.js';
import { explainText } from '../signals/text/index.js';
import type { CampaignResult } from '../model/results.js';
import { lit, type Store } from '../store/store.js';
import { hasTable } from '../report/load.js';

export const INDICATOR_KINDS = ['ip', 'cidr', 'asn', 'email_domain', 'payment', 'signup_burst', 'template', 'system_prompt', 'reasoning_phrase'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Values shared mostly by other accounts are not exported. */
export const MIN_PURITY = 0.5;
/** A sign-up burst: at least this many campaign accounts of one tier created within one hour. */
const BURST_MIN = 3;
/** Reasoning-elicitation phrases: cues of at least this weight, present in at least this share of sampled prompts. */
const PHRASE_MIN_WEIGHT = 0.5;
const PHRASE_MIN_SHARE = 0.05;
const PHRASE_SAMPLE = 2000;

export interface IndicatorStat {
  kind: IndicatorKind;
  /** The raw value (hashed at export when it identifies customers); for a sign-up burst, "tier|fromMs|toMs". */
  value: string;
  /** Campaign accounts showing it. */
  accounts: number;
  /** Campaign calls showing it (0 for account-level kinds). */
  interactions: number;
  first: number;
  last: number;
  /** Campaign accounts / all accounts in the store showing it. */
  purity: number;
}

export interface CampaignIntel {
  campaign: CampaignResult;
  indicators: IndicatorStat[];
}

const COT_WEIGHT = new Map(COT_PHRASES.map(([p, w]) => [p, w]));

/** Calls of the campaign: the `campaign_interactions` analyze keeps, else all calls of its accounts. */
async function campaignCalls(store: Store): Promise<string> {
  return (await hasTable(store, 'campaign_interactions'))
    ? `(SELECT account_id, campaign_id, ts, ip, asn, system_hash, template FROM campaign_interactions)`
    : `(SELECT i.account_id, m.campaign_id, i.ts, i.ip, i.asn, i.system_hash, i.template FROM interactions i JOIN dg_members m USING (account_id))`;
}

const same = (c: string) => c;
const CIDR_EXPR = (col: string) =>
  `CASE WHEN ${col} LIKE '%:%' THEN array_to_string(string_split(${col}, ':')[1:3], ':') || '::/48' ELSE regexp_replace(${col}, '\\.[0-9]+$', '') || '.0/24' END`;

async function interactionKind(store: Store, calls: string, campaignId: string, kind: IndicatorKind, col: string, wrap: (c: string) => string, values: string[]): Promise<IndicatorStat[]> {
  if (values.length === 0) return [];
  const list = values.map(lit).join(', ');
  const e = `(${wrap(col)})::VARCHAR`;
  const rows = await store.all<{ v: string; n: number; a: number; f: number; l: number; total: number }>(`
    WITH c AS (SELECT ${e} AS v, count(*)::BIGINT AS n, count(DISTINCT account_id)::BIGINT AS a, min(ts)::BIGINT AS f, max(ts)::BIGINT AS l
               FROM ${calls} WHERE campaign_id = ${lit(campaignId)} AND ${col} IS NOT NULL GROUP BY 1),
         t AS (SELECT ${e} AS v, count(DISTINCT account_id)::BIGINT AS total FROM interactions WHERE ${col} IS NOT NULL AND ${e} IN (${list}) GROUP BY 1)
    SELECT c.v, c.n, c.a, c.f, c.l, t.total FROM c JOIN t USING (v) ORDER BY c.a DESC, c.v`);
  return rows.map((r) => ({ kind, value: r.v, accounts: Number(r.a), interactions: Number(r.n), first: Number(r.f), last: Number(r.l), purity: Number(r.a) / Math.max(1, Number(r.total)) }));
}

async function accountKind(store: Store, campaignId: string, kind: 'payment' | 'email_domain', values: string[]): Promise<IndicatorStat[]> {
  if (values.length === 0) return [];
  const col = kind === 'payment' ? 'payment_fingerprint' : 'email_domain';
  const rows = await store.all<{ v: string; a: number; total: number; f: number; l: number }>(`
    WITH t AS (SELECT ${col} AS v, count(*)::BIGINT AS total FROM accounts WHERE ${col} IN (${values.map(lit).join(', ')}) GROUP BY 1),
         c AS (SELECT a.${col} AS v, count(*)::BIGINT AS a, min(r.first_seen) AS f, max(r.last_seen) AS l
               FROM accounts a JOIN dg_members m USING (account_id) JOIN dg_span r USING (account_id) WHERE m.campaign_id = ${lit(campaignId)} GROUP BY 1)
    SELECT c.v, c.a, t.total, c.f::BIGINT AS f, c.l::BIGINT AS l FROM c JOIN t USING (v) ORDER BY c.a DESC, c.v`);
  return rows.map((r) => ({ kind, value: r.v, accounts: Number(r.a), interactions: 0, first: Number(r.f), last: Number(r.l), purity: Number(r.a) / Math.max(1, Number(r.total)) }));
}

/** Sign-up bursts: campaign accounts of one tier created within the same hour, at least BURST_MIN of them. */
async function signupBursts(store: Store, campaignId: string): Promise<IndicatorStat[]> {
  const rows = await store.all<{ tier: string; f: number; t: number; a: number; first: number; last: number }>(`
    SELECT a.tier, min(a.created_at)::BIGINT AS f, max(a.created_at)::BIGINT AS t, count(*)::BIGINT AS a, min(r.first_seen)::BIGINT AS first, max(r.last_seen)::BIGINT AS last
    FROM accounts a JOIN dg_members m USING (account_id) JOIN dg_span r USING (account_id)
    WHERE m.campaign_id = ${lit(campaignId)} AND a.created_at IS NOT NULL AND a.tier IS NOT NULL
    GROUP BY a.tier, a.created_at // 3600000 HAVING count(*) >= ${BURST_MIN} ORDER BY f LIMIT 50`);
  const out: IndicatorStat[] = [];
  for (const r of rows) {
    const tot = await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM accounts WHERE tier = ${lit(r.tier)} AND created_at BETWEEN ${Number(r.f)} AND ${Number(r.t)}`);
    out.push({ kind: 'signup_burst', value: `${r.tier}|${Number(r.f)}|${Number(r.t)}`, accounts: Number(r.a), interactions: 0, first: Number(r.first), last: Number(r.last), purity: Number(r.a) / Math.max(1, Number(tot?.n ?? 0)) });
  }
  return out;
}

/** Reasoning-elicitation phrases (public lexicon cues) common in the campaign's prompts. */
async function reasoningPhrases(store: Store, campaignId: string): Promise<IndicatorStat[]> {
  const sample = await store.all<{ prompt: string }>(`
    SELECT i.prompt FROM interactions i JOIN dg_members m USING (account_id)
    WHERE m.campaign_id = ${lit(campaignId)} AND i.cot >= 0.5 AND i.prompt IS NOT NULL ORDER BY hash(i.id) LIMIT ${PHRASE_SAMPLE}`);
  if (sample.length === 0) return [];
  const counts = new Map<string, number>();
  for (const s of sample) {
    const seen = new Set<string>();
    for (const m of explainText(s.prompt)) if (m.group === 'cot' && (COT_WEIGHT.get(m.phrase) ?? 0) >= PHRASE_MIN_WEIGHT && !m.phrase.includes('*')) seen.add(m.phrase);
    for (const p of seen) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const phrases = [...counts].filter(([, n]) => n / sample.length >= PHRASE_MIN_SHARE).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  const out: IndicatorStat[] = [];
  for (const [p] of phrases) {
    const like = lit(`%${p.replace(/[%_\\]/g, (c) => '\\' + c)}%`);
    const r = await store.one<{ n: number; a: number; f: number; l: number; total: number }>(`
      WITH hits AS (SELECT account_id, ts FROM interactions WHERE cot >= 0.3 AND lower(prompt) LIKE ${like} ESCAPE '\\')
      SELECT count(*) FILTER (WHERE m.account_id IS NOT NULL)::BIGINT AS n, count(DISTINCT m.account_id)::BIGINT AS a,
             min(ts) FILTER (WHERE m.account_id IS NOT NULL)::BIGINT AS f, max(ts) FILTER (WHERE m.account_id IS NOT NULL)::BIGINT AS l,
             count(DISTINCT h.account_id)::BIGINT AS total
      FROM hits h LEFT JOIN (SELECT account_id FROM dg_members WHERE campaign_id = ${lit(campaignId)}) m USING (account_id)`);
    if (!r || !Number(r.a)) continue;
    out.push({ kind: 'reasoning_phrase', value: p, accounts: Number(r.a), interactions: Number(r.n), first: Number(r.f), last: Number(r.l), purity: Number(r.a) / Math.max(1, Number(r.total)) });
  }
  return out;
}

/** Indicators of each campaign with their statistics, best first within each kind. */
export async function collectIntel(store: Store, campaigns: CampaignResult[]): Promise<CampaignIntel[]> {
  await store.run(`CREATE OR REPLACE TEMP TABLE dg_members (account_id VARCHAR, campaign_id VARCHAR)`);
  const values = campaigns.flatMap((c) => c.account_ids.map((a) => `(${lit(a)}, ${lit(c.campaign_id)})`));
  for (let i = 0; i < values.length; i += 5000) await store.run(`INSERT INTO dg_members VALUES ${values.slice(i, i + 5000).join(',')}`);
  await store.run(`CREATE OR REPLACE TEMP TABLE dg_span AS SELECT account_id, min(ts) AS first_seen, max(ts) AS last_seen FROM interactions WHERE account_id IN (SELECT account_id FROM dg_members) GROUP BY 1`);
  const calls = await campaignCalls(store);
  const out: CampaignIntel[] = [];
  try {
    for (const c of campaigns) {
      const ind = c.indicators;
      const stats = [
        ...(await interactionKind(store, calls, c.campaign_id, 'ip', 'ip', same, ind.ips)),
        ...(await interactionKind(store, calls, c.campaign_id, 'cidr', 'ip', CIDR_EXPR, ind.cidrs)),
        ...(await interactionKind(store, calls, c.campaign_id, 'asn', 'asn', same, ind.asns.map(String))),
        ...(await accountKind(store, c.campaign_id, 'email_domain', ind.email_domains)),
        ...(await accountKind(store, c.campaign_id, 'payment', ind.payment_fingerprints)),
        ...(await signupBursts(store, c.campaign_id)),
        ...(await interactionKind(store, calls, c.campaign_id, 'template', 'template', same, ind.template_fingerprints)),
        ...(await interactionKind(store, calls, c.campaign_id, 'system_prompt', 'system_hash', same, ind.system_prompt_hashes)),
        ...(await reasoningPhrases(store, c.campaign_id)),
      ];
      out.push({ campaign: c, indicators: stats });
    }
  } finally {
    await store.run(`DROP TABLE IF EXISTS dg_members; DROP TABLE IF EXISTS dg_span;`);
  }
  return out;
}
