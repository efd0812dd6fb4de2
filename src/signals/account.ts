/**
 * Metadata of the account-level and coordination signals (their SQL is in src/detect/features.ts and
 * src/detect/graph.ts), and which model features belong to which signal, so reasons can name their signal.
 */
import type { SignalMeta } from './types.js';
import { INTEL_META } from './intel.js';

export const USAGE_META: SignalMeta = {
  id: 'account.usage_shape',
  title: 'Usage shape: volume, single-turn share, saturation of output and thinking budgets, tools, timing',
  rationale:
    'Harvesting scripts send many single-turn requests that ask for the longest outputs and the largest thinking budgets, ' +
    'often with tool definitions to collect agent traces, and run around the clock at a steady pace under the rate limits; ' +
    'people and products keep hours, hold conversations, and rarely max out every budget.',
  falsePositives: [
    'Evaluation runs: single-turn, "think step by step", high rate for hours (few accounts, benchmark content, no farmed accounts or shared infrastructure).',
    'Batch jobs of paying customers (synthetic data at modest volume, verified paid accounts).',
    'Coding agents sending tool definitions with every call (the coordination signals, not tools alone, separate them).',
  ],
  references: ['https://arxiv.org/abs/2306.02707 (harvesting explanation traces)', 'Public 2026 provider reports of industrial-scale distillation campaigns (summarised in README.md)'],
  level: 'account',
};

export const PIVOT_META: SignalMeta = {
  id: 'account.model_pivot',
  title: 'Pivot to a newly released model',
  rationale:
    'An operator harvesting the strongest model moves its traffic to a new release within a day; ordinary users and products adopt new models gradually.',
  falsePositives: ['Early adopters and products that switch models on release day (one account or one org, no farmed accounts).'],
  references: ['Public 2026 provider reports (one operator moved half its traffic to a new model within 24 hours of release)'],
  level: 'account',
};

export const METADATA_META: SignalMeta = {
  id: 'account.metadata',
  title: 'Account metadata: age, tier, verification, e-mail domains, payment, sign-up bursts',
  rationale:
    'Farmed accounts are new when they start, sit on free, education, startup or trial tiers, are unverified, come from e-mail ' +
    'domains used mostly by other new accounts, share payment fingerprints, and are created in bursts from the same network.',
  falsePositives: [
    'A class signing up within an hour from one campus network on the education tier (ordinary usage afterwards).',
    'An enterprise with hundreds of seats on one payment method (enterprise tier, verified, one organisation).',
  ],
  references: ['Cao et al., Uncovering large groups of active malicious accounts in online social networks (SynchroTrap), ACM CCS 2014'],
  level: 'account',
};

export const INFRA_META: SignalMeta = {
  id: 'account.infrastructure',
  title: 'Infrastructure: IPs, networks, ASNs and user agents, weighted by rarity',
  rationale:
    'Operators rotate residential-proxy addresses and reuse small pools across their accounts. A key shared by few accounts, ' +
    'mostly new ones, is strong evidence; a busy corporate NAT or a popular client is weak.',
  falsePositives: ['Corporate NATs, campus networks and mobile carriers (many accounts, established, one organisation).'],
  references: ['Cao et al., Uncovering large groups of active malicious accounts in online social networks (SynchroTrap), ACM CCS 2014'],
  level: 'account',
};

export const COORDINATION_META: SignalMeta = {
  id: 'coordination.graph',
  title: 'Coordination: accounts linked by wrappers on the same days, rare IPs, payment and sign-up bursts',
  rationale:
    'Accounts that each look clean are tied together by what their operator cannot avoid sharing: the same prompt wrappers ' +
    'in the same time buckets (synchronised activity), small IP pools, payment methods, sign-up bursts. Communities of the ' +
    'linked graph (Louvain, over each account\'s 16 strongest links so that the graph grows with accounts) whose combined ' +
    'evidence passes the bar are campaigns; a member inherits its community\'s evidence.',
  falsePositives: [
    'Users of one coding agent share its system prompt and tools (system prompts do not link accounts; their own prompts differ).',
    'Enterprise seats share a NAT and a payment method (the community is one verified organisation with ordinary usage).',
  ],
  references: [
    'Cao et al., Uncovering large groups of active malicious accounts in online social networks (SynchroTrap), ACM CCS 2014',
    'https://arxiv.org/abs/0803.0476 (Louvain community detection)',
  ],
  level: 'cluster',
};

export const ACCOUNT_SIGNAL_META: readonly SignalMeta[] = [USAGE_META, PIVOT_META, METADATA_META, INFRA_META, COORDINATION_META, INTEL_META];

/** The signal each model feature belongs to. */
export const FEATURE_SIGNAL: Record<string, string> = {
  log_interactions: USAGE_META.id,
  log_per_active_day: USAGE_META.id,
  log_peak_hour: USAGE_META.id,
  single_turn_share: USAGE_META.id,
  reasoning_share: USAGE_META.id,
  budget_saturation: USAGE_META.id,
  max_tokens_saturation: USAGE_META.id,
  tools_share: USAGE_META.id,
  hour_entropy: USAGE_META.id,
  gap_cv: USAGE_META.id,
  cot_share: 'text.cot_elicitation',
  rubric_share: 'text.rubric_grading',
  high_value_share: 'text.capability',
  capability_entropy: 'text.capability',
  top_capability_share: 'text.capability',
  shared_template_share: 'text.template',
  top_template_share: 'text.template',
  template_accounts_log: 'text.template',
  lang_count: 'text.language',
  pivot_share: PIVOT_META.id,
  age_days_log: METADATA_META.id,
  age_unknown: METADATA_META.id,
  farm_tier: METADATA_META.id,
  unverified: METADATA_META.id,
  email_domain_new_share: METADATA_META.id,
  payment_shared_log: METADATA_META.id,
  signup_burst_log: METADATA_META.id,
  ips_per_interaction: INFRA_META.id,
  ip_shared_share: INFRA_META.id,
  ip_pool_new_share: INFRA_META.id,
  asn_count_log: INFRA_META.id,
  ua_shared_new_share: INFRA_META.id,
  org_size_log: METADATA_META.id,
  comm_size_log: COORDINATION_META.id,
  comm_mean_p1: COORDINATION_META.id,
  nb_mean_p1: COORDINATION_META.id,
  link_template_log: COORDINATION_META.id,
  link_ip_log: COORDINATION_META.id,
  link_payment_log: COORDINATION_META.id,
  link_signup_log: COORDINATION_META.id,
};
