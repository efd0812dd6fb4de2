/**
 * Ground-truth labels written by the simulator and read by the evaluation harness.
 * Formats are described in docs/formats.md.
 */
import { z } from 'zod';
import { CAPABILITIES } from './capabilities.js';

/** Look-alike groups: legitimate traffic that resembles distillation in one respect or another. */
export const LOOKALIKE_GROUPS = [
  'coding_agent', // thousands of users of one coding agent: same long system prompt and tool definitions
  'enterprise_nat', // hundreds of seats behind one NAT address and one payment method
  'class_signup', // a class signing up within an hour from one campus network, education tier
  'eval_runs', // benchmark questions, single-turn, "think step by step", high rate for hours
  'synthetic_data', // customers generating synthetic data at modest volume
  'multilingual_chat', // ordinary multi-turn chat in many languages, diurnal timing
] as const;
export type LookalikeGroup = (typeof LOOKALIKE_GROUPS)[number];

export const ROLES = ['attacker', 'proxy_mixed', 'benign'] as const;

/** One line of labels.jsonl: one per account. */
export const AccountLabelSchema = z.object({
  account_id: z.string(),
  /** The true campaign, or null for a benign account. */
  campaign_id: z.string().nullable(),
  /** attacker: only distillation traffic; proxy_mixed: a resold account mixing attack and genuine traffic; benign. */
  role: z.enum(ROLES),
  /** For benign accounts, the look-alike group if any ('ordinary' otherwise). */
  group: z.string(),
  /** Interactions of this account in the data set. */
  interactions: z.number().int().nonnegative(),
  /** How many of them were distillation (all for attacker, none for benign). */
  distillation_interactions: z.number().int().nonnegative(),
  /** For proxy_mixed accounts only: ids of the interactions that were distillation. */
  distillation_ids: z.array(z.string()).optional(),
});
export type AccountLabel = z.infer<typeof AccountLabelSchema>;

/** One element of campaigns_truth.json: what each true campaign was. */
export const CampaignTruthSchema = z.object({
  campaign_id: z.string(),
  operator: z.string(),
  description: z.string(),
  accounts: z.number().int().nonnegative(),
  interactions: z.number().int().nonnegative(),
  first_seen: z.string(),
  last_seen: z.string(),
  /** Share of the campaign's interactions per capability; shares sum to 1. */
  capabilities: z.partialRecord(z.enum(CAPABILITIES), z.number().min(0).max(1)),
  models: z.record(z.string(), z.number().min(0).max(1)),
  behaviours: z.array(z.string()),
});
export type CampaignTruth = z.infer<typeof CampaignTruthSchema>;
