/**
 * Schemas of the dashboard API: request validation and the OpenAPI document come from these, and the web app
 * imports their types. Shapes of detection results reuse src/model/results.ts.
 */
import { z } from 'zod';
import { ACTIONS, IndicatorsSchema, VERDICTS } from '../model/results.js';

export const ErrorSchema = z.object({
  error: z.string(),
  issues: z.array(z.object({ path: z.string().describe('JSON path, e.g. $.rules[0].action'), message: z.string() })).optional(),
});

const isoTime = z.string().describe('ISO-8601 time (UTC)');
const day = z.string().describe('UTC day, YYYY-MM-DD');
const score = z.number().min(0).max(1);

/** Analyst decisions on an account or a campaign. */
export const DECISIONS = ['confirm_distillation', 'false_positive', 'needs_evidence'] as const;
export type DecisionKind = (typeof DECISIONS)[number];
export const SUBJECT_KINDS = ['account', 'campaign'] as const;

/** Review status of an account or campaign: its latest decision, or null when undecided. */
export const ReviewStatusSchema = z
  .object({
    decision: z.enum(DECISIONS),
    decision_id: z.number().int(),
    decided_at: isoTime,
    analyst: z.string(),
    /** account: decided on the account itself; campaign: through a decision on its campaign. */
    via: z.enum(SUBJECT_KINDS),
  })
  .nullable();

export const DecisionRecordSchema = z.object({
  decision_id: z.number().int(),
  ts: isoTime,
  analyst: z.string(),
  subject_kind: z.enum(SUBJECT_KINDS),
  subject_id: z.string(),
  decision: z.enum(DECISIONS),
  note: z.string(),
  accounts: z.number().int().describe('accounts the decision labels'),
});
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

export const SignalInfoSchema = z
  .object({ id: z.string(), title: z.string(), rationale: z.string(), falsePositives: z.array(z.string()), level: z.string() })
  .nullable()
  .describe('metadata of the signal (src/signals), null for signals without metadata');

export const SessionSchema = z.object({
  csrf: z.string().describe('send it as the X-Distillguard-CSRF header with every mutation'),
  auth: z.enum(['bearer', 'session', 'open']),
  token_required: z.boolean(),
  version: z.string(),
  store: z.string().describe('file name of the store'),
  analysed: z.boolean().describe('the store holds an analysis (account_results)'),
});

export const DaySchema = z.object({ day, total: z.number(), distillation: z.number(), suspicious: z.number() });

export const CampaignSummarySchema = z.object({
  campaign_id: z.string(),
  score,
  accounts: z.number().int(),
  interactions: z.number(),
  first_seen: isoTime.nullable(),
  last_seen: isoTime.nullable(),
  summary: z.string(),
  top_capability: z.string().nullable(),
  top_model: z.string().nullable(),
  status: ReviewStatusSchema,
});
export type CampaignSummary = z.infer<typeof CampaignSummarySchema>;

export const ShareSchema = z.object({ key: z.string(), accounts: z.number().int(), interactions: z.number(), share: z.number() });

export const OverviewSchema = z.object({
  analysed: z.boolean(),
  totals: z.object({
    interactions: z.number(),
    accounts: z.number().int(),
    flagged_accounts: z.number().int().describe('accounts with verdict distillation'),
    suspicious_accounts: z.number().int(),
    campaigns: z.number().int(),
    first_day: day.nullable(),
    last_day: day.nullable(),
    pending_review: z.number().int(),
  }),
  days: z.array(DaySchema).describe('interactions per day: all, of accounts with verdict distillation, of suspicious accounts'),
  campaigns: z.array(CampaignSummarySchema).describe('ranked by accounts, then score'),
  verdict_share: z.array(ShareSchema).describe('share of traffic (interactions) per verdict'),
  action_share: z.array(ShareSchema).describe('share of traffic per action the current policy would take'),
  policy: z.object({ mode: z.enum(['shadow', 'enforce']), version: z.number().int() }),
});
export type Overview = z.infer<typeof OverviewSchema>;

export const CampaignListSchema = z.object({ campaigns: z.array(CampaignSummarySchema) });

export const EvidenceItemSchema = z.object({
  signal: z.string(),
  detail: z.string(),
  values: z.record(z.string(), z.unknown()).describe('the evidence\u2019s other fields (counts)'),
  meta: SignalInfoSchema,
});

export const CampaignDetailSchema = CampaignSummarySchema.extend({
  capabilities: z.record(z.string(), z.number()),
  models: z.record(z.string(), z.number()),
  indicators: IndicatorsSchema,
  evidence: z.array(EvidenceItemSchema),
  days: z.array(z.object({ day, interactions: z.number() })),
  verdicts: z.record(z.string(), z.number().int()).describe('member accounts per verdict'),
  reviewed: z.record(z.string(), z.number().int()).describe('member accounts per current review decision (undecided included)'),
  history: z.array(DecisionRecordSchema),
});
export type CampaignDetail = z.infer<typeof CampaignDetailSchema>;

