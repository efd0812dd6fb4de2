/** The overview page: traffic and flagged volume per day, campaigns ranked, shares of traffic per verdict and action. */
import type { ServerContext } from '../context.js';
import { dayText, num } from '../db.js';
import { simulate } from '../policy-sim.js';
import type { Api } from '../route.js';
import { OverviewSchema } from '../schemas.js';
import { listCampaigns } from './campaigns.js';
import { queueCount } from './review.js';

export function overviewRoutes(api: Api, ctx: ServerContext): void {
  const db = ctx.db;
  api.add({ method: 'get', path: '/api/overview', tag: 'overview', summary: 'Traffic and flagged volume per day, campaigns ranked, traffic per verdict and per action', response: OverviewSchema }, async () => {
    const days = await db.all<Record<string, unknown>>(`
      SELECT day, sum(n) AS total, sum(n) FILTER (WHERE verdict = 'distillation') AS distillation, sum(n) FILTER (WHERE verdict = 'suspicious') AS suspicious
      FROM dash_day GROUP BY day ORDER BY day`);
    const accounts = await db.one<{ n: unknown }>(`SELECT count(*) AS n FROM dash_account`);
    const verdicts = ctx.shape.results
      ? await db.all<Record<string, unknown>>(`SELECT verdict AS k, count(*) AS accounts, sum(interactions) AS n FROM account_results GROUP BY 1 ORDER BY n DESC`)
      : [];
    const campaigns = await listCampaigns(ctx);
    const sim = await simulate(ctx.window, ctx.policy.policy, null);
    const total = days.reduce((s, d) => s + num(d.total), 0);
    const vTotal = verdicts.reduce((s, v) => s + num(v.n), 0);
    const count = (k: string) => num(verdicts.find((v) => v.k === k)?.accounts);
    return {
      analysed: ctx.shape.results,
      totals: {
        interactions: total,
        accounts: num(accounts?.n),
        flagged_accounts: count('distillation'),
        suspicious_accounts: count('suspicious'),
        campaigns: campaigns.length,
        first_day: days.length ? dayText(num(days[0]!.day)) : null,
        last_day: days.length ? dayText(num(days[days.length - 1]!.day)) : null,
        pending_review: ctx.shape.results ? await queueCount(ctx, 'all') : 0,
      },
      days: days.map((d) => ({ day: dayText(num(d.day)), total: num(d.total), distillation: num(d.distillation), suspicious: num(d.suspicious) })),
      campaigns,
      verdict_share: verdicts.map((v) => ({ key: String(v.k), accounts: num(v.accounts), interactions: num(v.n), share: vTotal ? num(v.n) / vTotal : 0 })),
      action_share: sim.actions,
      policy: { mode: ctx.policy.policy.mode, version: ctx.policy.version },
    };
  });
}
