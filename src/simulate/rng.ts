/**
 * Deterministic randomness for the simulator: integer hashing (for pure, order-independent decisions such as
 * "how many calls does account a make in hour s") and a small seeded PRNG (sfc32) for everything else.
 * Math.random is never used, so a seed fully determines the output.
 */

export { fmix32, hex32 } from '../util/hash.js';
import { fmix32, hex32 } from '../util/hash.js';

/** Hash of up to five 32-bit integers (order matters). */
export function hash(a: number, b = 0, c = 0, d = 0, e = 0): number {
  let h = fmix32((a ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ Math.imul(b + 0x7f4a7c15, 0x27d4eb2f)) >>> 0);
  h = fmix32((h ^ Math.imul(c + 0x165667b1, 0x85ebca77)) >>> 0);
  h = fmix32((h ^ Math.imul(d + 0x61c88647, 0xc2b2ae3d)) >>> 0);
  h = fmix32((h ^ Math.imul(e + 0x2545f491, 0x9e3779b1)) >>> 0);
  return h;
}

/** A hash mapped to [0, 1). */
export function hashUnit(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return hash(a, b, c, d, e) / 4294967296;
}

/** Hash of a string, for deriving seeds from names. */
export { hashString } from '../util/hash.js';

/** Domain separators, so that hashes for different purposes never coincide. */
export const SALT = {
  account: 0x1001,
  count: 0x1002,
  genuine: 0x1003,
  record: 0x1004,
  recordId: 0x1005,
  tsJitter: 0x1006,
  day: 0x1007,
  run: 0x1008,
  key: 0x1009,
  payment: 0x100a,
  org: 0x100b,
  world: 0x100c,
  pool: 0x100d,
} as const;

/** sfc32: small, fast, 128-bit state PRNG. Reseedable in place to avoid allocation per record. */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(s0: number, s1 = 0, s2 = 0, s3 = 0) {
    this.reseed(s0, s1, s2, s3);
  }

  reseed(s0: number, s1 = 0, s2 = 0, s3 = 0): this {
    this.a = s0 >>> 0;
    this.b = s1 >>> 0;
    this.c = s2 >>> 0;
    this.d = (s3 | 1) >>> 0;
    for (let i = 0; i < 10; i++) this.u32();
    return this;
  }

  /** Next uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.float() * arr.length)] as T;
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and sigma of log. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto(xm, alpha): heavy tailed, minimum xm. */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.float(), 1 / alpha);
  }

  /** Hex string of n 32-bit words (8 chars each). */
  hex(words: number): string {
    let s = '';
    for (let i = 0; i < words; i++) s += hex32(this.u32());
    return s;
  }

  /** Alphanumeric string of length n (for opaque ids that mimic vendor formats). */
  alnum(n: number): string {
    // built from char codes in one go: a string grown char by char is a rope of n nodes (~32 B each)
    const codes = new Array<number>(n);
    for (let i = 0; i < n; i++) codes[i] = ALNUM.charCodeAt(this.u32() % 62);
    return String.fromCharCode(...codes);
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A weighted choice table built once and sampled many times. */
export class Weighted<T> {
  readonly items: T[];
  private readonly cum: Float64Array;
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    const pos = entries.filter(([, w]) => w > 0);
    if (pos.length === 0) throw new Error('Weighted: no positive weights');
    this.items = pos.map(([v]) => v);
    this.cum = new Float64Array(pos.length);
    let t = 0;
    pos.forEach(([, w], i) => {
      t += w;
      this.cum[i] = t;
    });
    this.total = t;
  }

  /** Choose with a uniform number u in [0, 1). */
  at(u: number): T {
    const x = u * this.total;
    const c = this.cum;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((c[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }

  pick(rng: Rng): T {
    return this.at(rng.float());
  }

  /** Normalised weights, item by item. */
  shares(): Array<[T, number]> {
    let prev = 0;
    return this.items.map((v, i) => {
      const c = this.cum[i] as number;
      const s: [T, number] = [v, (c - prev) / this.total];
      prev = c;
      return s;
    });
  }
}
