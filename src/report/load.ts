/**
 * The analysis results kept in the store by `analyze` (tables `campaigns` and `account_results`, loaded from
 * campaigns.json and accounts.jsonl), read back as the typed records of src/model/results.ts. DuckDB's JSON reader
 * turned timestamps into TIMESTAMP, objects into STRUCTs (a field per key seen in any row, null where absent) and
 * numbers into BIGINT text; this undoes that and checks the result against the schemas.
 */
import type { Store } from '../store/store.js';
import { AccountResultSchema, CampaignResultSchema, type AccountResult, type CampaignResult } from '../model/results.js';

export class NoResultsError extends Error {
  constructor(path: string) {
    super(`the store ${path} holds no analysis results: run \`distillguard analyze --db ${path}\` first`);
    this.name = 'NoResultsError';
  }
}

async function hasTable(store: Store, name: string): Promise<boolean> {
  const r = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = '${name}'`);
  return Number(r?.n ?? 0) > 0;
}

/** "2026-04-23 09:20:35.003" (DuckDB TIMESTAMP as text, UTC) -> "2026-04-23T09:20:35.003Z". */
export function isoOf(v: unknown): string {
  const s = String(v);
  if (/Z$|[+-]\d\d:\d\d$/.test(s)) return new Date(s).toISOString();
  return new Date(s.replace(' ', 'T') + 'Z').toISOString();
}

function numbers(o: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = Number(v);
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(String) : [];
}

function dropNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

/** Campaigns as analyze wrote them, in file order (largest first). */
export async function loadCampaigns(store: Store): Promise<CampaignResult[]> {
  if (!(await hasTable(store, 'campaigns'))) throw new NoResultsError(store.path);
  const cols = new Set((await store.all<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'campaigns'`)).map((c) => c.column_name));
  // An analysis that found nothing wrote `[]`, which DuckDB reads as a table without the campaign columns.
  if (!cols.has('campaign_id')) return [];
  const rows = await store.all<Record<string, unknown>>(`SELECT * FROM campaigns`);
  return rows.map((r) => {
    const ind = (r.indicators ?? {}) as Record<string, unknown>;
    return CampaignResultSchema.parse({
      campaign_id: String(r.campaign_id),
      score: Number(r.score),
      accounts: Number(r.accounts),
      account_ids: strings(r.account_ids),
      interactions: Number(r.interactions),
      first_seen: isoOf(r.first_seen),
      last_seen: isoOf(r.last_seen),
      capabilities: numbers(r.capabilities),
      models: numbers(r.models),
      indicators: {
        ips: strings(ind.ips),
        cidrs: strings(ind.cidrs),
        asns: strings(ind.asns).map(Number),
        payment_fingerprints: strings(ind.payment_fingerprints),
        email_domains: strings(ind.email_domains),
        system_prompt_hashes: strings(ind.system_prompt_hashes),
        template_fingerprints: strings(ind.template_fingerprints),
      },
      summary: String(r.summary ?? ''),
      evidence: Array.isArray(r.evidence) ? (r.evidence as Array<Record<string, unknown>>).map(dropNulls) : [],
    });
  });
}

/** Account verdicts, all of them or those of the given campaign. */
export async function loadAccountResults(store: Store, campaignId?: string): Promise<AccountResult[]> {
  if (!(await hasTable(store, 'account_results'))) throw new NoResultsError(store.path);
  const where = campaignId === undefined ? '' : ` WHERE campaign_id = '${campaignId.replace(/'/g, "''")}'`;
  const rows = await store.all<Record<string, unknown>>(`SELECT * FROM account_results${where} ORDER BY account_id`);
  return rows.map((r) =>
    AccountResultSchema.parse({
      account_id: String(r.account_id),
      score: Number(r.score),
      verdict: r.verdict,
      campaign_id: r.campaign_id === null || r.campaign_id === undefined ? null : String(r.campaign_id),
      interactions: Number(r.interactions),
      distillation_share: Number(r.distillation_share),
      first_seen: isoOf(r.first_seen),
      last_seen: isoOf(r.last_seen),
      reasons: Array.isArray(r.reasons) ? (r.reasons as Array<Record<string, unknown>>).map((x) => ({ signal: String(x.signal), contribution: Number(x.contribution), detail: String(x.detail ?? '') })) : [],
    }),
  );
}

export { hasTable };
