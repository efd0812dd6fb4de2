/**
 * Provider log lines (shared by the OpenAI and Anthropic adapters): one object holding a request body and its
 * response under flexible wrapper names, with metadata. Maps it to the canonical fields of
 * InteractionInputSchema; derivation of the bodies happens later in ingest.
 *
 * Also unwraps batch lines: OpenAI Batch API output `{id, custom_id, response:{status_code, request_id, body},
 * error}` (its input line `{custom_id, method, url, body}` may ride along under `request`) and Anthropic
 * Message Batches results `{custom_id, result:{type, message | error}}`.
 */
import { isIP } from 'node:net';
import type { AdaptResult } from '../types.js';
import { apiOfEndpoint, detectApi } from './index.js';
import { reconstruct, streamEvents } from './sse.js';
import { count, isObj, looksLikeJson, num, str, tryJson, type Obj } from './util.js';

export type Provider = 'openai' | 'anthropic';

const ID_KEYS = ['id', 'request_id', 'custom_id'];
const TS_KEYS = ['ts', 'timestamp', 'created_at', 'time', 'start_time'];
const ACCOUNT_KEYS = ['account_id', 'user_id', 'user', 'customer_id', 'organization_id'];
const ORG_KEYS = ['org_id', 'organization_id', 'org'];
const KEY_KEYS = ['api_key_id', 'key_id', 'api_key_name'];
const IP_KEYS = ['ip', 'client_ip', 'source_ip', 'remote_addr', 'remote_ip'];
const UA_KEYS = ['user_agent', 'useragent'];
const ENDPOINT_KEYS = ['endpoint', 'url', 'path'];
const STATUS_KEYS = ['status', 'status_code', 'http_status'];
const LATENCY_KEYS = ['latency_ms', 'duration_ms', 'elapsed_ms', 'latency'];
const STREAM_KEYS = ['events', 'sse', 'stream_events', 'chunks'];

/** An id: a non-empty string, a finite number, or an object's `id` (e.g. `user: {id, email}`). */
function idOf(v: unknown): string | number | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (isObj(v)) return idOf(v.id);
  return null;
}

/** The first of `keys` set on the line, else on its `metadata` object. */
function pick<T>(line: Obj, meta: Obj | null, keys: readonly string[], read: (v: unknown) => T | null): T | null {
  for (const k of keys) {
    const v = read(line[k]);
    if (v !== null) return v;
  }
  if (meta !== null) {
    for (const k of keys) {
      const v = read(meta[k]);
      if (v !== null) return v;
    }
  }
  return null;
}

const timeOf = (v: unknown): string | number | null => (typeof v === 'string' && v !== '' ? v : num(v));
const textOf = (max: number) => (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v.slice(0, max) : null);
/** Text fields cut to the schema's limits (a longer value would reject the whole record). */
const endpointText = textOf(512);
const modelText = textOf(256);
const uaText = textOf(2048);

/** A valid IP, tolerating `ip:port`, `[v6]:port` and an X-Forwarded-For list (first hop). */
function ipOf(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const comma = v.indexOf(',');
  let s = (comma < 0 ? v : v.slice(0, comma)).trim();
  if (isIP(s) !== 0) return s;
  const colon = s.indexOf(':');
  if (s.startsWith('[')) s = s.slice(1, s.indexOf(']'));
  else if (colon > 0 && colon === s.lastIndexOf(':')) s = s.slice(0, colon);
  else return null;
  return isIP(s) !== 0 ? s : null;
}

/** A header from a `headers` / `request_headers` object, by its lower-case or Canonical-Case name. */
function header(line: Obj, lower: string, canonical: string): unknown {
  for (const k of ['request_headers', 'headers']) {
    const h = line[k];
    if (!isObj(h)) continue;
    const v = h[lower] ?? h[canonical];
    if (v !== undefined) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** JSON text parsed; anything else as is. */
function parsed(v: unknown): unknown {
  return typeof v === 'string' && looksLikeJson(v) ? (tryJson(v) ?? v) : v;
}

/** The pieces of a line once wrappers are removed. */
interface Unwrapped {
  request: Obj | null;
  /** A body, an event list or SSE text; undefined when absent. */
  response: unknown;
  endpoint: string | null;
  status: string | number | null;
  /** Extra id sources from the wrappers (batch request_id). */
  wrapperId: string | null;
}

/** Finds request and response under their wrapper names and unwraps batch envelopes. */
export function unwrap(line: Obj): Unwrapped {
  const out: Unwrapped = { request: null, response: undefined, endpoint: null, status: null, wrapperId: null };
  let req = parsed(line.request ?? line.request_body ?? line.body);
  // A Batch API input line {custom_id, method, url, body}.
  if (isObj(req) && isObj(req.body) && (req.url !== undefined || req.method !== undefined)) {
    out.endpoint = str(req.url);
    req = req.body;
  }
  out.request = isObj(req) ? req : null;

  let res = parsed(line.response ?? line.response_body);
  if (res === undefined || res === null) {
    for (const k of STREAM_KEYS) {
      if (line[k] != null) {
        res = line[k];
        break;
      }
    }
  }
  // OpenAI Batch output {status_code, request_id, body}, or a generic {status, headers, body} wrapper.
  if (isObj(res) && res.body != null && (res.status_code !== undefined || res.request_id !== undefined || res.headers !== undefined)) {
    out.status = statusOf(res.status_code ?? res.status);
    out.wrapperId = str(res.request_id);
    res = parsed(res.body);
  }
  // Anthropic Message Batches result {type: succeeded | errored | canceled | expired, message | error}.
  const result = line.result;
  if (res == null && isObj(result) && typeof result.type === 'string') {
    out.status = result.type;
    res = result.message ?? result.error;
  }
  out.response = res ?? undefined;
  return out;
}

function statusOf(v: unknown): string | number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v === 'string' && v !== '') return v.slice(0, 64);
  return null;
}

