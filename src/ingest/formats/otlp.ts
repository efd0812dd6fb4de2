/**
 * OTLP/JSON adapter: one `ExportTraceServiceRequest` in, one canonical record per GenAI model-call span out.
 *
 * Spans follow the OpenTelemetry GenAI semantic conventions (current names first, older ones as fallback):
 *   operation   gen_ai.operation.name                        -> endpoint
 *   provider    gen_ai.provider.name | gen_ai.system (old)   -> otel_provider
 *   model       gen_ai.request.model, else gen_ai.response.model -> model; gen_ai.response.model -> otel_response_model
 *   tokens      gen_ai.usage.input_tokens | gen_ai.usage.prompt_tokens (old)      -> input_tokens
 *               gen_ai.usage.output_tokens | gen_ai.usage.completion_tokens (old) -> output_tokens
 *   messages    gen_ai.input.messages / gen_ai.output.messages (JSON text or structured; the parts format
 *               `[{role, parts:[{type:'text', content} | {type:'tool_call'} | {type:'tool_call_response'} |
 *               {type:'reasoning', content} | blob/file/uri ...]}]`), older `{role, content}` messages,
 *               gen_ai.prompt / gen_ai.completion (old: JSON text or plain text) and the indexed
 *               gen_ai.prompt.N.role|content / gen_ai.completion.N.content|finish_reason (OpenLLMetry)
 *               -> prompt (text of the last user message), completion (text of the output messages)
 *   system      gen_ai.system_instructions, else system-role input messages -> system
 *   identity    user.id | enduser.id | enduser.pseudo.id | gen_ai.request.user (OpenLIT), on the span or else
 *               on its resource -> account_id (a span without one is rejected)
 *   network     client.address (when an IP) -> ip; user_agent.original -> user_agent
 *   status      http.response.status_code when present, else the span status: 'ok' (OK or UNSET, which is
 *               what instrumentations leave on success) or 'error' / 'error:<error.type>'
 *   time        ts = startTimeUnixNano as epoch ms; latency_ms = end - start
 *   id          gen_ai.response.id, else `traceId:spanId`
 *
 * Extra hints for the ingest (absent when the span does not tell):
 *   otel_turns           number of user/assistant messages in the input
 *   otel_tools           number of tool definitions (gen_ai.tool.definitions)
 *   otel_tool_calls_in   number of tool results (tool_call_response parts) in the input
 *   otel_tool_calls_out  number of tool calls (tool_call parts) in the output
 *   otel_reasoning       characters of reasoning text in the output (0 when output messages carry none)
 *   otel_reasoning_tokens gen_ai.usage.reasoning.output_tokens
 *   otel_has_image       whether the input carried blob/file/uri parts (images, documents, audio)
 *   otel_finish_reason   first of gen_ai.response.finish_reasons, else the first output message's finish_reason
 *   otel_max_tokens      gen_ai.request.max_tokens
 *   otel_temperature     gen_ai.request.temperature
 *   otel_n               gen_ai.request.choice.count
 *   otel_stream          gen_ai.request.stream
 *   otel_response_model, otel_provider, otel_conversation_id (gen_ai.conversation.id),
 *   otel_server_address (server.address), otel_service (resource service.name), otel_trace_id, otel_span_id
 *
 * Spans that are not model calls are rejects, so nothing is dropped silently: spans without gen_ai.*
 * attributes, tool executions, agent/memory/retrieval bookkeeping, and in-process (INTERNAL) agent spans
 * that wrap the model calls already counted.
 */
import { isIP } from 'node:net';
import type { AdaptRejected, AdaptResult, Adapted, Adapter } from '../types.js';

type Attrs = Map<string, unknown>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a value looks like an OTLP/JSON ExportTraceServiceRequest. */
export function detectOtlp(value: unknown): boolean {
  return isObj(value) && Array.isArray(value.resourceSpans);
}

// ---------------------------------------------------------------------------------------------------------
// OTLP values and attributes

