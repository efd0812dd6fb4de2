/**
 * A work unit: the interactions of a run of consecutive time slices, sorted by time, as one gzip member, plus
 * what the label and truth writers need (per-account counts, per-campaign capability/model tallies).
 * Concatenating the members of consecutive units in order gives a valid .gz sorted by time.
 */
import { writeSync, writevSync } from 'node:fs';
import { crc32, gzipSync } from 'node:zlib';
import { CAPABILITIES } from '../model/capabilities.js';
import { CAP_INDEX, RecordMaker } from './record.js';
import { JsonBuf } from './jsonbuf.js';
import type { SimAccount, World } from './world.js';

export interface UnitResult {
  unit: number;
  records: number;
  rawBytes: number;
  /** The unit's gzip member; at gzip level 0 (crc >= 0), the raw JSONL, framed as a stored member by writeMember(). */
  gz: Uint8Array;
  /** Level 0: CRC-32 of the raw JSONL in gz; -1 when gz is a whole gzip member. */
  crc: number;
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

  /** The unit's JSONL, written in time order (a unit is ~30 MB; untouched pages of the buffer cost nothing). */
  private readonly out = new JsonBuf(1 << 25);
  /** Calls of the unit in generation order: time, account, slice, index in slice, index in stream (attack: negative). */
  private ts = new Float64Array(1 << 14);
  private call = new Int32Array(4 << 14);

  /** Generate slices [s0, s1). */
  run(unit: number, s0: number, s1: number): UnitResult {
    const w = this.w;
    const clock = w.clock;
    const maker = this.maker;
    const acct: number[] = [];
    const camp = new Float64Array(w.campaigns.length * this.stride);
    for (let c = 0; c < w.campaigns.length; c++) {
      camp[c * this.stride + 1] = Infinity;
      camp[c * this.stride + 2] = -Infinity;
    }
    // Pass 1: which calls happen, and when. Records are then written in time order straight into the output
    // buffer; writing them in generation order and sorting lines afterwards cost a second copy of every byte
    // (~1.6 µs per record in the profile that motivated this, 5% of the time).
    const counts: number[] = [0, 0];
    let n = 0;
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
          const attack = streams[j]!.attack;
          const cnt = counts[j] as number;
          if (n + cnt >= this.ts.length) this.growCalls(n + cnt);
          for (let kk = 0; kk < cnt; kk++, k++, n++) {
            this.ts[n] = maker.ts(a.idx, s, k, attack);
            const c = n << 2;
            this.call[c] = a.idx;
            this.call[c + 1] = s;
            this.call[c + 2] = k;
            this.call[c + 3] = attack ? -1 - kk : kk;
          }
          total += cnt;
          if (attack) dist += cnt;
        }
      }
      if (total > 0) acct.push(a.idx, total, dist);
    }
    // sort by time; ties keep generation order (stable)
    const order = sortedOrder(this.ts, n, clock.sliceStart(s0));

    // Pass 2: the records, in time order.
    const o = this.out;
    o.pos = 0;
    const call = this.call;
    for (let i = 0; i < n; i++) {
      const c = (order[i] as number) << 2;
      const a = w.accounts[call[c] as number] as SimAccount;
      const kStream = call[c + 3] as number;
      const attack = kStream < 0;
      const m = maker.make(o, a, call[c + 1] as number, call[c + 2] as number, attack, attack ? -1 - kStream : kStream);
      if (attack) {
        const off = a.campaign * this.stride;
        camp[off] = (camp[off] as number) + 1;
        if (m.ts < (camp[off + 1] as number)) camp[off + 1] = m.ts;
        if (m.ts > (camp[off + 2] as number)) camp[off + 2] = m.ts;
        const ci = off + 3 + (CAP_INDEX.get(m.cap) as number);
        camp[ci] = (camp[ci] as number) + 1;
        const mi = off + 3 + CAPABILITIES.length + (this.modelIdx.get(m.model) ?? 0);
        camp[mi] = (camp[mi] as number) + 1;
      }
    }
    const rawBytes = o.pos;
    const level = this.w.cfg.gzipLevel ?? GZIP_OPTIONS.level;
    let gz: Uint8Array = new Uint8Array(0);
    let crc = -1;
    if (n > 0 && level === 0) {
      // the buffer itself goes to the writer (which frames it, see writeMember) and comes back through recycle()
      gz = o.take();
      crc = crc32(gz);
    } else if (n > 0) {
      // one output chunk of a quarter of the input (level 1 gives ~0.21) instead of 16 KB ones: zlib then
      // returns it as is rather than concatenating ~400 chunks (the concat was ~1% of worker time)
      gz = gzipSync(o.buf.subarray(0, o.pos), { ...GZIP_OPTIONS, level, chunkSize: Math.max(1 << 16, o.pos >>> 2) });
    }
    return { unit, records: n, rawBytes, gz, crc, acct: Int32Array.from(acct), camp };
  }

  /** Give back the buffer of a level-0 result once it is written (saves allocating and faulting in ~30 MB a unit). */
  recycle(buf: ArrayBufferLike): void {
    this.out.recycle(buf);
  }

  private growCalls(need: number): void {
    let len = this.ts.length;
    while (len <= need) len *= 2;
    const ts = new Float64Array(len);
    ts.set(this.ts);
    this.ts = ts;
    const call = new Int32Array(len * 4);
    call.set(this.call);
    this.call = call;
  }
}

