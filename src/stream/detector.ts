/**
 * The streaming detector: the batch model (models/default.json, both stages) applied incrementally. Each interaction
 * updates its account's bounded state, the cross-account index and the link index, and rescores the account when
 * its schedule says so (an account that gained links from others is rescored at its own next interaction). All of that happens in `observe`, after a call is
 * done; `verdict` is a lookup, so the gateway's request path never scores. A verdict only uses what came before.
 *
 * Stage 2 reads the account's online cluster (accounts linked by shared wrappers, IPs, payment or sign-up bursts,
 * among those that already look like distillers) in place of the batch Louvain community.
 */
import type { Account } from '../model/account.js';
import type { Interaction } from '../model/interaction.js';
import type { Reason, Verdict } from '../model/results.js';
import { predict, type ModelFile } from '../detect/model.js';
import { reasonsFor, verdictOf } from '../detect/score.js';
import { KIND_WEIGHT, LINK_KINDS } from '../detect/graph.js';
import type { AccountVerdict, VerdictSource } from '../enforce/verdicts.js';
import { hashString, hex32 } from '../util/hash.js';
import { AccountState, type StreamRecord } from './account-state.js';
import { Clusters } from './clusters.js';
import { LinkBatch, LinkIndex, type KeyEntry, type LinkWeights } from './links.js';
import { SharedIndex, signupNet, type SharedOptions } from './shared.js';

const DAY = 86_400_000;

export interface DetectorOptions extends Partial<SharedOptions> {
  /** Stage-1 probability at which an account may join a cluster. */
  joinP1: number;
  /** Flagged accounts a cluster needs to be named a campaign. */
  minCampaign: number;
  /**
   * Rescore on every interaction up to this count; after that when the count has grown by a quarter since the last
   * score, or when new links arrived, an hour has passed and it is not yet a distiller (a geometric schedule: O(log n) scores per account).
   */
  eagerUntil: number;
  /** Called at every scoring with the account's inputs (training the online model from replays; off otherwise). */
  onScore?: (account: string, n: number, x1: number[], x2: number[]) => void;
}

export const DEFAULT_DETECTOR: DetectorOptions = { joinP1: 0.5, minCampaign: 3, eagerUntil: 16 };

/** An lsh string's bands and their link-index entries (undefined: not looked up yet). */
interface Bands {
  keys: string[];
  entries: Array<KeyEntry | undefined>;
}

interface Entry {
  state: AccountState;
  /** Interactions when last scored (0: never), and the stream time then. */
  scoredAt: number;
  scoredTs: number;
  linked: boolean;
  verdict: AccountVerdict | null;
}

export class OnlineDetector implements VerdictSource {
  readonly shared: SharedIndex;
  readonly links = new LinkIndex();
  readonly clusters = new Clusters();
  private readonly entries = new Map<string, Entry>();
  private readonly opts: DetectorOptions;
  private readonly batch = new LinkBatch();
  /** MinHash bands by `lsh` string, with their link-index entries (bounded; cleared when full). */
  private readonly bandCache = new Map<string, Bands>();
  observed = 0;

  constructor(
    readonly model: ModelFile,
    accounts: Iterable<Account> = [],
    opts: Partial<DetectorOptions> = {},
  ) {
    this.opts = { ...DEFAULT_DETECTOR, ...opts };
    this.shared = new SharedIndex(opts);
    this.shared.addAccounts(accounts);
  }

  get accounts(): number {
    return this.entries.size;
  }

  /** Feeds one completed interaction. */
  observe(r: StreamRecord | Interaction): void {
    this.observed++;
    const shared = this.shared;
    shared.observe(r.ts, r.model, r.max_tokens);
    let e = this.entries.get(r.account_id);
    const first = e === undefined;
    if (e === undefined) {
      e = { state: new AccountState(), scoredAt: 0, scoredTs: 0, linked: false, verdict: null };
      this.entries.set(r.account_id, e);
    }
    e.state.add(r, shared);
    const day = Math.floor(r.ts / DAY);
    this.links.sweep(day);
    const a = r.account_id;
    const out = this.batch;
    out.begin(a);
    if (r.template !== null) this.links.join('template', r.template, day, out);
    if (r.lsh !== null && r.lsh !== '') {
      const b = this.bandsOf(r.lsh);
      for (let i = 0; i < b.keys.length; i++) {
        let ke = b.entries[i];
        if (ke === undefined || ke.dropped) b.entries[i] = ke = this.links.entry('template', b.keys[i]!, day);
        this.links.joinEntry(ke, 'template', day, out);
      }
    }
    if (r.ip !== null) this.links.join('ip', r.ip, day, out);
    if (first) {
      const meta = e.state.meta;
      if (meta?.payment_fingerprint) this.links.join('payment', meta.payment_fingerprint, 0, out);
      const net = signupNet(meta?.signup_ip ?? null);
      if (net !== null && meta?.created_at != null) {
        const h = Math.floor(meta.created_at / 3_600_000);
        this.links.join('signup', `${net}:${h}`, 0, out);
        this.links.join('signup', `${net}:${Math.floor((meta.created_at + 1_800_000) / 3_600_000)}`, 0, out);
      }
    }
    // Each linked pair once, in order of first link: marking and the union test depend only on the pair's final
    // weights and both stage-1 probabilities, none of which change in this loop (see LinkBatch for the measurement).
    if (out.others.length > 0) {
      e.linked = true;
      const pa = this.clusters.p1Of(a);
      const joinable = pa !== undefined && pa >= this.opts.joinP1;
      for (let i = 0; i < out.others.length; i++) {
        const b = out.others[i]!;
        this.markLinked(b);
        if (joinable) this.maybeUnionWith(a, b, out.ab[i]!);
      }
    }
    this.rescoreIfDue(a, e);
  }