export const ACCOUNT_SORTS = ['score', 'interactions', 'distillation_share', 'first_seen', 'last_seen', 'account_id', 'verdict'] as const;
export const REVIEW_FILTERS = ['any', 'undecided', ...DECISIONS] as const;

export const AccountsQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  sort: z.enum(ACCOUNT_SORTS).default('score'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  q: z.string().max(200).optional().describe('account id contains this text'),
  verdict: z.enum(VERDICTS).optional(),
  min_score: z.coerce.number().min(0).max(1).optional(),
  review: z.enum(REVIEW_FILTERS).default('any'),
});

export const AccountRowSchema = z.object({
  account_id: z.string(),
  score,
  verdict: z.enum(VERDICTS),
  interactions: z.number(),
  distillation_share: z.number(),
  first_seen: isoTime.nullable(),
  last_seen: isoTime.nullable(),
  tier: z.string().nullable(),
  verified: z.boolean().nullable(),
  country: z.string().nullable(),
  email_domain: z.string().nullable(),
  review: z.enum(DECISIONS).nullable(),
});
export type AccountRow = z.infer<typeof AccountRowSchema>;

export const AccountsPageSchema = z.object({
  total: z.number().int().describe('rows matching the filters'),
  offset: z.number().int(),
  limit: z.number().int(),
  sort: z.enum(ACCOUNT_SORTS),
  dir: z.enum(['asc', 'desc']),
  rows: z.array(AccountRowSchema),
});
export type AccountsPage = z.infer<typeof AccountsPageSchema>;

export const GraphSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.string(),
      score: z.number().nullable(),
      verdict: z.string().nullable(),
      member: z.boolean().describe('a member of this campaign (false: a linked account outside it)'),
      campaign_id: z.string().nullable(),
    }),
  ),
  edges: z.array(z.object({ source: z.string(), target: z.string(), kinds: z.array(z.string()), weight: z.number() })),
  members: z.number().int().describe('member accounts in the campaign'),
  truncated: z.boolean().describe('members or edges were left out to keep the graph readable'),
  kinds: z.record(z.string(), z.string()).describe('link kind -> what it means'),
});
export type Graph = z.infer<typeof GraphSchema>;

export const ReasonSchema = z.object({ signal: z.string(), contribution: z.number(), detail: z.string(), meta: SignalInfoSchema });

export const LinkedAccountSchema = z.object({
  account_id: z.string(),
  weight: z.number(),
  kinds: z.array(z.object({ kind: z.string(), weight: z.number(), keys: z.number(), why: z.string() })),
  verdict: z.string().nullable(),
  score: z.number().nullable(),
  campaign_id: z.string().nullable(),
});

export const PromptSampleSchema = z.object({
  id: z.string(),
  ts: isoTime,
  model: z.string().nullable(),
  capability: z.string().nullable(),
  prompt: z.string().nullable().describe('plain text (render as text, never as HTML); redacted unless reveal=true'),
  prompt_chars: z.number().nullable(),
});


export const AccountDetailSchema = z.object({
  account_id: z.string(),
  result: z
    .object({
      score,
      verdict: z.enum(VERDICTS),
      campaign_id: z.string().nullable(),
      interactions: z.number(),
      distillation_share: z.number(),
      first_seen: isoTime.nullable(),
      last_seen: isoTime.nullable(),
    })
    .nullable()
    .describe('the latest analysis of this account (null if it was not analysed)'),
  reasons: z.array(ReasonSchema),
  profile: z.object({
    tier: z.string().nullable(),
    verified: z.boolean().nullable(),
    email_domain: z.string().nullable(),
    country: z.string().nullable(),
    org_id: z.string().nullable(),
    created_at: isoTime.nullable(),
    top_ip: z.string().nullable(),
    ips: z.number().int(),
  }),
  days: z.array(z.object({ day, interactions: z.number(), tokens: z.number() })),
  prompts: z.object({ redacted: z.boolean(), items: z.array(PromptSampleSchema) }),
  links: z.array(LinkedAccountSchema),
  review: ReviewStatusSchema,
  history: z.array(DecisionRecordSchema),
  lists: z.object({ allow: z.boolean(), deny: z.boolean() }),
});
export type AccountDetail = z.infer<typeof AccountDetailSchema>;

export const QUEUE_KINDS = ['all', 'campaign', 'suspicious', 'lone_distillation', 'needs_evidence'] as const;
export const QueueQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  kind: z.enum(QUEUE_KINDS).default('all'),
});

