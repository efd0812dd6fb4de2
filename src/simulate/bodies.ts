/**
 * Request and response bodies as JSON text, in the three API shapes the provider serves: Anthropic Messages,
 * OpenAI Chat Completions and OpenAI Responses; responses either as one body or as a streamed list of SSE
 * events ({event?, data}). Written straight into the unit's byte buffer (see jsonbuf.ts for why). Whatever
 * comes from a bounded pool (model names, system prompts, pooled response texts, tool definitions and calls)
 * is written together with the JSON around it as one pre-built piece (see Pieces); ids, numbers and the
 * generated user turn are written in between.
 */
import { type JsonBuf, Pieces } from './jsonbuf.js';
import type { Prompt } from './prompts.js';
import type { ToolCall, ToolSet } from './tools.js';

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
  /** Random opaque suffix for response, tool-call and signature ids: 32 lower-case hex digits (ASCII bytes). */
  rid: Uint8Array;
  /** Epoch seconds. */
  created: number;
}

const J = JSON.stringify;
const NOOP: ToolCall = { name: 'noop', args: '{}', result: 'ok' };

function toolCallOf(x: Exchange, i: number): ToolCall {
  const calls = x.prompt.tools?.calls ?? [];
  return calls[i % Math.max(1, calls.length)] ?? NOOP;
}

/**
 * Where a response text is cut when it is streamed: the text in one delta below 200 characters, otherwise in
 * two at a space near the middle. Before a tool call only the first 80 characters are sent.
 */
interface TextParts {
  /** The deltas (one or two non-empty strings). */
  deltas: string[];
  /** The deltas before a tool call. */
  head: string[];
}
const PARTS = new Map<string, TextParts>();

function partsOf(t: string): TextParts {
  let v = PARTS.get(t);
  if (v === undefined) {
    if (PARTS.size >= 20_000) PARTS.clear();
    let cut = t.length;
    if (t.length >= 200) {
      cut = t.lastIndexOf(' ', t.length >> 1);
      if (cut <= 0) cut = t.length >> 1;
    }
    const head = t.slice(0, 80);
    v = { deltas: [t.slice(0, cut), t.slice(cut)].filter((d) => d.length > 0), head: head ? [head] : [] };
    PARTS.set(t, v);
  }
  return v;
}

/** The final user turn, part by part when its parts are known. */
function userTurn(o: JsonBuf, p: Prompt): void {
  if (p.userParts) o.joined(p.userParts);
  else o.str(p.user);
}

const USER_TURN = new Pieces((h: string) => `{"role":"user","content":${J(h)}},`);
const ASSISTANT_TURN = new Pieces((h: string) => `{"role":"assistant","content":${J(h)}},`);

/** Earlier turns, alternating user/assistant, each followed by a comma. */
function history(o: JsonBuf, h: string[]): void {
  for (let i = 0; i < h.length; i++) o.bytes((i % 2 === 0 ? USER_TURN : ASSISTANT_TURN).get(h[i] as string));
}

/** The final user message: its text alone, or (Chat, Responses) its text and then an image part. */
function userMessage(o: JsonBuf, p: Prompt, textOpen: string, imageOpen: string, imageClose: string): void {
  if (p.image) {
    o.lit(textOpen);
    userTurn(o, p);
    o.lit(imageOpen);
    o.str(p.image);
    o.raw(imageClose);
  } else {
    o.lit('{"role":"user","content":');
    userTurn(o, p);
    o.raw('}');
  }
}

/** The tool-use steps before the final answer: each call (id `<rid prefix><i>`) and its result, in the API's shape. */
function toolSteps(o: JsonBuf, x: Exchange, open: string, idChars: number, call: Pieces<ToolCall>, result: Pieces<ToolCall>): void {
  for (let i = 0; i < x.prompt.steps; i++) {
    const c = toolCallOf(x, i);
    o.lit(open);
    o.slice(x.rid, 0, idChars);
    o.num(i);
    o.bytes(call.get(c));
    o.slice(x.rid, 0, idChars);
    o.num(i);
    o.bytes(result.get(c));
  }
}

