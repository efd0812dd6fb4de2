/**
 * The student: an interpolated Kneser-Ney n-gram language model over whitespace-delimited chunks (words with
 * their punctuation, and "\n"), trained on harvested responses and sampled to produce the student's outputs.
 * It stands in for a model distilled from the API: it learns which word follows which, and therefore learns
 * the watermark's context-dependent preferences along with everything else.
 *
 * P(w | h) = max(c(h w) - D, 0) / c(h) + D T(h) / c(h) P(w | h'), where h' drops the oldest token, counts are
 * raw at the highest order and continuation counts (distinct left neighbours) below it, and T(h) is the number
 * of distinct followers of h. Sampling walks down the orders: at a seen context, take a discounted count with
 * probability (c(h) - D T(h)) / c(h), else back off.
 */
import type { Rng } from './rng.js';

export const BOS = '<s>';
export const EOS = '</s>';
const SEP = '\u0001';

/** Followers of one context, frozen for sampling. */
interface Dist {
  tokens: string[];
  /** Cumulative discounted counts. */
  cum: Float64Array;
  /** c(h). */
  total: number;
}

export class KneserNey {
  /** counts[k]: context of k tokens → follower → count. */
  private readonly counts: Array<Map<string, Map<string, number>>>;
  private frozen: Array<Map<string, Dist>> | null = null;

  constructor(
    readonly order = 3,
    readonly discount = 0.75,
  ) {
    if (order < 1) throw new RangeError('order must be at least 1');
    this.counts = Array.from({ length: order }, () => new Map());
  }

  /** Adds one token sequence (without BOS/EOS). */
  train(tokens: readonly string[]): void {
    this.frozen = null;
    const n = this.order;
    const seq = [...new Array<string>(n - 1).fill(BOS), ...tokens, EOS];
    const top = this.counts[n - 1]!;
    for (let i = n - 1; i < seq.length; i++) {
      const ctx = seq.slice(i - n + 1, i).join(SEP);
      bump(top, ctx, seq[i]!);
    }
  }

  /** Builds the continuation counts of the lower orders and the sampling tables. */
  private freeze(): Array<Map<string, Dist>> {
    const n = this.order;
    for (let k = n - 2; k >= 0; k--) this.counts[k]!.clear();
    // Each distinct (k+1)-context gram contributes one continuation to its k-token suffix.
    for (let k = n - 1; k >= 1; k--) {
      for (const [ctx, followers] of this.counts[k]!) {
        const parts = ctx.split(SEP);
        const shorter = parts.slice(1).join(SEP);
        for (const w of followers.keys()) bump(this.counts[k - 1]!, k === 1 ? '' : shorter, w);
      }
    }
    return (this.frozen = this.counts.map((level) => {
      const m = new Map<string, Dist>();
      for (const [ctx, followers] of level) {
        const tokens = [...followers.keys()];
        const cum = new Float64Array(tokens.length);
        let total = 0;
        let acc = 0;
        tokens.forEach((t, i) => {
          const c = followers.get(t)!;
          total += c;
          acc += Math.max(c - this.discount, 0);
          cum[i] = acc;
        });
        m.set(ctx, { tokens, cum, total });
      }
      return m;
    }));
  }

  /** Samples one sequence (without BOS/EOS), at most `maxTokens` long. */
  sample(rng: Rng, maxTokens = 400): string[] {
    const levels = this.frozen ?? this.freeze();
    const n = this.order;
    const hist: string[] = new Array<string>(n - 1).fill(BOS);
    const out: string[] = [];
    while (out.length < maxTokens) {
      const w = this.next(levels, hist, rng);
      if (w === EOS) break;
      out.push(w);
      hist.push(w);
      hist.shift();
    }
    return out;
  }

  private next(levels: Array<Map<string, Dist>>, hist: string[], rng: Rng): string {
    for (let k = this.order - 1; k >= 0; k--) {
      const ctx = hist.slice(hist.length - k).join(SEP);
      const d = levels[k]!.get(k === 0 ? '' : ctx);
      if (d === undefined) continue;
      const mass = d.cum[d.cum.length - 1]!;
      if (k > 0 && rng.float() * d.total >= mass) continue; // back off with weight D T(h) / c(h)
      const r = rng.float() * mass;
      let lo = 0;
      let hi = d.cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (d.cum[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      return d.tokens[lo]!;
    }
    return EOS;
  }
}

function bump(level: Map<string, Map<string, number>>, ctx: string, w: string): void {
  let f = level.get(ctx);
  if (f === undefined) level.set(ctx, (f = new Map()));
  f.set(w, (f.get(w) ?? 0) + 1);
}

/** Splits a text into the student's tokens: whitespace-delimited chunks and "\n". */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (out.length > 0) out.push('\n');
    for (const t of line.split(/[ \t\r]+/)) if (t !== '') out.push(t);
  }
  return out;
}

/** Joins tokens back into text. */
export function detokenize(tokens: readonly string[]): string {
  let s = '';
  let lineStart = true;
  for (const t of tokens) {
    if (t === '\n') {
      s += '\n';
      lineStart = true;
    } else {
      s += lineStart ? t : ' ' + t;
      lineStart = false;
    }
  }
  return s;
}
