/**
 * Enforcement policy: a declarative JSON file, validated with zod, compiled once into lookup sets, and a pure
 * `decide()` that maps (verdict, identity) to an action.
 *
 * Order of evaluation: deny lists (-> block), allow lists (-> allow), then `rules` in order (first match wins),
 * then `default` (allow unless set). `mode: 'shadow'` (the default) decides and logs but enforces nothing; the
 * gateway applies that, `decide()` only reports. See docs/gateway.md for the format with an example.
 */
import { CidrSet, parseCidr, parseIp } from './cidr.js';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ACTIONS, type Action, type Reason } from '../model/results.js';
import { DEFAULT_MAX_CHANGE_RATE } from '../provenance/watermark.js';
import type { AccountVerdict } from './verdicts.js';
import type { Identity } from './identity.js';

/** An IP address or CIDR block (v4 or v6). */
const IpOrCidr = z.string().refine((s) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s) && parseCidr(s) !== null, {
  message: 'not an IP address or CIDR block (e.g. 203.0.113.7 or 203.0.113.0/24)',
});

/** Account, org, API-key-id and IP lists. API keys are named by their logged id (`k_` + 16 hex). */
export const ListSchema = z.strictObject({
  accounts: z.array(z.string().min(1)).default([]),
  orgs: z.array(z.string().min(1)).default([]),
  keys: z.array(z.string().regex(/^k_[0-9a-f]{16}$/, 'API key ids look like k_ + 16 hex characters (see the gateway log)')).default([]),
  ips: z.array(IpOrCidr).default([]),
});
export type PolicyList = z.infer<typeof ListSchema>;

const Budget = z.strictObject({
  requests: z.number().int().positive().optional(),
  tokens: z.number().int().positive().optional(),
});

export const ThrottleSchema = z.strictObject({
  /** Fixed window length in seconds. */
  window_s: z.number().int().positive().max(86_400).default(60),
  /** Budget per account. */
  account: Budget.optional(),
  /** Budget shared by all accounts of the same campaign cluster (accounts without a campaign use only theirs). */
  campaign: Budget.optional(),
});
export type ThrottleParams = z.infer<typeof ThrottleSchema>;

export const DegradeSchema = z.strictObject({
  /** Cap on max_tokens / max_completion_tokens / max_output_tokens. */
  max_tokens: z.number().int().positive().default(1024),
  /** Cap on Anthropic thinking.budget_tokens (the API's minimum, 1024, is kept). */
  thinking_budget: z.number().int().min(1024).default(1024),
  /** OpenAI reasoning effort set on degraded requests (null leaves it). */
  reasoning_effort: z.enum(['minimal', 'low', 'medium']).nullable().default('low'),
  /** Withhold reasoning text from responses (thinking sealed, reasoning content and summaries dropped). */
  strip_reasoning: z.boolean().default(true),
});
export type DegradeParams = z.infer<typeof DegradeSchema>;

export const ChallengeSchema = z.strictObject({
  /** Where the caller verifies; quoted in the error message. */
  url: z.string().min(1).default('https://example.com/verify'),
  message: z.string().min(1).optional(),
});
export type ChallengeParams = z.infer<typeof ChallengeSchema>;

export const WatermarkSchema = z.strictObject({
  /**
   * Most words changed / prose words in each text (the watermarker's budget, enforced as the text goes). Lower
   * is less visible and leaves more sites unmarked (more outputs are needed to verify).
   */
  max_change_rate: z.number().gt(0).max(1).default(DEFAULT_MAX_CHANGE_RATE),
  /**
   * Serve token logprobs when the caller asks for them. Off by default: logprobs list the tokens upstream
   * generated, i.e. the unmarked wording, so a caller could read the text back without the mark.
   */
  keep_logprobs: z.boolean().default(false),
});
export type WatermarkParams = z.infer<typeof WatermarkSchema>;

const VerdictName = z.enum(['distillation', 'suspicious', 'benign', 'unknown']);

