/** Campaigns: the ranked list, one campaign's detail, its accounts (paged in SQL) and its account graph. */
import { z } from 'zod';
import { LINK_TEXT } from '../../detect/graph.js';
import { accountsPage } from '../accounts-query.js';
import type { ServerContext } from '../context.js';
import { compact, dayText, isoTime, num, parseJson, strOrNull } from '../db.js';
import { GRAPH_EDGES, GRAPH_MEMBERS, GRAPH_OUTSIDERS } from '../derived.js';
import { campaignStatus, decisionHistory, statusOf } from '../review.js';
import { HttpError, type Api } from '../route.js';
import { AccountsPageSchema, AccountsQuerySchema, CampaignDetailSchema, CampaignListSchema, GraphSchema, type CampaignSummary, type Graph } from '../schemas.js';
import { signalInfo } from '../signals.js';

const IdParams = z.object({ id: z.string().min(1).max(256) });

export { GRAPH_MEMBERS };

const topKey = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;

function summaryOf(r: Record<string, unknown>): CampaignSummary & { capabilities: Record<string, number>; models: Record<string, number> } {
  const capabilities = compact(parseJson<Record<string, number>>(r.caps, {})) as Record<string, number>;
  const models = compact(parseJson<Record<string, number>>(r.models, {})) as Record<string, number>;
  return {
    campaign_id: String(r.campaign_id),
    score: num(r.score),
    accounts: num(r.accounts),
    interactions: num(r.interactions),
    first_seen: isoTime(r.first_seen),
    last_seen: isoTime(r.last_seen),
    summary: String(r.summary ?? ''),
    top_capability: topKey(capabilities),
    top_model: topKey(models),
    status: statusOf({ ...r, via: 'campaign' }),
    capabilities,
    models,
  };
}

const SUMMARY_SQL = `
  SELECT c.campaign_id, c.score::DOUBLE AS score, c.accounts::BIGINT AS accounts, c.interactions::DOUBLE AS interactions,
         c.first_seen::VARCHAR AS first_seen, c.last_seen::VARCHAR AS last_seen, c.summary,
         to_json(c.capabilities)::VARCHAR AS caps, to_json(c.models)::VARCHAR AS models,
         s.decision, s.decision_id, s.decided_at, s.analyst
  FROM campaigns c LEFT JOIN review_campaign_status s USING (campaign_id)`;

/** Campaigns ranked by size, then score. */
export async function listCampaigns(ctx: ServerContext): Promise<CampaignSummary[]> {
  if (!ctx.shape.campaigns) return [];
  const rows = await ctx.db.all<Record<string, unknown>>(`${SUMMARY_SQL} ORDER BY accounts DESC, score DESC, campaign_id`);
  return rows.map((r) => {
    const { capabilities: _c, models: _m, ...s } = summaryOf(r);
    return s;
  });
}

