/**
 * The mock upstream's wire formats: a plan (mock-plan.ts) rendered as each API's non-streamed body and as its
 * stream of SSE events, in the order the real APIs send them.
 */
import { nextId, outputTokens, signThinking, type Plan } from './mock-plan.js';
import type { RouteApi } from './degrade.js';

type Obj = Record<string, unknown>;
/** One SSE event: a name (null: data-only, as Chat Completions) and its data. */
export interface MockEvent {
  event: string | null;
  data: Obj | '[DONE]';
}

/** Splits text into up to three pieces (delta events). */
function pieces(s: string): string[] {
  const n = Math.min(3, Math.max(1, Math.floor(s.length / 8)));
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

// ---------------------------------------------------------------- Anthropic Messages

function anthropicContent(p: Plan): Obj[] {
  const c: Obj[] = [];
  if (p.thinking !== null) c.push({ type: 'thinking', thinking: p.thinking, signature: signThinking(p.thinking) });
  if (p.text !== null) c.push({ type: 'text', text: p.text });
  if (p.tool !== null) c.push({ type: 'tool_use', id: p.tool.id, name: p.tool.name, input: p.tool.input });
  return c;
}

export function anthropicBody(p: Plan, model: string): Obj {
  return {
    id: nextId('msg_mock'),
    type: 'message',
    role: 'assistant',
    model,
    content: anthropicContent(p),
    stop_reason: p.tool ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: p.inputTokens, output_tokens: outputTokens(p), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

export function anthropicEvents(p: Plan, model: string): MockEvent[] {
  const body = anthropicBody(p, model);
  const ev = (data: Obj): MockEvent => ({ event: String(data.type), data });
  const out: MockEvent[] = [
    ev({ type: 'message_start', message: { ...body, content: [], stop_reason: null, usage: { input_tokens: p.inputTokens, output_tokens: 1 } } }),
    ev({ type: 'ping' }),
  ];
  let index = 0;
  for (const b of body.content as Obj[]) {
    if (b.type === 'thinking') {
      out.push(ev({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const t of pieces(String(b.thinking))) out.push(ev({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: t } }));
      out.push(ev({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: b.signature } }));
    } else if (b.type === 'text') {
      out.push(ev({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const t of pieces(String(b.text))) out.push(ev({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } }));
    } else {
      out.push(ev({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }));
      for (const t of pieces(JSON.stringify(b.input))) out.push(ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: t } }));
    }
    out.push(ev({ type: 'content_block_stop', index }));
    index++;
  }
  out.push(ev({ type: 'message_delta', delta: { stop_reason: body.stop_reason, stop_sequence: null }, usage: { output_tokens: outputTokens(p) } }));
  out.push(ev({ type: 'message_stop' }));
  return out;
}

// ---------------------------------------------------------------- OpenAI Chat Completions

export function chatBody(p: Plan, model: string): Obj {
  const message: Obj = { role: 'assistant', content: p.text, refusal: null };
  if (p.thinking !== null) message.reasoning_content = p.thinking;
  if (p.tool !== null) message.tool_calls = [{ id: p.tool.id, type: 'function', function: { name: p.tool.name, arguments: JSON.stringify(p.tool.input) } }];
  const out = outputTokens(p);
  return {
    id: nextId('chatcmpl-mock'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: p.tool ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: p.inputTokens, completion_tokens: out, total_tokens: p.inputTokens + out },
  };
}

export function chatEvents(p: Plan, model: string, includeUsage: boolean): MockEvent[] {
  const body = chatBody(p, model);
  const head = { id: body.id, object: 'chat.completion.chunk', created: body.created, model };
  const chunk = (delta: Obj, finish: string | null = null): MockEvent => ({ event: null, data: { ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] } });
  const out: MockEvent[] = [chunk({ role: 'assistant', content: '' })];
  if (p.thinking !== null) for (const t of pieces(p.thinking)) out.push(chunk({ reasoning_content: t }));
  if (p.text !== null) for (const t of pieces(p.text)) out.push(chunk({ content: t }));
  if (p.tool !== null) {
    out.push(chunk({ tool_calls: [{ index: 0, id: p.tool.id, type: 'function', function: { name: p.tool.name, arguments: '' } }] }));
    for (const t of pieces(JSON.stringify(p.tool.input))) out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: t } }] }));
  }
  out.push(chunk({}, p.tool ? 'tool_calls' : 'stop'));
  if (includeUsage) out.push({ event: null, data: { ...head, choices: [], usage: body.usage as Obj } });
  out.push({ event: null, data: '[DONE]' });
  return out;
}