function temperature(o: JsonBuf, x: Exchange): void {
  if (x.temperature !== null) {
    o.lit(',"temperature":');
    o.num(x.temperature);
  }
}

// ---------------------------------------------------------------- Anthropic Messages

const A_MODEL = new Pieces((m: string) => `{"model":"${m}","max_tokens":`);
const A_SYSTEM = new Pieces((s: string) => `,"system":${J(s)},"messages":[`);
const A_STEP_CALL = new Pieces((c: ToolCall) => `","name":"${c.name}","input":${c.args}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_`);
const A_STEP_RESULT = new Pieces((c: ToolCall) => `","content":"${c.result}"}]}`);
const A_TOOLS = new Pieces((t: ToolSet) => `,"tools":${t.json[0]}`);

function anthropicRequest(o: JsonBuf, x: Exchange): void {
  const p = x.prompt;
  o.bytes(A_MODEL.get(x.model));
  o.num(x.maxTokens);
  if (p.system) o.bytes(A_SYSTEM.get(p.system));
  else o.lit(',"messages":[');
  if (p.history) history(o, p.history);
  if (p.image) {
    o.lit('{"role":"user","content":[{"type":"image","source":{"type":"url","url":');
    o.str(p.image);
    o.lit('}},{"type":"text","text":');
    userTurn(o, p);
    o.raw('}]}');
  } else {
    o.lit('{"role":"user","content":');
    userTurn(o, p);
    o.raw('}');
  }
  toolSteps(o, x, ',{"role":"assistant","content":[{"type":"tool_use","id":"toolu_', 12, A_STEP_CALL, A_STEP_RESULT);
  o.raw(']');
  if (x.thinkingBudget > 0) {
    o.lit(',"thinking":{"type":"enabled","budget_tokens":');
    o.num(x.thinkingBudget);
    o.raw('}');
  }
  if (p.tools) o.bytes(A_TOOLS.get(p.tools));
  temperature(o, x);
  if (x.metadataUser) {
    o.lit(',"metadata":{"user_id":"');
    o.raw(x.metadataUser);
    o.raw('"}');
  }
  if (x.stream) o.lit(',"stream":true');
  o.raw('}');
}

const A_RESPONSE_MODEL = new Pieces((m: string) => `","type":"message","role":"assistant","model":"${m}","content":[`);
const A_THINKING = new Pieces((t: string) => `{"type":"thinking","thinking":${J(t)},"signature":"`);
const A_TEXT_BEFORE_TOOL = new Pieces((t: string) => `{"type":"text","text":${J(t.slice(0, 80))}},{"type":"tool_use","id":"toolu_`);
const A_TOOL_USE = new Pieces((c: ToolCall) => `","name":"${c.name}","input":${c.args}}`);
const A_TEXT = new Pieces((t: string) => `{"type":"text","text":${J(t)}}`);
const A_STOP = new Pieces((s: string) => `],"stop_reason":"${s}","stop_sequence":null,"usage":{"input_tokens":`);

function anthropicResponse(o: JsonBuf, x: Exchange): void {
  o.lit('{"id":"msg_');
  o.slice(x.rid, 0, 24);
  o.bytes(A_RESPONSE_MODEL.get(x.model));
  if (x.thinking) {
    o.bytes(A_THINKING.get(x.thinking));
    o.bytes(x.rid);
    o.raw('"},');
  }
  if (x.toolCall) {
    o.bytes(A_TEXT_BEFORE_TOOL.get(x.text));
    o.slice(x.rid, 4, 20);
    o.bytes(A_TOOL_USE.get(toolCallOf(x, x.prompt.steps)));
  } else o.bytes(A_TEXT.get(x.text));
  o.bytes(A_STOP.get(x.stop));
  o.num(x.inTok);
  o.lit(',"output_tokens":');
  o.num(x.outTok);
  o.raw('}}');
}

