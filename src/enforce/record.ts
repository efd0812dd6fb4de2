/**
 * The canonical interaction record the gateway logs for each call (the shape `distillguard ingest` reads and
 * `normalize()` takes), and token usage read from provider response bodies.
 */
import { isIP } from 'node:net';
import type { RouteApi } from './degrade.js';
import type { Identity } from './identity.js';
import type { WatermarkNote } from './watermark.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** Input and output tokens reported by a (non-streamed or rebuilt) response body, or null when none. */
export function usageOf(api: RouteApi, body: unknown): { input: number; output: number } | null {
  if (!isObj(body) || !isObj(body.usage)) return null;
  const u = body.usage;
  if (api === 'anthropic.messages') return { input: n(u.input_tokens) + n(u.cache_creation_input_tokens) + n(u.cache_read_input_tokens), output: n(u.output_tokens) };
  if (api === 'openai.chat') return { input: n(u.prompt_tokens), output: n(u.completion_tokens) };
  return { input: n(u.input_tokens), output: n(u.output_tokens) };
}

/** The policy decision attached to a record (extra field: ingest keeps the canonical fields, ignores this). */
export interface DecisionNote {
  action: string;
  rule: string;
  mode: 'shadow' | 'enforce';
  /** Whether the action was applied (enforce mode, and an action that changes anything). */
  enforced: boolean;
  score: number | null;
  campaign_id: string | null;
  /** Request fields degrade changed; reasoning parts withheld from the response. */
  changed?: string[];
  withheld?: number;
  /** The watermark action in enforce mode: key id and figures of the mark (or why the response went unmarked). */
  watermark?: WatermarkNote;
  /** Budget outcome of a throttle decision (also computed in shadow mode: what would have happened). */
  budget?: string;
  /** Why the gateway ended the call itself (client_closed, upstream_timeout, ...). */
  error?: string;
}

export interface RecordParts {
  id: string;
  ts: number;
  identity: Identity | null;
  userAgent: string | undefined;
  endpoint: string;
  api: RouteApi;
  request: Obj | null;
  model: string | null;
  response: unknown;
  usage: { input: number; output: number } | null;
  status: number;
  latencyMs: number;
  decision: DecisionNote | null;
}

const cut = (s: string | null | undefined, max: number): string | null => (s == null ? null : s.length > max ? s.slice(0, max) : s);

/** Builds the canonical record (InteractionInputSchema-shaped; `decision` is an extra field). */
export function buildRecord(p: RecordParts): Obj {
  const id = p.identity;
  const rec: Obj = {
    id: p.id,
    ts: new Date(p.ts).toISOString(),
    account_id: id?.account_id ?? 'unauthenticated',
    org_id: id?.org_id ?? null,
    api_key_id: id?.api_key_id ?? null,
    ip: id?.ip != null && isIP(id.ip) !== 0 ? id.ip : null,
    user_agent: cut(p.userAgent, 2048),
    model: cut(p.model, 256),
    endpoint: cut(p.endpoint, 512),
    request: p.request,
    response: p.response,
    input_tokens: p.usage?.input ?? null,
    output_tokens: p.usage?.output ?? null,
    status: p.status,
    latency_ms: Math.round(p.latencyMs * 1000) / 1000,
  };
  if (p.decision !== null) rec.decision = p.decision;
  return rec;
}
