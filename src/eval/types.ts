/**
 * Inputs and output of the evaluation harness. Every figure is defined in docs/formats.md
 * ("Evaluation metrics"); a ratio whose denominator is zero is `null`, never NaN.
 */
import type { AccountLabel, CampaignTruth } from '../model/labels.js';
import type { AccountResult, CampaignResult, Decision } from '../model/results.js';

/** What the interactions file tells about one campaign account (see interactions.ts). */
export interface AccountServed {
  /** Interactions of the account in the file. */
  total: number;
  /** Epoch ms of its first interaction, or null if it has none. */
  first_ts: number | null;
  /** Epoch ms of its first distillation interaction (mixed proxies with distillation_ids only), or null. */
  first_distillation_ts: number | null;
  /** Interactions with ts strictly before the account's first block (all of them if never blocked). */
  served_before_block: number;
  /** Of those, distillation interactions; null when unknown (a mixed proxy without distillation_ids). */
  distillation_served_before_block: number | null;
}

/** Per-account counters from the interactions file, for the accounts of true campaigns only. */
export type InteractionSummary = Map<string, AccountServed>;

/** Everything runEval needs, already read and validated. */
export interface EvalInput {
  labels: AccountLabel[];
  results: { accounts: AccountResult[]; campaigns: CampaignResult[] };
  /** decisions.jsonl of a streaming replay, in any order. */
  decisions?: Decision[];
  /** Counters from the interactions file, computed with the block times of `decisions`. */
  interactions?: InteractionSummary;
  /** campaigns_truth.json, for the capability check. */
  truth?: CampaignTruth[];
}

/** A confusion matrix and the figures derived from it. */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** False-positive rate among benign accounts: fp / (fp + tn). */
  fpr: number | null;
  /** Recall per true role (attacker, proxy_mixed). */
  recall_by_role: Record<string, { positives: number; found: number; recall: number | null }>;
  /** False-positive rate per benign group (each look-alike group and `ordinary`). */
  fpr_by_group: Record<string, { accounts: number; false_positives: number; fpr: number | null }>;
}

export interface AccountReport {
  /** Accounts in labels. */
  labelled: number;
  /** Labelled accounts that are true positives (campaign_id non-null). */
  positives: number;
  /** Labelled accounts absent from accounts.jsonl (counted as predicted benign). */
  missing_from_results: number;
  /** Accounts in accounts.jsonl but not in labels (ignored in the figures). */
  unknown_in_results: number;
  /** Predicted positive = verdict `distillation`. */
  strict: Confusion;
  /** Predicted positive = verdict `distillation` or `suspicious`. */
  lenient: Confusion;
}

export interface CampaignMatch {
  campaign_id: string;
  /** Accounts of the true campaign (labels). */
  accounts: number;
  /** Sum of distillation_interactions of its accounts (labels). */
  distillation_interactions: number;
  /** Found campaign with the largest Jaccard index of account sets, or null when none overlaps. */
  best_match: string | null;
  jaccard: number;
  /** `interactions` of the best match, or null. */
  found_interactions: number | null;
  /** (found_interactions − distillation_interactions) / distillation_interactions, signed; null if undefined. */
  interactions_rel_error: number | null;
  /** Two capabilities with the largest share, from campaigns_truth.json; null without truth for it. */
  true_top2: string[] | null;
  found_top2: string[] | null;
  /** Whether the two sets are equal; null when either side is unknown. */
  top2_match: boolean | null;
  /** Found campaigns holding at least 5% of this campaign's accounts. */
  split_into: number;
  split: boolean;
}

export interface FalseCampaign {
  campaign_id: string;
  accounts: number;
  interactions: number;
}

export interface CampaignReport {
  true_campaigns: number;
  found_campaigns: number;
  matches: CampaignMatch[];
  /** Mean of `jaccard` over true campaigns. */
  mean_jaccard: number | null;
  /** Found campaigns sharing no account with any true campaign. */
  false_campaigns: FalseCampaign[];
}

/** How the served count of a blocked campaign account was obtained. */
export type LeakageSource = 'never_blocked' | 'served_before' | 'interactions' | 'unknown';

export interface OnlineCampaign {
  campaign_id: string;
  accounts: number;
  distillation_interactions: number;
  /** Distillation interactions served before the accounts were blocked; null if any account is unknown. */
  leaked_interactions: number | null;
  /** leaked_interactions / distillation_interactions. */
  leakage: number | null;
  /** How many accounts' figures came from each source. */
  leakage_sources: Record<LeakageSource, number>;
  /** First non-allow decision on any of its accounts (ISO), or null. */
  first_detection: string | null;
  /** What time_to_detection_s is measured from. */
  detection_reference: 'first_interaction' | 'first_decision' | null;
  reference_ts: string | null;
  time_to_detection_s: number | null;
  /** Accounts whose last decision is `block`. */
  blocked_at_end: number;
  blocked_share: number | null;
}

export interface BenignImpact {
  accounts: number;
  /** Ever given throttle, degrade, challenge or block. */
  restricted: number;
  restricted_share: number | null;
  /** Ever given any action other than allow (flag, watermark or a restrictive one). */
  flagged: number;
  flagged_share: number | null;
}

export interface OnlineReport {
  decisions: number;
  /** Decisions about accounts not in labels (ignored). */
  unknown_accounts: number;
  campaigns: OnlineCampaign[];
  benign: BenignImpact;
  benign_by_group: Record<string, BenignImpact>;
}

export interface EvalReport {
  accounts: AccountReport;
  campaigns: CampaignReport;
  online: OnlineReport | null;
  /** Things worth knowing that did not stop the evaluation. */
  warnings: string[];
}
