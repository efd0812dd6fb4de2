/**
 * Request and response bodies as JSON text, in the three API shapes the provider serves: Anthropic Messages,
 * OpenAI Chat Completions and OpenAI Responses; responses either as one body or as a streamed list of SSE
 * events ({event?, data}). Built by string concatenation (strings escaped with JSON.stringify) for speed.
 */
import type { Prompt } from './prompts.js';

export const API_ANTHROPIC = 0;
export const API_CHAT = 1;
export const API_RESPONSES = 2;
export type ApiIndex = 0 | 1 | 2;
export const ENDPOINTS = ['/v1/messages', '/v1/chat/completions', '/v1/responses'] as const;

/** Everything needed to write one request/response pair. */
export interface Exchange {
  api: ApiIndex;
  model: string;
  prompt: Prompt;
  maxTokens: number;
  /** Anthropic thinking budget (0: no thinking). */
  thinkingBudget: number;
  /** OpenAI reasoning effort (null: none). */
  effort: string | null;
  temperature: number | null;
  stream: boolean;
  metadataUser: string | null;
  status: number;
  text: string;
  thinking: string | null;
  /** The response is a call of the next tool (prompt.tools.calls[prompt.steps]). */
  toolCall: boolean;
  inTok: number;
  outTok: number;
  reasoningTok: number;
  stop: 'end_turn' | 'tool_use' | 'max_tokens';
  /** Random opaque suffix for response, tool-call and signature ids. */
  rid: string;
  /** Epoch seconds. */
  created: number;
}

/**
 * JSON string literal of s. Strings that recur as the same object (system prompts, pooled responses, tool
 * texts) are escaped once and cached; V8 keeps a string's hash on the object, so lookups are cheap.
 */
const cache = new Map<string, string>();
const J = JSON.stringify;
function JC(s: string | null | undefined): string {
  if (s == null) return '""';
  if (s.length < 48) return JSON.stringify(s);
  let v = cache.get(s);
  if (v === undefined) {
    v = JSON.stringify(s);
    if (cache.size > 20_000) cache.clear();
    cache.set(s, v);
  }
  return v;
}

function toolCallOf(x: Exchange, i: number) {
  const calls = x.prompt.tools?.calls ?? [];
  return calls[i % Math.max(1, calls.length)] ?? { name: 'noop', args: '{}', result: 'ok' };
}

function split2(t: string): [string, string] {
  if (t.length < 200) return [t, ''];
  let m = t.lastIndexOf(' ', t.length >> 1);
  if (m <= 0) m = t.length >> 1;
  return [t.slice(0, m), t.slice(m)];
}

// ---------------------------------------------------------------- Anthropic Messages

function anthropicRequest(x: Exchange): string {
  const p = x.prompt;
  let msgs = '';
  if (p.history) for (let i = 0; i < p.history.length; i++) msgs += `{"role":"${i % 2 === 0 ? 'user' : 'assistant'}","content":${JC(p.history[i])}},`;
  if (p.image) msgs += `{"role":"user","content":[{"type":"image","source":{"type":"url","url":${J(p.image)}}},{"type":"text","text":${J(p.user)}}]}`;
  else msgs += `{"role":"user","content":${J(p.user)}}`;
  for (let i = 0; i < p.steps; i++) {
    const c = toolCallOf(x, i);
    const id = `toolu_${x.rid.slice(0, 12)}${i}`;
    msgs += `,{"role":"assistant","content":[{"type":"tool_use","id":"${id}","name":"${c.name}","input":${c.args}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"${id}","content":"${c.result}"}]}`;
  }
  let s = `{"model":"${x.model}","max_tokens":${x.maxTokens}`;
  if (p.system) s += `,"system":${JC(p.system)}`;
  s += `,"messages":[${msgs}]`;
  if (x.thinkingBudget > 0) s += `,"thinking":{"type":"enabled","budget_tokens":${x.thinkingBudget}}`;
  if (p.tools) s += `,"tools":${p.tools.json[0]}`;
  if (x.temperature !== null) s += `,"temperature":${x.temperature}`;
  if (x.metadataUser) s += `,"metadata":{"user_id":"${x.metadataUser}"}`;
  if (x.stream) s += `,"stream":true`;
  return s + '}';
}

