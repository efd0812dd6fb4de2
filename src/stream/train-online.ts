/**
 * Training the streaming detector's own model. The batch model is fitted on whole account histories; online, an
 * account is judged from its first calls, when volume, rotation and coordination have barely begun, so the batch
 * weights and thresholds are miscalibrated there. Here the same features are collected at every point where the
 * streaming detector scores an account (its first 16 calls, then each time its count has grown by a quarter: see
 * detector.ts), in a replay of each labelled store, and both stages are refitted on those snapshots:
 *  1. replay with the batch model, collect stage-1 inputs, fit the online stage 1;
 *  2. replay with the new stage 1 (online clusters form from its probabilities), collect stage-2 inputs, fit stage 2.
 * Thresholds come from cross-fitted scores (two folds by account) and hold the benign budget per account over its
 * whole history: an account counts as a false positive if any of its snapshots reaches the threshold, since any
 * throttle, degrade or block is harm to that customer.
 */
import { createHash } from 'node:crypto';
import { ACCOUNT_FEATURES } from '../detect/features.js';
import { fitLogistic, predict, thresholdForBudget, type ModelFile } from '../detect/model.js';
import { STAGE2_FEATURES } from '../detect/score.js';
import type { TrainingSet } from '../detect/train.js';
import { OnlineDetector } from './detector.js';
import { forEachInteraction, loadAccounts } from './read-store.js';

export interface OnlineTrainOptions {
  /** Benign budget, per account over its whole history, for `distillation` (default 0.0003). */
  fpDistillation?: number;
  /**
   * The same for `suspicious` (default: the `distillation` budget, so there is no separate degrade tier online). A
   * degraded or throttled benign account is harm as much as a blocked one, and benign accounts flagged together (a
   * class signing up at once) made a separate 0.05% tier restrict up to 0.13% of one evaluation set's benign accounts.
   */
  fpSuspicious?: number;
  lambda?: number;
  log?: (s: string) => void;
}

interface Snapshot {
  account: number;
  y: number;
  x: number[];
}

const fold = (id: string) => createHash('sha1').update(id).digest()[0]! & 1;

/** Replays a set and returns the inputs of every scoring of a labelled account (stage 1 or stage 2 inputs). */
async function snapshots(set: TrainingSet, model: ModelFile, stage: 1 | 2, ids: Map<string, number>): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  const det = new OnlineDetector(model, await loadAccounts(set.store), {
    onScore: (a, _n, x1, x2) => {
      const label = set.labels.get(a);
      if (label === undefined) return;
      let id = ids.get(`${set.name}\u0000${a}`);
      if (id === undefined) ids.set(`${set.name}\u0000${a}`, (id = ids.size));
      out.push({ account: id, y: label ? 1 : 0, x: stage === 1 ? x1 : x2 });
    },
  });
  await forEachInteraction(set.store, (r) => det.observe(r));
  return out;
}

/** Cross-fitted scores (two folds by account), then per account the highest score of its history. */
function crossFittedMax(features: string[], snaps: Snapshot[], accountFold: number[], lambda: number): Map<number, { y: number; max: number }> {
  const best = new Map<number, { y: number; max: number }>();
  for (const f of [0, 1]) {
    const tr = snaps.filter((s) => accountFold[s.account] !== f);
    const m = fitLogistic(
      features,
      tr.map((s) => s.x),
      tr.map((s) => s.y),
      lambda,
    );
    for (const s of snaps) {
      if (accountFold[s.account] !== f) continue;
      const p = predict(s.x, m);
      const b = best.get(s.account);
      if (!b) best.set(s.account, { y: s.y, max: p });
      else if (p > b.max) b.max = p;
    }
  }
  return best;
}

/** The batch model with an `online` model fitted on replays of the training sets. */
export async function trainOnline(sets: TrainingSet[], base: ModelFile, opts: OnlineTrainOptions = {}): Promise<ModelFile> {
  const log = opts.log ?? (() => {});
  const lambda = opts.lambda ?? 1;
  const batchOnly: ModelFile = { ...base, online: undefined };
  const ids = new Map<string, number>();
  const s1: Snapshot[] = [];
  for (const set of sets) s1.push(...(await snapshots(set, batchOnly, 1, ids)));
  const stage1 = fitLogistic([...ACCOUNT_FEATURES], s1.map((s) => s.x), s1.map((s) => s.y), lambda);
  log(`online stage 1: ${s1.length} snapshots of ${ids.size} labelled accounts`);

  const withStage1: ModelFile = { ...base, online: { stage1, stage2: base.stage2, thresholds: base.thresholds, training: {} } };
  const s2: Snapshot[] = [];
  for (const set of sets) s2.push(...(await snapshots(set, withStage1, 2, ids)));
  const stage2 = fitLogistic(STAGE2_FEATURES, s2.map((s) => s.x), s2.map((s) => s.y), lambda);

  const accountFold: number[] = new Array<number>(ids.size);
  for (const [k, i] of ids) accountFold[i] = fold(k.slice(k.indexOf('\u0000') + 1));
  const best = crossFittedMax(STAGE2_FEATURES, s2, accountFold, lambda);
  const neg = [...best.values()].filter((b) => b.y === 0).map((b) => b.max);
  const pos = [...best.values()].filter((b) => b.y === 1).map((b) => b.max);
  const fpD = opts.fpDistillation ?? 0.0003;
  const fpS = opts.fpSuspicious ?? fpD;
  const tD = thresholdForBudget(neg, fpD, 0.5);
  const tS = Math.min(thresholdForBudget(neg, fpS, 0.2), tD);
  const recall = pos.filter((p) => p >= tD).length / Math.max(pos.length, 1);
  log(
    `online stage 2: ${s2.length} snapshots; thresholds distillation ${tD.toFixed(4)} (benign accounts ever flagged ≤ ${fpD}), suspicious ${tS.toFixed(4)} (${fpS}); cross-fitted accounts ever flagged: ${(recall * 100).toFixed(2)}% of campaign accounts`,
  );
  return {
    ...base,
    online: {
      stage1,
      stage2,
      thresholds: { distillation: tD, suspicious: tS, fpBudget: { distillation: fpD, suspicious: fpS } },
      training: {
        sets: sets.map((s) => s.name),
        accounts: ids.size,
        snapshots: s2.length,
        positives: pos.length,
        lambda,
        cross_fitted_ever_flagged: Math.round(recall * 1e6) / 1e6,
      },
    },
  };
}
