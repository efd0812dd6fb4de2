/**
 * The canonical interaction record: one record per API call.
 *
 * `InteractionInput` is what readers hand to the ingest (validated with zod at the edge);
 * `Interaction` is the compact, derived form the store and every later stage work on.
 * See docs/schema.md for the field-by-field description.
 */
import { z } from 'zod';
import { isIP } from 'node:net';

/** Epoch milliseconds from ISO-8601 text or epoch seconds / milliseconds / microseconds. */
export function parseTimestamp(v: unknown): number | null {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) return null;
    // Magnitude tells the unit: seconds until year ~5138, then ms, then µs, then ns.
    if (v < 1e11) return Math.round(v * 1000);
    if (v < 1e14) return Math.round(v);
    if (v < 1e17) return Math.round(v / 1000);
    return Math.round(v / 1e6);
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return null;
    if (/^\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s));
    // ISO-8601 only: a date, optionally a time and zone. Date.parse alone accepts too much.
    if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(s)) return null;
    const t = Date.parse(s.includes(' ') && !s.includes('T') ? s.replace(' ', 'T') : s);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

const idLike = z.union([z.string().min(1).max(512), z.number().finite()]).transform((v) => String(v));
const optStr = (max = 4096) => z.string().max(max).nullish();
const optNum = z.number().finite().nullish();
const optInt = z.number().int().nonnegative().nullish();

export const TimestampSchema = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const t = parseTimestamp(v);
    if (t === null) {
      ctx.addIssue({ code: 'custom', message: `not an ISO-8601 time or epoch seconds/milliseconds: ${JSON.stringify(v).slice(0, 60)}` });
      return z.NEVER;
    }
    return t;
  });

export const IpSchema = z
  .string()
  .transform((v) => v.trim())
  .refine((v) => isIP(v) !== 0, { message: 'not an IPv4 or IPv6 address' });

/** ASN as a number, "AS13335" or "13335". */
export const AsnSchema = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = /^(?:AS)?(\d{1,10})$/i.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `not an ASN: ${v.slice(0, 40)}` });
    return z.NEVER;
  }
  return Number(m[1]);
});

/** What a reader produces for one record, before derivation. Unknown fields are allowed and ignored. */
export const InteractionInputSchema = z.looseObject({
  id: idLike,
  ts: TimestampSchema,
  account_id: idLike,
  org_id: idLike.nullish(),
  api_key_id: idLike.nullish(),
  ip: IpSchema.nullish(),
  asn: AsnSchema.nullish(),
  country: optStr(64),
  user_agent: optStr(2048),
  model: optStr(256),
  endpoint: optStr(512),
  /** Provider request body as sent: Anthropic Messages, OpenAI Chat Completions or Responses. */
  request: z.record(z.string(), z.unknown()).nullish(),
  /** Provider response body, or a streamed response as a list of SSE events / raw SSE text. */
  response: z.unknown().optional(),
  prompt: z.string().nullish(),
  system: z.string().nullish(),
  completion: z.string().nullish(),
  input_tokens: optInt,
  output_tokens: optInt,
  status: z.union([z.number().int(), z.string().max(64)]).nullish(),
  latency_ms: optNum,
});
export type InteractionInput = z.output<typeof InteractionInputSchema>;

/** Which API shape the request/response bodies had. */
export type ApiKind = 'anthropic.messages' | 'openai.chat' | 'openai.responses' | 'text' | 'unknown';

/** What ingest derives, once, from request and response bodies (or plain text fields). */
export interface Derived {
  api: ApiKind;
  /** The final user turn, as text (images and files noted as placeholders). */
  prompt: string | null;
  /** The system prompt / instructions, as text. */
  system: string | null;
  /** Conversation depth: number of user/assistant turns in the request (1 for a single prompt). */
  turns: number;
  /** Number of tool definitions sent in the request. */
  tools: number;
  /** Number of tool results / tool calls carried in the request history. */
  tool_calls_in: number;
  /** Whether images or files were sent (vision/document input). */
  has_image: boolean;
  reasoning_requested: boolean;
  /** Anthropic thinking.budget_tokens; for OpenAI reasoning.effort this stays null and effort is set. */
  reasoning_budget: number | null;
  reasoning_effort: string | null;
  max_tokens: number | null;
  temperature: number | null;
  n: number | null;
  stream: boolean;
  /** Characters of visible output text (excluding reasoning). */
  output_chars: number | null;
  /** Output text (kept only when the store is told to keep responses). */
  completion: string | null;
  reasoning_returned: boolean;
  reasoning_chars: number | null;
  /** Tool calls the model made in its response. */
  tool_calls_out: number;
  stop_reason: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  /** Model named by the response (may differ from the request's). */
  response_model: string | null;
}