/** Anthropic stream events of content block i (0-2). */
const EVENTS = [0, 1, 2].map((i) => ({
  start: `,{"event":"content_block_start","data":{"type":"content_block_start","index":${i},"content_block":`,
  delta: `,{"event":"content_block_delta","data":{"type":"content_block_delta","index":${i},"delta":`,
  stop: `,{"event":"content_block_stop","data":{"type":"content_block_stop","index":${i}}}`,
}));
const E0 = EVENTS[0]!;

const A_STREAM_MODEL = new Pieces((m: string) => `","type":"message","role":"assistant","model":"${m}","content":[],"stop_reason":null,"usage":{"input_tokens":`);
const A_STREAM_THINKING = new Pieces((t: string) => `${E0.start}{"type":"thinking","thinking":""}}}${E0.delta}{"type":"thinking_delta","thinking":${J(t)}}}}${E0.delta}{"type":"signature_delta","signature":"`);
const A_STREAM_THINKING_END = `"}}}${E0.stop}`;
/** The whole text block of a streamed response: by block index (0, 1) and whether a tool call follows. */
const A_STREAM_TEXT = [0, 1].map((i) =>
  [false, true].map((beforeTool) => {
    const e = EVENTS[i]!;
    return new Pieces((t: string) => {
      const p = partsOf(t);
      return `${e.start}{"type":"text","text":""}}}${(beforeTool ? p.head : p.deltas).map((d) => `${e.delta}{"type":"text_delta","text":${J(d)}}}}`).join('')}${e.stop}`;
    });
  }),
);
const A_STREAM_TOOL = [1, 2].map((i) => {
  const e = EVENTS[i]!;
  return { open: `${e.start}{"type":"tool_use","id":"toolu_`, rest: new Pieces((c: ToolCall) => `","name":"${c.name}","input":{}}}}${e.delta}{"type":"input_json_delta","partial_json":${J(c.args)}}}}${e.stop}`) };
});
const A_STREAM_STOP = new Pieces((s: string) => `,{"event":"message_delta","data":{"type":"message_delta","delta":{"stop_reason":"${s}","stop_sequence":null},"usage":{"output_tokens":`);

function anthropicStream(o: JsonBuf, x: Exchange): void {
  o.lit('[{"event":"message_start","data":{"type":"message_start","message":{"id":"msg_');
  o.slice(x.rid, 0, 24);
  o.bytes(A_STREAM_MODEL.get(x.model));
  o.num(x.inTok);
  o.lit(',"output_tokens":1}}}}');
  let i = 0;
  if (x.thinking) {
    o.bytes(A_STREAM_THINKING.get(x.thinking));
    o.bytes(x.rid);
    o.lit(A_STREAM_THINKING_END);
    i++;
  }
  o.bytes(A_STREAM_TEXT[i]![x.toolCall ? 1 : 0]!.get(x.text));
  if (x.toolCall) {
    const t = A_STREAM_TOOL[i]!;
    o.lit(t.open);
    o.slice(x.rid, 4, 20);
    o.bytes(t.rest.get(toolCallOf(x, x.prompt.steps)));
  }
  o.bytes(A_STREAM_STOP.get(x.stop));
  o.num(x.outTok);
  o.lit('}}},{"event":"message_stop","data":{"type":"message_stop"}}]');
}

// ---------------------------------------------------------------- OpenAI Chat Completions

const FINISH = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' } as const;

const C_MODEL = new Pieces((m: string) => `{"model":"${m}","messages":[`);
const C_SYSTEM = new Pieces((s: string) => `{"role":"system","content":${J(s)}},`);
const C_STEP_CALL = new Pieces((c: ToolCall) => `","type":"function","function":{"name":"${c.name}","arguments":${J(c.args)}}}]},{"role":"tool","tool_call_id":"call_`);
const C_STEP_RESULT = new Pieces((c: ToolCall) => `","content":"${c.result}"}`);
const C_EFFORT = new Pieces((e: string) => `,"reasoning_effort":"${e}"`);
const C_TOOLS = new Pieces((t: ToolSet) => `,"tools":${t.json[1]}`);

