/**
 * A work unit: the interactions of a run of consecutive time slices, sorted by time, as one gzip member, plus
 * what the label and truth writers need (per-account counts, per-campaign capability/model tallies).
 * Concatenating the members of consecutive units in order gives a valid .gz sorted by time.
 */
import { gzipSync } from 'node:zlib';
import { CAPABILITIES } from '../model/capabilities.js';
import { CAP_INDEX, RecordMaker } from './record.js';
import type { World } from './world.js';

export interface UnitResult {
  unit: number;
  records: number;
  rawBytes: number;
  gz: Uint8Array;
  /** Triples (account index, interactions, distillation interactions) for the accounts active in the unit. */
  acct: Int32Array;
  /** Per campaign, CAMP_STRIDE values: distillation interactions, first ts, last ts, per-capability and per-model counts. */
  camp: Float64Array;
}

export const GZIP_OPTIONS = { level: 1, memLevel: 9 } as const;

/** Layout of the per-campaign tallies. */
export function campStride(models: number): number {
  return 3 + CAPABILITIES.length + models;
}

export class UnitGenerator {
  private readonly maker: RecordMaker;
  private readonly first: Int32Array;
  private readonly last: Int32Array;
  private readonly modelIdx: Map<string, number>;
  readonly stride: number;

  constructor(private readonly w: World) {
    this.maker = new RecordMaker(w);
    const n = w.accounts.length;
    this.first = new Int32Array(n);
    this.last = new Int32Array(n);
    w.accounts.forEach((a, i) => {
      this.first[i] = Math.min(...a.streams.map((s) => s.s0));
      this.last[i] = Math.max(...a.streams.map((s) => s.s1));
    });
    this.modelIdx = new Map(w.models.all.map((m, i) => [m.name, i]));
    this.stride = campStride(w.models.all.length);
  }

  /** Raw JSONL of the unit as generated (reused between units) and the same sorted by time. */
  private buf = Buffer.allocUnsafe(1 << 23);
  private sortedBuf = Buffer.allocUnsafe(1 << 23);
  private ts = new Float64Array(1 << 14);
  private off = new Float64Array(1 << 14);

  /** Generate slices [s0, s1). */
  run(unit: number, s0: number, s1: number): UnitResult {
    const w = this.w;
    const clock = w.clock;
    const acct: number[] = [];
    const camp = new Float64Array(w.campaigns.length * this.stride);
    for (let c = 0; c < w.campaigns.length; c++) {
      camp[c * this.stride + 1] = Infinity;
      camp[c * this.stride + 2] = -Infinity;
    }
    const counts: number[] = [0, 0];
    let n = 0;
    let pos = 0;
    for (const a of w.accounts) {
      const lo = Math.max(s0, this.first[a.idx] as number);
      const hi = Math.min(s1, this.last[a.idx] as number);
      if (lo >= hi) continue;
      let total = 0;
      let dist = 0;
      const streams = a.streams;
      for (let s = lo; s < hi; s++) {
        let any = 0;
        for (let j = 0; j < streams.length; j++) any += counts[j] = clock.count(a.idx, streams[j]!, s);
        if (any === 0) continue;
        let k = 0;
        for (let j = 0; j < streams.length; j++) {
          const st = streams[j]!;
          const cnt = counts[j] as number;
          for (let kk = 0; kk < cnt; kk++, k++) {
            const m = this.maker.make(a, s, k, st.attack, kk);
            // lines go straight into a byte buffer: retaining millions of rope strings would make GC the bottleneck
            const need = pos + m.line.length * 3 + 1;
            if (need > this.buf.length) {
              const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
              this.buf.copy(bigger, 0, 0, pos);
              this.buf = bigger;
            }
            if (n + 1 >= this.ts.length) {
              this.ts = grow(this.ts);
              this.off = grow(this.off);
            }
            this.ts[n] = m.ts;
            this.off[n] = pos;
            pos += this.buf.write(m.line, pos, 'utf8');
            this.buf[pos++] = 10;
            n++;
            if (st.attack) {
              const o = a.campaign * this.stride;
              camp[o] = (camp[o] as number) + 1;
              if (m.ts < (camp[o + 1] as number)) camp[o + 1] = m.ts;
              if (m.ts > (camp[o + 2] as number)) camp[o + 2] = m.ts;
              const ci = o + 3 + (CAP_INDEX.get(m.cap) as number);
              camp[ci] = (camp[ci] as number) + 1;
              const mi = o + 3 + CAPABILITIES.length + (this.modelIdx.get(m.model) ?? 0);
              camp[mi] = (camp[mi] as number) + 1;
            }
          }
          total += cnt;
          if (st.attack) dist += cnt;
        }
      }
      if (total > 0) acct.push(a.idx, total, dist);
    }
    this.off[n] = pos;
    // sort by time; ties keep generation order (stable)
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const tsv = this.ts;
    order.sort((x, y) => (tsv[x] as number) - (tsv[y] as number) || x - y);
    if (this.sortedBuf.length < pos) this.sortedBuf = Buffer.allocUnsafe(this.buf.length);
    let q = 0;
    for (let i = 0; i < n; i++) {
      const r = order[i] as number;
      q += this.buf.copy(this.sortedBuf, q, this.off[r] as number, this.off[r + 1] as number);
    }
    const gz = n > 0 ? gzipSync(this.sortedBuf.subarray(0, q), { ...GZIP_OPTIONS, level: this.w.cfg.gzipLevel ?? GZIP_OPTIONS.level }) : new Uint8Array(0);
    return { unit, records: n, rawBytes: q, gz, acct: Int32Array.from(acct), camp };
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Cut the window into units of about `target` expected interactions (at most `maxSlices` slices each), from the
 * expected rate per slice. Deterministic: depends only on the world.
 */
export function planUnits(perSlice: Float64Array, target = 16_000, maxSlices = 168): Array<[number, number]> {
  const units: Array<[number, number]> = [];
  let start = 0;
  let acc = 0;
  for (let s = 0; s < perSlice.length; s++) {
    acc += perSlice[s] as number;
    if (acc >= target || s + 1 - start >= maxSlices) {
      units.push([start, s + 1]);
      start = s + 1;
      acc = 0;
    }
  }
  if (start < perSlice.length) units.push([start, perSlice.length]);
  return units;
}