function anthropicBlocks(x: Exchange): string[] {
  const b: string[] = [];
  if (x.thinking) b.push(`{"type":"thinking","thinking":${JC(x.thinking)},"signature":"${x.rid}"}`);
  if (x.toolCall) {
    const c = toolCallOf(x, x.prompt.steps);
    b.push(`{"type":"text","text":${J(x.text.slice(0, 80))}}`);
    b.push(`{"type":"tool_use","id":"toolu_${x.rid.slice(4, 20)}","name":"${c.name}","input":${c.args}}`);
  } else b.push(`{"type":"text","text":${JC(x.text)}}`);
  return b;
}

function anthropicResponse(x: Exchange): string {
  return `{"id":"msg_${x.rid.slice(0, 24)}","type":"message","role":"assistant","model":"${x.model}","content":[${anthropicBlocks(x).join(',')}],"stop_reason":"${x.stop}","stop_sequence":null,"usage":{"input_tokens":${x.inTok},"output_tokens":${x.outTok}}}`;
}

function anthropicStream(x: Exchange): string {
  const ev = (name: string, data: string) => `{"event":"${name}","data":{"type":"${name}",${data}}}`;
  const out = [ev('message_start', `"message":{"id":"msg_${x.rid.slice(0, 24)}","type":"message","role":"assistant","model":"${x.model}","content":[],"stop_reason":null,"usage":{"input_tokens":${x.inTok},"output_tokens":1}}`)];
  let i = 0;
  if (x.thinking) {
    out.push(ev('content_block_start', `"index":${i},"content_block":{"type":"thinking","thinking":""}`));
    out.push(ev('content_block_delta', `"index":${i},"delta":{"type":"thinking_delta","thinking":${JC(x.thinking)}}`));
    out.push(ev('content_block_delta', `"index":${i},"delta":{"type":"signature_delta","signature":"${x.rid}"}`));
    out.push(ev('content_block_stop', `"index":${i}`));
    i++;
  }
  const text = x.toolCall ? x.text.slice(0, 80) : x.text;
  out.push(ev('content_block_start', `"index":${i},"content_block":{"type":"text","text":""}`));
  for (const part of split2(text)) if (part) out.push(ev('content_block_delta', `"index":${i},"delta":{"type":"text_delta","text":${J(part)}}`));
  out.push(ev('content_block_stop', `"index":${i}`));
  if (x.toolCall) {
    i++;
    const c = toolCallOf(x, x.prompt.steps);
    out.push(ev('content_block_start', `"index":${i},"content_block":{"type":"tool_use","id":"toolu_${x.rid.slice(4, 20)}","name":"${c.name}","input":{}}`));
    out.push(ev('content_block_delta', `"index":${i},"delta":{"type":"input_json_delta","partial_json":${J(c.args)}}`));
    out.push(ev('content_block_stop', `"index":${i}`));
  }
  out.push(ev('message_delta', `"delta":{"stop_reason":"${x.stop}","stop_sequence":null},"usage":{"output_tokens":${x.outTok}}`));
  out.push('{"event":"message_stop","data":{"type":"message_stop"}}');
  return `[${out.join(',')}]`;
}

// ---------------------------------------------------------------- OpenAI Chat Completions

