/**
 * End-to-end evaluation of the hand-made fixture in test/fixtures/eval/. Every expected figure below is
 * worked out by hand from the fixture files; the comments show the arithmetic.
 *
 * Fixture (labels.jsonl):
 *   C1: attackers a1..a5 (10 interactions each, all distillation) + mixed proxy p1 (10 interactions,
 *       4 distillation: p1-i2, p1-i4, p1-i6, p1-i8)        → 6 accounts, 54 distillation interactions
 *   C2: attackers b1..b4 (5 each)                          → 4 accounts, 20 distillation interactions
 *   benign: n1 n2 n3 (ordinary), e1 e2 (eval_runs), k1 k2 (coding_agent) → 7 accounts
 * Results: F1 = {a1,a2,a3,p1} (35 int.), F2 = {a4,a5} (20), F3 = {b1,b2,b3,e1} (35), F4 = {k1,k2} (12).
 *   verdicts: a1..a5, b1..b3, e1 distillation; p1, n1, k1, k2 suspicious; b4, n2, e2 benign;
 *   n3 missing; x9 not in labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../testutil/fixtures.js';
import { loadEvalInput } from './load.js';
import { runEval } from './run.js';
import type { EvalReport } from './types.js';

const F = (...p: string[]) => fixture('eval', ...p);

/** Equal within floating-point rounding (the expected value is written as the exact fraction). */
function near(actual: number | null, expected: number, msg?: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${msg ?? ''} expected ${expected}, got ${actual}`);
}

async function evaluate(withDecisions: boolean, withInteractions = false): Promise<EvalReport> {
  const input = await loadEvalInput({
    labels: F('labels.jsonl'),
    results: F('results'),
    ...(withDecisions ? { decisions: F('decisions.jsonl') } : {}),
    ...(withInteractions ? { interactions: F('interactions.jsonl.gz') } : {}),
  });
  return runEval(input);
}

test('account level: strict (verdict distillation)', async () => {
  const a = (await evaluate(false)).accounts;
  assert.equal(a.labelled, 17);
  assert.equal(a.positives, 10);
  assert.equal(a.missing_from_results, 1); // n3
  assert.equal(a.unknown_in_results, 1); // x9
  const s = a.strict;
  // TP = a1..a5 + b1..b3 = 8; FP = e1; FN = p1 (suspicious only), b4; TN = 7 benign − e1 = 6
  assert.deepEqual([s.tp, s.fp, s.fn, s.tn], [8, 1, 2, 6]);
  near(s.precision, 8 / 9);
  near(s.recall, 8 / 10);
  near(s.f1, 16 / 19); // 2TP / (2TP + FP + FN)
  near(s.fpr, 1 / 7);
  assert.deepEqual(s.recall_by_role, {
    attacker: { positives: 9, found: 8, recall: 8 / 9 },
    proxy_mixed: { positives: 1, found: 0, recall: 0 },
  });
  assert.deepEqual(s.fpr_by_group, {
    coding_agent: { accounts: 2, false_positives: 0, fpr: 0 },
    eval_runs: { accounts: 2, false_positives: 1, fpr: 0.5 }, // e1: the look-alike false positive
    ordinary: { accounts: 3, false_positives: 0, fpr: 0 },
  });
});

test('account level: lenient (distillation or suspicious)', async () => {
  const l = (await evaluate(false)).accounts.lenient;
  // TP adds p1 → 9; FP = e1, n1, k1, k2 = 4; FN = b4; TN = n2, n3, e2 = 3
  assert.deepEqual([l.tp, l.fp, l.fn, l.tn], [9, 4, 1, 3]);
  near(l.precision, 9 / 13);
  near(l.recall, 9 / 10);
  near(l.f1, 18 / 23);
  near(l.fpr, 4 / 7);
  assert.equal(l.recall_by_role.proxy_mixed?.recall, 1);
  assert.equal(l.fpr_by_group.coding_agent?.fpr, 1);
  near(l.fpr_by_group.ordinary?.fpr ?? null, 1 / 3);
});

test('campaign level: best match, size error, capabilities, split, false campaigns', async () => {
  const c = (await evaluate(false)).campaigns;
  assert.equal(c.true_campaigns, 2);
  assert.equal(c.found_campaigns, 4);
  const [c1, c2] = c.matches;
  // C1 = {a1..a5,p1}; F1 ∩ C1 = {a1,a2,a3,p1} = 4, union = 6 → 2/3 (F2: 2/6). Split: F1 holds 4/6, F2 2/6 → 2.
  assert.equal(c1?.campaign_id, 'C1');
  assert.equal(c1?.best_match, 'F1');
  near(c1?.jaccard ?? null, 2 / 3);
  assert.equal(c1?.distillation_interactions, 54); // 5 × 10 + 4
  assert.equal(c1?.found_interactions, 35);
  near(c1?.interactions_rel_error ?? null, -19 / 54); // (35 − 54) / 54
  // truth top 2: coding .5, agentic_tool_use .3; F1: coding .5, reasoning_math .3 → no match
  assert.deepEqual(c1?.true_top2, ['coding', 'agentic_tool_use']);
  assert.deepEqual(c1?.found_top2, ['coding', 'reasoning_math']);
  assert.equal(c1?.top2_match, false);
  assert.equal(c1?.split_into, 2);
  assert.equal(c1?.split, true);
  // C2 = {b1..b4}; F3 ∩ C2 = 3, union = {b1..b4,e1} = 5 → 0.6; (35 − 20) / 20 = 0.75
  assert.equal(c2?.best_match, 'F3');
  near(c2?.jaccard ?? null, 3 / 5);
  near(c2?.interactions_rel_error ?? null, 0.75);
  assert.equal(c2?.top2_match, true); // {reasoning_math, rubric_grading} both sides
  assert.equal(c2?.split_into, 1);
  assert.equal(c2?.split, false);
  near(c.mean_jaccard, (2 / 3 + 3 / 5) / 2);
  assert.deepEqual(c.false_campaigns, [{ campaign_id: 'F4', accounts: 2, interactions: 12 }]);
});

test('online without the interactions file: served_before and first-decision reference', async () => {
  const r = await evaluate(true);
  const o = r.online;
  assert.ok(o);
  assert.equal(o.decisions, 17);
  assert.equal(o.unknown_accounts, 1); // x9
  const [c1, c2] = o.campaigns;
  // C1: a3's block carries no served_before and there is no interactions file → leakage unknown.
  // sources: a4 never blocked; a1, a2, a5, p1 served_before; a3 unknown.
  assert.equal(c1?.leaked_interactions, null);
  assert.equal(c1?.leakage, null);
  assert.deepEqual(c1?.leakage_sources, { never_blocked: 1, served_before: 4, interactions: 0, unknown: 1 });
  // First non-allow: a1 flag 00:10 (listed after its block in the file). Reference: a4 allow 00:00 → 600 s.
  assert.equal(c1?.first_detection, '2025-03-01T00:10:00.000Z');
  assert.equal(c1?.detection_reference, 'first_decision');
  assert.equal(c1?.reference_ts, '2025-03-01T00:00:00.000Z');
  assert.equal(c1?.time_to_detection_s, 600);
  // Ended blocked: a1, a2, a3, p1 (a4 never blocked, a5 unblocked at 02:00) → 4/6
  assert.equal(c1?.blocked_at_end, 4);
  near(c1?.blocked_share ?? null, 4 / 6);
  // C2, the late block: b1 blocked at 05:00 after serving all 5; b2..b4 never blocked → 5 + 15 = 20 of 20.
  assert.equal(c2?.leaked_interactions, 20);
  assert.equal(c2?.leakage, 1);
  // b2 flag 03:00 − b1 allow 02:00 = 3600 s; blocked at end: b1 → 1/4
  assert.equal(c2?.time_to_detection_s, 3600);
  assert.equal(c2?.blocked_share, 0.25);
  // Benign: e1 throttled (restricted); k1 flag, n1 watermark (flagged only); n2 allow → 1/7 and 3/7
  assert.deepEqual(o.benign, { accounts: 7, restricted: 1, restricted_share: 1 / 7, flagged: 3, flagged_share: 3 / 7 });
  assert.deepEqual(o.benign_by_group.eval_runs, { accounts: 2, restricted: 1, restricted_share: 0.5, flagged: 1, flagged_share: 0.5 });
  assert.deepEqual(o.benign_by_group.coding_agent, { accounts: 2, restricted: 0, restricted_share: 0, flagged: 1, flagged_share: 0.5 });
  assert.deepEqual(o.benign_by_group.ordinary, { accounts: 3, restricted: 0, restricted_share: 0, flagged: 1, flagged_share: 1 / 3 });
  assert.ok(r.warnings.some((w) => w.startsWith('leakage unknown for C1')));
});

test('online with the interactions file: exact counts for a3 and the mixed proxy', async () => {
  const r = await evaluate(true, true);
  const c1 = r.online?.campaigns[0];
  // a3: interactions every 10 min from 00:00, block 01:00 → 00:00..00:50 served = 6 (from the file).
  // p1: interactions every 10 min from 00:05, block 00:50 → p1-i0..i4 served; distillation among them:
  //     p1-i2, p1-i4 = 2 (exact ids; proportional from served_before would have been 6 × 4/10 = 2.4).
  // leaked = a1 6 + a2 7 + a3 6 + a4 10 (never blocked) + a5 4 + p1 2 = 35 of 54
  assert.equal(c1?.leaked_interactions, 35);
  near(c1?.leakage ?? null, 35 / 54);
  assert.deepEqual(c1?.leakage_sources, { never_blocked: 1, served_before: 3, interactions: 2, unknown: 0 });
  // Reference: the campaign's first interaction, a1-i0 at 2025-02-28T23:50 → detection 00:10 is 1200 s later.
  assert.equal(c1?.detection_reference, 'first_interaction');
  assert.equal(c1?.reference_ts, '2025-02-28T23:50:00.000Z');
  assert.equal(c1?.time_to_detection_s, 1200);
  // C2 has no lines in the file: falls back to its first decision.
  assert.equal(r.online?.campaigns[1]?.detection_reference, 'first_decision');
  assert.ok(!r.warnings.some((w) => w.startsWith('leakage unknown')));
});

test('warnings name unknown and missing accounts', async () => {
  const r = await evaluate(true);
  assert.deepEqual(r.warnings.slice(0, 3), [
    '1 account(s) in accounts.jsonl are not in labels; they are ignored',
    '1 labelled account(s) are missing from accounts.jsonl; counted as predicted benign',
    'decisions.jsonl: 1 account(s) are not in labels; their decisions are ignored',
  ]);
});

test('report without decisions has online null and is JSON-serialisable', async () => {
  const r = await evaluate(false);
  assert.equal(r.online, null);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});
