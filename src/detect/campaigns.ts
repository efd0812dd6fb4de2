/**
 * Campaign assembly: flagged accounts grouped by community; communities that share the same prompt wrappers are one
 * operation and are merged; each campaign gets its size, time span, capabilities, models, infrastructure indicators,
 * a one-sentence summary and its evidence. For resold proxy accounts that mix genuine customers with attack
 * traffic, the share of each account's interactions that were distillation is estimated from the campaign's own
 * wrappers.
 */
import { CAPABILITY_LABELS, isCapability } from '../model/capabilities.js';
import type { CampaignResult } from '../model/results.js';
import type { UndirectedGraph } from 'graphology';
import type { Store } from '../store/store.js';
import { LSH_BANDS } from '../signals/text/template.js';
import { splitCommunity, wrapperKeySources } from './graph.js';
import type { AccountRow, Verdict } from './score.js';

/** A found campaign, as written to campaigns.json (the schema is in src/model/results.ts). */
export type Campaign = CampaignResult;

class UnionFind {
  private p = new Map<number, number>();
  find(x: number): number {
    let r = this.p.get(x) ?? x;
    if (r !== x) {
      r = this.find(r);
      this.p.set(x, r);
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.p.set(Math.max(ra, rb), Math.min(ra, rb));
  }
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
function fmtCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return fmtInt(n);
}
function fmtDay(ms: number, withYear: boolean): string {
  const d = new Date(ms);
  const s = `${d.getUTCDate()} ${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })}`;
  return withYear ? `${s} ${d.getUTCFullYear()}` : s;
}
function listWords(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return xs.slice(0, -1).join(', ') + ' and ' + xs[xs.length - 1];
}

/** "28.8M interactions through 24,975 accounts between 22 Apr and 5 Jun 2026, targeting agentic reasoning, software engineering and coding" */
export function campaignSummary(interactions: number, accounts: number, first: number, last: number, caps: Record<string, number>): string {
  const sameYear = new Date(first).getUTCFullYear() === new Date(last).getUTCFullYear();
  const top = Object.entries(caps)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .filter(([, v]) => v >= 0.05)
    .map(([k]) => (isCapability(k) ? CAPABILITY_LABELS[k] : k));
  return (
    `${fmtCount(interactions)} interactions through ${fmtInt(accounts)} accounts between ${fmtDay(first, !sameYear)} and ${fmtDay(last, true)}` +
    (top.length ? `, targeting ${listWords(top)}` : '')
  );
}

export interface AssembleResult {
  campaigns: Campaign[];
  /** account -> campaign id */
  campaignOf: Map<string, string>;
  /** account -> estimated share of its interactions that were distillation */
  share: Map<string, number>;
}

/** Wrappers of a campaign: used by at least this many of its accounts. */
export const MIN_TEMPLATE_ACCOUNTS = 3;
/** Communities whose wrapper sets overlap at least this much (of the smaller set) are one campaign. */
const MERGE_OVERLAP = 0.5;
/** A key is the campaign's when at least this share of the accounts using it are flagged. */
const KEY_PURITY = 0.5;

/**
 * Groups (ids in `groups`) whose wrapper sets overlap by at least MERGE_OVERLAP of the smaller set are one campaign;
 * returns each campaign's groups, keyed by a representative group. Every pair of groups sharing a wrapper is counted,
 * however many groups share it: one large campaign is split by Louvain into parts of some tens of accounts
 * (splitCommunity), so at 2,500 accounts 63 parts share all of its wrappers (a cap of 50 owners per wrapper once left
 * them as 63 campaigns). The count is quadratic in the groups sharing a wrapper: about 2M pair updates for 200 parts
 * and 100 wrappers.
 */
export function mergeByWrappers(groups: number[], keySets: Map<number, Set<string>>): Map<number, number[]> {
  const uf = new UnionFind();
  const owners = new Map<string, number[]>();
  for (const [g, s] of keySets) for (const k of s) (owners.get(k) ?? owners.set(k, []).get(k)!).push(g);
  // Pair (a, b), a < b, as one number: group ids are small integers.
  let span = 1;
  for (const g of [...groups, ...keySets.keys()]) if (g >= span) span = g + 1;
  const overlap = new Map<number, number>();
  for (const gs of owners.values()) {
    if (gs.length < 2) continue;
    for (let i = 0; i < gs.length; i++)
      for (let j = i + 1; j < gs.length; j++) {
        const a = Math.min(gs[i]!, gs[j]!);
        const key = a * span + Math.max(gs[i]!, gs[j]!);
        overlap.set(key, (overlap.get(key) ?? 0) + 1);
      }
  }
  for (const [key, n] of overlap) {
    const a = Math.floor(key / span);
    const b = key % span;
    const smaller = Math.min(keySets.get(a)?.size ?? 0, keySets.get(b)?.size ?? 0);
    if (smaller > 0 && n / smaller >= MERGE_OVERLAP) uf.union(a, b);
  }
  const merged = new Map<number, number[]>();
  for (const g of groups) {
    const r = uf.find(g);
    (merged.get(r) ?? merged.set(r, []).get(r)!).push(g);
  }
  return merged;
}

export async function assembleCampaigns(
  store: Store,
  rows: AccountRow[],
  verdict: Map<string, Verdict>,
  graph?: UndirectedGraph,
): Promise<AssembleResult> {
  // 1. Flagged accounts by community; flagged accounts without links stay lone distillers (no campaign). With the
  // link graph, each community's flagged accounts are split where their links among themselves show separate groups
  // (splitCommunity); parts that share wrappers are merged again below.
  const byCommunity = new Map<number, AccountRow[]>();
  for (const r of rows) {
    if (verdict.get(r.account_id) !== 'distillation' || r.community === undefined) continue;
    let l = byCommunity.get(r.community);
    if (!l) byCommunity.set(r.community, (l = []));
    l.push(r);
  }
  const byComm = new Map<number, AccountRow[]>();
  for (const l of [...byCommunity.entries()].sort((x, y) => x[0] - y[0]).map(([, l]) => l)) {
    const rowOf = new Map(l.map((r) => [r.account_id, r]));
    const parts = graph ? splitCommunity(graph, l.map((r) => r.account_id), MIN_TEMPLATE_ACCOUNTS) : [l.map((r) => r.account_id)];
    for (const p of parts) byComm.set(byComm.size, p.map((a) => rowOf.get(a)!));
  }
  const groups = [...byComm.entries()].filter(([, l]) => l.length >= 2);
  await store.run(`CREATE OR REPLACE TEMP TABLE flagged (account_id VARCHAR, grp INTEGER)`);
  if (groups.length) {
    const values = groups.flatMap(([c, l]) => l.map((r) => `('${r.account_id.replace(/'/g, "''")}', ${c})`));
    for (let i = 0; i < values.length; i += 5000) await store.run(`INSERT INTO flagged VALUES ${values.slice(i, i + 5000).join(',')}`);
  }

  // 2. Wrapper keys of each group: template fingerprints, near-duplicate bands and system prompts used by several of
  // its accounts, and mostly by flagged accounts (a popular tool's system prompt or a common benign wrapper is used
  // by many others and says nothing about which calls were the campaign's).
  // One source per key kind and MinHash band, each step materialised so that DuckDB can spill between them (one
  // statement over every key of every interaction, about 13 rows per interaction, ran out of memory at 1 GB at scale
  // 1). System prompt keys ('s:' and a hash) collide with no wrapper key either.
  const keySources = [...wrapperKeySources(false), `SELECT account_id, 's:' || system_hash AS key FROM interactions WHERE system_hash IS NOT NULL`];
  // (a) The flagged accounts' keys; (b) those used by enough accounts of one group; (c) every account using them.
  await store.run(`CREATE OR REPLACE TEMP TABLE fk (account_id VARCHAR, key VARCHAR)`);
  for (const src of keySources) await store.run(`INSERT INTO fk SELECT DISTINCT k.account_id, k.key FROM (${src}) k SEMI JOIN flagged USING (account_id)`);
  await store.run(`
    CREATE OR REPLACE TEMP TABLE g_keys AS
    SELECT f.grp, k.key, count(*) AS accounts FROM fk k JOIN flagged f USING (account_id) GROUP BY ALL HAVING count(*) >= ${MIN_TEMPLATE_ACCOUNTS}`);
  await store.run(`CREATE OR REPLACE TEMP TABLE cand AS SELECT DISTINCT key FROM g_keys`);
  // Per source again: one pass over every key of every interaction (unnest, then the semi join) ran out of memory at
  // 1 GB at scale 1, although the candidates are few.
  await store.run(`CREATE OR REPLACE TEMP TABLE cand_users (account_id VARCHAR, key VARCHAR)`);
  for (const src of keySources) await store.run(`INSERT INTO cand_users SELECT DISTINCT k.account_id, k.key FROM (${src}) k SEMI JOIN cand USING (key)`);
  await store.run(`
    CREATE OR REPLACE TEMP TABLE grp_keys AS
    WITH users AS (SELECT key, count(*) AS accounts FROM cand_users GROUP BY key),
         flagged_users AS (SELECT key, count(*) AS accounts FROM fk SEMI JOIN cand USING (key) GROUP BY key)
    SELECT g.grp, g.key, g.accounts FROM g_keys g JOIN users u USING (key) JOIN flagged_users fu USING (key)
    WHERE fu.accounts >= ${KEY_PURITY} * u.accounts`);
  await store.run(`DROP TABLE fk; DROP TABLE g_keys; DROP TABLE cand; DROP TABLE cand_users`);
  const keys = await store.all<{ grp: number; key: string }>(`SELECT grp, key FROM grp_keys`);
  const keySets = new Map<number, Set<string>>();
  for (const k of keys) {
    // Only exact wrapper fingerprints merge groups: near-duplicate bands and system prompts are shared across
    // operators that draw on the same public templates, and would fuse separate campaigns.
    if (!/^[0-9a-f]{16}$/.test(k.key)) continue;
    let s = keySets.get(k.grp);
    if (!s) keySets.set(k.grp, (s = new Set()));
    s.add(k.key);
  }

  // 3. Merge groups that share wrappers.
  const merged = mergeByWrappers(
    groups.map(([g]) => g),
    keySets,
  );

  // 4. Campaign ids: deterministic, from the smallest account id of each campaign (stable across re-runs).
  const rowOf = new Map(rows.map((r) => [r.account_id, r]));
  const campaignOf = new Map<string, string>();
  const campaignMembers: Array<{ id: string; accounts: string[]; groups: number[] }> = [];
  for (const gs of merged.values()) {
    const accounts = gs.flatMap((g) => byComm.get(g)!.map((r) => r.account_id)).sort();
    campaignMembers.push({ id: '', accounts, groups: gs });
  }
  campaignMembers.sort((a, b) => b.accounts.length - a.accounts.length || a.accounts[0]!.localeCompare(b.accounts[0]!));
  campaignMembers.forEach((c, i) => {
    c.id = `C${String(i + 1).padStart(3, '0')}-${c.accounts[0]!.replace(/[^A-Za-z0-9]/g, '').slice(-6)}`;
    for (const a of c.accounts) campaignOf.set(a, c.id);
  });
  await store.run(`CREATE OR REPLACE TABLE campaign_members (account_id VARCHAR, campaign_id VARCHAR)`);
  const mv = [...campaignOf].map(([a, c]) => `('${a.replace(/'/g, "''")}', '${c}')`);
  for (let i = 0; i < mv.length; i += 5000) await store.run(`INSERT INTO campaign_members VALUES ${mv.slice(i, i + 5000).join(',')}`);
  await store.run(`
    CREATE OR REPLACE TEMP TABLE camp_keys AS
    SELECT DISTINCT cm.campaign_id, g.key FROM grp_keys g JOIN flagged f ON f.grp = g.grp JOIN campaign_members cm USING (account_id)`);

  // 5. Per interaction of campaign accounts: does it carry one of the campaign's wrappers? One pass over the
  // interactions with a left join per key column against the campaign's keys (small, built once), so nothing but the
  // result is held.
  const bandCols = Array.from({ length: LSH_BANDS }, (_, i) => i + 1);
  await store.run(`
    CREATE OR REPLACE TEMP TABLE camp_ix AS
    SELECT i.account_id, cm.campaign_id, i.ts, i.model, i.capability, i.ip, i.asn, i.system_hash, i.template,
      (kt.key IS NOT NULL OR ks.key IS NOT NULL${bandCols.map((b) => ` OR kb${b}.key IS NOT NULL`).join('')}) AS matched
    FROM interactions i JOIN campaign_members cm USING (account_id)
    LEFT JOIN camp_keys kt ON kt.campaign_id = cm.campaign_id AND kt.key = i.template
    LEFT JOIN camp_keys ks ON ks.campaign_id = cm.campaign_id AND ks.key = 's:' || i.system_hash
    ${bandCols.map((b) => `LEFT JOIN camp_keys kb${b} ON kb${b}.campaign_id = cm.campaign_id AND kb${b}.key = string_split(i.lsh, ' ')[${b}]`).join('\n    ')}`);
  // An account whose traffic matches the campaign's wrappers almost entirely is all distillation; a mixed account's
  // share is the matched share.
  const shares = await store.all<{ account_id: string; m: number; n: number }>(
    `SELECT account_id, avg(CASE WHEN matched THEN 1 ELSE 0 END) AS m, count(*)::BIGINT AS n FROM camp_ix GROUP BY account_id`,
  );
  const keyed = new Set((await store.all<{ c: string }>(`SELECT DISTINCT campaign_id AS c FROM camp_keys`)).map((r) => r.c));
  // Not every campaign call carries a recognisable wrapper (tool-result turns, bare tasks). The share of a pure
  // account's traffic that matches (the keys' recall) is read from the campaign's best-matching accounts, so that a
  // campaign made mostly of mixed proxy accounts still reads it from its few pure ones: the median of the accounts
  // within 80% of the 97th percentile of matched shares (the pure accounts' mode; the 97th percentile alone took the
  // luckiest pure account's share, which under-counted every other account by 2-3% on simulated proxy campaigns); a
  // mixed account's distillation share is its matched share over that recall.
  const byCampaign = new Map<string, number[]>();
  for (const s of shares) {
    if (Number(s.n) < 20) continue;
    const c = campaignOf.get(s.account_id)!;
    (byCampaign.get(c) ?? byCampaign.set(c, []).get(c)!).push(Number(s.m));
  }
  const recall = new Map<string, number>();
  for (const [c, ms] of byCampaign) {
    ms.sort((a, b) => a - b);
    const top = ms[Math.min(ms.length - 1, Math.floor(0.97 * ms.length))]!;
    const mode = ms.filter((m) => m >= 0.8 * top);
    recall.set(c, Math.max(mode[Math.floor((mode.length - 1) / 2)]!, 0.05));
  }
  const share = new Map<string, number>();
  for (const s of shares) {
    const c = campaignOf.get(s.account_id)!;
    // Without wrapper keys there is nothing to tell mixed traffic apart: count the account's traffic whole.
    if (!keyed.has(c)) {
      share.set(s.account_id, 1);
      continue;
    }
    const d = Math.min(1, Number(s.m) / (recall.get(c) ?? 1));
    share.set(s.account_id, d >= 0.95 ? 1 : d);
  }
  await store.run(`CREATE OR REPLACE TEMP TABLE acct_share (account_id VARCHAR, share DOUBLE)`);
  const sv = [...share].map(([a, s]) => `('${a.replace(/'/g, "''")}', ${s})`);
  for (let i = 0; i < sv.length; i += 5000) await store.run(`INSERT INTO acct_share VALUES ${sv.slice(i, i + 5000).join(',')}`);
  // The campaign's interactions (for its time span, capabilities and models): all of a pure account's, the matched ones
  // of a mixed account. Its interaction count is the sum of each account's interactions times its share.
  await store.run(`
    CREATE OR REPLACE TABLE campaign_interactions AS
    SELECT c.* FROM camp_ix c JOIN acct_share s USING (account_id) WHERE s.share = 1 OR c.matched`);

  // 6. Describe each campaign.
  const campaigns: Campaign[] = [];
  for (const cm of campaignMembers) {
    const id = cm.id.replace(/'/g, "''");
    const t = await store.one<{ n: number; first: number; last: number }>(
      `SELECT count(*)::BIGINT AS n, min(ts)::BIGINT AS first, max(ts)::BIGINT AS last FROM campaign_interactions WHERE campaign_id = '${id}'`,
    );
    const n = Number(t?.n ?? 0);
    const dist = async (col: string) => {
      const r = await store.all<{ k: string; v: number }>(
        `SELECT coalesce(${col}, '(none)') AS k, count(*)::DOUBLE / ${Math.max(n, 1)} AS v FROM campaign_interactions WHERE campaign_id = '${id}' GROUP BY 1 ORDER BY v DESC, k`,
      );
      return Object.fromEntries(r.map((x) => [x.k, Math.round(Number(x.v) * 10000) / 10000]));
    };
    const capabilities = await dist('capability');
    const models = await dist('model');
    const shared = async (sql: string) => (await store.all<{ k: string }>(sql)).map((r) => r.k);
    const ips = await shared(
      `SELECT ip AS k FROM campaign_interactions WHERE campaign_id = '${id}' AND ip IS NOT NULL GROUP BY ip HAVING count(DISTINCT account_id) >= 2 ORDER BY count(DISTINCT account_id) DESC, ip LIMIT 200`,
    );
    const cidrs = await shared(`
      SELECT k FROM (SELECT CASE WHEN ip LIKE '%:%' THEN array_to_string(string_split(ip, ':')[1:3], ':') || '::/48'
                                 ELSE regexp_replace(ip, '\\.[0-9]+$', '') || '.0/24' END AS k, account_id
                     FROM campaign_interactions WHERE campaign_id = '${id}' AND ip IS NOT NULL)
      GROUP BY k HAVING count(DISTINCT account_id) >= 3 ORDER BY count(DISTINCT account_id) DESC, k LIMIT 100`);
    const asns = (
      await shared(
        `SELECT asn::VARCHAR AS k FROM campaign_interactions WHERE campaign_id = '${id}' AND asn IS NOT NULL GROUP BY asn HAVING count(DISTINCT account_id) >= 3 ORDER BY count(DISTINCT account_id) DESC, asn LIMIT 50`,
      )
    ).map(Number);
    const payments = await shared(
      `SELECT payment_fingerprint AS k FROM accounts JOIN campaign_members USING (account_id) WHERE campaign_id = '${id}' AND payment_fingerprint IS NOT NULL GROUP BY 1 HAVING count(*) >= 2 ORDER BY count(*) DESC, 1 LIMIT 100`,
    );
    const domains = await shared(
      `SELECT email_domain AS k FROM accounts JOIN campaign_members USING (account_id) WHERE campaign_id = '${id}' AND email_domain IS NOT NULL GROUP BY 1 HAVING count(*) >= 3 ORDER BY count(*) DESC, 1 LIMIT 50`,
    );
    const systems = await shared(
      `SELECT system_hash AS k FROM campaign_interactions WHERE campaign_id = '${id}' AND system_hash IS NOT NULL GROUP BY 1 HAVING count(DISTINCT account_id) >= 3 ORDER BY count(*) DESC, 1 LIMIT 50`,
    );
    const templates = await shared(
      `SELECT template AS k FROM campaign_interactions WHERE campaign_id = '${id}' AND template IS NOT NULL GROUP BY 1 HAVING count(DISTINCT account_id) >= 3 ORDER BY count(*) DESC, 1 LIMIT 100`,
    );
    const members = cm.accounts.map((a) => rowOf.get(a)!).filter(Boolean);
    const interactions = Math.round(members.reduce((s, r) => s + r.interactions * (share.get(r.account_id) ?? 1), 0));
    const first = Number(t?.first ?? 0);
    const last = Number(t?.last ?? 0);
    const score = members.reduce((s, r) => s + (r.score ?? 0), 0) / Math.max(members.length, 1);
    const mixed = members.filter((r) => (share.get(r.account_id) ?? 1) < 1).length;
    campaigns.push({
      campaign_id: cm.id,
      score: Math.round(score * 10000) / 10000,
      accounts: cm.accounts.length,
      account_ids: cm.accounts,
      interactions,
      first_seen: new Date(first).toISOString(),
      last_seen: new Date(last).toISOString(),
      capabilities: capabilities as CampaignResult['capabilities'],
      models,
      indicators: {
        ips,
        cidrs,
        asns,
        payment_fingerprints: payments,
        email_domains: domains,
        system_prompt_hashes: systems,
        template_fingerprints: templates,
      },
      summary: campaignSummary(interactions, cm.accounts.length, first, last, capabilities),
      evidence: [
        { signal: 'coordination.communities', detail: `${cm.groups.length} linked group(s) of accounts sharing wrappers, infrastructure or payment`, groups: cm.groups.length },
        { signal: 'template.shared_wrapper', detail: `${templates.length} prompt wrappers used by 3 or more of its accounts`, count: templates.length },
        { signal: 'infrastructure.shared', detail: `${ips.length} IPs and ${cidrs.length} networks shared by its accounts`, ips: ips.length, cidrs: cidrs.length },
        ...(mixed ? [{ signal: 'proxy.mixed_traffic', detail: `${mixed} accounts mix campaign traffic with other traffic (resold or proxied access)`, accounts: mixed }] : []),
      ],
    });
  }
  await store.run(`DROP TABLE IF EXISTS flagged; DROP TABLE IF EXISTS grp_keys; DROP TABLE IF EXISTS camp_keys; DROP TABLE IF EXISTS camp_ix; DROP TABLE IF EXISTS acct_share;`);
  return { campaigns, campaignOf, share };
}
