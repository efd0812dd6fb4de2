/**
 * Tables the dashboard precomputes from the store so that each page reads a few thousand rows, not millions of
 * interactions. Rebuilt at start-up when the store changed since they were built (a fingerprint of the
 * interactions, the analysis and the links is kept in `dash_meta`).
 *
 *  - dash_account_day(account_id, day, n, tokens): interactions and tokens per account and UTC day, sorted by
 *    account (a lookup reads one block);
 *  - dash_account(account_id, n, ips, ip, api_key_id, org_id, first_ts, last_ts): most used IP, key and org;
 *  - dash_day(day, verdict, n, accounts): traffic per day and verdict of the latest analysis;
 *  - dash_campaign_day(campaign_id, day, n): a campaign's distillation interactions per day;
 *  - dash_links(account_id, other, kind, weight, keys): account_links in both directions, sorted by account;
 *  - dash_graph_nodes(campaign_id, account_id, member), dash_graph_edges(campaign_id, a, b, kinds, w): each
 *    campaign's graph: its GRAPH_MEMBERS most-linked members, up to GRAPH_OUTSIDERS linked accounts outside it and
 *    up to GRAPH_EDGES links between them;
 *  - dash_prompts(account_id, id, ts, model, capability, prompt, prompt_chars): each account's latest distinct
 *    prompts (by prompt hash), SAMPLE_PROMPTS of them, for the account page.
 */
import type { Db } from './db.js';
import { num } from './db.js';

export interface StoreShape {
  /** account_results with the columns the dashboard needs. */
  results: boolean;
  /** campaigns with campaign_id (an analysis that found none leaves a table without it). */
  campaigns: boolean;
  links: boolean;
  campaignInteractions: boolean;
  accounts: boolean;
}

export async function storeShape(db: Db): Promise<StoreShape> {
  const t = await db.tables();
  const has = (name: string, ...cols: string[]) => t.has(name) && cols.every((c) => t.get(name)!.has(c));
  return {
    results: has('account_results', 'account_id', 'score', 'verdict', 'campaign_id', 'interactions', 'reasons'),
    campaigns: has('campaigns', 'campaign_id', 'score', 'accounts', 'summary'),
    links: has('account_links', 'a', 'b', 'kind', 'weight', 'keys'),
    campaignInteractions: has('campaign_interactions', 'campaign_id', 'ts'),
    accounts: has('accounts', 'account_id'),
  };
}

const DERIVED_VERSION = 3;

/** Sample prompts kept per account. */
export const SAMPLE_PROMPTS = 8;

async function fingerprint(db: Db, shape: StoreShape): Promise<string> {
  const parts: unknown[] = [DERIVED_VERSION];
  const i = await db.one<Record<string, unknown>>(`SELECT count(*) AS n, max(ts) AS mx, min(ts) AS mn FROM interactions`);
  parts.push(i?.n, i?.mx, i?.mn);
  if (shape.results) {
    const r = await db.one<Record<string, unknown>>(`SELECT count(*) AS n, sum(score) AS s, count(campaign_id) AS c FROM account_results`);
    parts.push(r?.n, r?.s, r?.c);
  }
  if (shape.links) parts.push((await db.one<Record<string, unknown>>(`SELECT count(*) AS n, sum(weight) AS w FROM account_links`))?.n);
  if (shape.campaignInteractions) parts.push((await db.one<Record<string, unknown>>(`SELECT count(*) AS n FROM campaign_interactions`))?.n);
  return JSON.stringify(parts);
}

