/**
 * One account's running state in the streaming detector, and its account features (the same names and definitions
 * as the batch features of src/detect/features.ts, computed from bounded accumulators): counts and shares,
 * capability and wrapper counters, an hour-of-day histogram, inter-arrival moments, distinct IPs and networks.
 * Memory per account is bounded (capped counters; distinct IPs switch to a 64-register sketch).
 */
import type { Account } from '../model/account.js';
import type { Interaction } from '../model/interaction.js';
import { HIGH_VALUE_CAPABILITIES } from '../model/capabilities.js';
import { DistinctCounter, RefCounter, quarterOctave } from './sketch.js';
import { joinKey, keyCount, newShare, type KeyAccounts, type SharedIndex } from './shared.js';

/** The fields of an interaction the streaming detector reads. */
export type StreamRecord = Pick<
  Interaction,
  | 'ts'
  | 'account_id'
  | 'org_id'
  | 'ip'
  | 'asn'
  | 'user_agent'
  | 'model'
  | 'turns'
  | 'tools'
  | 'reasoning_requested'
  | 'reasoning_budget'
  | 'reasoning_effort'
  | 'max_tokens'
  | 'capability'
  | 'cot'
  | 'rubric'
  | 'lang'
  | 'template'
  | 'lsh'
>;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const FARM_TIERS = new Set(['free', 'education', 'startup', 'trial']);
const HIGH_EFFORT = new Set(['high', 'xhigh', 'max']);

/** Per-account caps. */
const TEMPLATE_CAP = 128;
const IP_CAP = 128;
const UA_CAP = 8;

export class AccountState {
  n = 0;
  first = Infinity;
  last = -Infinity;
  activeDays = 0;
  private lastDay = -Infinity;
  singleTurn = 0;
  reasoning = 0;
  budgetSat = 0;
  tools = 0;
  cot = 0;
  rubric = 0;
  readonly langs = new Set<string>();
  readonly ipsDistinct = new DistinctCounter();
  readonly asns = new Set<number>();
  /** max_tokens by quarter-octave bucket. */
  readonly maxTokens = new Map<number, number>();
  readonly caps = new Map<string, number>();
  /** Wrappers counted per account, each with its current shared-index entry (read while scoring, no lookups). */
  readonly templates = new RefCounter<string, KeyAccounts>(TEMPLATE_CAP);
  /** Interactions of evicted wrappers that were shared by 3+ accounts when evicted. */
  templateOverflowShared = 0;
  readonly hours = new Uint32Array(24);
  private hourBucket = -1;
  private hourCount = 0;
  peakHour = 0;
  /** Inter-arrival moments (Welford). */
  private gaps = 0;
  private gapMean = 0;
  private gapM2 = 0;
  /** Model pivot: interactions inside a new model's first three days, and those on that model. */
  pivotWindow = 0;
  pivotOn = 0;
  readonly ips = new RefCounter<string, KeyAccounts>(IP_CAP);
  /** Untracked interactions by IP sharing at the time (IP counter full). */
  ipOverflowShared = 0;
  ipOverflowPoolNew = 0;
  readonly userAgents = new Set<KeyAccounts>();
  isNew = false;
  meta: Account | undefined;
  org: string | null = null;

  /** Adds one interaction (after the shared index has seen it). */
  add(r: StreamRecord, shared: SharedIndex): void {
    if (this.n === 0) {
      const f = shared.firstSeen(r.account_id, r.ts, r.org_id);
      this.isNew = f.isNew;
      this.meta = f.meta;
      this.org = f.meta?.org_id ?? r.org_id;
    }
    // Cross-account keys: wrappers, IPs, user agents (each set capped: beyond the cap a key is common).
    const tk = r.template !== null ? joinKey(shared.templates, r.template, r.account_id, this.isNew, r.ts, 64) : null;
    const ik = r.ip !== null ? joinKey(shared.ips, r.ip, r.account_id, this.isNew, r.ts, 256) : null;
    const uk = r.user_agent !== null ? joinKey(shared.userAgents, r.user_agent, r.account_id, this.isNew, r.ts, 4096) : null;
    this.n++;
    const ts = r.ts;
    if (ts < this.first) this.first = ts;
    if (ts > this.last) {
      if (this.last !== -Infinity) this.gap(ts - this.last);
      this.last = ts;
    } else if (this.n > 1) this.gap(0);
    const day = Math.floor(ts / DAY);
    if (day !== this.lastDay) {
      // In time order every new day is a new active day; out-of-order days may be counted twice (rare).
      this.activeDays++;
      this.lastDay = day;
    }
    if (r.turns <= 1) this.singleTurn++;
    if (r.reasoning_requested) this.reasoning++;
    if ((r.reasoning_budget ?? 0) >= 16000 || (r.reasoning_effort !== null && HIGH_EFFORT.has(r.reasoning_effort))) this.budgetSat++;
    if (r.tools > 0) this.tools++;
    if (r.cot >= 0.5) this.cot++;
    if (r.rubric >= 0.5) this.rubric++;
    if (r.lang !== 'und' && this.langs.size < 64) this.langs.add(r.lang);
    if (r.asn !== null && this.asns.size < 256) this.asns.add(r.asn);
    if (r.max_tokens !== null) {
      const b = quarterOctave(r.max_tokens);
      this.maxTokens.set(b, (this.maxTokens.get(b) ?? 0) + 1);
    }
    this.caps.set(r.capability, (this.caps.get(r.capability) ?? 0) + 1);
    if (tk !== null) {
      // Wrappers are counted space-saving style: an evicted wrapper's count is kept as shared or not, as it is then.
      const ev = this.templates.addEvicting(r.template!, tk);
      if (ev !== null && keyCount(ev[1].ref) >= 3) this.templateOverflowShared += ev[1].n - ev[1].inherited;
    }
    const hr = Math.floor(ts / HOUR);
    this.hours[((hr % 24) + 24) % 24]!++;
    if (hr === this.hourBucket) this.hourCount++;
    else {
      this.hourBucket = hr;
      this.hourCount = 1;
    }
    if (this.hourCount > this.peakHour) this.peakHour = this.hourCount;
    for (const [m, t0] of shared.newModels) {
      if (ts >= t0 && ts <= t0 + 3 * DAY) {
        this.pivotWindow++;
        if (r.model === m) this.pivotOn++;
      }
    }
    if (r.ip !== null && ik !== null) {
      this.ipsDistinct.add(r.ip);
      if (!this.ips.add(r.ip, ik) && keyCount(ik) >= 2) {
        this.ipOverflowShared++;
        this.ipOverflowPoolNew += newShare(ik);
      }
    }
    if (uk !== null && this.userAgents.size < UA_CAP) this.userAgents.add(uk);
  }