function chatRequest(o: JsonBuf, x: Exchange): void {
  const p = x.prompt;
  o.bytes(C_MODEL.get(x.model));
  if (p.system) o.bytes(C_SYSTEM.get(p.system));
  if (p.history) history(o, p.history);
  userMessage(o, p, '{"role":"user","content":[{"type":"text","text":', '},{"type":"image_url","image_url":{"url":', '}}]}');
  toolSteps(o, x, ',{"role":"assistant","content":null,"tool_calls":[{"id":"call_', 16, C_STEP_CALL, C_STEP_RESULT);
  o.lit('],"max_completion_tokens":');
  o.num(x.maxTokens);
  if (x.effort) o.bytes(C_EFFORT.get(x.effort));
  if (p.tools) o.bytes(C_TOOLS.get(p.tools));
  temperature(o, x);
  if (x.stream) o.lit(',"stream":true,"stream_options":{"include_usage":true}');
  o.raw('}');
}

function chatUsage(o: JsonBuf, x: Exchange): void {
  o.lit('{"prompt_tokens":');
  o.num(x.inTok);
  o.lit(',"completion_tokens":');
  o.num(x.outTok);
  o.lit(',"total_tokens":');
  o.num(x.inTok + x.outTok);
  o.lit(',"completion_tokens_details":{"reasoning_tokens":');
  o.num(x.reasoningTok);
  o.raw('}}');
}

const C_RESPONSE_MODEL = new Pieces((m: string) => `,"model":"${m}","choices":[{"index":0,"message":`);
const C_CALL = new Pieces((c: ToolCall) => `","type":"function","function":{"name":"${c.name}","arguments":${J(c.args)}}}]}`);
const C_MESSAGE = new Pieces((t: string) => `{"role":"assistant","content":${J(t)}}`);
const C_FINISH = new Pieces((s: Exchange['stop']) => `,"finish_reason":"${FINISH[s]}"}],"usage":`);

function chatResponse(o: JsonBuf, x: Exchange): void {
  o.lit('{"id":"chatcmpl-');
  o.slice(x.rid, 0, 24);
  o.lit('","object":"chat.completion","created":');
  o.num(x.created);
  o.bytes(C_RESPONSE_MODEL.get(x.model));
  if (x.toolCall) {
    o.lit('{"role":"assistant","content":null,"tool_calls":[{"id":"call_');
    o.slice(x.rid, 4, 28);
    o.bytes(C_CALL.get(toolCallOf(x, x.prompt.steps)));
  } else o.bytes(C_MESSAGE.get(x.text));
  o.bytes(C_FINISH.get(x.stop));
  chatUsage(o, x);
  o.raw('}');
}

const C_CHUNK_MODEL = new Pieces((m: string) => `,"model":"${m}"`);
const C_CHUNK_CALL = new Pieces((c: ToolCall) => `","type":"function","function":{"name":"${c.name}","arguments":""}}]},"finish_reason":null}]}}`);
const C_CHUNK_ARGS = new Pieces((c: ToolCall) => `{"tool_calls":[{"index":0,"function":{"arguments":${J(c.args)}}}]},"finish_reason":null}]}}`);
const C_CHUNK_TEXT = new Pieces((d: string) => `{"content":${J(d)}},"finish_reason":null}]}}`);
const C_CHUNK_FINISH = new Pieces((s: Exchange['stop']) => `{},"finish_reason":"${FINISH[s]}"}]}},{"data":{`);

