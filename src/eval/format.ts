/** The evaluation report as readable text: one table per section, then warnings. */
import { duration, num, pct, table } from './table.js';
import type { Confusion, EvalReport } from './types.js';

function confusionRows(name: string, c: Confusion): (string | number)[] {
  return [name, c.tp, c.fp, c.fn, c.tn, pct(c.precision), pct(c.recall), pct(c.f1), pct(c.fpr)];
}

export function formatReport(r: EvalReport): string {
  const out: string[] = [];
  const a = r.accounts;
  out.push(`Accounts: ${a.labelled} labelled, ${a.positives} in true campaigns, ${a.missing_from_results} missing from results, ${a.unknown_in_results} unknown`);
  out.push(
    table(
      ['positive =', 'TP', 'FP', 'FN', 'TN', 'precision', 'recall', 'F1', 'benign FPR'],
      [confusionRows('distillation', a.strict), confusionRows('+suspicious', a.lenient)],
    ),
  );
  const roles = Object.keys({ ...a.strict.recall_by_role, ...a.lenient.recall_by_role });
  if (roles.length) {
    out.push('', 'Recall by role');
    out.push(
      table(
        ['role', 'accounts', 'recall', 'recall +susp.'],
        roles.map((k) => [k, a.strict.recall_by_role[k]?.positives ?? 0, pct(a.strict.recall_by_role[k]?.recall ?? null), pct(a.lenient.recall_by_role[k]?.recall ?? null)]),
      ),
    );
  }
  const groups = Object.keys(a.strict.fpr_by_group);
  if (groups.length) {
    out.push('', 'Benign false positives by group');
    out.push(
      table(
        ['group', 'accounts', 'FP', 'FPR', 'FP +susp.', 'FPR +susp.'],
        groups.map((g) => {
          const s = a.strict.fpr_by_group[g];
          const l = a.lenient.fpr_by_group[g];
          return [g, s?.accounts ?? 0, s?.false_positives ?? 0, pct(s?.fpr ?? null), l?.false_positives ?? 0, pct(l?.fpr ?? null)];
        }),
      ),
    );
  }

  const c = r.campaigns;
  out.push('', `Campaigns: ${c.true_campaigns} true, ${c.found_campaigns} found, mean Jaccard ${num(c.mean_jaccard)}`);
  out.push(
    table(
      ['true campaign', 'accounts', 'distill. int.', 'best match', 'Jaccard', 'found int.', 'rel. error', 'top-2 caps', 'split into'],
      c.matches.map((m) => [
        m.campaign_id,
        m.accounts,
        m.distillation_interactions,
        m.best_match ?? '-',
        num(m.jaccard),
        num(m.found_interactions),
        m.interactions_rel_error === null ? '-' : `${m.interactions_rel_error >= 0 ? '+' : ''}${pct(m.interactions_rel_error)}`,
        m.top2_match === null ? '-' : m.top2_match ? 'match' : `no (${(m.found_top2 ?? []).join(', ')})`,
        m.split_into,
      ]),
    ),
  );
  if (c.false_campaigns.length) {
    out.push('', 'Found campaigns matching no true campaign');
    out.push(table(['campaign', 'accounts', 'interactions'], c.false_campaigns.map((f) => [f.campaign_id, f.accounts, num(f.interactions)])));
  }

  const o = r.online;
  if (o) {
    out.push('', `Online: ${o.decisions} decisions`);
    out.push(
      table(
        ['true campaign', 'distill. int.', 'leaked', 'leakage', 'first detection', 'time to detect', 'from', 'blocked at end'],
        o.campaigns.map((x) => [
          x.campaign_id,
          x.distillation_interactions,
          num(x.leaked_interactions),
          pct(x.leakage),
          x.first_detection ?? '-',
          duration(x.time_to_detection_s),
          x.detection_reference ?? '-',
          `${x.blocked_at_end}/${x.accounts} (${pct(x.blocked_share)})`,
        ]),
      ),
    );
    out.push('', 'Benign accounts acted on (restricted = throttle/degrade/challenge/block; flagged = any non-allow)');
    out.push(
      table(
        ['group', 'accounts', 'restricted', 'share', 'flagged', 'share'],
        [['all benign', o.benign] as const, ...Object.entries(o.benign_by_group)].map(([g, b]) => [
          g,
          b.accounts,
          b.restricted,
          pct(b.restricted_share),
          b.flagged,
          pct(b.flagged_share),
        ]),
      ),
    );
  }

  if (r.warnings.length) {
    out.push('', 'Warnings');
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  return out.join('\n') + '\n';
}
