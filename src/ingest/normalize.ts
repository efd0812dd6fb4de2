/**
 * One canonical-shaped object -> validated -> derived -> compact `Interaction`.
 * Runs in ingest worker threads, in replay and in the gateway: keep it allocation-light.
 */
import { hash } from 'node:crypto';
import type { Derived, Interaction } from '../model/interaction.js';
import { InteractionInputSchema } from '../model/interaction.js';
import { fastValidate } from '../model/validate.js';
import { textSignals } from '../signals/text/index.js';
import { deriveFromBodies, deriveFromText } from './derive/index.js';

export interface NormalizeOptions {
  /** Characters of prompt and system text kept; 0 keeps none (privacy), hashes and lengths are still kept. */
  promptChars: number;
  /** Keep response text (truncated to responseChars). Off by default. */
  keepResponses: boolean;
  responseChars: number;
}

export const DEFAULT_NORMALIZE: NormalizeOptions = { promptChars: 2000, keepResponses: false, responseChars: 4000 };

export type NormalizeResult = { ok: true; rec: Interaction } | { ok: false; reason: string };

/** 64-bit hex digest of a text: stable across runs and processes. */
export function textHash(s: string): string {
  return hash('sha1', s).slice(0, 16);
}

/**
 * System prompts repeat across calls (one agent's prompt in thousands of calls): their hashes are memoised. Bounded;
 * cleared when full.
 */
const systemHashes = new Map<string, string>();
function systemHash(s: string): string {
  let h = systemHashes.get(s);
  if (h === undefined) {
    if (systemHashes.size >= 10_000) systemHashes.clear();
    h = textHash(s);
    systemHashes.set(s, h);
  }
  return h;
}

function truncate(s: string | null, n: number): string | null {
  if (s === null || n <= 0) return null;
  return s.length > n ? s.slice(0, n) : s;
}

/** A readable one-line reason from zod issues: "ts: not an ISO-8601 time...; account_id: required field missing". */
export function issuesReason(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, input: unknown): string {
  const parts = issues.slice(0, 4).map((i) => {
    const path = i.path.map(String).join('.') || '(record)';
    let v: unknown = input;
    for (const k of i.path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
    const msg = v === undefined && i.path.length > 0 ? 'required field missing' : v === null && i.path.length > 0 ? 'must not be null' : i.message;
    return `${path}: ${msg}`;
  });
  if (issues.length > 4) parts.push(`and ${issues.length - 4} more`);
  return parts.join('; ');
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Hints the OTLP adapter attaches (spans carry structure that plain text fields cannot express); see formats/otlp.ts. */
function applyOtelHints(d: Derived, v: Record<string, unknown>): void {
  const n = (k: string) => num(v[k]);
  d.turns = n('otel_turns') ?? d.turns;
  d.tools = n('otel_tools') ?? d.tools;
  d.tool_calls_in = n('otel_tool_calls_in') ?? d.tool_calls_in;
  d.tool_calls_out = n('otel_tool_calls_out') ?? d.tool_calls_out;
  const reasoning = n('otel_reasoning');
  if (reasoning !== null && reasoning > 0) {
    d.reasoning_returned = true;
    d.reasoning_chars = reasoning;
  }
  d.reasoning_tokens = n('otel_reasoning_tokens') ?? d.reasoning_tokens;
  if (v.otel_has_image === true) d.has_image = true;
  if (typeof v.otel_finish_reason === 'string') d.stop_reason = v.otel_finish_reason;
  d.max_tokens = n('otel_max_tokens') ?? d.max_tokens;
  d.temperature = n('otel_temperature') ?? d.temperature;
  d.n = n('otel_n') ?? d.n;
  if (v.otel_stream === true) d.stream = true;
  if (typeof v.otel_response_model === 'string') d.response_model = v.otel_response_model;
}

export function normalize(value: Record<string, unknown>, opts: NormalizeOptions, sourceFile: string, sourceLine: number): NormalizeResult {
  let r = fastValidate(value);
  if (r === null) {
    const parsed = InteractionInputSchema.safeParse(value);
    if (!parsed.success) return { ok: false, reason: issuesReason(parsed.error.issues, value) };
    r = parsed.data;
  }
  let d: Derived;
  if (r.request != null || (r.response != null && r.prompt == null)) {
    d = deriveFromBodies(r.request ?? null, r.response, { endpoint: r.endpoint ?? null });
    // Plain-text fields, when also present, fill what the bodies lacked.
    if (d.prompt === null && r.prompt != null) d.prompt = r.prompt;
    if (d.system === null && r.system != null) d.system = r.system;
    if (d.completion === null && r.completion != null) {
      d.completion = r.completion;
      d.output_chars = r.completion.length;
    }
  } else {
    d = deriveFromText(r.prompt, r.system, r.completion);
  }
  if (value.otel_turns !== undefined) applyOtelHints(d, value);

  const prompt = d.prompt;
  const system = d.system;
  const sig = textSignals(prompt, system, d);
  const rec: Interaction = {
    id: r.id,
    ts: r.ts,
    account_id: r.account_id,
    org_id: r.org_id ?? null,
    api_key_id: r.api_key_id ?? null,
    ip: r.ip ?? null,
    asn: r.asn ?? null,
    country: r.country ?? null,
    user_agent: r.user_agent ?? null,
    model: r.model ?? d.response_model ?? null,
    endpoint: r.endpoint ?? null,
    api: d.api,
    prompt: truncate(prompt, opts.promptChars),
    prompt_chars: prompt?.length ?? 0,
    prompt_hash: prompt !== null ? textHash(prompt) : null,
    system: truncate(system, opts.promptChars),
    system_chars: system?.length ?? 0,
    system_hash: system !== null && system.length > 0 ? systemHash(system) : null,
    turns: d.turns,
    tools: d.tools,
    tool_calls_in: d.tool_calls_in,
    has_image: d.has_image,
    reasoning_requested: d.reasoning_requested,
    reasoning_budget: d.reasoning_budget,
    reasoning_effort: d.reasoning_effort,
    max_tokens: d.max_tokens,
    temperature: d.temperature,
    n: d.n,
    stream: d.stream,
    output_chars: d.output_chars,
    completion: opts.keepResponses ? truncate(d.completion, opts.responseChars) : null,
    reasoning_returned: d.reasoning_returned,
    reasoning_chars: d.reasoning_chars,
    tool_calls_out: d.tool_calls_out,
    stop_reason: d.stop_reason,
    // Explicit token counts in the log win over what the body reports.
    input_tokens: r.input_tokens ?? d.input_tokens,
    output_tokens: r.output_tokens ?? d.output_tokens,
    reasoning_tokens: d.reasoning_tokens,
    status: r.status != null ? String(r.status) : null,
    latency_ms: r.latency_ms ?? null,
    capability: sig.capability,
    cot: sig.cot,
    rubric: sig.rubric,
    lang: sig.lang,
    template: sig.template,
    lsh: sig.lsh.length ? sig.lsh.join(' ') : null,
    source_file: sourceFile,
    source_line: sourceLine,
  };
  return { ok: true, rec };
}