/** Builds the dash_* tables unless they match the store. Returns how long it took (0 when they were current). */
export async function prepareDerived(db: Db, shape: StoreShape, log: (s: string) => void = () => {}): Promise<number> {
  await db.run(`CREATE TABLE IF NOT EXISTS dash_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
  const fp = await fingerprint(db, shape);
  const cur = await db.one<{ value: string }>(`SELECT value FROM dash_meta WHERE key = 'fingerprint'`);
  const t = (await db.tables()).has('dash_prompts') && (await db.tables()).has('dash_graph_edges');
  if (cur?.value === fp && t) return 0;
  const t0 = performance.now();
  log('preparing dashboard tables (once per analysis)...');
  await db.run(`
    CREATE OR REPLACE TABLE dash_account_day AS
    SELECT account_id, (ts // 86400000)::INTEGER AS day, count(*)::INTEGER AS n,
           sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0))::BIGINT AS tokens
    FROM interactions GROUP BY ALL ORDER BY account_id, day`);
  // Most used IP, key and org per account: two grouped counts and arg_max (DuckDB's mode() is far slower here).
  await db.run(`
    CREATE OR REPLACE TABLE dash_account AS
    WITH ipc AS (SELECT account_id, ip, count(*) AS c, min(ts) AS first_ts, max(ts) AS last_ts FROM interactions GROUP BY ALL),
         ips AS (SELECT account_id, sum(c)::BIGINT AS n, count(ip)::INTEGER AS ips, arg_max(ip, c) FILTER (WHERE ip IS NOT NULL) AS ip,
                        min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM ipc GROUP BY account_id),
         kc AS (SELECT account_id, api_key_id, org_id, count(*) AS c FROM interactions GROUP BY ALL),
         keys AS (SELECT account_id, arg_max(api_key_id, c) FILTER (WHERE api_key_id IS NOT NULL) AS api_key_id,
                         arg_max(org_id, c) FILTER (WHERE org_id IS NOT NULL) AS org_id FROM kc GROUP BY account_id)
    SELECT ips.account_id, ips.n, ips.ips, ips.ip, keys.api_key_id,
           ${shape.accounts ? 'coalesce(a.org_id, keys.org_id)' : 'keys.org_id'} AS org_id, ips.first_ts, ips.last_ts
    FROM ips JOIN keys USING (account_id) ${shape.accounts ? 'LEFT JOIN accounts a USING (account_id)' : ''}
    ORDER BY ips.account_id`);
  await db.run(
    shape.results
      ? `CREATE OR REPLACE TABLE dash_day AS
         SELECT d.day, coalesce(r.verdict, 'unscored') AS verdict, sum(d.n)::BIGINT AS n, count(*)::BIGINT AS accounts
         FROM dash_account_day d LEFT JOIN account_results r USING (account_id) GROUP BY ALL ORDER BY day`
      : `CREATE OR REPLACE TABLE dash_day AS SELECT day, 'unscored' AS verdict, sum(n)::BIGINT AS n, count(*)::BIGINT AS accounts FROM dash_account_day GROUP BY ALL ORDER BY day`,
  );
  if (shape.campaignInteractions) {
    await db.run(`
      CREATE OR REPLACE TABLE dash_campaign_day AS
      SELECT campaign_id, (ts // 86400000)::INTEGER AS day, count(*)::BIGINT AS n FROM campaign_interactions GROUP BY ALL ORDER BY campaign_id, day`);
  } else if (shape.results) {
    await db.run(`
      CREATE OR REPLACE TABLE dash_campaign_day AS
      SELECT r.campaign_id::VARCHAR AS campaign_id, d.day, sum(d.n * r.distillation_share)::BIGINT AS n
      FROM dash_account_day d JOIN account_results r USING (account_id) WHERE r.campaign_id IS NOT NULL GROUP BY ALL ORDER BY 1, 2`);
  } else {
    await db.run(`CREATE OR REPLACE TABLE dash_campaign_day (campaign_id VARCHAR, day INTEGER, n BIGINT)`);
  }
  await db.run(
    shape.links
      ? `CREATE OR REPLACE TABLE dash_links AS
         SELECT * FROM (SELECT a AS account_id, b AS other, kind, weight, keys FROM account_links
                        UNION ALL SELECT b, a, kind, weight, keys FROM account_links) ORDER BY account_id`
      : `CREATE OR REPLACE TABLE dash_links (account_id VARCHAR, other VARCHAR, kind VARCHAR, weight DOUBLE, keys BIGINT)`,
  );
  await buildGraphs(db, shape);
  // Ids first (no text through the windows), then the text of the chosen rows only.
  await db.run(`
    CREATE OR REPLACE TABLE dash_prompts AS
    WITH latest AS (SELECT account_id, id, ts FROM interactions WHERE prompt IS NOT NULL
                    QUALIFY row_number() OVER (PARTITION BY account_id, prompt_hash ORDER BY ts DESC, id) = 1),
         pick AS (SELECT id FROM latest QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY ts DESC, id) <= ${SAMPLE_PROMPTS})
    SELECT i.account_id, i.id, i.ts, i.model, i.capability, i.prompt, i.prompt_chars
    FROM interactions i SEMI JOIN pick USING (id) WHERE i.prompt IS NOT NULL ORDER BY i.account_id, i.ts DESC`);
  await db.run(`INSERT OR REPLACE INTO dash_meta VALUES ('fingerprint', $1)`, [fp]);
  await db.run(`CHECKPOINT`);
  const ms = Math.round(performance.now() - t0);
  log(`dashboard tables ready in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/** First and last day with traffic (day numbers), or null for an empty store. */
export async function dayRange(db: Db): Promise<{ first: number; last: number } | null> {
  const r = await db.one<{ a: unknown; b: unknown }>(`SELECT min(day) AS a, max(day) AS b FROM dash_day`);
  if (r?.a === null || r?.a === undefined) return null;
  return { first: num(r.a), last: num(r.b) };
}

/** Members, outside accounts and links of each campaign's graph (the campaign page draws it). */
export const GRAPH_MEMBERS = 300;
export const GRAPH_OUTSIDERS = 60;
export const GRAPH_EDGES = 3000;

async function buildGraphs(db: Db, shape: StoreShape): Promise<void> {
  if (!shape.results) {
    await db.run(`CREATE OR REPLACE TABLE dash_graph_nodes (campaign_id VARCHAR, account_id VARCHAR, member BOOLEAN);
                  CREATE OR REPLACE TABLE dash_graph_edges (campaign_id VARCHAR, a VARCHAR, b VARCHAR, kinds VARCHAR[], w DOUBLE);`);
    return;
  }
  await db.run(`
    CREATE OR REPLACE TABLE dash_graph_nodes AS
    WITH m AS (SELECT account_id, campaign_id::VARCHAR AS campaign_id FROM account_results WHERE campaign_id IS NOT NULL),
         deg AS (SELECT m1.campaign_id, l.account_id, count(*) AS d FROM dash_links l JOIN m m1 USING (account_id)
                 JOIN m m2 ON m2.account_id = l.other AND m2.campaign_id = m1.campaign_id GROUP BY ALL),
         chosen AS (SELECT m.campaign_id, m.account_id FROM m LEFT JOIN deg USING (campaign_id, account_id)
                    QUALIFY row_number() OVER (PARTITION BY m.campaign_id ORDER BY coalesce(deg.d, 0) DESC, m.account_id) <= ${GRAPH_MEMBERS}),
         outside AS (SELECT c.campaign_id, l.other AS account_id, sum(l.weight) AS w FROM dash_links l JOIN chosen c USING (account_id)
                     WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.account_id = l.other AND m.campaign_id = c.campaign_id)
                     GROUP BY c.campaign_id, l.other
                     QUALIFY row_number() OVER (PARTITION BY c.campaign_id ORDER BY w DESC, l.other) <= ${GRAPH_OUTSIDERS})
    SELECT campaign_id, account_id, true AS member FROM chosen UNION ALL SELECT campaign_id, account_id, false FROM outside
    ORDER BY campaign_id`);
  await db.run(`
    CREATE OR REPLACE TABLE dash_graph_edges AS
    SELECT * FROM (
      SELECT n1.campaign_id, least(l.account_id, l.other) AS a, greatest(l.account_id, l.other) AS b,
             list(DISTINCT l.kind ORDER BY l.kind) AS kinds, sum(l.weight) / 2 AS w
      FROM dash_links l JOIN dash_graph_nodes n1 ON n1.account_id = l.account_id
      JOIN dash_graph_nodes n2 ON n2.account_id = l.other AND n2.campaign_id = n1.campaign_id
      GROUP BY ALL)
    QUALIFY row_number() OVER (PARTITION BY campaign_id ORDER BY w DESC, a, b) <= ${GRAPH_EDGES + 1}
    ORDER BY campaign_id, w DESC`);
}