  /**
   * The MinHash bands of an `lsh` string, split once per distinct string while it stays cached, with each band's
   * link-index entry as last looked up. Measured (CPU profile of a seed-2026 scale-0.01 replay): hash-map lookups
   * were the largest single cost of replay, a dozen of them the bands' entries, which stay valid for the day.
   */
  private bandsOf(lsh: string): Bands {
    let b = this.bandCache.get(lsh);
    if (b === undefined) {
      if (this.bandCache.size >= 16_384) this.bandCache.clear();
      b = { keys: lsh.split(' '), entries: [] };
      this.bandCache.set(lsh, b);
    }
    return b;
  }

  private markLinked(a: string): void {
    const e = this.entries.get(a);
    if (e) e.linked = true;
  }

  /** The scoring schedule (see DetectorOptions.eagerUntil). */
  private rescoreIfDue(a: string, e: Entry): void {
    const n = e.state.n;
    if (
      e.verdict === null ||
      (n !== e.scoredAt &&
        (n <= this.opts.eagerUntil || n - e.scoredAt >= e.scoredAt / 4)) ||
      (e.linked && e.verdict.verdict !== 'distillation' && this.shared.now - e.scoredTs >= 3_600_000)
    )
      this.score(a, e);
  }

  /** Joins two linked accounts' clusters when both look like distillers and the link is strong enough. */
  private maybeUnion(a: string, b: string): void {
    const pa = this.clusters.p1Of(a);
    if (pa === undefined || pa < this.opts.joinP1) return;
    this.maybeUnionWith(a, b, this.links.adj.get(a)?.get(b));
  }

  /** maybeUnion for an `a` known to look like a distiller, with a -> b's weights (`undefined`/null: none). */
  private maybeUnionWith(a: string, b: string, w: LinkWeights | null | undefined): void {
    const pb = this.clusters.p1Of(b);
    if (pb === undefined || pb < this.opts.joinP1) return;
    if (!w) return;
    let s = 0;
    for (const k of LINK_KINDS) s += w[k] * KIND_WEIGHT[k];
    if (s >= 0.05) this.clusters.union(a, b);
  }

  /** Current verdict: a lookup (scoring happens in `observe`). */
  verdict(accountId: string): AccountVerdict | undefined {
    return this.entries.get(accountId)?.verdict ?? undefined;
  }

  private score(a: string, e: Entry): void {
    // The online model (trained on account prefixes, `trainOnline`) when the model file has one; else the batch stages.
    const m = this.model.online ?? this.model;
    e.scoredAt = e.state.n;
    e.scoredTs = this.shared.now;
    e.linked = false;
    const x1 = e.state.features(this.shared);
    const p1 = predict(x1, m.stage1);
    this.clusters.setP1(a, p1);
    const nbrs = this.links.adj.get(a);
    if (p1 >= this.opts.joinP1 && nbrs) for (const b of nbrs.keys()) this.maybeUnion(a, b);
    // Stage-2 inputs: cluster size and the others' mean stage-1 probability, neighbours' weighted mean, link strengths.
    const cs = this.clusters.statsOf(a);
    const size = cs?.size ?? 1;
    const others = cs && cs.size > 1 ? (cs.sumP1 - p1) / (cs.size - 1) : 0;
    let ws = 0;
    let s = 0;
    if (nbrs) {
      for (const [b, lw] of nbrs) {
        let w = 0;
        for (const k of LINK_KINDS) w += lw[k] * KIND_WEIGHT[k];
        ws += w;
        s += w * (this.clusters.p1Of(b) ?? 0);
      }
    }
    const nb = ws > 0 ? s / ws : 0;
    const st = this.links.strength.get(a);
    const x2 = [...x1, Math.log1p(Math.min(size, 20)), others, nb, ...LINK_KINDS.map((k) => Math.log1p(st?.[k] ?? 0))];
    this.opts.onScore?.(a, e.state.n, x1, x2);
    const score = predict(x2, m.stage2);
    const verdict: Verdict = verdictOf(score, m);
    let campaign: string | null = null;
    if (cs && verdict === 'distillation' && cs.size >= this.opts.minCampaign) {
      if (cs.campaign === null) cs.campaign = `oc-${hex32(hashString(this.clusters.root(a)))}`;
      campaign = cs.campaign;
    }
    const reasons: Reason[] = verdict === 'benign' ? [] : reasonsFor(x2, m.stage2);
    if (campaign !== null) reasons.unshift({ signal: 'campaign.member', contribution: 0, detail: `member of online cluster ${campaign} (${size} linked accounts)` });
    e.verdict = { score: Math.round(score * 1e6) / 1e6, verdict, campaign_id: campaign, reasons };
  }

  /** The account's current account features (ACCOUNT_FEATURES order), or undefined when unseen. */
  featuresOf(accountId: string): number[] | undefined {
    return this.entries.get(accountId)?.state.features(this.shared);
  }

  /** The account's running state (tests and tooling). */
  stateOf(accountId: string): AccountState | undefined {
    return this.entries.get(accountId)?.state;
  }

  /** Interactions observed for an account. */
  interactionsOf(accountId: string): number {
    return this.entries.get(accountId)?.state.n ?? 0;
  }
}
