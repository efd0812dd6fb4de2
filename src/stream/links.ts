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

interface KeyEntry {
  day: number;
  accounts: Set<string>;
  prev: number;
  recent: string[];
}

export type LinkWeights = Record<LinkKind, number>;

export const zeroWeights = (): LinkWeights => ({ template: 0, ip: 0, payment: 0, signup: 0 });

/** A new link between two accounts. */
export interface NewLink {
  a: string;
  b: string;
  kind: LinkKind;
  weight: number;
}

export class LinkIndex {
  private readonly keys: Record<LinkKind, Map<string, KeyEntry>> = { template: new Map(), ip: new Map(), payment: new Map(), signup: new Map() };
  /** account -> neighbour -> weight per kind. */
  readonly adj = new Map<string, Map<string, LinkWeights>>();
  /** account -> total link weight per kind. */
  readonly strength = new Map<string, LinkWeights>();
  private lastSweepDay = -Infinity;

  /**
   * The account uses the key (day: the day number for day-scoped keys, 0 for lasting ones). Returns the links it
   * made (empty when it already held the key).
   */
  join(kind: LinkKind, key: string, day: number, account: string, out: NewLink[]): void {
    const m = this.keys[kind];
    let e = m.get(key);
    if (e === undefined) {
      e = { day, accounts: new Set(), prev: 0, recent: [] };
      m.set(key, e);
    } else if (e.day !== day) {
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
      for (const other of e.recent) {
        this.add(account, other, kind, w);
        out.push({ a: account, b: other, kind, weight: w });
      }
    }
    e.recent.push(account);
    if (e.recent.length > CHAIN) e.recent.shift();
  }

  private add(a: string, b: string, kind: LinkKind, w: number): void {
    this.half(a, b, kind, w);
    this.half(b, a, kind, w);
  }

  private half(a: string, b: string, kind: LinkKind, w: number): void {
    let m = this.adj.get(a);
    if (!m) this.adj.set(a, (m = new Map()));
    let lw = m.get(b);
    if (lw === undefined) {
      if (m.size >= MAX_NEIGHBOURS) return;
      m.set(b, (lw = zeroWeights()));
    }
    lw[kind] += w;
    let s = this.strength.get(a);
    if (!s) this.strength.set(a, (s = zeroWeights()));
    s[kind] += w;
  }

  /** Drops day-scoped keys older than yesterday. */
  sweep(today: number): void {
    if (today === this.lastSweepDay) return;
    this.lastSweepDay = today;
    for (const kind of LINK_KINDS) {
      const m = this.keys[kind];
      for (const [k, e] of m) if (e.day !== 0 && e.day < today - 1) m.delete(k);
    }
  }
}