function chatStream(o: JsonBuf, x: Exchange): void {
  // the chunk header ("id", "object", "created", "model") is written once and copied into each chunk
  o.lit('[{"data":{');
  const h0 = o.pos;
  o.lit('"id":"chatcmpl-');
  o.slice(x.rid, 0, 24);
  o.lit('","object":"chat.completion.chunk","created":');
  o.num(x.created);
  o.bytes(C_CHUNK_MODEL.get(x.model));
  const h1 = o.pos;
  const open = () => {
    o.lit(',{"data":{');
    o.again(h0, h1);
    o.lit(',"choices":[{"index":0,"delta":');
  };
  o.lit(',"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}}');
  if (x.toolCall) {
    const c = toolCallOf(x, x.prompt.steps);
    open();
    o.lit('{"tool_calls":[{"index":0,"id":"call_');
    o.slice(x.rid, 4, 28);
    o.bytes(C_CHUNK_CALL.get(c));
    open();
    o.bytes(C_CHUNK_ARGS.get(c));
  } else
    for (const d of partsOf(x.text).deltas) {
      open();
      o.bytes(C_CHUNK_TEXT.get(d));
    }
  open();
  o.bytes(C_CHUNK_FINISH.get(x.stop));
  o.again(h0, h1);
  o.lit(',"choices":[],"usage":');
  chatUsage(o, x);
  o.lit('}},{"data":"[DONE]"}]');
}

// ---------------------------------------------------------------- OpenAI Responses

const R_MODEL = new Pieces((m: string) => `{"model":"${m}"`);
const R_SYSTEM = new Pieces((s: string) => `,"instructions":${J(s)}`);
const R_STEP_CALL = new Pieces((c: ToolCall) => `","name":"${c.name}","arguments":${J(c.args)}},{"type":"function_call_output","call_id":"call_`);
const R_STEP_RESULT = new Pieces((c: ToolCall) => `","output":"${c.result}"}`);
const R_EFFORT = new Pieces((e: string) => `,"reasoning":{"effort":"${e}","summary":"auto"}`);
const R_TOOLS = new Pieces((t: ToolSet) => `,"tools":${t.json[2]}`);

function responsesRequest(o: JsonBuf, x: Exchange): void {
  const p = x.prompt;
  o.bytes(R_MODEL.get(x.model));
  if (p.system) o.bytes(R_SYSTEM.get(p.system));
  if (!p.history && !p.image && p.steps === 0) {
    o.lit(',"input":');
    userTurn(o, p);
  } else {
    o.lit(',"input":[');
    if (p.history) history(o, p.history);
    userMessage(o, p, '{"role":"user","content":[{"type":"input_text","text":', '},{"type":"input_image","image_url":', '}]}');
    toolSteps(o, x, ',{"type":"function_call","call_id":"call_', 16, R_STEP_CALL, R_STEP_RESULT);
    o.raw(']');
  }
  o.lit(',"max_output_tokens":');
  o.num(x.maxTokens);
  if (x.effort) o.bytes(R_EFFORT.get(x.effort));
  if (p.tools) o.bytes(R_TOOLS.get(p.tools));
  temperature(o, x);
  if (x.stream) o.lit(',"stream":true');
  o.raw('}');
}

const R_OUTPUT_MODEL = {
  completed: new Pieces((m: string) => `,"status":"completed","model":"${m}","output":[`),
  incomplete: new Pieces((m: string) => `,"status":"incomplete","model":"${m}","output":[`),
};
const R_REASONING = new Pieces((t: string) => `","summary":[{"type":"summary_text","text":${J(t)}}]},`);
const R_CALL = new Pieces((c: ToolCall) => `","name":"${c.name}","arguments":${J(c.args)},"status":"completed"}`);
const R_MESSAGE = new Pieces((t: string) => `","status":"completed","role":"assistant","content":[{"type":"output_text","text":${J(t)},"annotations":[]}]}`);