/**
 * Indices 0..n-1 ordered by ts[i], ties by index. Times are whole ms within the unit (< 2^31 ms after t0), so
 * (ts - t0) * 2^21 + i is an exact double and a plain numeric sort of those keys gives the order without a
 * comparator call per comparison (the comparator sort was ~1.5% of generation, counted with valgrind).
 */
function sortedOrder(ts: Float64Array, n: number, t0: number): Uint32Array {
  const order = new Uint32Array(n);
  let fits = n <= 1 << 21;
  for (let i = 0; i < n && fits; i++) {
    const d = (ts[i] as number) - t0;
    fits = d >= 0 && d < 2 ** 31 && Number.isInteger(d);
  }
  if (!fits) {
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((x, y) => (ts[x] as number) - (ts[y] as number) || x - y);
    return order;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ((ts[i] as number) - t0) * 2097152 + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % 2097152;
  return order;
}

const BLOCK = 65_535;
/** gzip header as zlib writes it at level 0: magic, deflate, no flags, no mtime, XFL 4 (fastest), OS 3 (Unix). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3]);

/**
 * Write a unit's gzip member. At level 0 the raw JSONL is framed on the way out as stored (uncompressed)
 * deflate blocks, with no copy: one writev of header, block headers, slices of the data and trailer.
 * Measured on seed-2026: zlib's level 0 went through the data at ~520 MB/s of CPU, and framing it by copying
 * into a new buffer still cost ~1.2 µs a record (page faults of a fresh ~30 MB buffer a unit, then the copy);
 * this costs a CRC-32 (~4 GB/s) in the worker and the write itself.
 */
export function writeMember(fd: number, r: UnitResult): void {
  if (r.crc < 0) {
    writeAll(fd, [r.gz]);
    return;
  }
  const raw = r.gz;
  const blocks = Math.max(1, Math.ceil(raw.length / BLOCK));
  const heads = Buffer.allocUnsafe(5 * blocks + 8);
  const parts: Uint8Array[] = [GZIP_HEADER];
  for (let b = 0, i = 0; b < blocks; b++, i += BLOCK) {
    const len = Math.min(BLOCK, raw.length - i);
    heads[5 * b] = b === blocks - 1 ? 1 : 0;
    heads.writeUInt16LE(len, 5 * b + 1);
    heads.writeUInt16LE(~len & 0xffff, 5 * b + 3);
    parts.push(heads.subarray(5 * b, 5 * b + 5));
    if (len > 0) parts.push(raw.subarray(i, i + len));
  }
  heads.writeUInt32LE(r.crc >>> 0, 5 * blocks);
  heads.writeUInt32LE(raw.length % 4294967296, 5 * blocks + 4);
  parts.push(heads.subarray(5 * blocks));
  writeAll(fd, parts);
}

/** writev until everything is written (a write may be partial). */
function writeAll(fd: number, parts: Uint8Array[]): void {
  let i = 0;
  while (i < parts.length) {
    let n = writevSync(fd, i === 0 ? parts : parts.slice(i));
    if (n <= 0) throw new Error('writing interactions: the write made no progress');
    while (i < parts.length && n >= (parts[i] as Uint8Array).length) n -= (parts[i++] as Uint8Array).length;
    if (i < parts.length && n > 0) {
      const p = parts[i] as Uint8Array;
      for (let off = n; off < p.length; ) off += writeSync(fd, p, off, p.length - off);
      i++;
    }
  }
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
