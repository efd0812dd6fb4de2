/**
 * What a policy would have done over a window of the stored traffic: every account active in the window is run
 * through `decide()` (src/enforce/policy.ts) with its verdict from the latest analysis and its identity (account,
 * org, most used API key and IP), and its interactions in the window are counted under the action. Per rule: the
 * accounts it would decide (first match wins, as in the gateway) and the accounts its condition matches at all.
 */
import { ACTIONS, type Action } from '../model/results.js';
import { compilePolicy, decide, type CompiledPolicy, type Policy } from '../enforce/policy.js';
import type { AccountVerdict } from '../enforce/verdicts.js';
import type { Identity } from '../enforce/identity.js';
import type { Db } from './db.js';
import { dayText, num, strOrNull } from './db.js';
import { dayRange } from './derived.js';
import type { Simulation } from './schemas.js';

interface SimRow {
  id: Identity;
  verdict: AccountVerdict | undefined;
  n: number;
  confirmedBenign: boolean;
}

/** Accounts active in the window, with what decide() needs. Cached per window until the data changes. */
export class WindowAccounts {
  private cache = new Map<string, Promise<{ rows: SimRow[]; from: number | null; to: number | null }>>();

  constructor(
    private readonly db: Db,
    private readonly results: boolean,
  ) {}

  /** Forget cached rows (review decisions changed the confirmed-benign marks). */
  invalidate(): void {
    this.cache.clear();
  }

  /** Rows for the last `days` days of traffic (null: all of it). */
  get(days: number | null): Promise<{ rows: SimRow[]; from: number | null; to: number | null }> {
    const key = String(days);
    let p = this.cache.get(key);
    if (!p) {
      p = this.load(days);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }

  private async load(days: number | null) {
    const range = await dayRange(this.db);
    if (!range) return { rows: [], from: null, to: null };
    const from = days === null ? range.first : Math.max(range.first, range.last - days + 1);
    const rows = await this.db.all<Record<string, unknown>>(`
      SELECT w.account_id, w.n, a.org_id, a.api_key_id, a.ip
             ${this.results ? ', r.score, r.verdict, r.campaign_id::VARCHAR AS campaign_id, s.decision' : ''}
      FROM (SELECT account_id, sum(n)::BIGINT AS n FROM dash_account_day WHERE day >= ${from} GROUP BY account_id) w
      JOIN dash_account a USING (account_id)
      ${this.results ? 'LEFT JOIN account_results r USING (account_id) LEFT JOIN review_status s USING (account_id)' : ''}`);
    return {
      from,
      to: range.last,
      rows: rows.map((r) => ({
        id: { account_id: String(r.account_id), org_id: strOrNull(r.org_id), api_key_id: strOrNull(r.api_key_id), ip: strOrNull(r.ip) },
        verdict:
          r.verdict === null || r.verdict === undefined
            ? undefined
            : { score: num(r.score), verdict: r.verdict as AccountVerdict['verdict'], campaign_id: strOrNull(r.campaign_id), reasons: [] },
        n: num(r.n),
        confirmedBenign: r.decision === 'false_positive',
      })),
    };
  }
}

export async function simulate(win: WindowAccounts, policy: Policy, days: number | null): Promise<Simulation> {
  const { rows, from, to } = await win.get(days);
  const compiled = compilePolicy(policy);
  // One single-rule policy per rule, to tell whether its condition matches regardless of the rules before it.
  const alone: { name: string; c: CompiledPolicy }[] = compiled.rules.map((r) => ({
    name: r.name,
    c: compilePolicy({ ...policy, allow: undefined, deny: undefined, rules: [r.rule], default: 'allow' }),
  }));
  type Acc = { action: Action; decided: number; interactions: number; matched: number; byVerdict: Record<string, number>; benign: number };
  const out = new Map<string, Acc>();
  const slot = (rule: string, action: Action): Acc => {
    let a = out.get(rule);
    if (!a) out.set(rule, (a = { action, decided: 0, interactions: 0, matched: 0, byVerdict: {}, benign: 0 }));
    return a;
  };
  slot('deny-list', 'block');
  slot('allow-list', 'allow');
  compiled.rules.forEach((r) => slot(r.name, r.rule.action));
  slot('default', policy.default);
  const actions = new Map<Action, { accounts: number; interactions: number }>(ACTIONS.map((a) => [a, { accounts: 0, interactions: 0 }]));
  let total = 0;
  for (const row of rows) {
    const d = decide(compiled, row.verdict, row.id);
    const a = slot(d.rule, d.action);
    a.decided++;
    a.interactions += row.n;
    const v = row.verdict?.verdict ?? 'unknown';
    a.byVerdict[v] = (a.byVerdict[v] ?? 0) + 1;
    if (row.confirmedBenign) a.benign++;
    const s = actions.get(d.action)!;
    s.accounts++;
    s.interactions += row.n;
    total += row.n;
    for (const r of alone) if (decide(r.c, row.verdict, row.id).rule === r.name) out.get(r.name)!.matched++;
  }
  out.get('deny-list')!.matched = out.get('deny-list')!.decided;
  out.get('allow-list')!.matched = out.get('allow-list')!.decided;
  out.get('default')!.matched = out.get('default')!.decided;
  return {
    window: { from: from === null ? null : dayText(from), to: to === null ? null : dayText(to), days: from === null || to === null ? 0 : to - from + 1 },
    mode: policy.mode,
    accounts: rows.length,
    interactions: total,
    rules: [...out].map(([rule, a]) => ({
      rule,
      action: a.action,
      decided_accounts: a.decided,
      decided_interactions: a.interactions,
      matched_accounts: a.matched,
      by_verdict: a.byVerdict,
      confirmed_benign: a.benign,
    })),
    actions: [...actions]
      .filter(([, s]) => s.accounts > 0)
      .map(([key, s]) => ({ key, accounts: s.accounts, interactions: s.interactions, share: total ? s.interactions / total : 0 })),
  };
}