function responsesOutput(o: JsonBuf, x: Exchange): void {
  o.lit('{"id":"resp_');
  o.slice(x.rid, 0, 24);
  o.lit('","object":"response","created_at":');
  o.num(x.created);
  o.bytes((x.stop === 'max_tokens' ? R_OUTPUT_MODEL.incomplete : R_OUTPUT_MODEL.completed).get(x.model));
  if (x.thinking) {
    o.lit('{"type":"reasoning","id":"rs_');
    o.slice(x.rid, 0, 20);
    o.bytes(R_REASONING.get(x.thinking));
  }
  if (x.toolCall) {
    o.lit('{"type":"function_call","id":"fc_');
    o.slice(x.rid, 2, 22);
    o.lit('","call_id":"call_');
    o.slice(x.rid, 4, 28);
    o.bytes(R_CALL.get(toolCallOf(x, x.prompt.steps)));
  } else {
    o.lit('{"type":"message","id":"msg_');
    o.slice(x.rid, 1, 21);
    o.bytes(R_MESSAGE.get(x.text));
  }
  o.lit('],"usage":{"input_tokens":');
  o.num(x.inTok);
  o.lit(',"output_tokens":');
  o.num(x.outTok);
  o.lit(',"total_tokens":');
  o.num(x.inTok + x.outTok);
  o.lit(',"output_tokens_details":{"reasoning_tokens":');
  o.num(x.reasoningTok);
  o.raw('}}}');
}

const R_CREATED_MODEL = new Pieces((m: string) => `,"status":"in_progress","model":"${m}","output":[]}}}`);
/** A text delta event after its item id, by output index (1 after a reasoning item). */
const R_DELTA = [0, 1].map((n) => new Pieces((d: string) => `","output_index":${n},"content_index":0,"delta":${J(d)}}}`));

function responsesStream(o: JsonBuf, x: Exchange): void {
  o.lit('[{"event":"response.created","data":{"type":"response.created","response":{"id":"resp_');
  o.slice(x.rid, 0, 24);
  o.lit('","object":"response","created_at":');
  o.num(x.created);
  o.bytes(R_CREATED_MODEL.get(x.model));
  if (!x.toolCall)
    for (const d of partsOf(x.text).deltas) {
      o.lit(',{"event":"response.output_text.delta","data":{"type":"response.output_text.delta","item_id":"msg_');
      o.slice(x.rid, 1, 21);
      o.bytes(R_DELTA[x.thinking ? 1 : 0]!.get(d));
    }
  o.lit(',{"event":"response.completed","data":{"type":"response.completed","response":');
  responsesOutput(o, x);
  o.raw('}}]');
}

// ---------------------------------------------------------------- errors and dispatch

const ERRORS: Record<number, [string, string, string]> = {
  429: ['rate_limit_error', 'rate_limit_exceeded', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'server_error', 'Internal server error.'],
  529: ['overloaded_error', 'overloaded', 'Overloaded.'],
  400: ['invalid_request_error', 'invalid_request', 'max_tokens: exceeds the maximum allowed for this model.'],
};

function errorBody(o: JsonBuf, x: Exchange): void {
  const [atype, code, msg] = ERRORS[x.status] ?? (ERRORS[500] as [string, string, string]);
  if (x.api === API_ANTHROPIC) o.raw(`{"type":"error","error":{"type":"${atype}","message":"${msg}"}}`);
  else o.raw(`{"error":{"message":"${msg}","type":"${atype}","param":null,"code":"${code}"}}`);
}

/** The request body as JSON. */
export function writeRequest(o: JsonBuf, x: Exchange): void {
  if (x.api === API_ANTHROPIC) anthropicRequest(o, x);
  else if (x.api === API_CHAT) chatRequest(o, x);
  else responsesRequest(o, x);
}

/** The response body (or the list of stream events) as JSON. */
export function writeResponse(o: JsonBuf, x: Exchange): void {
  if (x.status !== 200) errorBody(o, x);
  else if (x.api === API_ANTHROPIC) (x.stream ? anthropicStream : anthropicResponse)(o, x);
  else if (x.api === API_CHAT) (x.stream ? chatStream : chatResponse)(o, x);
  else (x.stream ? responsesStream : responsesOutput)(o, x);
}
