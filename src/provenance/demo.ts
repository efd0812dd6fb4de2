/**
 * The end-to-end demonstration: a distiller harvests watermarked responses, trains a student on them, and we
 * prove from the student's outputs that it learned from us, without false alarms on students and texts that
 * never saw the mark.
 *
 *  1. Teacher texts: generated answers (generator.ts) or the assistant turns of a ShareGPT corpus (--corpus).
 *  2. The gateway watermarks them with the campaign key, as it would serve them to a suspected distiller.
 *  3. Two students (interpolated Kneser-Ney n-gram models): one trained on the watermarked texts, one on the
 *     same texts without the mark.
 *  4. Detection: verify the marked student's outputs against the key at several output counts.
 *  5. False positives, measured: many trials, each with a fresh random key and a fresh random subset of
 *     outputs, for the unmarked student, for the marked student under a key it never saw, and for human texts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../util/paths.js';
import { AnswerGenerator } from './generator.js';
import { keyFromSecret, type WatermarkKey } from './key.js';
import { KneserNey, detokenize, tokenize } from './ngram.js';
import { planOutputs, type Plan } from './plan.js';
import { Rng } from './rng.js';
import { SiteTally, scanText, type ScannedText, type VerifyReport } from './verify.js';
import { createWatermarker } from './watermark.js';

export interface DemoOptions {
  /** Suspect outputs per verification (default 1000). */
  outputs?: number;
  /** Teacher responses harvested by the distiller (default 3000; with a corpus, all its assistant turns). */
  harvest?: number;
  seed?: number;
  /** ShareGPT-style JSONL (conversations[{from, value}]): use its gpt turns as the teacher's responses. */
  corpus?: string;
  /** JSONL of human texts (`text` field) for the false-positive check; default: the shared benign prompts. */
  humanCorpus?: string | null;
  /** False-positive trials per null case (default 1000). */
  trials?: number;
  /** Student n-gram order (default 3). */
  order?: number;
  maxChangeRate?: number;
  /** Significance level for the false-positive count (default 0.01). */
  alpha?: number;
  /** Output counts at which the marked student is scored (default 50, 100, 200, 500, outputs). */
  checkpoints?: number[];
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface DetectionRow {
  name: string;
  outputs: number;
  report: VerifyReport;
}

export interface FprRow {
  name: string;
  trials: number;
  outputsPerTrial: number;
  /** Trials with p <= alpha. */
  rejections: number;
  rate: number;
  /** One-sided 95% upper confidence bound on the rate (Clopper-Pearson). */
  upper95: number;
  /** Median p-value over the trials. */
  medianP: number;
  /** Mean distinct sites per trial. */
  meanSites: number;
}

export interface DemoResult {
  keyId: string;
  seed: number;
  teacher: { source: string; texts: number; words: number; sites: number; changed: number; denied: number; changedShare: number };
  student: { order: number; trainedOn: number; outputs: number };
  detection: DetectionRow[];
  alpha: number;
  fpr: FprRow[];
  plan: Plan;
  seconds: number;
}

/** Default location of the human texts used as unrelated text. */
export function defaultHumanCorpus(): string {
  return join(repoRoot(), '..', 'shared', 'corpora', 'benign_prompts.jsonl');
}

/** Assistant turns of a ShareGPT-style JSONL file. */
export function readAssistantTurns(path: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { conversations?: Array<{ from?: string; value?: string }> };
    for (const t of rec.conversations ?? []) if ((t.from === 'gpt' || t.from === 'assistant') && typeof t.value === 'string' && t.value.trim() !== '') out.push(t.value);
  }
  return out;
}

/** The `text` fields of a JSONL file. */
export function readTextField(path: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { text?: unknown };
    if (typeof rec.text === 'string' && rec.text.trim() !== '') out.push(rec.text);
  }
  return out;
}