/** An OTLP/JSON AnyValue to plain JS (intValue may be a string per the JSON mapping). */
export function anyValue(v: unknown): unknown {
  if (!isObj(v)) return v ?? null;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return typeof v.intValue === 'string' ? Number(v.intValue) : v.intValue;
  if ('doubleValue' in v) return typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) {
    const vals = isObj(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return vals.map(anyValue);
  }
  if ('kvlistValue' in v) return Object.fromEntries(attrMap(isObj(v.kvlistValue) ? v.kvlistValue.values : []));
  return null;
}

/** Attribute list `[{key, value}]` to a map (a plain object of values is accepted too). */
function attrMap(list: unknown): Attrs {
  const m: Attrs = new Map();
  if (Array.isArray(list)) {
    for (const kv of list) if (isObj(kv) && typeof kv.key === 'string') m.set(kv.key, anyValue(kv.value));
  } else if (isObj(list)) {
    for (const [k, v] of Object.entries(list)) m.set(k, v);
  }
  return m;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const int = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
};
const first = (a: Attrs, ...keys: string[]): unknown => {
  for (const k of keys) if (a.get(k) !== undefined && a.get(k) !== null) return a.get(k);
  return undefined;
};

/** Unix nanoseconds (decimal string or number) as a BigInt; null when absent, zero or malformed. */
function nanos(v: unknown): bigint | null {
  if (typeof v === 'string' && /^\d{1,30}$/.test(v)) return BigInt(v) || null;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return BigInt(Math.floor(v));
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Messages in the GenAI parts format

interface Msg {
  role: string;
  parts: Obj[];
  finish_reason?: string;
}

/** A value recorded as JSON text or structured: parsed when it is JSON, else the text itself. */
function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (!s.startsWith('[') && !s.startsWith('{')) return v;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return v;
  }
}

/** Older message content (a string, or OpenAI-style `[{type:'text', text}]`) to parts. */
function contentToParts(content: unknown): Obj[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (Array.isArray(content)) return content.map((c) => (typeof c === 'string' ? { type: 'text', content: c } : isObj(c) ? c : {}));
  return [];
}

/** Any supported message list (parts format, older `{role, content}`, plain text) to `Msg[]`. */
function toMessages(v: unknown, defaultRole: string): Msg[] | undefined {
  const j = maybeJson(v);
  if (typeof j === 'string') return [{ role: defaultRole, parts: [{ type: 'text', content: j }] }];
  const list = Array.isArray(j) ? j : isObj(j) ? [j] : undefined;
  if (!list) return undefined;
  return list.filter(isObj).map((m) => {
    const parts = Array.isArray(m.parts) ? m.parts.filter(isObj) : contentToParts(m.content);
    const msg: Msg = { role: str(m.role) ?? defaultRole, parts };
    const fr = str(m.finish_reason);
    if (fr) msg.finish_reason = fr;
    return msg;
  });
}