function chatRequest(x: Exchange): string {
  const p = x.prompt;
  let msgs = '';
  if (p.system) msgs += `{"role":"system","content":${JC(p.system)}},`;
  if (p.history) for (let i = 0; i < p.history.length; i++) msgs += `{"role":"${i % 2 === 0 ? 'user' : 'assistant'}","content":${JC(p.history[i])}},`;
  if (p.image) msgs += `{"role":"user","content":[{"type":"text","text":${J(p.user)}},{"type":"image_url","image_url":{"url":${J(p.image)}}}]}`;
  else msgs += `{"role":"user","content":${J(p.user)}}`;
  for (let i = 0; i < p.steps; i++) {
    const c = toolCallOf(x, i);
    const id = `call_${x.rid.slice(0, 16)}${i}`;
    msgs += `,{"role":"assistant","content":null,"tool_calls":[{"id":"${id}","type":"function","function":{"name":"${c.name}","arguments":${J(c.args)}}}]},{"role":"tool","tool_call_id":"${id}","content":"${c.result}"}`;
  }
  let s = `{"model":"${x.model}","messages":[${msgs}],"max_completion_tokens":${x.maxTokens}`;
  if (x.effort) s += `,"reasoning_effort":"${x.effort}"`;
  if (p.tools) s += `,"tools":${p.tools.json[1]}`;
  if (x.temperature !== null) s += `,"temperature":${x.temperature}`;
  if (x.stream) s += `,"stream":true,"stream_options":{"include_usage":true}`;
  return s + '}';
}

const FINISH = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' } as const;

function chatUsage(x: Exchange): string {
  return `{"prompt_tokens":${x.inTok},"completion_tokens":${x.outTok},"total_tokens":${x.inTok + x.outTok},"completion_tokens_details":{"reasoning_tokens":${x.reasoningTok}}}`;
}

function chatResponse(x: Exchange): string {
  let msg: string;
  if (x.toolCall) {
    const c = toolCallOf(x, x.prompt.steps);
    msg = `{"role":"assistant","content":null,"tool_calls":[{"id":"call_${x.rid.slice(4, 28)}","type":"function","function":{"name":"${c.name}","arguments":${J(c.args)}}}]}`;
  } else msg = `{"role":"assistant","content":${JC(x.text)}}`;
  return `{"id":"chatcmpl-${x.rid.slice(0, 24)}","object":"chat.completion","created":${x.created},"model":"${x.model}","choices":[{"index":0,"message":${msg},"finish_reason":"${FINISH[x.stop]}"}],"usage":${chatUsage(x)}}`;
}

function chatStream(x: Exchange): string {
  const head = `"id":"chatcmpl-${x.rid.slice(0, 24)}","object":"chat.completion.chunk","created":${x.created},"model":"${x.model}"`;
  const chunk = (delta: string, finish: string | null) => `{"data":{${head},"choices":[{"index":0,"delta":${delta},"finish_reason":${finish ? `"${finish}"` : 'null'}}]}}`;
  const out = [chunk('{"role":"assistant","content":""}', null)];
  if (x.toolCall) {
    const c = toolCallOf(x, x.prompt.steps);
    out.push(chunk(`{"tool_calls":[{"index":0,"id":"call_${x.rid.slice(4, 28)}","type":"function","function":{"name":"${c.name}","arguments":""}}]}`, null));
    out.push(chunk(`{"tool_calls":[{"index":0,"function":{"arguments":${J(c.args)}}}]}`, null));
  } else for (const part of split2(x.text)) if (part) out.push(chunk(`{"content":${J(part)}}`, null));
  out.push(chunk('{}', FINISH[x.stop]));
  out.push(`{"data":{${head},"choices":[],"usage":${chatUsage(x)}}}`);
  out.push('{"data":"[DONE]"}');
  return `[${out.join(',')}]`;
}

// ---------------------------------------------------------------- OpenAI Responses

function responsesRequest(x: Exchange): string {
  const p = x.prompt;
  let s = `{"model":"${x.model}"`;
  if (p.system) s += `,"instructions":${JC(p.system)}`;
  if (!p.history && !p.image && p.steps === 0) s += `,"input":${J(p.user)}`;
  else {
    let items = '';
    if (p.history) for (let i = 0; i < p.history.length; i++) items += `{"role":"${i % 2 === 0 ? 'user' : 'assistant'}","content":${JC(p.history[i])}},`;
    if (p.image) items += `{"role":"user","content":[{"type":"input_text","text":${J(p.user)}},{"type":"input_image","image_url":${J(p.image)}}]}`;
    else items += `{"role":"user","content":${J(p.user)}}`;
    for (let i = 0; i < p.steps; i++) {
      const c = toolCallOf(x, i);
      const id = `call_${x.rid.slice(0, 16)}${i}`;
      items += `,{"type":"function_call","call_id":"${id}","name":"${c.name}","arguments":${J(c.args)}},{"type":"function_call_output","call_id":"${id}","output":"${c.result}"}`;
    }
    s += `,"input":[${items}]`;
  }
  s += `,"max_output_tokens":${x.maxTokens}`;
  if (x.effort) s += `,"reasoning":{"effort":"${x.effort}","summary":"auto"}`;
  if (p.tools) s += `,"tools":${p.tools.json[2]}`;
  if (x.temperature !== null) s += `,"temperature":${x.temperature}`;
  if (x.stream) s += `,"stream":true`;
  return s + '}';
}

