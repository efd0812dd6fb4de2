/**
 * Online account links: the same four kinds as the batch graph (src/detect/graph.ts): wrappers on the same day,
 * IPs used by few accounts, payment fingerprints, sign-up bursts. When an account joins a key it is linked to the
 * last two accounts that joined it (a chain instead of the batch ring: O(1) per join), weighted by the key's
 * rarity 1/ln(1+n), with n the larger of its accounts today and yesterday (so an early joiner of a common wrapper
 * is not overweighted). Day-keyed entries are dropped two days after their day.
 */
import { LINK_KINDS, type LinkKind } from '../detect/graph.js';

/** Keys shared by more accounts than this are too common to link on (the batch graph's limits). */
export const MAX_KEY_ACCOUNTS: Record<LinkKind, number> = { template: 5000, ip: 64, payment: 64, signup: 200 };
/** Previous joiners each new joiner links to. */
const CHAIN = 2;
/** Neighbours kept per account (strongest kept). */
export const MAX_NEIGHBOURS = 32;

export interface KeyEntry {
  day: number;
  /** Set when the sweep dropped the entry (holders of a reference must look the key up again). */
  dropped: boolean;
  accounts: Set<string>;
  prev: number;
  recent: string[];
}

export type LinkWeights = Record<LinkKind, number>;

export const zeroWeights = (): LinkWeights => ({ template: 0, ip: 0, payment: 0, signup: 0 });

/**
 * The links one interaction made: the accounts its account linked to, in order of first link, each with the
 * account's and the other's weight records for the pair (null where the neighbour cap refused the pair). Reused
 * from one interaction to the next (`begin`).
 *
 * Measured (CPU profile of a seed-2026 scale-0.01 replay): 3.4M joins made 2.8M links, most of them the same pair
 * again through another MinHash band of the same prompt; each link cost six map lookups in the index and four more
 * in the detector, a quarter of replay's time. Within one interaction a pair's weight records cannot change
 * (records are never dropped, and a full neighbour map stays full), so they are looked up once per pair.
 */
export class LinkBatch {
  account = '';
  readonly others: string[] = [];
  /** account -> other, and other -> account weights, per entry of `others`. */
  readonly ab: Array<LinkWeights | null> = [];
  readonly ba: Array<LinkWeights | null> = [];
  /** The other's total link weights (set whenever `ba` is). */
  readonly sb: Array<LinkWeights | null> = [];
  /** The account's total link weights (null until it has one link record). */
  sa: LinkWeights | null = null;

  begin(account: string): void {
    this.account = account;
    this.others.length = 0;
    this.ab.length = 0;
    this.ba.length = 0;
    this.sb.length = 0;
    this.sa = null;
  }
}

export class LinkIndex {
  private readonly keys: Record<LinkKind, Map<string, KeyEntry>> = { template: new Map(), ip: new Map(), payment: new Map(), signup: new Map() };
  /** account -> neighbour -> weight per kind. */
  readonly adj = new Map<string, Map<string, LinkWeights>>();
  /** account -> total link weight per kind. */
  readonly strength = new Map<string, LinkWeights>();
  private lastSweepDay = -Infinity;

  /**
   * The batch's account uses the key (day: the day number for day-scoped keys, 0 for lasting ones). Adds the links
   * it made to the batch (none when it already held the key).
   */
  join(kind: LinkKind, key: string, day: number, out: LinkBatch): void {
    this.joinEntry(this.entry(kind, key, day), kind, day, out);
  }

  /** The key's entry (created for `day` when absent). Valid until `dropped`. */
  entry(kind: LinkKind, key: string, day: number): KeyEntry {
    const m = this.keys[kind];
    let e = m.get(key);
    if (e === undefined) {
      e = { day, dropped: false, accounts: new Set(), prev: 0, recent: [] };
      m.set(key, e);
    }
    return e;
  }

  /** `join` for the key's current entry (from `entry`, not dropped since). */
  joinEntry(e: KeyEntry, kind: LinkKind, day: number, out: LinkBatch): void {
    const account = out.account;
    if (e.day !== day) {
      if (day < e.day) return; // a late record for a day already rolled over: no links
      e.prev = e.day === day - 1 ? e.accounts.size : 0;
      e.day = day;
      e.accounts = new Set();
      e.recent = [];
    }
    if (e.accounts.has(account)) return;
    if (e.accounts.size >= MAX_KEY_ACCOUNTS[kind]) return;
    e.accounts.add(account);
    const n = Math.max(e.accounts.size, e.prev);
    if (n >= 2) {
      const w = 1 / Math.log(1 + n);
      for (const other of e.recent) this.add(out, other, kind, w);
    }
    e.recent.push(account);
    if (e.recent.length > CHAIN) e.recent.shift();
  }

  /** Adds weight to the link between the batch's account and `b`, both ways (each way within its neighbour cap). */
  private add(out: LinkBatch, b: string, kind: LinkKind, w: number): void {
    const i = out.others.indexOf(b);
    if (i < 0) {
      const a = out.account;
      const ab = this.half(a, b);
      const ba = this.half(b, a);
      out.others.push(b);
      out.ab.push(ab);
      out.ba.push(ba);
      out.sb.push(ba === null ? null : this.strength.get(b)!);
      if (ab !== null && out.sa === null) out.sa = this.strength.get(a)!;
      this.bump(ab, out.sa, kind, w);
      this.bump(ba, out.sb[out.sb.length - 1]!, kind, w);
      return;
    }
    this.bump(out.ab[i]!, out.sa, kind, w);
    this.bump(out.ba[i]!, out.sb[i]!, kind, w);
  }

  private bump(lw: LinkWeights | null, s: LinkWeights | null, kind: LinkKind, w: number): void {
    if (lw === null) return;
    lw[kind] += w;
    s![kind] += w;
  }

  /** The weight record of a -> b (created, with a's totals, within a's neighbour cap), or null when a's map is full. */
  private half(a: string, b: string): LinkWeights | null {
    let m = this.adj.get(a);
    if (!m) this.adj.set(a, (m = new Map()));
    let lw = m.get(b);
    if (lw === undefined) {
      if (m.size >= MAX_NEIGHBOURS) return null;
      m.set(b, (lw = zeroWeights()));
      if (!this.strength.has(a)) this.strength.set(a, zeroWeights());
    }
    return lw;
  }

  /** Drops day-scoped keys older than yesterday. */
  sweep(today: number): void {
    if (today === this.lastSweepDay) return;
    this.lastSweepDay = today;
    for (const kind of LINK_KINDS) {
      const m = this.keys[kind];
      for (const [k, e] of m) {
        if (e.day !== 0 && e.day < today - 1) {
          e.dropped = true;
          m.delete(k);
        }
      }
    }
  }
}