export const ConditionSchema = z.strictObject({
  score_gte: z.number().min(0).max(1).optional(),
  score_lt: z.number().min(0).max(1).optional(),
  /** Verdict in this list; `unknown` matches accounts the verdict source has no verdict for. */
  verdict: z.array(VerdictName).min(1).optional(),
  /** true: in any campaign; false: in none; a list: in one of these campaigns. */
  campaign: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).optional(),
  /** Name of a list in `lists`: the account, org, key or IP is on it. */
  list: z.string().min(1).optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

export const RuleSchema = z.strictObject({
  name: z.string().min(1).optional(),
  when: ConditionSchema.default({}),
  action: z.enum(ACTIONS),
  throttle: ThrottleSchema.optional(),
  degrade: DegradeSchema.optional(),
  challenge: ChallengeSchema.optional(),
  watermark: WatermarkSchema.optional(),
  /** Text for block / challenge errors. */
  message: z.string().min(1).optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

export const PolicySchema = z
  .strictObject({
    /** shadow: decide and log, enforce nothing. enforce: apply the actions. */
    mode: z.enum(['shadow', 'enforce']).default('shadow'),
    allow: ListSchema.optional(),
    deny: ListSchema.optional(),
    lists: z.record(z.string().min(1), ListSchema).default({}),
    rules: z.array(RuleSchema).default([]),
    default: z.enum(ACTIONS).default('allow'),
  })
  .superRefine((p, ctx) => {
    p.rules.forEach((r, i) => {
      if (r.when.list !== undefined && !(r.when.list in p.lists)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'when', 'list'], message: `no list named "${r.when.list}" in lists` });
      }
      if (r.action === 'throttle' && r.throttle?.account === undefined && r.throttle?.campaign === undefined) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'throttle'], message: 'a throttle rule needs throttle.account and/or throttle.campaign budgets' });
      }
    });
  });
export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

/**
 * Where a policy can decide `watermark`: the JSON paths of its watermark rules (and `$.default` when that is
 * watermark). A gateway serving such a policy needs a watermark key.
 */
export function watermarkUses(p: Policy): string[] {
  const out: string[] = [];
  p.rules.forEach((r, i) => {
    if (r.action === 'watermark') out.push(`$.rules[${i}]${r.name !== undefined ? ` ("${r.name}")` : ''}`);
  });
  if (p.default === 'watermark') out.push('$.default');
  return out;
}

/** A JSON path for a zod issue path: `$.rules[2].throttle.window_s`. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let s = '$';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : /^[A-Za-z_][\w]*$/.test(String(k)) ? `.${String(k)}` : `[${JSON.stringify(String(k))}]`;
  return s;
}

/** Validates a policy object; throws an Error listing each problem with its JSON path. */
export function parsePolicy(value: unknown, name = 'policy'): Policy {
  const r = PolicySchema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 8).map((i) => `  ${jsonPath(i.path)}: ${i.message}`);
  if (r.error.issues.length > 8) lines.push(`  and ${r.error.issues.length - 8} more`);
  throw new Error(`${name}: invalid policy:\n${lines.join('\n')}`);
}