export function runDemo(opts: DemoOptions = {}): DemoResult {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 1;
  const outputs = opts.outputs ?? 1000;
  const trials = opts.trials ?? 1000;
  const order = opts.order ?? 3;
  const alpha = opts.alpha ?? 0.01;
  const rng = new Rng(`provenance-demo/${seed}`);
  // The campaign key: random, derived from the seed so that a run can be repeated (demo only).
  const key = keyFromSecret(rng.bytes32());

  // 1-2. Teacher texts, watermarked as served.
  let source: string;
  let originals: string[];
  if (opts.corpus !== undefined) {
    originals = readAssistantTurns(opts.corpus);
    if (opts.harvest !== undefined) originals = originals.slice(0, opts.harvest);
    source = opts.corpus;
  } else {
    const gen = new AnswerGenerator();
    originals = Array.from({ length: opts.harvest ?? 3000 }, () => gen.answer(rng));
    source = 'generated answers';
  }
  const wm = createWatermarker(key, opts.maxChangeRate === undefined ? {} : { maxChangeRate: opts.maxChangeRate });
  const teacher = { source, texts: originals.length, words: 0, sites: 0, changed: 0, denied: 0, changedShare: 0 };
  const marked = originals.map((t) => {
    const r = wm.textWithStats(t);
    teacher.words += r.stats.words;
    teacher.sites += r.stats.sites;
    teacher.changed += r.stats.changed;
    teacher.denied += r.stats.denied;
    return r.text;
  });
  teacher.changedShare = teacher.words === 0 ? 0 : teacher.changed / teacher.words;
  log(`harvested ${marked.length} watermarked responses (${(100 * teacher.changedShare).toFixed(2)}% of words changed)`);

  // 3. Students.
  const studentM = new KneserNey(order);
  const studentU = new KneserNey(order);
  for (const t of marked) studentM.train(tokenize(t));
  for (const t of originals) studentU.train(tokenize(t));
  const sample = (lm: KneserNey, n: number): ScannedText[] => Array.from({ length: n }, () => scanText(detokenize(lm.sample(rng))));
  const markedOut = sample(studentM, outputs);
  const markedPool = [...markedOut, ...sample(studentM, 2 * outputs)];
  const unmarkedPool = sample(studentU, 3 * outputs);
  log(`trained two order-${order} students and sampled their outputs`);

  // 4. Detection.
  const score = (texts: readonly ScannedText[], k: WatermarkKey) => {
    const tally = new SiteTally();
    for (const t of texts) tally.addScanned(t);
    return tally.score(k);
  };
  const checkpoints = [...new Set((opts.checkpoints ?? [50, 100, 200, 500, outputs]).filter((c) => c <= outputs))].sort((a, b) => a - b);
  const detection: DetectionRow[] = checkpoints.map((n) => ({ name: 'student trained on watermarked text', outputs: n, report: score(markedOut.slice(0, n), key) }));
  detection.push({ name: 'student trained on the same text, unmarked', outputs, report: score(unmarkedPool.slice(0, outputs), key) });
  const humanPath = opts.humanCorpus === undefined ? defaultHumanCorpus() : opts.humanCorpus;
  const human = humanPath !== null && existsSync(humanPath) ? readTextField(humanPath).map((t) => scanText(t)) : [];
  if (human.length > 0) detection.push({ name: 'human texts (benign prompts)', outputs: Math.min(outputs, human.length), report: score(human.slice(0, outputs), key) });

  // 5. False positives over many keys and subsets.
  const fprCase = (name: string, pool: readonly ScannedText[]): FprRow => {
    const ps: number[] = [];
    let sites = 0;
    const per = Math.min(outputs, pool.length);
    for (let i = 0; i < trials; i++) {
      const k = keyFromSecret(rng.bytes32());
      const pick = rng.sample(pool.length, per).map((j) => pool[j]!);
      const r = score(pick, k);
      ps.push(r.p);
      sites += r.sites;
    }
    ps.sort((a, b) => a - b);
    const rejections = ps.filter((p) => p <= alpha).length;
    return { name, trials, outputsPerTrial: per, rejections, rate: rejections / trials, upper95: clopperPearsonUpper(rejections, trials, 0.05), medianP: ps[Math.floor(ps.length / 2)] ?? 1, meanSites: sites / Math.max(1, trials) };
  };
  const fpr: FprRow[] = [];
  if (trials > 0) {
    fpr.push(fprCase('unmarked student, random keys', unmarkedPool));
    fpr.push(fprCase('marked student, keys it never saw', markedPool));
    if (human.length > 0) fpr.push(fprCase('human texts, random keys', human));
    log(`ran ${trials} false-positive trials per case`);
  }

  const full = detection.find((d) => d.outputs === outputs && d.name.startsWith('student trained on watermarked'))!.report;
  const plan = planOutputs({ targetP: 1e-6, hitRate: full.hitRate, sitesPerOutput: full.sites / outputs, nullRate: full.nullRate, nullVariance: full.variance / Math.max(1, full.sites) });
  return {
    keyId: key.id,
    seed,
    teacher,
    student: { order, trainedOn: marked.length, outputs },
    detection,
    alpha,
    fpr,
    plan,
    seconds: (Date.now() - t0) / 1000,
  };
}

/** One-sided upper (1 - conf) bound for a binomial rate after k successes in n trials (bisection on the tail). */
export function clopperPearsonUpper(k: number, n: number, conf: number): number {
  if (k >= n) return 1;
  // Largest q with P(Bin(n, q) <= k) >= conf.
  const cdf = (q: number) => {
    let term = Math.pow(1 - q, n);
    let s = term;
    for (let i = 1; i <= k; i++) {
      term *= ((n - i + 1) / i) * (q / (1 - q));
      s += term;
    }
    return s;
  };
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) >= conf) lo = mid;
    else hi = mid;
  }
  return lo;
}