  private gap(g: number): void {
    this.gaps++;
    const d = g - this.gapMean;
    this.gapMean += d / this.gaps;
    this.gapM2 += d * (g - this.gapMean);
  }

  /** The account features in ACCOUNT_FEATURES order (test: src/stream/features.test.ts), from this state and the shared index now. */
  features(shared: SharedIndex): number[] {
    const n = this.n;
    const q = shared.maxTokens.quantileBucket(0.9);
    let mt = 0;
    for (const [b, k] of this.maxTokens) if (b >= q) mt += k;
    let hv = 0;
    let ent = 0;
    let topCap = 0;
    for (const [c, k] of this.caps) {
      if ((HIGH_VALUE_CAPABILITIES as ReadonlySet<string>).has(c)) hv += k;
      const p = k / n;
      ent -= p * Math.log(p);
      if (k > topCap) topCap = k;
    }
    let shared3 = this.templateOverflowShared;
    let topT: KeyAccounts | null = null;
    let topS = '';
    let topK = 0;
    for (const [ts, slot] of this.templates.counts) {
      const t = slot.ref;
      const k = slot.n;
      if (keyCount(t) >= 3) shared3 += k - slot.inherited;
      // Ties go to the greater fingerprint, as in the batch SQL (deterministic either way).
      if (k > topK || (k === topK && ts > topS)) {
        topK = k;
        topT = t;
        topS = ts;
      }
    }
    let hEnt = 0;
    for (const k of this.hours) {
      if (k === 0) continue;
      const p = k / n;
      hEnt -= p * Math.log(p);
    }
    const meta = this.meta;
    const age = meta?.created_at == null ? null : (this.first - meta.created_at) / DAY;
    const dom = meta?.email_domain ? shared.emailDomains.get(meta.email_domain) : undefined;
    const pay = meta?.payment_fingerprint ? shared.payments.get(meta.payment_fingerprint) : undefined;
    let ipShared = this.ipOverflowShared;
    let poolNew = this.ipOverflowPoolNew;
    for (const slot of this.ips.counts.values()) {
      const key = slot.ref;
      const k = slot.n;
      if (keyCount(key) >= 2) {
        ipShared += k;
        poolNew += k * newShare(key);
      }
    }
    let ua = 0;
    for (const key of this.userAgents) if (keyCount(key) >= 3) ua = Math.max(ua, newShare(key));
    // The order of ACCOUNT_FEATURES.
    return [
      Math.log1p(n), // log_interactions
      Math.log1p(n / Math.max(this.activeDays, 1)), // log_per_active_day
      Math.log1p(this.peakHour), // log_peak_hour
      this.singleTurn / n, // single_turn_share
      this.reasoning / n, // reasoning_share
      this.budgetSat / n, // budget_saturation
      mt / n, // max_tokens_saturation
      this.tools / n, // tools_share
      this.cot / n, // cot_share
      this.rubric / n, // rubric_share
      hv / n, // high_value_share
      ent, // capability_entropy
      topCap / n, // top_capability_share
      shared3 / n, // shared_template_share
      topK / n, // top_template_share
      Math.log1p(Math.min(keyCount(topT ?? undefined), 20)), // template_accounts_log
      this.langs.size, // lang_count
      hEnt / Math.log(24), // hour_entropy
      this.gaps >= 3 && this.gapMean > 0 ? Math.sqrt(this.gapM2 / this.gaps) / this.gapMean : 1, // gap_cv
      this.pivotWindow === 0 ? 0 : this.pivotOn / this.pivotWindow, // pivot_share
      Math.log1p(Math.max(age ?? 0, 0)), // age_days_log
      age === null ? 1 : 0, // age_unknown
      meta?.tier != null && FARM_TIERS.has(meta.tier) ? 1 : 0, // farm_tier
      meta?.verified === false ? 1 : 0, // unverified
      keyCount(dom) >= 5 ? newShare(dom) : 0, // email_domain_new_share
      Math.log1p(Math.max(keyCount(pay) - 1, 0)), // payment_shared_log
      Math.log1p(Math.max(shared.signupBurst(meta) - 1, 0)), // signup_burst_log
      this.ipsDistinct.size / n, // ips_per_interaction
      ipShared / n, // ip_shared_share
      ipShared === 0 ? 0 : poolNew / ipShared, // ip_pool_new_share
      Math.log1p(this.asns.size), // asn_count_log
      ua, // ua_shared_new_share
      Math.log1p(this.org ? keyCount(shared.orgs.get(this.org)) : 0), // org_size_log
    ];
  }
}