/** Reads and validates a policy file (JSON; comments allowed). */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read policy: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(stripComments(text));
  } catch (err) {
    throw new Error(`${path}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  return parsePolicy(value, path);
}

/** Removes `//` line comments and `/* *\/` block comments outside strings (policy files may be commented). */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * The default for a new deployment: shadow mode, and rules that would block confirmed distillation, degrade
 * suspicious accounts and throttle campaign clusters — logged, not enforced, until `mode` is set to enforce.
 */
export const DEFAULT_POLICY: Policy = parsePolicy({
  mode: 'shadow',
  rules: [
    { name: 'block-confirmed', when: { verdict: ['distillation'] }, action: 'block' },
    { name: 'throttle-campaigns', when: { campaign: true, score_gte: 0.5 }, action: 'throttle', throttle: { window_s: 60, account: { requests: 30, tokens: 60_000 }, campaign: { requests: 120, tokens: 240_000 } } },
    { name: 'degrade-suspicious', when: { verdict: ['distillation', 'suspicious'] }, action: 'degrade' },
  ],
});

/** A list compiled to sets and an IP block list. */
interface CompiledList {
  accounts: Set<string>;
  orgs: Set<string>;
  keys: Set<string>;
  ips: CidrSet | null;
  empty: boolean;
}

export interface CompiledPolicy {
  policy: Policy;
  allow: CompiledList | null;
  deny: CompiledList | null;
  lists: Map<string, CompiledList>;
  rules: { rule: Rule; name: string; campaigns: Set<string> | null }[];
}

function compileList(l: PolicyList): CompiledList {
  let ips: CidrSet | null = null;
  for (const s of l.ips) (ips ??= new CidrSet()).add(s);
  const empty = l.accounts.length + l.orgs.length + l.keys.length + l.ips.length === 0;
  return { accounts: new Set(l.accounts), orgs: new Set(l.orgs), keys: new Set(l.keys), ips, empty };
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  const lists = new Map<string, CompiledList>();
  for (const [name, l] of Object.entries(policy.lists)) lists.set(name, compileList(l));
  return {
    policy,
    allow: policy.allow ? compileList(policy.allow) : null,
    deny: policy.deny ? compileList(policy.deny) : null,
    lists,
    rules: policy.rules.map((rule, i) => ({
      rule,
      name: rule.name ?? `rules[${i}]`,
      campaigns: Array.isArray(rule.when.campaign) ? new Set(rule.when.campaign) : null,
    })),
  };
}

/** What on the list matched the identity, or null. */
function onList(l: CompiledList | null | undefined, id: Identity, ip: IpMemo): string | null {
  if (!l || l.empty) return null;
  if (l.accounts.has(id.account_id)) return `account ${id.account_id}`;
  if (id.org_id !== null && l.orgs.has(id.org_id)) return `org ${id.org_id}`;
  if (id.api_key_id !== null && l.keys.has(id.api_key_id)) return `key ${id.api_key_id}`;
  if (l.ips !== null && id.ip !== null) {
    if (ip.words === undefined) ip.words = cachedIp(id.ip);
    if (ip.words !== null && l.ips.has(ip.words)) return `ip ${id.ip}`;
  }
  return null;
}

/** Parsed caller IPs: the same clients call again and again. Bounded; cleared when full. */
const ipCache = new Map<string, Uint16Array | null>();
function cachedIp(s: string): Uint16Array | null {
  let w = ipCache.get(s);
  if (w === undefined) {
    if (ipCache.size >= 50_000) ipCache.clear();
    w = parseIp(s);
    ipCache.set(s, w);
  }
  return w;
}

/** The caller's IP, parsed at most once per decision. */
interface IpMemo {
  words: Uint16Array | null | undefined;
}

export interface Decision {
  action: Action;
  /** Rule name, or `deny-list`, `allow-list`, `default`. */
  rule: string;
  /** The matched rule (for throttle/degrade/challenge parameters), or null. */
  params: Rule | null;
  reasons: Reason[];
}

const compiledCache = new WeakMap<Policy, CompiledPolicy>();

function matches(c: CompiledPolicy, r: CompiledPolicy['rules'][number], v: AccountVerdict | undefined, id: Identity, ip: IpMemo): boolean {
  const w = r.rule.when;
  if (w.score_gte !== undefined && (v === undefined || v.score < w.score_gte)) return false;
  if (w.score_lt !== undefined && (v === undefined || v.score >= w.score_lt)) return false;
  if (w.verdict !== undefined && !w.verdict.includes(v?.verdict ?? 'unknown')) return false;
  if (w.campaign !== undefined) {
    const camp = v?.campaign_id ?? null;
    if (w.campaign === true && camp === null) return false;
    if (w.campaign === false && camp !== null) return false;
    if (r.campaigns !== null && (camp === null || !r.campaigns.has(camp))) return false;
  }
  if (w.list !== undefined && onList(c.lists.get(w.list), id, ip) === null) return false;
  return true;
}

/** Why a rule matched, for logs and decisions.jsonl. */
function ruleReasons(name: string, v: AccountVerdict | undefined): Reason[] {
  const own: Reason = {
    signal: 'policy',
    contribution: 0,
    detail: v === undefined ? `rule ${name}: no verdict for this account` : `rule ${name}: verdict ${v.verdict}, score ${v.score.toFixed(2)}${v.campaign_id ? `, campaign ${v.campaign_id}` : ''}`,
  };
  return v === undefined ? [own] : [own, ...v.reasons.slice(0, 3)];
}

/**
 * The action for a caller. Pure: the same inputs give the same decision; no I/O, no clock. O(rules).
 * Accepts a compiled policy (fastest) or a parsed one (compiled once and cached).
 */
export function decide(policy: CompiledPolicy | Policy, verdict: AccountVerdict | undefined, identity: Identity): Decision {
  let c: CompiledPolicy;
  if ('rules' in policy && 'mode' in policy) {
    const p = policy as Policy;
    c = compiledCache.get(p) ?? compiledCache.set(p, compilePolicy(p)).get(p)!;
  } else c = policy as CompiledPolicy;
  const ip: IpMemo = { words: undefined };
  const denied = onList(c.deny, identity, ip);
  if (denied !== null) return { action: 'block', rule: 'deny-list', params: null, reasons: [{ signal: 'deny-list', contribution: 0, detail: `${denied} is on the deny list` }] };
  const allowed = onList(c.allow, identity, ip);
  if (allowed !== null) return { action: 'allow', rule: 'allow-list', params: null, reasons: [{ signal: 'allow-list', contribution: 0, detail: `${allowed} is on the allow list` }] };
  for (const r of c.rules) {
    if (matches(c, r, verdict, identity, ip)) return { action: r.rule.action, rule: r.name, params: r.rule, reasons: ruleReasons(r.name, verdict) };
  }
  return { action: c.policy.default, rule: 'default', params: null, reasons: [] };
}
