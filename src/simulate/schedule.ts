/**
 * When traffic happens. Time is cut into one-hour slices from the window start (00:00 UTC). How many calls an
 * account's traffic stream makes in slice s is a pure function of (seed, account, stream, s): an expected rate
 * times a shape (diurnal, workday, flat, synchronised shift, evaluation runs, weekly class), Poisson-sampled
 * with a hash. Being pure, counts can be recomputed anywhere (workers, the label writer) without shared state.
 */
import { hash, hashUnit, SALT } from './rng.js';

export const SLICE_MS = 3_600_000;

export const PAT_DIURNAL = 0;
export const PAT_WORKDAY = 1;
export const PAT_FLAT = 2;
export const PAT_SHIFT = 3;
export const PAT_RUNS = 4;
export const PAT_CLASS = 5;

/** A source of traffic on an account: benign use, or one campaign's distillation traffic. */
export interface Stream {
  attack: boolean;
  /** Expected calls per slice when the shape is 1 (shapes average about 1). */
  rate: number;
  /** Active slices [s0, s1). */
  s0: number;
  s1: number;
  pattern: number;
  /** Local UTC offset (hours) for diurnal shapes; shift start hour (UTC) for PAT_SHIFT. */
  tz: number;
  /** Hash salt distinguishing streams of one account. */
  salt: number;
  /** Per-slice cap (0: none): accounts staying under rate limits never exceed it. */
  cap: number;
  /** PAT_SHIFT: campaign index (days off are shared by the campaign). PAT_CLASS: class day of week. */
  group: number;
  /** PAT_CLASS: class hour (local). PAT_RUNS: number of runs. */
  param: number;
  /** PAT_RUNS: run length in slices. */
  param2: number;
}

/** Hour-of-day activity (local time), normalised below to mean 1. */
const DIURNAL_RAW = [0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 0.9, 1.2, 1.35, 1.4, 1.3, 1.35, 1.45, 1.45, 1.4, 1.3, 1.25, 1.3, 1.35, 1.2, 0.9, 0.5];
const WORK_RAW = [0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.1, 0.5, 1.6, 2.2, 2.4, 2.2, 1.6, 2.1, 2.4, 2.3, 2.0, 1.4, 0.6, 0.3, 0.2, 0.15, 0.1, 0.05];

function normalise(raw: number[], weekend: number): Float64Array {
  // mean over a week (5 weekdays at 1, 2 weekend days at `weekend`) becomes 1
  const mean = (raw.reduce((a, b) => a + b, 0) / 24) * ((5 + 2 * weekend) / 7);
  return Float64Array.from(raw, (v) => v / mean);
}
const DIURNAL = normalise(DIURNAL_RAW, 0.85);
const WORKDAY = normalise(WORK_RAW, 0.12);
const DIURNAL_WEEKEND = 0.85;
const WORK_WEEKEND = 0.12;

/** Share of days an account pacing slow-and-low is active; shift campaigns' share of working days. */
const FLAT_DAY_ON = 0.75;
const SHIFT_DAY_ON = 0.85;
const SHIFT_HOURS = 10;

export class Clock {
  /** Epoch ms of slice 0. */
  readonly t0: number;
  readonly slices: number;
  /** Day of week of slice 0 (0 = Sunday). */
  private readonly dow0: number;

  constructor(
    startMs: number,
    endMs: number,
    readonly seed: number,
  ) {
    this.t0 = startMs;
    this.slices = Math.max(1, Math.ceil((endMs - startMs) / SLICE_MS));
    this.dow0 = new Date(startMs).getUTCDay();
  }

  sliceStart(s: number): number {
    return this.t0 + s * SLICE_MS;
  }

  sliceOf(ms: number): number {
    return Math.floor((ms - this.t0) / SLICE_MS);
  }

  /** The shape of a stream in slice s (about 1 on average over its window). */
  shape(acc: number, st: Stream, s: number): number {
    const hourUtc = s % 24;
    const day = (s / 24) | 0;
    switch (st.pattern) {
      case PAT_DIURNAL:
      case PAT_WORKDAY: {
        const lh = (((hourUtc + st.tz) % 24) + 24) % 24;
        const li = lh | 0;
        const ld = Math.floor((s + st.tz) / 24);
        const dow = (((this.dow0 + ld) % 7) + 7) % 7;
        const weekend = dow === 0 || dow === 6;
        const table = st.pattern === PAT_DIURNAL ? DIURNAL : WORKDAY;
        return (table[li] as number) * (weekend ? (st.pattern === PAT_DIURNAL ? DIURNAL_WEEKEND : WORK_WEEKEND) : 1);
      }
      case PAT_FLAT: {
        if (hashUnit(this.seed, SALT.day, acc, day, st.salt) >= FLAT_DAY_ON) return 0;
        return (0.5 + hashUnit(this.seed, SALT.day, acc, s, st.salt + 7)) / FLAT_DAY_ON;
      }
      case PAT_SHIFT: {
        // the campaign works in synchronised shifts (same UTC hours, same days off for all its accounts)
        const off = (((hourUtc - st.tz) % 24) + 24) % 24;
        if (off >= SHIFT_HOURS) return 0;
        if (hashUnit(this.seed, SALT.day, 0x5a17, day, st.group) >= SHIFT_DAY_ON) return 0;
        return 24 / SHIFT_HOURS / SHIFT_DAY_ON;
      }
      case PAT_RUNS: {
        // st.param runs of st.param2 slices, placed by hash in the window; rate is the in-run rate
        const len = Math.max(1, st.s1 - st.s0 - st.param2);
        for (let r = 0; r < st.param; r++) {
          const start = st.s0 + (hash(this.seed, SALT.run, acc, r) % len);
          if (s >= start && s < start + st.param2) return 1;
        }
        return 0;
      }
      case PAT_CLASS: {
        // a weekly two-hour session (same for the whole class) plus light homework in the evenings
        const lh = (((hourUtc + st.tz) % 24) + 24) % 24;
        const ld = Math.floor((s + st.tz) / 24);
        const dow = (((this.dow0 + ld) % 7) + 7) % 7;
        if (dow === st.group && lh >= st.param && lh < st.param + 2) return 24 * 7 * 0.6 / 2;
        return 0.4 * (DIURNAL[lh | 0] as number);
      }
      default:
        return 1;
    }
  }

  /** Calls of stream st of account acc in slice s (Poisson around rate x shape, capped). */
  count(acc: number, st: Stream, s: number): number {
    if (s < st.s0 || s >= st.s1) return 0;
    const x = st.rate * this.shape(acc, st, s);
    if (x <= 0) return 0;
    const u = hashUnit(this.seed, SALT.count, acc, s, st.salt);
    let n: number;
    if (x < 40) {
      let p = Math.exp(-x);
      let f = p;
      n = 0;
      while (u > f && n < 200) {
        n++;
        p *= x / n;
        f += p;
      }
    } else {
      // normal approximation: second uniform from another hash
      const v = hashUnit(this.seed, SALT.count, acc, s, st.salt + 1);
      const z = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
      n = Math.max(0, Math.round(x + z * Math.sqrt(x)));
    }
    return st.cap > 0 && n > st.cap ? st.cap : n;
  }
}

/** Expected total of a stream over its window (for planning), ignoring caps. */
export function expectedTotal(st: Stream): number {
  if (st.pattern === PAT_RUNS) return st.rate * st.param * st.param2;
  return st.rate * (st.s1 - st.s0);
}