/** OpenLLMetry's indexed attributes, `<prefix>.N.role|content|finish_reason`, to `Msg[]`. */
function indexedMessages(a: Attrs, prefix: string, defaultRole: string): Msg[] | undefined {
  const byIndex = new Map<number, Obj>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.(role|content|finish_reason)$`);
  for (const [k, v] of a) {
    const m = re.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const o = byIndex.get(i) ?? {};
    o[m[2]!] = v;
    byIndex.set(i, o);
  }
  if (byIndex.size === 0) return undefined;
  return toMessages([...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, o]) => o), defaultRole);
}

const MEDIA_PARTS = new Set(['blob', 'file', 'uri', 'image', 'image_url', 'input_image', 'input_file', 'document']);

/** Visible text of parts: text parts joined by newlines, media noted as `[image]` etc. */
function partsText(parts: readonly Obj[]): string {
  const out: string[] = [];
  for (const p of parts) {
    if (p.type === 'text' || p.type === undefined) {
      const t = str(p.content) ?? str(p.text);
      if (t !== undefined) out.push(t);
    } else if (typeof p.type === 'string' && MEDIA_PARTS.has(p.type)) {
      out.push(`[${str(p.modality) ?? (p.type === 'file' ? 'file' : 'image')}]`);
    }
  }
  return out.join('\n');
}

const countParts = (msgs: readonly Msg[], type: string): number => msgs.reduce((n, m) => n + m.parts.filter((p) => p.type === type).length, 0);

// ---------------------------------------------------------------------------------------------------------
// Spans

/** Operations that are not a call to a model. */
const NOT_MODEL_CALLS = new Set([
  'execute_tool',
  'create_agent',
  'retrieval',
  'plan',
  'search_memory',
  'create_memory',
  'update_memory',
  'upsert_memory',
  'delete_memory',
  'create_memory_store',
  'delete_memory_store',
]);
/** Agent operations: a model call when made to a remote agent (CLIENT span), a wrapper when INTERNAL. */
const AGENT_OPS = new Set(['invoke_agent', 'invoke_workflow']);
const IDENTITY_KEYS = ['user.id', 'enduser.id', 'enduser.pseudo.id', 'gen_ai.request.user'];

const isInternal = (kind: unknown): boolean => kind === 1 || kind === 'SPAN_KIND_INTERNAL';

/** Span status to the canonical status. */
function spanStatus(span: Obj, a: Attrs): number | string {
  const http = int(a.get('http.response.status_code'));
  if (http !== undefined) return http;
  const code = isObj(span.status) ? span.status.code : undefined;
  if (code === 2 || code === 'STATUS_CODE_ERROR') {
    const type = str(a.get('error.type'));
    return type ? `error:${type}`.slice(0, 64) : 'error';
  }
  return 'ok';
}

/** One span to a canonical record, or the reason it is not one. */
function spanToRecord(span: Obj, res: Attrs): Obj | string {
  const a = attrMap(span.attributes);
  if (![...a.keys()].some((k) => k.startsWith('gen_ai.'))) return 'not a GenAI span (no gen_ai.* attributes)';
  const op = str(a.get('gen_ai.operation.name'));
  if (op && (NOT_MODEL_CALLS.has(op) || (AGENT_OPS.has(op) && isInternal(span.kind)))) {
    return `not a model call (gen_ai.operation.name=${op}${AGENT_OPS.has(op) ? ', INTERNAL span' : ''})`;
  }

  const account = str(first(a, ...IDENTITY_KEYS)) ?? str(first(res, ...IDENTITY_KEYS));
  if (!account) return `no user identity: none of ${IDENTITY_KEYS.join(', ')} on the span or its resource`;
  const start = nanos(span.startTimeUnixNano);
  if (start === null) return 'no valid startTimeUnixNano';
  const traceId = str(span.traceId);
  const spanId = str(span.spanId);
  const id = str(a.get('gen_ai.response.id')) ?? (traceId && spanId ? `${traceId}:${spanId}` : undefined);
  if (!id) return 'no gen_ai.response.id and no traceId/spanId';

  const r: Obj = { id, ts: Number(start / 1_000_000n), account_id: account };
  const end = nanos(span.endTimeUnixNano);
  if (end !== null && end >= start) r.latency_ms = Number(end - start) / 1e6;
  const client = str(a.get('client.address'));
  if (client && isIP(client)) r.ip = client;
  set(r, 'user_agent', str(first(a, 'user_agent.original')) ?? str(res.get('user_agent.original')));
  const reqModel = str(a.get('gen_ai.request.model'));
  const respModel = str(a.get('gen_ai.response.model'));
  set(r, 'model', reqModel ?? respModel);
  set(r, 'endpoint', op);
  set(r, 'input_tokens', int(first(a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens')));
  set(r, 'output_tokens', int(first(a, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens')));
  r.status = spanStatus(span, a);

  addMessages(r, a);

  const defs = maybeJson(a.get('gen_ai.tool.definitions'));
  if (Array.isArray(defs)) r.otel_tools = defs.length;
  const reasons = maybeJson(a.get('gen_ai.response.finish_reasons'));
  const firstReason = Array.isArray(reasons) ? str(reasons[0]) : str(reasons);
  if (firstReason) r.otel_finish_reason = firstReason;
  set(r, 'otel_reasoning_tokens', int(a.get('gen_ai.usage.reasoning.output_tokens')));
  set(r, 'otel_max_tokens', int(a.get('gen_ai.request.max_tokens')));
  set(r, 'otel_temperature', num(a.get('gen_ai.request.temperature')));
  set(r, 'otel_n', int(a.get('gen_ai.request.choice.count')));
  const stream = a.get('gen_ai.request.stream');
  if (typeof stream === 'boolean') r.otel_stream = stream;
  if (respModel) r.otel_response_model = respModel;
  set(r, 'otel_provider', str(first(a, 'gen_ai.provider.name', 'gen_ai.system')));
  set(r, 'otel_conversation_id', str(a.get('gen_ai.conversation.id')));
  set(r, 'otel_server_address', str(a.get('server.address')));
  set(r, 'otel_service', str(res.get('service.name')));
  set(r, 'otel_trace_id', traceId);
  set(r, 'otel_span_id', spanId);
  return r;
}

function set(r: Obj, k: string, v: unknown): void {
  if (v !== undefined) r[k] = v;
}

/** prompt, system, completion and the message-derived hints. */
function addMessages(r: Obj, a: Attrs): void {
  const input =
    toMessages(a.get('gen_ai.input.messages'), 'user') ??
    toMessages(a.get('gen_ai.prompt'), 'user') ??
    indexedMessages(a, 'gen_ai.prompt', 'user');
  const output =
    toMessages(a.get('gen_ai.output.messages'), 'assistant') ??
    toMessages(a.get('gen_ai.completion'), 'assistant') ??
    indexedMessages(a, 'gen_ai.completion', 'assistant');

  const instructions = maybeJson(a.get('gen_ai.system_instructions'));
  let system: string | undefined;
  if (typeof instructions === 'string') system = instructions;
  else if (Array.isArray(instructions)) system = partsText(instructions.filter(isObj));
  if (input) {
    system ??= input.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => partsText(m.parts)).join('\n') || undefined;
    const lastUser = [...input].reverse().find((m) => m.role === 'user');
    if (lastUser) r.prompt = partsText(lastUser.parts);
    r.otel_turns = input.filter((m) => m.role === 'user' || m.role === 'assistant').length;
    r.otel_tool_calls_in = countParts(input, 'tool_call_response');
    r.otel_has_image = input.some((m) => m.parts.some((p) => typeof p.type === 'string' && MEDIA_PARTS.has(p.type)));
  }
  if (system !== undefined) r.system = system;
  if (output) {
    r.completion = output.map((m) => partsText(m.parts)).filter((t) => t !== '').join('\n');
    r.otel_tool_calls_out = countParts(output, 'tool_call');
    r.otel_reasoning = output.reduce((n, m) => n + m.parts.filter((p) => p.type === 'reasoning').reduce((k, p) => k + (str(p.content)?.length ?? 0), 0), 0);
    const fr = output.find((m) => m.finish_reason)?.finish_reason;
    if (fr) r.otel_finish_reason = fr;
  }
}

/** The OTLP adapter: records for GenAI model-call spans, rejects (with `sub`) for every other span. */
export const otlpAdapter: Adapter = (value: unknown): AdaptResult => {
  const records: Adapted[] = [];
  const rejects: AdaptRejected[] = [];
  if (!detectOtlp(value)) return { records, rejects: [{ reason: 'not an OTLP ExportTraceServiceRequest (no resourceSpans array)' }] };
  let sub = 0;
  for (const rs of (value as Obj).resourceSpans as unknown[]) {
    if (!isObj(rs)) continue;
    const res = attrMap(isObj(rs.resource) ? rs.resource.attributes : undefined);
    const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : [];
    for (const ss of scopes) {
      const spans = isObj(ss) && Array.isArray(ss.spans) ? ss.spans : [];
      for (const span of spans) {
        let r: Obj | string;
        try {
          r = isObj(span) ? spanToRecord(span, res) : 'span is not an object';
        } catch (e) {
          r = `span could not be read: ${e instanceof Error ? e.message : String(e)}`; // never throw from an adapter
        }
        if (typeof r === 'string') rejects.push({ reason: r, sub });
        else records.push({ value: r, sub });
        sub++;
      }
    }
  }
  return { records, rejects };
};
