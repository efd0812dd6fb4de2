/**
 * The demonstration's seeded PRNG: the simulator's sfc32 generator, seeded from any string or number (hashed, so
 * nearby seeds give unrelated streams), plus the few draws the demo needs. A seed fully determines a run.
 */
import { createHash } from 'node:crypto';
import { Rng as Sfc32 } from '../simulate/rng.js';

export class Rng extends Sfc32 {
  constructor(seed: string | number) {
    const h = createHash('sha256').update(String(seed)).digest();
    super(h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12));
  }

  /** Index drawn with probability proportional to `weights`. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** `k` distinct indices of [0, n) (partial Fisher-Yates). */
  sample(n: number, k: number): number[] {
    const idx = Array.from({ length: n }, (_, i) => i);
    const m = Math.min(k, n);
    for (let i = 0; i < m; i++) {
      const j = i + this.int(n - i);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx.slice(0, m);
  }

  /** 32 random bytes (demo keys). */
  bytes32(): Buffer {
    const b = Buffer.alloc(32);
    for (let i = 0; i < 8; i++) b.writeUInt32LE(this.u32(), i * 4);
    return b;
  }
}
