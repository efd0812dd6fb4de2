/**
 * Derivation: from provider request/response bodies (or plain prompt/system/completion text) to `Derived`.
 *
 * The API is told from the endpoint, then the response's shape, then the request's shape. A streamed response
 * (a list of SSE events, raw SSE text or bytes) is first rebuilt into the non-streamed body by the matching
 * accumulator in sse.ts, so one code path per API reads bodies. Per-API readers: anthropic.ts, openai.ts.
 *
 * Conventions shared by the readers:
 * - prompt: the final user-side turn. Text parts joined by "\n"; images "[image]", files "[file]", audio
 *   "[audio]". When the conversation ends with tool results (an Anthropic user turn of tool_result blocks only,
 *   trailing Chat `tool` messages, trailing Responses `*_call_output` items) their text is the prompt.
 * - tool_calls_in / tool_calls_out: tool_use and *_tool_use / tool_result and *_tool_result blocks (Anthropic);
 *   assistant tool_calls and `tool` messages (Chat); `*_call` and `*_call_output` items (Responses).
 * - completion / output_chars: visible text only. Chat with n > 1 joins the choices' texts with "\n" and counts
 *   their characters without the separators; a refusal counts as visible text. Set once a response was read
 *   (an empty string and 0 for a tool-call-only answer), null when there was none.
 * - reasoning_chars: readable reasoning (thinking, reasoning_content, summaries); 0 when none was returned;
 *   null when reasoning came back only redacted / encrypted (returned, length unknown).
 * - input_tokens: the whole prompt. Anthropic's usage splits it into input_tokens + cache_creation_input_tokens
 *   + cache_read_input_tokens, which are summed (OpenAI's prompt_tokens / input_tokens already include cache).
 * - stop_reason: Anthropic stop_reason (an error body gives its error type); Chat finish_reason of the first
 *   choice; Responses status, or incomplete_details.reason for an incomplete response.
 */
import type { Derived } from '../../model/interaction.js';
import { emptyDerived } from '../../model/interaction.js';
import { deriveAnthropicRequest, deriveAnthropicResponse } from './anthropic.js';
import { deriveChatRequest, deriveChatResponse, deriveResponsesRequest, deriveResponsesResponse } from './openai.js';
import { reconstruct, streamApi, streamEvents } from './sse.js';
import { arr, count, isObj, looksLikeJson, num, str, tryJson, type Obj } from './util.js';

export interface DeriveHints {
  /** Request path or URL, e.g. /v1/messages, /v1/chat/completions, /v1/responses. */
  endpoint?: string | null;
}

type BodyApi = 'anthropic.messages' | 'openai.chat' | 'openai.responses';

/** The API named by an endpoint path or URL, or null. */
export function apiOfEndpoint(endpoint: string | null | undefined): BodyApi | null {
  if (typeof endpoint !== 'string') return null;
  if (endpoint.includes('/chat/completions')) return 'openai.chat';
  if (endpoint.includes('/responses')) return 'openai.responses';
  if (endpoint.includes('/messages')) return 'anthropic.messages';
  return null;
}

/** The API a non-streamed response body comes from, or null. */
export function apiOfResponse(res: unknown): BodyApi | null {
  if (!isObj(res)) return null;
  const type = res.type;
  if (type === 'message') return 'anthropic.messages';
  const object = res.object;
  if (object === 'chat.completion' || Array.isArray(res.choices)) return 'openai.chat';
  if (object === 'response' || Array.isArray(res.output)) return 'openai.responses';
  if (type === 'error' && isObj(res.error)) return 'anthropic.messages';
  return null;
}

/** Anthropic block types that never occur in OpenAI message content. */
function anthropicBlock(t: unknown): boolean {
  return t === 'tool_use' || t === 'tool_result' || t === 'image' || t === 'document' || t === 'thinking' || t === 'redacted_thinking';
}

/**
 * The API a request body is for, or null. Plain `{model, messages:[{role:'user', content:'...'}]}` fits both
 * Messages and Chat: a Claude model name decides, else Chat.
 */
