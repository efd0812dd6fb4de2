/** Review: the queue of items awaiting a decision, and decisions (stored with an audit entry). */
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { num, strOrNull } from '../db.js';
import { recordDecision } from '../review.js';
import type { Api } from '../route.js';
import { DecisionRecordSchema, DecisionRequestSchema, DecisionResponseSchema, QueueQuerySchema, QueueSchema, type QUEUE_KINDS } from '../schemas.js';

type QueueKind = (typeof QUEUE_KINDS)[number];

/**
 * Items awaiting review: campaigns without a decision, suspicious accounts and flagged accounts outside any
 * campaign without one, and anything whose latest decision is "needs more evidence".
 */
function queueSql(ctx: ServerContext): string {
  const campaigns = ctx.shape.campaigns
    ? `SELECT 'campaign' AS subject_kind, c.campaign_id AS subject_id,
              CASE WHEN s.decision = 'needs_evidence' THEN 'needs_evidence' ELSE 'campaign' END AS why,
              c.score::DOUBLE AS score, NULL AS verdict, c.campaign_id, c.accounts::BIGINT AS accounts, c.interactions::DOUBLE AS interactions,
              c.summary AS top_reason
       FROM campaigns c LEFT JOIN review_campaign_status s USING (campaign_id)
       WHERE s.decision IS NULL OR s.decision = 'needs_evidence'
       UNION ALL `
    : '';
  return `
    SELECT * FROM (
      ${campaigns}
      SELECT 'account', r.account_id,
             CASE WHEN s.decision = 'needs_evidence' THEN 'needs_evidence' WHEN r.verdict = 'suspicious' THEN 'suspicious' ELSE 'lone_distillation' END,
             r.score, r.verdict, r.campaign_id::VARCHAR, 1, r.interactions::DOUBLE, r.reasons[1].detail
      FROM account_results r LEFT JOIN review_status s USING (account_id)
      WHERE (s.decision IS NULL AND (r.verdict = 'suspicious' OR (r.verdict = 'distillation' AND r.campaign_id IS NULL)))
         OR s.decision = 'needs_evidence')`;
}

const kindFilter = (k: QueueKind) => (k === 'all' ? '' : `WHERE why = '${k}'`);

export async function queueCount(ctx: ServerContext, kind: QueueKind): Promise<number> {
  return num((await ctx.db.one<{ n: unknown }>(`SELECT count(*) AS n FROM (${queueSql(ctx)}) ${kindFilter(kind)}`))?.n);
}

export function reviewRoutes(api: Api, ctx: ServerContext): void {
  const db = ctx.db;
  api.add(
    { method: 'get', path: '/api/review/queue', tag: 'review', summary: 'Items awaiting a decision, campaigns first, then by score', query: QueueQuerySchema, response: QueueSchema },
    async ({ query }) => {
      if (!ctx.shape.results) return { total: 0, offset: query.offset, limit: query.limit, rows: [] };
      const rows = await db.all<Record<string, unknown>>(
        `SELECT * FROM (${queueSql(ctx)}) ${kindFilter(query.kind)}
         ORDER BY subject_kind = 'campaign' DESC, score DESC, interactions DESC, subject_id LIMIT ${query.limit} OFFSET ${query.offset}`,
      );
      return {
        total: await queueCount(ctx, query.kind),
        offset: query.offset,
        limit: query.limit,
        rows: rows.map((r) => ({
          subject_kind: r.subject_kind === 'campaign' ? ('campaign' as const) : ('account' as const),
          subject_id: String(r.subject_id),
          why: r.why as 'campaign' | 'suspicious' | 'lone_distillation' | 'needs_evidence',
          score: num(r.score),
          verdict: strOrNull(r.verdict),
          campaign_id: strOrNull(r.campaign_id),
          accounts: num(r.accounts),
          interactions: num(r.interactions),
          top_reason: strOrNull(r.top_reason),
        })),
      };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/decisions',
      tag: 'review',
      summary: 'Record a decision on an account or a campaign (confirm distillation, false positive, needs more evidence) with a note',
      description: 'A campaign decision labels every member account. Decisions are appended, never changed; the latest one counts (an account\u2019s own decision before its campaign\u2019s).',
      body: DecisionRequestSchema,
      response: DecisionResponseSchema,
    },
    async ({ body }) => {
      const r = await recordDecision(db, body, ctx.shape.results);
      ctx.window.invalidate();
      return r;
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/decisions',
      tag: 'review',
      summary: 'Recent decisions, newest first',
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: z.object({ decisions: z.array(DecisionRecordSchema) }),
    },
    async ({ query }) => {
      const rows = await db.all<Record<string, unknown>>(`SELECT * FROM review_decisions ORDER BY decision_id DESC LIMIT ${query.limit}`);
      return {
        decisions: rows.map((r) => ({
          decision_id: num(r.decision_id),
          ts: String(r.ts),
          analyst: String(r.analyst),
          subject_kind: r.subject_kind === 'campaign' ? ('campaign' as const) : ('account' as const),
          subject_id: String(r.subject_id),
          decision: r.decision as z.infer<typeof DecisionRecordSchema>['decision'],
          note: String(r.note),
          accounts: num(r.accounts),
        })),
      };
    },
  );
}
