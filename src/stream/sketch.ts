/**
 * Small bounded structures for the streaming detector. Hand-written because each is a few lines and sits on the
 * per-interaction path, where a general-purpose sketch library's allocations would dominate.
 */
import { hashString } from '../util/hash.js';

/** Counts per key, at most `cap` keys: `add` ignores keys beyond the cap, `addEvicting` replaces the least counted. */
export class CappedCounter<K> {
  readonly counts = new Map<K, number>();
  constructor(readonly cap: number) {}
  /** Adds one; returns false when the key was not tracked (the counter is full). */
  add(k: K): boolean {
    const c = this.counts.get(k);
    if (c !== undefined) {
      this.counts.set(k, c + 1);
      return true;
    }
    if (this.counts.size < this.cap) {
      this.counts.set(k, 1);
      return true;
    }
    return false;
  }
  /**
   * Space-saving insert (Metwally et al., 2005): when full, the least counted key is evicted and the new key takes
   * its count plus one, so frequent keys are always tracked. `inherited` keeps the count a key took over, so its own
   * count is `counts - inherited`. Returns the evicted key and its own count, or null.
   */
  readonly inherited = new Map<K, number>();
  addEvicting(k: K): [K, number] | null {
    const c = this.counts.get(k);
    if (c !== undefined) {
      this.counts.set(k, c + 1);
      return null;
    }
    if (this.counts.size < this.cap) {
      this.counts.set(k, 1);
      return null;
    }
    let min: [K, number] | null = null;
    for (const e of this.counts) if (min === null || e[1] < min[1]) min = e;
    const [mk, mc] = min!;
    const own = mc - (this.inherited.get(mk) ?? 0);
    this.counts.delete(mk);
    this.inherited.delete(mk);
    this.counts.set(k, mc + 1);
    this.inherited.set(k, mc);
    return [mk, own];
  }

}

/**
 * Distinct count: exact up to `exact` values, then a HyperLogLog with 64 registers (about 13% error), so that an
 * account rotating through thousands of proxy addresses costs a few hundred bytes.
 */
export class DistinctCounter {
  private set: Set<string> | null = new Set();
  private regs: Uint8Array | null = null;
  constructor(private readonly exact = 64) {}

  add(v: string): void {
    if (this.set !== null) {
      this.set.add(v);
      if (this.set.size > this.exact) {
        this.regs = new Uint8Array(64);
        for (const s of this.set) this.hll(s);
        this.set = null;
      }
      return;
    }
    this.hll(v);
  }

  get size(): number {
    if (this.set !== null) return this.set.size;
    const m = 64;
    let sum = 0;
    let zeros = 0;
    for (const r of this.regs!) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const e = (0.709 * m * m) / sum;
    if (e <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(e);
  }

  private hll(v: string): void {
    const h = hashString(v);
    const idx = h & 63;
    const w = h >>> 6;
    // Position of the first set bit in the remaining 26 bits (1-based).
    const rank = w === 0 ? 27 : Math.clz32(w) - 5;
    if (rank > this.regs![idx]!) this.regs![idx] = rank;
  }
}

/** Quarter-octave bucket of a positive value (4 buckets per doubling): 0 for values below 1. */
export function quarterOctave(v: number): number {
  return v < 1 ? 0 : 1 + Math.floor(Math.log2(v) * 4);
}

/** A histogram over quarter-octave buckets, for an approximate global quantile of max_tokens. */
export class BucketHistogram {
  private readonly counts = new Float64Array(160);
  total = 0;
  add(v: number): void {
    this.counts[Math.min(quarterOctave(v), 159)]!++;
    this.total++;
  }
  /** The bucket holding the q-quantile (continuous interpolation is not needed: features compare buckets). */
  quantileBucket(q: number): number {
    if (this.total === 0) return Infinity;
    const target = q * (this.total - 1);
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b]!;
      if (seen > target) return b;
    }
    return this.counts.length - 1;
  }
}