// ---------------------------------------------------------------- OpenAI Responses

function responsesOutput(p: Plan): Obj[] {
  const out: Obj[] = [];
  if (p.thinking !== null) out.push({ id: nextId('rs_mock'), type: 'reasoning', summary: [{ type: 'summary_text', text: p.thinking }], encrypted_content: null });
  if (p.text !== null) out.push({ id: nextId('msg_mock'), type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: p.text, annotations: [] }] });
  if (p.tool !== null) out.push({ id: nextId('fc_mock'), type: 'function_call', status: 'completed', call_id: p.tool.id, name: p.tool.name, arguments: JSON.stringify(p.tool.input) });
  return out;
}

export function responsesBody(p: Plan, model: string, output = responsesOutput(p)): Obj {
  const out = outputTokens(p);
  return {
    id: nextId('resp_mock'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model,
    output,
    output_text: p.text ?? '',
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    error: null,
    incomplete_details: null,
    usage: { input_tokens: p.inputTokens, output_tokens: out, total_tokens: p.inputTokens + out, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: p.thinking ? 20 : 0 } },
  };
}

export function responsesEvents(p: Plan, model: string): MockEvent[] {
  const final = responsesBody(p, model);
  const items = final.output as Obj[];
  let sequence_number = 0;
  const out: MockEvent[] = [];
  const ev = (data: Obj) => out.push({ event: String(data.type), data: { ...data, sequence_number: sequence_number++ } });
  const pending = { ...final, status: 'in_progress', output: [], usage: null };
  ev({ type: 'response.created', response: pending });
  ev({ type: 'response.in_progress', response: pending });
  items.forEach((item, output_index) => {
    const id = item.id;
    if (item.type === 'reasoning') {
      const text = String((item.summary as Obj[])[0]!.text);
      ev({ type: 'response.output_item.added', output_index, item: { ...item, summary: [] } });
      ev({ type: 'response.reasoning_summary_part.added', item_id: id, output_index, summary_index: 0, part: { type: 'summary_text', text: '' } });
      for (const t of pieces(text)) ev({ type: 'response.reasoning_summary_text.delta', item_id: id, output_index, summary_index: 0, delta: t });
      ev({ type: 'response.reasoning_summary_text.done', item_id: id, output_index, summary_index: 0, text });
      ev({ type: 'response.reasoning_summary_part.done', item_id: id, output_index, summary_index: 0, part: { type: 'summary_text', text } });
    } else if (item.type === 'message') {
      const text = String((item.content as Obj[])[0]!.text);
      ev({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress', content: [] } });
      ev({ type: 'response.content_part.added', item_id: id, output_index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const t of pieces(text)) ev({ type: 'response.output_text.delta', item_id: id, output_index, content_index: 0, delta: t, logprobs: [] });
      ev({ type: 'response.output_text.done', item_id: id, output_index, content_index: 0, text, logprobs: [] });
      ev({ type: 'response.content_part.done', item_id: id, output_index, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
    } else {
      const args = String(item.arguments);
      ev({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const t of pieces(args)) ev({ type: 'response.function_call_arguments.delta', item_id: id, output_index, delta: t });
      ev({ type: 'response.function_call_arguments.done', item_id: id, output_index, arguments: args });
    }
    ev({ type: 'response.output_item.done', output_index, item });
  });
  ev({ type: 'response.completed', response: final });
  return out;
}

/** Renders a plan for an API: the non-streamed body and the event list. */
export function render(api: RouteApi, p: Plan, model: string, stream: boolean, includeUsage: boolean): Obj | MockEvent[] {
  if (api === 'anthropic.messages') return stream ? anthropicEvents(p, model) : anthropicBody(p, model);
  if (api === 'openai.chat') return stream ? chatEvents(p, model, includeUsage) : chatBody(p, model);
  return stream ? responsesEvents(p, model) : responsesBody(p, model);
}
