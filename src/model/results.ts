/**
 * Detection outputs: what the batch detector writes into a results folder (`accounts.jsonl`,
 * `campaigns.json`) and what a streaming replay or the gateway writes as it acts (`decisions.jsonl`).
 * The evaluation harness (src/eval) reads them against the ground truth of labels.ts.
 * Formats, field by field, are described in docs/formats.md.
 *
 * Objects are parsed with `z.object`: unknown extra fields are accepted and dropped, so that writers may
 * add fields without breaking older readers; every listed field is checked exactly.
 */
import { z } from 'zod';
import { CAPABILITIES } from './capabilities.js';

/** ISO-8601 date-time with a zone (`Z` or `±hh:mm`), e.g. `2025-03-01T12:00:00Z`. */
export const IsoTimeSchema = z.iso.datetime({ offset: true });

/** A score or a share: a finite number in [0, 1]. */
const unit = z.number().min(0).max(1);

/** Verdicts of the batch detector, strongest first. */
export const VERDICTS = ['distillation', 'suspicious', 'benign'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One reason behind a score: a signal, how much it added, and a human-readable detail. */
export const ReasonSchema = z.object({
  signal: z.string().min(1),
  contribution: z.number().finite(),
  detail: z.string(),
});
export type Reason = z.infer<typeof ReasonSchema>;

/** One line of `accounts.jsonl` in a results folder: the detector's verdict on one account. */
export const AccountResultSchema = z.object({
  account_id: z.string().min(1),
  score: unit,
  verdict: z.enum(VERDICTS),
  /** The found campaign this account was put in, or null. */
  campaign_id: z.string().min(1).nullable(),
  /** Interactions of this account in the data analysed. */
  interactions: z.number().int().nonnegative(),
  /** Estimated share of this account's interactions that are distillation (1 for a pure attacker). */
  distillation_share: unit,
  first_seen: IsoTimeSchema,
  last_seen: IsoTimeSchema,
  /** Reasons, strongest contribution first. */
  reasons: z.array(ReasonSchema),
});
export type AccountResult = z.infer<typeof AccountResultSchema>;

/** Infrastructure and content indicators shared by a campaign's accounts (arrays may be empty). */
export const IndicatorsSchema = z.object({
  ips: z.array(z.string()),
  cidrs: z.array(z.string()),
  asns: z.array(z.number().int().nonnegative()),
  payment_fingerprints: z.array(z.string()),
  email_domains: z.array(z.string()),
  system_prompt_hashes: z.array(z.string()),
  template_fingerprints: z.array(z.string()),
});
export type Indicators = z.infer<typeof IndicatorsSchema>;

/** One piece of evidence for a campaign: at least a signal and a detail; other fields are kept. */
export const EvidenceSchema = z.looseObject({
  signal: z.string().min(1),
  detail: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** One element of `campaigns.json`: a campaign the detector found. */
export const CampaignResultSchema = z.object({
  campaign_id: z.string().min(1),
  score: unit,
  /** Number of accounts; equals account_ids.length. */
  accounts: z.number().int().nonnegative(),
  account_ids: z.array(z.string().min(1)),
  /**
   * Estimated distillation interactions of the campaign: the sum over its accounts of
   * interactions × distillation_share (so a mixed proxy account counts only its distillation part).
   */
  interactions: z.number().nonnegative(),
  first_seen: IsoTimeSchema,
  last_seen: IsoTimeSchema,
  /** Share of the campaign's distillation interactions per capability (shares sum to about 1). */
  capabilities: z.partialRecord(z.enum(CAPABILITIES), unit),
  /** Share of the campaign's distillation interactions per model. */
  models: z.record(z.string(), unit),
  indicators: IndicatorsSchema,
  summary: z.string(),
  evidence: z.array(EvidenceSchema),
});
export type CampaignResult = z.infer<typeof CampaignResultSchema>;

/** The whole of `campaigns.json`. */
export const CampaignResultsSchema = z.array(CampaignResultSchema);

/** Enforcement actions, from none to the strongest. `watermark` marks outputs without hindering the caller. */
export const ACTIONS = ['allow', 'flag', 'watermark', 'throttle', 'degrade', 'challenge', 'block'] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that hinder the caller (a benign account receiving one of them is harmed). */
export const RESTRICTIVE_ACTIONS: ReadonlySet<Action> = new Set<Action>(['throttle', 'degrade', 'challenge', 'block']);

/** One line of `decisions.jsonl`: written whenever an account's action changes. */
export const DecisionSchema = z.object({
  ts: IsoTimeSchema,
  account_id: z.string().min(1),
  action: z.enum(ACTIONS),
  score: unit,
  campaign_id: z.string().min(1).nullable(),
  reasons: z.array(ReasonSchema),
  /** Optional: interactions of this account served before this decision took effect. */
  served_before: z.number().int().nonnegative().optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** Names of the files in a results folder. */
export const RESULT_FILES = {
  accounts: 'accounts.jsonl',
  campaigns: 'campaigns.json',
  decisions: 'decisions.jsonl',
  eval: 'eval.json',
} as const;
