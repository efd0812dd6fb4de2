/**
 * Cross-account state of the streaming detector: what the whole platform's traffic says about a key that several
 * accounts share (a prompt wrapper, an IP, a user agent, an e-mail domain, a payment fingerprint, a sign-up
 * network), and platform-wide references (the usual max_tokens, when each model first appeared).
 *
 * Bounded: every per-key set is capped (beyond the cap a key is "common", which is all the features need), and the
 * template index forgets wrappers not seen for `templateTtlDays` (time decay) and holds at most `maxTemplates`.
 */
import type { Account } from '../model/account.js';
import { NEW_ACCOUNT_DAYS } from '../detect/features.js';
import { BucketHistogram } from './sketch.js';

const DAY = 86_400_000;

/** Accounts of a key, capped; `news` counts the new accounts among them. */
export interface KeyAccounts {
  accounts: Set<string>;
  /** Accounts beyond the cap are counted, not stored. */
  extra: number;
  news: number;
  last: number;
}

export function keyCount(k: KeyAccounts | undefined): number {
  return k === undefined ? 0 : k.accounts.size + k.extra;
}

export function newShare(k: KeyAccounts | undefined): number {
  const n = keyCount(k);
  return n === 0 ? 0 : k!.news / n;
}

/** Joins an account to a key's set (a no-op when it holds the key already); returns the key's entry. */
export function joinKey(map: Map<string, KeyAccounts>, key: string, account: string, isNew: boolean, ts: number, cap: number): KeyAccounts {
  let k = map.get(key);
  if (k === undefined) {
    k = { accounts: new Set(), extra: 0, news: 0, last: ts };
    map.set(key, k);
  }
  if (ts > k.last) k.last = ts;
  if (k.accounts.has(account)) return k;
  if (k.accounts.size < cap) k.accounts.add(account);
  else k.extra++;
  if (isNew) k.news++;
  return k;
}

export interface SharedOptions {
  /** Wrappers unseen for this long are forgotten. */
  templateTtlDays: number;
  /** Most wrappers held (oldest forgotten first). */
  maxTemplates: number;
}

export const DEFAULT_SHARED: SharedOptions = { templateTtlDays: 14, maxTemplates: 2_000_000 };

/** A sign-up network: the /24 of an IPv4 address or the first three groups of an IPv6 address. */
export function signupNet(ip: string | null): string | null {
  if (ip === null) return null;
  if (ip.includes(':')) return ip.split(':').slice(0, 3).join(':');
  const i = ip.lastIndexOf('.');
  return i < 0 ? ip : ip.slice(0, i);
}

/** First index in sorted `l` whose value is >= v. */
function lowerBound(l: readonly number[], v: number): number {
  let lo = 0;
  let hi = l.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (l[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SharedIndex {
  readonly opts: SharedOptions;
  /** Account records (from the accounts file or an account service). */
  readonly accounts = new Map<string, Account>();
  /** Earliest interaction time seen. */
  start = Infinity;
  /** Latest interaction time seen. */
  now = -Infinity;
  readonly maxTokens = new BucketHistogram();
  /** Models that first appeared after the first two days: model -> first time. */
  readonly newModels = new Map<string, number>();
  private readonly modelsSeen = new Set<string>();
  readonly templates = new Map<string, KeyAccounts>();
  readonly ips = new Map<string, KeyAccounts>();
  readonly userAgents = new Map<string, KeyAccounts>();
  readonly emailDomains = new Map<string, KeyAccounts>();
  readonly payments = new Map<string, KeyAccounts>();
  readonly orgs = new Map<string, KeyAccounts>();
  /** Sign-up network -> creation times of the accounts seen from it, sorted (capped). */
  readonly signups = new Map<string, number[]>();
  private lastSweep = -Infinity;

  constructor(opts: Partial<SharedOptions> = {}) {
    this.opts = { ...DEFAULT_SHARED, ...opts };
  }

  addAccounts(list: Iterable<Account>): void {
    for (const a of list) this.accounts.set(a.account_id, a);
  }

  /** Platform-wide bookkeeping for one interaction; returns whether its model counts as newly released. */
  observe(ts: number, model: string | null, maxTokens: number | null): void {
    if (ts < this.start) this.start = ts;
    if (ts > this.now) this.now = ts;
    if (maxTokens !== null) this.maxTokens.add(maxTokens);
    if (model !== null && !this.modelsSeen.has(model)) {
      this.modelsSeen.add(model);
      if (ts > this.start + 2 * DAY) this.newModels.set(model, ts);
    }
    if (this.now - this.lastSweep >= DAY) this.sweep();
  }

  /** Registers an account at its first interaction: its metadata joins the cross-account keys. */
  firstSeen(account: string, ts: number, interactionOrg: string | null): { isNew: boolean; meta: Account | undefined } {
    const meta = this.accounts.get(account);
    const isNew = meta?.created_at != null && ts - meta.created_at <= NEW_ACCOUNT_DAYS * DAY;
    if (meta?.email_domain) joinKey(this.emailDomains, meta.email_domain, account, isNew, ts, 1_000_000);
    if (meta?.payment_fingerprint) joinKey(this.payments, meta.payment_fingerprint, account, isNew, ts, 1_000_000);
    const org = meta?.org_id ?? interactionOrg;
    if (org) joinKey(this.orgs, org, account, isNew, ts, 1_000_000);
    const net = signupNet(meta?.signup_ip ?? null);
    if (net !== null && meta?.created_at != null) {
      let l = this.signups.get(net);
      if (!l) this.signups.set(net, (l = []));
      if (l.length < 5000) l.splice(lowerBound(l, meta.created_at), 0, meta.created_at);
    }
    return { isNew, meta };
  }

  /** Accounts seen so far created within an hour of `created` from the same network (itself included). */
  signupBurst(meta: Account | undefined): number {
    const net = signupNet(meta?.signup_ip ?? null);
    if (net === null || meta?.created_at == null) return 0;
    const l = this.signups.get(net);
    if (!l) return 0;
    return lowerBound(l, meta.created_at + 3_600_000 + 1) - lowerBound(l, meta.created_at - 3_600_000);
  }

  /** Time decay: forget wrappers not seen for the TTL; keep the index under its size cap. */
  sweep(): void {
    this.lastSweep = this.now;
    const cutoff = this.now - this.opts.templateTtlDays * DAY;
    for (const [k, v] of this.templates) if (v.last < cutoff) this.templates.delete(k);
    if (this.templates.size > this.opts.maxTemplates) {
      let drop = this.templates.size - this.opts.maxTemplates;
      for (const k of this.templates.keys()) {
        if (drop-- <= 0) break;
        this.templates.delete(k);
      }
    }
  }
}