/** Request-side account fields, in order: request.user, request.safety_identifier, request.metadata.user_id. */
function requestAccount(req: Obj | null): string | number | null {
  if (req === null) return null;
  return idOf(req.user) ?? idOf(req.safety_identifier) ?? (isObj(req.metadata) ? idOf(req.metadata.user_id) : null);
}

/** Maps one provider log line to canonical fields, or rejects it with the reason. */
export function adaptProviderLine(value: unknown, provider: Provider): AdaptResult {
  if (!isObj(value)) return { records: [], rejects: [{ reason: `not a JSON object: each ${provider} log line must be one object` }] };
  const line = value;
  const meta = isObj(line.metadata) ? line.metadata : null;
  const u = unwrap(line);
  const req = u.request;

  // The non-streamed body, rebuilt from a stream only when a fallback (id, time, model) needs it.
  let bodyMemo: Obj | null | undefined;
  const body = (): Obj | null => {
    if (bodyMemo === undefined) {
      const events = isObj(u.response) ? null : streamEvents(u.response);
      bodyMemo = isObj(u.response) ? u.response : events !== null ? reconstruct(events) : null;
    }
    return bodyMemo;
  };

  const id = pick(line, meta, ID_KEYS, idOf) ?? u.wrapperId ?? idOf(body()?.id);
  const ts = pick(line, meta, TS_KEYS, timeOf) ?? timeOf(body()?.created ?? body()?.created_at);
  const account = pick(line, meta, ACCOUNT_KEYS, idOf) ?? requestAccount(req);

  const missing: string[] = [];
  if (id === null) missing.push(`no id: expected one of ${ID_KEYS.join(', ')} or a response id`);
  if (ts === null) missing.push(`no timestamp: expected one of ${TS_KEYS.join(', ')} or the response's created / created_at`);
  if (account === null) {
    missing.push(`no account id: expected one of ${ACCOUNT_KEYS.join(', ')} or request.user, request.safety_identifier, request.metadata.user_id`);
  }
  if (missing.length > 0) return { records: [], rejects: [{ reason: missing.join('; ') }] };

  let endpoint = pick(line, meta, ENDPOINT_KEYS, endpointText) ?? u.endpoint;
  if (endpoint === null) endpoint = defaultEndpoint(provider, req, u.response);

  const out: Obj = { id, ts, account_id: account };
  setIf(out, 'org_id', pick(line, meta, ORG_KEYS, idOf) ?? idOf(header(line, 'openai-organization', 'OpenAI-Organization')));
  setIf(out, 'api_key_id', pick(line, meta, KEY_KEYS, idOf));
  setIf(out, 'ip', pick(line, meta, IP_KEYS, ipOf) ?? ipOf(header(line, 'x-forwarded-for', 'X-Forwarded-For')));
  setIf(out, 'user_agent', pick(line, meta, UA_KEYS, uaText) ?? uaText(header(line, 'user-agent', 'User-Agent')));
  setIf(out, 'model', modelText(line.model) ?? modelText(req?.model) ?? modelText(body()?.model));
  setIf(out, 'endpoint', endpoint);
  if (req !== null) out.request = req;
  if (u.response !== undefined) out.response = u.response;
  const usage = isObj(line.usage) ? line.usage : null;
  setIf(out, 'input_tokens', count(line.input_tokens) ?? count(line.prompt_tokens) ?? count(usage?.input_tokens) ?? count(usage?.prompt_tokens));
  setIf(out, 'output_tokens', count(line.output_tokens) ?? count(line.completion_tokens) ?? count(usage?.output_tokens) ?? count(usage?.completion_tokens));
  setIf(out, 'status', pick(line, null, STATUS_KEYS, statusOf) ?? u.status ?? errorStatus(line.error));
  setIf(out, 'latency_ms', pick(line, meta, LATENCY_KEYS, num));
  return { records: [{ value: out }], rejects: [] };
}

function setIf(out: Obj, key: string, v: unknown): void {
  if (v !== null && v !== undefined) out[key] = v;
}

/** A line-level `error` (e.g. a failed Batch request) as a status: its code, else "error". */
function errorStatus(e: unknown): string | null {
  if (e == null) return null;
  return (isObj(e) ? str(e.code) ?? str(e.type) : null)?.slice(0, 64) ?? 'error';
}

function defaultEndpoint(provider: Provider, req: Obj | null, res: unknown): string | null {
  const api = detectApi(req, res);
  if (api === 'openai.chat') return '/v1/chat/completions';
  if (api === 'openai.responses') return '/v1/responses';
  if (api === 'anthropic.messages') return '/v1/messages';
  return provider === 'anthropic' ? '/v1/messages' : null;
}

/** The API family a line's bodies belong to (for format detection), or null. */
export function lineProvider(value: unknown): Provider | null {
  if (!isObj(value)) return null;
  if (value.custom_id !== undefined) {
    // Batch lines, even a failed one that carries no bodies.
    if (isObj(value.result) && typeof value.result.type === 'string') return 'anthropic';
    if ('response' in value && 'error' in value) return 'openai';
  }
  const u = unwrap(value);
  if (u.request === null && u.response === undefined) return null;
  const endpoint = str(value.endpoint) ?? str(value.url) ?? str(value.path) ?? u.endpoint;
  const api = apiOfEndpoint(endpoint) ?? detectApi(u.request, u.response);
  if (api === 'anthropic.messages') return 'anthropic';
  if (api === 'openai.chat' || api === 'openai.responses') return 'openai';
  return null;
}