export const QueueItemSchema = z.object({
  subject_kind: z.enum(SUBJECT_KINDS),
  subject_id: z.string(),
  why: z.enum(['campaign', 'suspicious', 'lone_distillation', 'needs_evidence']),
  score: score,
  verdict: z.string().nullable(),
  campaign_id: z.string().nullable(),
  accounts: z.number().int(),
  interactions: z.number(),
  top_reason: z.string().nullable(),
});
export const QueueSchema = z.object({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), rows: z.array(QueueItemSchema) });
export type Queue = z.infer<typeof QueueSchema>;

export const AnalystSchema = z.string().trim().min(1).max(64).refine((s) => !/\p{Cc}/u.test(s), 'no control characters').default('analyst');

export const DecisionRequestSchema = z.object({
  subject_kind: z.enum(SUBJECT_KINDS),
  subject_id: z.string().min(1).max(256),
  decision: z.enum(DECISIONS),
  note: z.string().max(4000).default(''),
  analyst: AnalystSchema,
});
export const DecisionResponseSchema = z.object({ decision: DecisionRecordSchema, audit_seq: z.number().int() });

export const AuditQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  subject_id: z.string().max(256).optional(),
});
export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  ts: isoTime,
  actor: z.string(),
  action: z.string().describe('decision, list.add, list.remove, policy.update, prompts.reveal'),
  subject_kind: z.string().nullable(),
  subject_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string().describe('SHA-256 over the previous entry\u2019s hash and this entry'),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditSchema = z.object({
  total: z.number().int(),
  rows: z.array(AuditEntrySchema),
  chain: z.object({ ok: z.boolean(), entries: z.number().int(), broken_at: z.number().int().nullable() }),
});

/** One line of the labels export: exactly what `distillguard train --labels` reads (src/cli/commands/analyze.ts). */
export const LabelLineSchema = z.object({
  account_id: z.string(),
  label: z.enum(['distillation', 'benign']),
  campaign_id: z.string().nullable().describe('the account\u2019s campaign when decided (informative; train reads label)'),
  decision_id: z.number().int(),
  decided_at: isoTime,
});
export type LabelLine = z.infer<typeof LabelLineSchema>;

export const LIST_KINDS = ['accounts', 'orgs', 'keys', 'ips'] as const;
export const ListsSchema = z.object({
  allow: z.record(z.enum(LIST_KINDS), z.array(z.string())),
  deny: z.record(z.enum(LIST_KINDS), z.array(z.string())),
});
export const ListChangeSchema = z.object({
  list: z.enum(['allow', 'deny']),
  kind: z.enum(LIST_KINDS),
  value: z.string().trim().min(1).max(256),
  note: z.string().max(4000).default(''),
  analyst: AnalystSchema,
});

export const PolicyVersionSchema = z.object({ version: z.number().int(), ts: isoTime, actor: z.string(), note: z.string() });
export const PolicyViewSchema = z.object({
  mode: z.enum(['shadow', 'enforce']),
  source: z.enum(['file', 'store', 'default']).describe('where the current policy came from'),
  file: z.string().nullable(),
  version: z.number().int().describe('0: not edited in the dashboard yet'),
  policy: z.unknown().describe('the policy JSON as written (docs/gateway.md)'),
  versions: z.array(PolicyVersionSchema),
});
export const PolicyUpdateSchema = z.object({ policy: z.unknown(), note: z.string().max(4000).default(''), analyst: AnalystSchema });
export const PolicyValidationSchema = z.object({ valid: z.boolean(), issues: z.array(z.object({ path: z.string(), message: z.string() })) });

export const SimulationQuerySchema = z.object({
  window_days: z.coerce.number().int().min(1).max(3660).default(7).describe('days up to the last day in the store'),
});
export const SimulationRequestSchema = z.object({ policy: z.unknown(), window_days: z.number().int().min(1).max(3660).default(7) });

export const RuleOutcomeSchema = z.object({
  rule: z.string().describe('rule name, or deny-list, allow-list, default'),
  action: z.enum(ACTIONS),
  decided_accounts: z.number().int().describe('accounts this rule would decide (first match wins)'),
  decided_interactions: z.number(),
  matched_accounts: z.number().int().describe('accounts its condition matches, whatever the rules before it'),
  by_verdict: z.record(z.string(), z.number().int()).describe('decided accounts per verdict'),
  confirmed_benign: z.number().int().describe('decided accounts an analyst marked false positive'),
});
export const SimulationSchema = z.object({
  window: z.object({ from: day.nullable(), to: day.nullable(), days: z.number().int() }),
  mode: z.enum(['shadow', 'enforce']),
  accounts: z.number().int(),
  interactions: z.number(),
  rules: z.array(RuleOutcomeSchema),
  actions: z.array(ShareSchema),
});
export type Simulation = z.infer<typeof SimulationSchema>;

export const SignalsSchema = z.object({ signals: z.array(SignalInfoSchema.unwrap()) });