export function apiOfRequest(req: unknown): BodyApi | null {
  if (!isObj(req)) return null;
  if (req.input !== undefined || req.instructions !== undefined || req.max_output_tokens !== undefined || req.previous_response_id !== undefined) {
    return 'openai.responses';
  }
  if (req.system !== undefined || req.thinking !== undefined || req.top_k !== undefined || req.stop_sequences !== undefined) return 'anthropic.messages';
  const msgs = arr(req.messages);
  if (msgs === null) return null;
  if (req.max_completion_tokens !== undefined || req.n !== undefined || req.reasoning_effort !== undefined || req.response_format !== undefined) return 'openai.chat';
  for (const m of msgs) {
    if (!isObj(m)) continue;
    const role = m.role;
    if (role === 'system' || role === 'developer' || role === 'tool' || role === 'function' || m.tool_calls !== undefined) return 'openai.chat';
    const parts = arr(m.content);
    if (parts === null) continue;
    for (const p of parts) {
      const t = isObj(p) ? p.type : undefined;
      if (anthropicBlock(t)) return 'anthropic.messages';
      if (t === 'image_url' || t === 'input_audio' || t === 'file') return 'openai.chat';
    }
  }
  const model = str(req.model);
  return model !== null && model.includes('claude') ? 'anthropic.messages' : 'openai.chat';
}

/** Whether a response value is a stream: a list of events, raw SSE text (not JSON) or SSE bytes. */
function isStream(res: unknown): boolean {
  return Array.isArray(res) || res instanceof Uint8Array || (typeof res === 'string' && !looksLikeJson(res));
}

/** Detects the API from endpoint, response body, stream events and request body, in that order. */
export function detectApi(request: unknown, response: unknown, hints: DeriveHints = {}): BodyApi | null {
  const byEndpoint = apiOfEndpoint(hints.endpoint);
  if (byEndpoint !== null) return byEndpoint;
  const res = typeof response === 'string' && looksLikeJson(response) ? tryJson(response) : response;
  if (isStream(res)) {
    const events = streamEvents(res);
    const byStream = events === null ? null : streamApi(events);
    if (byStream !== null) return byStream;
  } else {
    const byResponse = apiOfResponse(res);
    if (byResponse !== null) return byResponse;
  }
  return apiOfRequest(request);
}

/**
 * Derive everything the store keeps from a request body and a response (a body, a list of SSE events, or raw
 * SSE text). Never throws: unrecognised shapes give api 'unknown' with what could be read.
 */
export function deriveFromBodies(request: Record<string, unknown> | null | undefined, response: unknown, hints: DeriveHints = {}): Derived {
  try {
    return derive(isObj(request) ? request : null, response, hints);
  } catch {
    // Defensive only: the readers check every shape, but a hostile value (a throwing getter) must not stop ingest.
    return emptyDerived('unknown');
  }
}

function derive(req: Obj | null, response: unknown, hints: DeriveHints): Derived {
  // A response body logged as JSON text.
  let res: unknown = typeof response === 'string' && looksLikeJson(response) ? tryJson(response) : response;
  let streamed = false;
  let api: BodyApi | null = apiOfEndpoint(hints.endpoint);
  if (isStream(res)) {
    const events = streamEvents(res);
    res = null;
    if (events !== null && events.length > 0) {
      streamed = true;
      api ??= streamApi(events) ?? apiOfRequest(req);
      // Tool-call inputs are not read here (only counted): leave their JSON text unparsed.
      if (api !== null) res = reconstruct(events, api, { parseToolInput: false });
    }
  } else api ??= apiOfResponse(res);
  api ??= apiOfRequest(req);
  const body = isObj(res) ? res : null;
  const d = emptyDerived(api ?? 'unknown');
  switch (api) {
    case 'anthropic.messages':
      if (req) deriveAnthropicRequest(req, d);
      if (body) deriveAnthropicResponse(body, d);
      break;
    case 'openai.chat':
      if (req) deriveChatRequest(req, d);
      if (body) deriveChatResponse(body, d);
      break;
    case 'openai.responses':
      if (req) deriveResponsesRequest(req, d);
      if (body) deriveResponsesResponse(body, d);
      break;
    default:
      if (req) genericRequest(req, d);
      if (body) d.response_model = str(body.model);
  }
  if (streamed) d.stream = true;
  return d;
}

/** The few request fields every API spells alike, for bodies of an unknown API. */
function genericRequest(req: Obj, d: Derived): void {
  d.max_tokens = count(req.max_tokens);
  d.temperature = num(req.temperature);
  d.stream = req.stream === true;
}

/** Derive from plain text fields when no bodies were logged. */
export function deriveFromText(prompt: string | null | undefined, system: string | null | undefined, completion: string | null | undefined): Derived {
  const d = emptyDerived('text');
  d.prompt = prompt ?? null;
  d.system = system ?? null;
  d.turns = prompt != null ? 1 : 0;
  d.completion = completion ?? null;
  d.output_chars = completion != null ? completion.length : null;
  return d;
}

