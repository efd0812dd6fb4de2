/**
 * Training: fit the two-stage model from labelled stores (simulator output, analyst decisions) and choose the
 * thresholds from a stated benign false-positive budget, measured on scores the model did not see in fitting
 * (two-fold cross-fitting by account hash).
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';
import { ACCOUNT_FEATURES } from './features.js';
import { prepare } from './analyze.js';
import { MODEL_VERSION, fitLogistic, predict, thresholdForBudget, type LinearModel, type ModelFile } from './model.js';
import { communityFeatures, loadLinkStrength, STAGE2_FEATURES, type AccountRow } from './score.js';
import type { Communities, LinkKind } from './graph.js';

export interface TrainingSet {
  name: string;
  store: Store;
  /** account -> is a campaign member (attacker or resold proxy account). Accounts without a label are skipped. */
  labels: Map<string, boolean>;
}

export interface TrainOptions {
  /** Benign false-positive budget for `distillation` (default 0.0003 = 0.03%). */
  fpDistillation?: number;
  /** Benign false-positive budget for `suspicious` (default 0.005 = 0.5%). */
  fpSuspicious?: number;
  lambda?: number;
  log?: (s: string) => void;
}

const fold = (id: string) => createHash('sha1').update(id).digest()[0]! & 1;

interface Prepared {
  set: TrainingSet;
  rows: AccountRow[];
  comm: Communities;
  strength: Map<string, Record<LinkKind, number>>;
}

function crossFit(features: string[], X: number[][], y: number[], folds: number[], lambda: number): number[] {
  const out = new Array<number>(X.length).fill(0);
  for (const f of [0, 1]) {
    const tr = X.map((_, i) => i).filter((i) => folds[i] !== f);
    const m = fitLogistic(
      features,
      tr.map((i) => X[i]!),
      tr.map((i) => y[i]!),
      lambda,
    );
    for (let i = 0; i < X.length; i++) if (folds[i] === f) out[i] = predict(X[i]!, m);
  }
  return out;
}

export async function trainModel(sets: TrainingSet[], opts: TrainOptions = {}): Promise<ModelFile> {
  const log = opts.log ?? (() => {});
  const lambda = opts.lambda ?? 1;
  const prepared: Prepared[] = [];
  for (const set of sets) {
    const { rows, comm } = await prepare(set.store);
    const strength = await loadLinkStrength(set.store);
    const labelled = rows.filter((r) => set.labels.has(r.account_id));
    prepared.push({ set, rows: labelled, comm, strength });
    const pos = labelled.filter((r) => set.labels.get(r.account_id)).length;
    log(`${set.name}: ${labelled.length} labelled accounts (${pos} campaign members), ${comm.members.size} communities`);
  }
  const all = prepared.flatMap((p) => p.rows.map((r) => ({ p, r })));
  const y: number[] = all.map(({ p, r }) => (p.set.labels.get(r.account_id) ? 1 : 0));
  const folds = all.map(({ r }) => fold(r.account_id));
  const X1 = all.map(({ r }) => r.x1);

  // Stage 1, cross-fitted so stage 2 learns from scores like those it will see on new data.
  const p1 = crossFit([...ACCOUNT_FEATURES], X1, y, folds, lambda);
  all.forEach(({ r }, i) => (r.p1 = p1[i]));
  for (const p of prepared) communityFeatures(p.rows, p.comm, p.strength);
  const X2 = all.map(({ r }) => r.x2!);
  const p2 = crossFit(STAGE2_FEATURES, X2, y, folds, lambda);

  const stage1: LinearModel = fitLogistic([...ACCOUNT_FEATURES], X1, y, lambda);
  const stage2: LinearModel = fitLogistic(STAGE2_FEATURES, X2, y, lambda);

  const neg = p2.filter((_, i) => y[i] === 0);
  const fpD = opts.fpDistillation ?? 0.0003;
  const fpS = opts.fpSuspicious ?? 0.005;
  const tD = thresholdForBudget(neg, fpD, 0.5);
  const tS = Math.min(thresholdForBudget(neg, fpS, 0.2), tD);
  const posScores = p2.filter((_, i) => y[i] === 1);
  const recall = posScores.filter((s) => s >= tD).length / Math.max(posScores.length, 1);
  log(`thresholds: distillation ${tD.toFixed(4)} (benign FP budget ${fpD}), suspicious ${tS.toFixed(4)} (${fpS}); cross-fitted recall ${(recall * 100).toFixed(2)}%`);
  return {
    format: 'distillguard-model',
    version: MODEL_VERSION,
    created: new Date().toISOString(),
    training: {
      sets: sets.map((s) => s.name),
      accounts: all.length,
      positives: y.reduce((a, b) => a + b, 0),
      lambda,
      cross_fitted_recall: Math.round(recall * 1e6) / 1e6,
    },
    stage1,
    stage2,
    thresholds: { distillation: tD, suspicious: tS, fpBudget: { distillation: fpD, suspicious: fpS } },
  };
}