export function campaignRoutes(api: Api, ctx: ServerContext): void {
  const db = ctx.db;
  const need = async (id: string) => {
    if (!ctx.shape.campaigns) throw new HttpError(404, 'the store holds no campaigns (run distillguard analyze)');
    const r = await db.one<Record<string, unknown>>(`${SUMMARY_SQL} WHERE c.campaign_id = $1`, [id]);
    if (!r) throw new HttpError(404, `no campaign ${id}`);
    return r;
  };

  api.add({ method: 'get', path: '/api/campaigns', tag: 'campaigns', summary: 'Campaigns ranked by accounts and score', response: CampaignListSchema }, async () => ({
    campaigns: await listCampaigns(ctx),
  }));

  api.add(
    { method: 'get', path: '/api/campaigns/:id', tag: 'campaigns', summary: 'A campaign: summary, charts, indicators, evidence with signal rationale, review', params: IdParams, response: CampaignDetailSchema },
    async ({ params }) => {
      const r = await need(params.id);
      const more = await db.one<Record<string, unknown>>(
        `SELECT to_json(indicators)::VARCHAR AS indicators, to_json(evidence)::VARCHAR AS evidence FROM campaigns WHERE campaign_id = $1`,
        [params.id],
      );
      const days = await db.all<{ day: unknown; n: unknown }>(`SELECT day, n FROM dash_campaign_day WHERE campaign_id = $1 ORDER BY day`, [params.id]);
      const verdicts = await db.all<{ k: string; n: unknown }>(`SELECT verdict AS k, count(*) AS n FROM account_results WHERE campaign_id::VARCHAR = $1 GROUP BY 1`, [
        params.id,
      ]);
      const reviewed = await db.all<{ k: string; n: unknown }>(
        `SELECT coalesce(s.decision, 'undecided') AS k, count(*) AS n FROM account_results r LEFT JOIN review_status s USING (account_id)
         WHERE r.campaign_id::VARCHAR = $1 GROUP BY 1`,
        [params.id],
      );
      const ind = parseJson<Record<string, unknown[] | null>>(more?.indicators, {});
      const list = (k: string) => (ind[k] ?? []).filter((x) => x !== null);
      const evidence = parseJson<Array<Record<string, unknown>>>(more?.evidence, []).map((e) => {
        const { signal, detail, ...rest } = e;
        const values = compact(rest) as Record<string, unknown>;
        for (const [k, v] of Object.entries(values)) if (typeof v === 'string' && /^\d+$/.test(v)) values[k] = Number(v);
        return { signal: String(signal), detail: String(detail ?? ''), values, meta: signalInfo(String(signal)) };
      });
      return {
        ...summaryOf(r),
        status: await campaignStatus(db, params.id),
        indicators: {
          ips: list('ips').map(String),
          cidrs: list('cidrs').map(String),
          asns: list('asns').map(Number),
          payment_fingerprints: list('payment_fingerprints').map(String),
          email_domains: list('email_domains').map(String),
          system_prompt_hashes: list('system_prompt_hashes').map(String),
          template_fingerprints: list('template_fingerprints').map(String),
        },
        evidence,
        days: days.map((d) => ({ day: dayText(num(d.day)), interactions: num(d.n) })),
        verdicts: Object.fromEntries(verdicts.map((v) => [String(v.k), num(v.n)])),
        reviewed: Object.fromEntries(reviewed.map((v) => [String(v.k), num(v.n)])),
        history: await decisionHistory(db, 'campaign', params.id),
      };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/campaigns/:id/accounts',
      tag: 'campaigns',
      summary: "A campaign's accounts: filtered, sorted and paged in SQL",
      params: IdParams,
      query: AccountsQuerySchema,
      response: AccountsPageSchema,
    },
    async ({ params, query }) => {
      await need(params.id);
      return accountsPage(db, params.id, query, ctx.shape.accounts);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/campaigns/:id/graph',
      tag: 'campaigns',
      summary: `The campaign's account graph: up to ${GRAPH_MEMBERS} most-linked members, up to ${GRAPH_OUTSIDERS} linked accounts outside it, and the links between them`,
      params: IdParams,
      response: GraphSchema,
    },
    async ({ params }) => graph(ctx, (await need(params.id)).campaign_id as string),
  );
}

async function graph(ctx: ServerContext, id: string): Promise<Graph> {
  const members = await ctx.db.one<{ n: unknown }>(`SELECT count(*) AS n FROM account_results WHERE campaign_id::VARCHAR = $1`, [id]);
  const nodes = await ctx.db.all<Record<string, unknown>>(
    `SELECT n.account_id, n.member, r.score, r.verdict, r.campaign_id::VARCHAR AS campaign_id
     FROM dash_graph_nodes n LEFT JOIN account_results r USING (account_id) WHERE n.campaign_id = $1 ORDER BY n.member DESC, n.account_id`,
    [id],
  );
  const edges = await ctx.db.all<Record<string, unknown>>(`SELECT a, b, kinds, w FROM dash_graph_edges WHERE campaign_id = $1 ORDER BY w DESC, a, b`, [id]);
  const n = num(members?.n);
  return {
    nodes: nodes.map((r) => ({ id: String(r.account_id), member: Boolean(r.member), score: r.score === null ? null : num(r.score), verdict: strOrNull(r.verdict), campaign_id: strOrNull(r.campaign_id) })),
    edges: edges.slice(0, GRAPH_EDGES).map((e) => ({ source: String(e.a), target: String(e.b), kinds: (e.kinds as unknown[]).map(String), weight: num(e.w) })),
    members: n,
    truncated: n > GRAPH_MEMBERS || edges.length > GRAPH_EDGES,
    kinds: { ...LINK_TEXT },
  };
}
