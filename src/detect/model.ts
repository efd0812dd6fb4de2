/**
 * A transparent scoring model: L2-regularised logistic regression on standardised features, in two stages
 * (the account alone, then the account with its links and community). Weights are fitted by `distillguard train`
 * and shipped as a versioned JSON file; reasons are the largest positive contributions w_i * z_i.
 *
 * Hand-written: logistic regression with Newton steps is ~80 lines, and no maintained JS package offers weighted,
 * regularised fitting with the standardisation and contributions kept inspectable in a JSON file.
 */

export interface LinearModel {
  features: string[];
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

/** Two stages and their thresholds (the batch model, or the online model trained on account prefixes). */
export interface StagedModel {
  stage1: LinearModel;
  stage2: LinearModel;
  thresholds: ModelFile['thresholds'];
}

export interface ModelFile {
  format: 'distillguard-model';
  version: number;
  created: string;
  /** What it was trained on: data sets, counts, seeds. */
  training: Record<string, unknown>;
  stage1: LinearModel;
  stage2: LinearModel;
  thresholds: {
    /** Score at or above which an account is `distillation`. */
    distillation: number;
    /** Score at or above which an account is `suspicious`. */
    suspicious: number;
    /** The benign false-positive budgets the thresholds were chosen for, measured on the training data. */
    fpBudget: { distillation: number; suspicious: number };
  };
  /**
   * The streaming detector's model (optional): the same features fitted on accounts' histories cut at each point
   * where the detector scores them, so that an account's first calls are judged by what first calls look like; its
   * thresholds hold the benign budget over every point of an account's history (any restriction counts). Without it,
   * the streaming detector applies the batch stages.
   */
  online?: StagedModel & { training: Record<string, unknown> };
}

export const MODEL_VERSION = 1;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function standardise(x: number[], m: LinearModel): number[] {
  return x.map((v, i) => (Number.isFinite(v) ? v : m.mean[i]!) - m.mean[i]!).map((v, i) => v / m.std[i]!);
}

export function predict(x: number[], m: LinearModel): number {
  const z = standardise(x, m);
  let s = m.bias;
  for (let i = 0; i < z.length; i++) s += m.weights[i]! * z[i]!;
  return sigmoid(s);
}

/** Per-feature contributions to the log-odds, largest first. */
export function contributions(x: number[], m: LinearModel): Array<{ feature: string; contribution: number; value: number }> {
  const z = standardise(x, m);
  return z
    .map((v, i) => ({ feature: m.features[i]!, contribution: m.weights[i]! * v, value: x[i]! }))
    .sort((a, b) => b.contribution - a.contribution);
}

/** Solve A x = b (A symmetric positive definite) by Cholesky. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) L[i]![i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i]![j] = s / L[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

/**
 * Fit by Newton's method (IRLS) with an L2 penalty `lambda` on the weights (not the bias). Classes are weighted so
 * that positives and negatives count equally in total: the model learns the shape of each class, not the prevalence
 * in one simulated population.
 */
export function fitLogistic(features: string[], X: number[][], y: number[], lambda = 1, iterations = 25): LinearModel {
  const d = features.length;
  const n = X.length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const row of X) for (let j = 0; j < d; j++) mean[j]! += (Number.isFinite(row[j]!) ? row[j]! : 0) / n;
  for (const row of X) for (let j = 0; j < d; j++) std[j]! += (((Number.isFinite(row[j]!) ? row[j]! : 0) - mean[j]!) ** 2) / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const m: LinearModel = { features, mean, std, weights: new Array<number>(d).fill(0), bias: 0 };
  const Z = X.map((r) => standardise(r, m));
  const pos = y.reduce((a, b) => a + b, 0);
  const wPos = pos > 0 ? n / (2 * pos) : 1;
  const wNeg = n - pos > 0 ? n / (2 * (n - pos)) : 1;
  let beta = new Array<number>(d + 1).fill(0); // [bias, weights...]
  for (let it = 0; it < iterations; it++) {
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    const g = new Array<number>(d + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      let s = beta[0]!;
      for (let j = 0; j < d; j++) s += beta[j + 1]! * z[j]!;
      const p = sigmoid(s);
      const cw = y[i] ? wPos : wNeg;
      const r = cw * (p - y[i]!);
      const w = cw * Math.max(p * (1 - p), 1e-9);
      g[0]! += r;
      for (let j = 0; j < d; j++) g[j + 1]! += r * z[j]!;
      for (let a = 0; a <= d; a++) {
        const za = a === 0 ? 1 : z[a - 1]!;
        if (za === 0) continue;
        const row = H[a]!;
        for (let b = 0; b <= a; b++) row[b]! += w * za * (b === 0 ? 1 : z[b - 1]!);
      }
    }
    for (let a = 0; a <= d; a++) for (let b = 0; b < a; b++) H[b]![a] = H[a]![b]!;
    for (let j = 1; j <= d; j++) {
      H[j]![j]! += lambda;
      g[j]! += lambda * beta[j]!;
    }
    const step = solve(H, g);
    let change = 0;
    beta = beta.map((v, k) => {
      change = Math.max(change, Math.abs(step[k]!));
      return v - step[k]!;
    });
    if (change < 1e-6) break;
  }
  m.bias = beta[0]!;
  m.weights = beta.slice(1);
  return m;
}

/**
 * The lowest score threshold whose false-positive rate on the negatives is at most `budget` (and never below
 * `floor`, so a model that separates the training data perfectly still keeps a margin).
 */
export function thresholdForBudget(negScores: number[], budget: number, floor: number): number {
  if (negScores.length === 0) return Math.max(floor, 0.5);
  const sorted = [...negScores].sort((a, b) => b - a);
  const allowed = Math.floor(budget * sorted.length);
  // Scores strictly above the (allowed+1)-th highest negative are allowed as false positives.
  const t = sorted[allowed] ?? 0;
  return Math.max(floor, Math.min(0.999999, t + 1e-9));
}