function responsesOutput(x: Exchange): string {
  const items: string[] = [];
  if (x.thinking) items.push(`{"type":"reasoning","id":"rs_${x.rid.slice(0, 20)}","summary":[{"type":"summary_text","text":${JC(x.thinking)}}]}`);
  if (x.toolCall) {
    const c = toolCallOf(x, x.prompt.steps);
    items.push(`{"type":"function_call","id":"fc_${x.rid.slice(2, 22)}","call_id":"call_${x.rid.slice(4, 28)}","name":"${c.name}","arguments":${J(c.args)},"status":"completed"}`);
  } else items.push(`{"type":"message","id":"msg_${x.rid.slice(1, 21)}","status":"completed","role":"assistant","content":[{"type":"output_text","text":${JC(x.text)},"annotations":[]}]}`);
  return `{"id":"resp_${x.rid.slice(0, 24)}","object":"response","created_at":${x.created},"status":"${x.stop === 'max_tokens' ? 'incomplete' : 'completed'}","model":"${x.model}","output":[${items.join(',')}],"usage":{"input_tokens":${x.inTok},"output_tokens":${x.outTok},"total_tokens":${x.inTok + x.outTok},"output_tokens_details":{"reasoning_tokens":${x.reasoningTok}}}}`;
}

function responsesStream(x: Exchange): string {
  const out = [`{"event":"response.created","data":{"type":"response.created","response":{"id":"resp_${x.rid.slice(0, 24)}","object":"response","created_at":${x.created},"status":"in_progress","model":"${x.model}","output":[]}}}`];
  if (!x.toolCall)
    for (const part of split2(x.text))
      if (part) out.push(`{"event":"response.output_text.delta","data":{"type":"response.output_text.delta","item_id":"msg_${x.rid.slice(1, 21)}","output_index":${x.thinking ? 1 : 0},"content_index":0,"delta":${J(part)}}}`);
  out.push(`{"event":"response.completed","data":{"type":"response.completed","response":${responsesOutput(x)}}}`);
  return `[${out.join(',')}]`;
}

// ---------------------------------------------------------------- errors and dispatch

const ERRORS: Record<number, [string, string, string]> = {
  429: ['rate_limit_error', 'rate_limit_exceeded', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'server_error', 'Internal server error.'],
  529: ['overloaded_error', 'overloaded', 'Overloaded.'],
  400: ['invalid_request_error', 'invalid_request', 'max_tokens: exceeds the maximum allowed for this model.'],
};

function errorBody(x: Exchange): string {
  const [atype, code, msg] = ERRORS[x.status] ?? (ERRORS[500] as [string, string, string]);
  if (x.api === API_ANTHROPIC) return `{"type":"error","error":{"type":"${atype}","message":"${msg}"}}`;
  return `{"error":{"message":"${msg}","type":"${atype}","param":null,"code":"${code}"}}`;
}

export function requestJson(x: Exchange): string {
  return x.api === API_ANTHROPIC ? anthropicRequest(x) : x.api === API_CHAT ? chatRequest(x) : responsesRequest(x);
}

export function responseJson(x: Exchange): string {
  if (x.status !== 200) return errorBody(x);
  if (x.api === API_ANTHROPIC) return x.stream ? anthropicStream(x) : anthropicResponse(x);
  if (x.api === API_CHAT) return x.stream ? chatStream(x) : chatResponse(x);
  return x.stream ? responsesStream(x) : responsesOutput(x);
}
