/**
 * Online evaluation (decisions.jsonl of a streaming replay or the gateway): how much of each true
 * campaign's distillation traffic was served before its accounts were blocked, how soon it was first
 * acted on, how many of its accounts ended blocked, and how often benign accounts were hindered.
 */
import type { AccountLabel } from '../model/labels.js';
import { RESTRICTIVE_ACTIONS, type Decision } from '../model/results.js';
import { iso, ratio } from './metrics.js';
import type { TrueCampaign } from './truth.js';
import type { AccountServed, BenignImpact, InteractionSummary, LeakageSource, OnlineCampaign, OnlineReport } from './types.js';

/** A decision with its time as epoch ms. */
export interface TimedDecision extends Decision {
  ms: number;
}

/** Decisions grouped per account, each list in time order (file order kept for equal times). */
export function timelines(decisions: readonly Decision[]): Map<string, TimedDecision[]> {
  const out = new Map<string, TimedDecision[]>();
  for (const d of decisions) {
    let list = out.get(d.account_id);
    if (!list) out.set(d.account_id, (list = []));
    list.push({ ...d, ms: Date.parse(d.ts) });
  }
  // Array.prototype.sort is stable, so equal times keep file order.
  for (const list of out.values()) list.sort((a, b) => a.ms - b.ms);
  return out;
}

/** Epoch ms of each account's first `block` decision. The interactions reader counts what came before it. */
export function firstBlockTimes(decisions: readonly Decision[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [account, list] of timelines(decisions)) {
    const b = list.find((d) => d.action === 'block');
    if (b) out.set(account, b.ms);
  }
  return out;
}

/** Counters of an account absent from the interactions file. */
const NOTHING_SERVED: AccountServed = {
  total: 0,
  first_ts: null,
  first_distillation_ts: null,
  served_before_block: 0,
  distillation_served_before_block: null,
};

/** Distillation interactions of one account served before its first block, and where the figure came from. */
export function leakedOf(
  label: AccountLabel,
  timeline: readonly TimedDecision[],
  served: InteractionSummary | undefined,
): { leaked: number | null; source: LeakageSource } {
  const block = timeline.find((d) => d.action === 'block');
  if (!block) return { leaked: label.distillation_interactions, source: 'never_blocked' };
  // With an interactions file, an account without lines in it was served nothing.
  const counted = served ? (served.get(label.account_id) ?? NOTHING_SERVED) : undefined;
  // Served count: the decision's own served_before first, else the interactions file.
  let total: number | null = null;
  let source: LeakageSource = 'unknown';
  if (block.served_before !== undefined) {
    total = block.served_before;
    source = 'served_before';
  } else if (counted) {
    total = counted.served_before_block;
    source = 'interactions';
  }
  // Distillation part: exact from ids when known, else all (attacker) or proportional (mixed proxy).
  if (label.role === 'proxy_mixed' && counted && counted.distillation_served_before_block !== null) {
    return { leaked: counted.distillation_served_before_block, source: 'interactions' };
  }
  if (total === null) return { leaked: null, source };
  const share = label.role === 'benign' ? 0 : (ratio(label.distillation_interactions, label.interactions) ?? 0);
  return { leaked: Math.min(label.distillation_interactions, total * share), source };
}

/** Online figures for one true campaign. */
export function onlineCampaign(
  c: TrueCampaign,
  byAccount: ReadonlyMap<string, readonly TimedDecision[]>,
  served: InteractionSummary | undefined,
): OnlineCampaign {
  const sources: Record<LeakageSource, number> = { never_blocked: 0, served_before: 0, interactions: 0, unknown: 0 };
  let leaked: number | null = 0;
  let firstDetection: number | null = null;
  let firstDecision: number | null = null;
  let firstInteraction: number | null = null;
  let blockedAtEnd = 0;
  for (const l of c.members) {
    const tl = byAccount.get(l.account_id) ?? [];
    const { leaked: acc, source } = leakedOf(l, tl, served);
    sources[source]++;
    leaked = leaked === null || acc === null ? null : leaked + acc;
    for (const d of tl) {
      firstDecision = min(firstDecision, d.ms);
      if (d.action !== 'allow') firstDetection = min(firstDetection, d.ms);
    }
    if (tl.at(-1)?.action === 'block') blockedAtEnd++;
    const s = served?.get(l.account_id);
    if (s) firstInteraction = min(firstInteraction, s.first_distillation_ts ?? s.first_ts);
  }
  const reference = firstInteraction ?? firstDecision;
  const refKind = firstInteraction !== null ? 'first_interaction' : firstDecision !== null ? 'first_decision' : null;
  return {
    campaign_id: c.campaign_id,
    accounts: c.account_ids.size,
    distillation_interactions: c.distillation_interactions,
    leaked_interactions: leaked,
    leakage: leaked === null ? null : ratio(leaked, c.distillation_interactions),
    leakage_sources: sources,
    first_detection: iso(firstDetection),
    detection_reference: refKind,
    reference_ts: iso(reference),
    time_to_detection_s: firstDetection !== null && reference !== null ? (firstDetection - reference) / 1000 : null,
    blocked_at_end: blockedAtEnd,
    blocked_share: ratio(blockedAtEnd, c.account_ids.size),
  };
}

/** The online report. */
export function evalOnline(
  labels: readonly AccountLabel[],
  truths: ReadonlyMap<string, TrueCampaign>,
  decisions: readonly Decision[],
  served: InteractionSummary | undefined,
  warnings: string[],
): OnlineReport {
  const byAccount = timelines(decisions);
  const labelled = new Set(labels.map((l) => l.account_id));
  const unknown = [...byAccount.keys()].filter((a) => !labelled.has(a)).length;
  if (unknown > 0) warnings.push(`decisions.jsonl: ${unknown} account(s) are not in labels; their decisions are ignored`);

  const campaigns = [...truths.values()].map((c) => onlineCampaign(c, byAccount, served));
  const unknownLeak = campaigns.filter((c) => c.leakage_sources.unknown > 0);
  if (unknownLeak.length > 0) {
    warnings.push(
      `leakage unknown for ${unknownLeak.map((c) => c.campaign_id).join(', ')}: blocked accounts have no served_before ` +
        `in decisions.jsonl and no --interactions file was given`,
    );
  }

  const benign = emptyImpact();
  const byGroup: Record<string, BenignImpact> = {};
  for (const l of labels) {
    if (l.campaign_id !== null) continue;
    const g = (byGroup[l.group] ??= emptyImpact());
    const tl = byAccount.get(l.account_id) ?? [];
    const restricted = tl.some((d) => RESTRICTIVE_ACTIONS.has(d.action));
    const flagged = tl.some((d) => d.action !== 'allow');
    for (const x of [benign, g]) {
      x.accounts++;
      if (restricted) x.restricted++;
      if (flagged) x.flagged++;
    }
  }
  for (const x of [benign, ...Object.values(byGroup)]) {
    x.restricted_share = ratio(x.restricted, x.accounts);
    x.flagged_share = ratio(x.flagged, x.accounts);
  }
  return {
    decisions: decisions.length,
    unknown_accounts: unknown,
    campaigns,
    benign,
    benign_by_group: Object.fromEntries(Object.entries(byGroup).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

function emptyImpact(): BenignImpact {
  return { accounts: 0, restricted: 0, restricted_share: null, flagged: 0, flagged_share: null };
}

function min(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
