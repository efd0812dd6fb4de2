/**
 * Account-level evaluation: does the detector's verdict agree with the labels?
 * Truth positive: the label's campaign_id is non-null (role attacker or proxy_mixed).
 * Predicted positive: verdict `distillation` (strict) or `distillation`/`suspicious` (lenient).
 * Labelled accounts missing from the results count as predicted benign.
 */
import type { AccountLabel } from '../model/labels.js';
import type { AccountResult, Verdict } from '../model/results.js';
import { f1, ratio } from './metrics.js';
import type { AccountReport, Confusion } from './types.js';

/** The confusion matrix over labelled accounts, given which verdicts count as positive. */
export function confusion(
  labels: readonly AccountLabel[],
  verdicts: ReadonlyMap<string, Verdict>,
  positiveVerdicts: ReadonlySet<Verdict>,
): Confusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const byRole: Confusion['recall_by_role'] = {};
  const byGroup: Confusion['fpr_by_group'] = {};
  for (const l of labels) {
    const v = verdicts.get(l.account_id) ?? 'benign';
    const predicted = positiveVerdicts.has(v);
    if (l.campaign_id !== null) {
      const r = (byRole[l.role] ??= { positives: 0, found: 0, recall: null });
      r.positives++;
      if (predicted) {
        tp++;
        r.found++;
      } else fn++;
    } else {
      const g = (byGroup[l.group] ??= { accounts: 0, false_positives: 0, fpr: null });
      g.accounts++;
      if (predicted) {
        fp++;
        g.false_positives++;
      } else tn++;
    }
  }
  for (const r of Object.values(byRole)) r.recall = ratio(r.found, r.positives);
  for (const g of Object.values(byGroup)) g.fpr = ratio(g.false_positives, g.accounts);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    tp,
    fp,
    fn,
    tn,
    precision,
    recall,
    f1: f1(precision, recall),
    fpr: ratio(fp, fp + tn),
    recall_by_role: sortKeys(byRole),
    fpr_by_group: sortKeys(byGroup),
  };
}

/** The account-level report; pushes a warning for result accounts unknown to the labels. */
export function evalAccounts(labels: readonly AccountLabel[], results: readonly AccountResult[], warnings: string[]): AccountReport {
  const labelled = new Set(labels.map((l) => l.account_id));
  const verdicts = new Map<string, Verdict>();
  let unknown = 0;
  for (const r of results) {
    if (labelled.has(r.account_id)) verdicts.set(r.account_id, r.verdict);
    else unknown++;
  }
  if (unknown > 0) warnings.push(`${unknown} account(s) in accounts.jsonl are not in labels; they are ignored`);
  const missing = labels.filter((l) => !verdicts.has(l.account_id)).length;
  if (missing > 0) warnings.push(`${missing} labelled account(s) are missing from accounts.jsonl; counted as predicted benign`);
  return {
    labelled: labels.length,
    positives: labels.filter((l) => l.campaign_id !== null).length,
    missing_from_results: missing,
    unknown_in_results: unknown,
    strict: confusion(labels, verdicts, new Set<Verdict>(['distillation'])),
    lenient: confusion(labels, verdicts, new Set<Verdict>(['distillation', 'suspicious'])),
  };
}

/** A copy of a record with its keys in sorted order, so JSON output is stable. */
function sortKeys<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
