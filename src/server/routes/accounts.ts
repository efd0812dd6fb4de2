/** Accounts: search over all analysed accounts, one account's detail, and revealing its prompts (audited). */
import { z } from 'zod';
import { LINK_TEXT, type LinkKind } from '../../detect/graph.js';
import { accountsPage } from '../accounts-query.js';
import type { ServerContext } from '../context.js';
import { dayText, isoTime, num, parseJson, strOrNull } from '../db.js';
import { redact } from '../redact.js';
import { accountStatus, audited, decisionHistory } from '../review.js';
import { HttpError, type Api } from '../route.js';
import { AccountDetailSchema, AnalystSchema, AccountsPageSchema, AccountsQuerySchema, PromptSampleSchema } from '../schemas.js';
import { signalInfo } from '../signals.js';

const IdParams = z.object({ id: z.string().min(1).max(256) });
const LINKED = 50;
const RevealSchema = z.object({ redacted: z.literal(false), items: z.array(PromptSampleSchema) });

/** The latest distinct prompts of an account (by prompt hash; precomputed in dash_prompts). */
async function samplePrompts(ctx: ServerContext, id: string, reveal: boolean) {
  const rows = await ctx.db.all<Record<string, unknown>>(
    `SELECT id, ts, model, capability, prompt, prompt_chars FROM dash_prompts WHERE account_id = $1 ORDER BY ts DESC, id`,
    [id],
  );
  return rows.map((r) => ({
    id: String(r.id),
    ts: new Date(num(r.ts)).toISOString(),
    model: strOrNull(r.model),
    capability: strOrNull(r.capability),
    prompt: r.prompt === null ? null : reveal ? String(r.prompt) : redact(String(r.prompt)),
    prompt_chars: r.prompt_chars === null ? null : num(r.prompt_chars),
  }));
}

export function accountRoutes(api: Api, ctx: ServerContext): void {
  const db = ctx.db;

  api.add(
    { method: 'get', path: '/api/accounts', tag: 'accounts', summary: 'All analysed accounts: filtered, sorted and paged in SQL', query: AccountsQuerySchema, response: AccountsPageSchema },
    async ({ query }) => {
      if (!ctx.shape.results) return { total: 0, offset: query.offset, limit: query.limit, sort: query.sort, dir: query.dir, rows: [] };
      return accountsPage(db, null, query, ctx.shape.accounts);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/accounts/:id',
      tag: 'accounts',
      summary: 'An account: score and reasons with signal rationale, profile, activity per day, sample prompts (redacted), linked accounts and why, review',
      params: IdParams,
      response: AccountDetailSchema,
    },
    async ({ params }) => {
      const id = params.id;
      const seen = await db.one<Record<string, unknown>>(`SELECT * FROM dash_account WHERE account_id = $1`, [id]);
      const res = ctx.shape.results
        ? await db.one<Record<string, unknown>>(
            `SELECT score, verdict, campaign_id::VARCHAR AS campaign_id, interactions, distillation_share, first_seen::VARCHAR AS first_seen,
                    last_seen::VARCHAR AS last_seen, to_json(reasons)::VARCHAR AS reasons FROM account_results WHERE account_id = $1`,
            [id],
          )
        : undefined;
      if (!seen && !res) throw new HttpError(404, `no account ${id} in the store`);
      const prof = ctx.shape.accounts ? await db.one<Record<string, unknown>>(`SELECT * FROM accounts WHERE account_id = $1`, [id]) : undefined;
      const days = await db.all<Record<string, unknown>>(`SELECT day, n, tokens FROM dash_account_day WHERE account_id = $1 ORDER BY day`, [id]);
      const links = await db.all<Record<string, unknown>>(
        ctx.shape.results
          ? `SELECT l.other, l.kind, l.weight, l.keys, r.verdict, r.score, r.campaign_id::VARCHAR AS campaign_id
             FROM dash_links l LEFT JOIN account_results r ON r.account_id = l.other WHERE l.account_id = $1`
          : `SELECT other, kind, weight, keys, NULL AS verdict, NULL AS score, NULL AS campaign_id FROM dash_links WHERE account_id = $1`,
        [id],
      );
      const linked = new Map<string, z.input<typeof AccountDetailSchema>['links'][number]>();
      for (const l of links) {
        const other = String(l.other);
        let e = linked.get(other);
        if (!e) linked.set(other, (e = { account_id: other, weight: 0, kinds: [], verdict: strOrNull(l.verdict), score: l.score === null ? null : num(l.score), campaign_id: strOrNull(l.campaign_id) }));
        const kind = String(l.kind);
        e.kinds.push({ kind, weight: num(l.weight), keys: num(l.keys), why: LINK_TEXT[kind as LinkKind] ?? kind });
        e.weight += num(l.weight);
      }
      const lists = ctx.policy.lists();
      const reasons = parseJson<Array<{ signal: string; contribution: number; detail: string }>>(res?.reasons, []);
      return {
        account_id: id,
        result: res
          ? {
              score: num(res.score),
              verdict: res.verdict as 'distillation' | 'suspicious' | 'benign',
              campaign_id: strOrNull(res.campaign_id),
              interactions: num(res.interactions),
              distillation_share: num(res.distillation_share),
              first_seen: isoTime(res.first_seen),
              last_seen: isoTime(res.last_seen),
            }
          : null,
        reasons: reasons.map((r) => ({ signal: r.signal, contribution: num(r.contribution), detail: String(r.detail), meta: signalInfo(r.signal) })),
        profile: {
          tier: strOrNull(prof?.tier),
          verified: prof?.verified === null || prof?.verified === undefined ? null : Boolean(prof.verified),
          email_domain: strOrNull(prof?.email_domain),
          country: strOrNull(prof?.country),
          org_id: strOrNull(prof?.org_id) ?? strOrNull(seen?.org_id),
          created_at: prof?.created_at === null || prof?.created_at === undefined ? null : new Date(num(prof.created_at)).toISOString(),
          top_ip: strOrNull(seen?.ip),
          ips: num(seen?.ips),
        },
        days: days.map((d) => ({ day: dayText(num(d.day)), interactions: num(d.n), tokens: num(d.tokens) })),
        prompts: { redacted: true, items: await samplePrompts(ctx, id, false) },
        links: [...linked.values()].sort((a, b) => b.weight - a.weight || a.account_id.localeCompare(b.account_id)).slice(0, LINKED),
        review: await accountStatus(db, id),
        history: await decisionHistory(db, 'account', id),
        lists: { allow: lists.allow.accounts.includes(id), deny: lists.deny.accounts.includes(id) },
      };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/accounts/:id/prompts/reveal',
      tag: 'accounts',
      summary: "The account's sample prompts without redaction (recorded in the audit log)",
      params: IdParams,
      body: z.object({ analyst: AnalystSchema }),
      response: RevealSchema,
    },
    async ({ params, body }) => {
      const seen = await db.one(`SELECT 1 AS x FROM dash_account WHERE account_id = $1`, [params.id]);
      if (!seen) throw new HttpError(404, `no account ${params.id} in the store`);
      const items = await samplePrompts(ctx, params.id, true);
      await audited(db, async () => ({
        result: null,
        audit: { actor: body.analyst, action: 'prompts.reveal', subject_kind: 'account', subject_id: params.id, detail: { prompts: items.length } },
      }));
      return { redacted: false as const, items };
    },
  );
}