export function emptyDerived(api: ApiKind = 'unknown'): Derived {
  return {
    api,
    prompt: null,
    system: null,
    turns: 0,
    tools: 0,
    tool_calls_in: 0,
    has_image: false,
    reasoning_requested: false,
    reasoning_budget: null,
    reasoning_effort: null,
    max_tokens: null,
    temperature: null,
    n: null,
    stream: false,
    output_chars: null,
    completion: null,
    reasoning_returned: false,
    reasoning_chars: null,
    tool_calls_out: 0,
    stop_reason: null,
    input_tokens: null,
    output_tokens: null,
    reasoning_tokens: null,
    response_model: null,
  };
}

/** The compact record stored and analysed. Column order here is the store's column order. */
export interface Interaction {
  id: string;
  /** Epoch milliseconds. */
  ts: number;
  account_id: string;
  org_id: string | null;
  api_key_id: string | null;
  ip: string | null;
  asn: number | null;
  country: string | null;
  user_agent: string | null;
  model: string | null;
  endpoint: string | null;
  api: ApiKind;
  /** Final user turn, truncated to the configured length (null when prompt text is switched off). */
  prompt: string | null;
  /** Length of the full final user turn, in characters. */
  prompt_chars: number;
  /** Hash of the full final user turn (hex, 16 chars); lets signals count exact repeats without the text. */
  prompt_hash: string | null;
  /** System prompt, truncated like the prompt. */
  system: string | null;
  system_chars: number;
  /** Hash of the full system prompt. */
  system_hash: string | null;
  turns: number;
  tools: number;
  tool_calls_in: number;
  has_image: boolean;
  reasoning_requested: boolean;
  reasoning_budget: number | null;
  reasoning_effort: string | null;
  max_tokens: number | null;
  temperature: number | null;
  n: number | null;
  stream: boolean;
  output_chars: number | null;
  /** Response text: null unless the store keeps responses. */
  completion: string | null;
  reasoning_returned: boolean;
  reasoning_chars: number | null;
  tool_calls_out: number;
  stop_reason: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  status: string | null;
  latency_ms: number | null;
  /** Per-interaction text signals (src/signals): capability targeted, reasoning-trace elicitation (0..1), rubric
   * grading (0..1), language, wrapper fingerprint, and near-duplicate band keys (space-separated). */
  capability: string;
  cot: number;
  rubric: number;
  lang: string;
  template: string | null;
  lsh: string | null;
  /** Where the record came from: file path and 1-based line (or row / span position). */
  source_file: string;
  source_line: number;
}

/**
 * Column names and DuckDB types of the interactions table, in `Interaction` order. The system prompt text is not a
 * column: it is stored once per distinct prompt in `system_prompts` (joined on system_hash).
 */
export const INTERACTION_COLUMNS: ReadonlyArray<readonly [keyof Interaction, string]> = [
  ['id', 'VARCHAR'],
  ['ts', 'BIGINT'],
  ['account_id', 'VARCHAR'],
  ['org_id', 'VARCHAR'],
  ['api_key_id', 'VARCHAR'],
  ['ip', 'VARCHAR'],
  ['asn', 'BIGINT'],
  ['country', 'VARCHAR'],
  ['user_agent', 'VARCHAR'],
  ['model', 'VARCHAR'],
  ['endpoint', 'VARCHAR'],
  ['api', 'VARCHAR'],
  ['prompt', 'VARCHAR'],
  ['prompt_chars', 'INTEGER'],
  ['prompt_hash', 'VARCHAR'],
  ['system_chars', 'INTEGER'],
  ['system_hash', 'VARCHAR'],
  ['turns', 'INTEGER'],
  ['tools', 'INTEGER'],
  ['tool_calls_in', 'INTEGER'],
  ['has_image', 'BOOLEAN'],
  ['reasoning_requested', 'BOOLEAN'],
  ['reasoning_budget', 'INTEGER'],
  ['reasoning_effort', 'VARCHAR'],
  ['max_tokens', 'INTEGER'],
  ['temperature', 'DOUBLE'],
  ['n', 'INTEGER'],
  ['stream', 'BOOLEAN'],
  ['output_chars', 'INTEGER'],
  ['completion', 'VARCHAR'],
  ['reasoning_returned', 'BOOLEAN'],
  ['reasoning_chars', 'INTEGER'],
  ['tool_calls_out', 'INTEGER'],
  ['stop_reason', 'VARCHAR'],
  ['input_tokens', 'BIGINT'],
  ['output_tokens', 'BIGINT'],
  ['reasoning_tokens', 'BIGINT'],
  ['status', 'VARCHAR'],
  ['latency_ms', 'DOUBLE'],
  ['capability', 'VARCHAR'],
  ['cot', 'REAL'],
  ['rubric', 'REAL'],
  ['lang', 'VARCHAR'],
  ['template', 'VARCHAR'],
  ['lsh', 'VARCHAR'],
  ['source_file', 'VARCHAR'],
  ['source_line', 'BIGINT'],
];
