import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyDerived, type Derived } from '../../model/interaction.js';
import { fixture } from '../../testutil/fixtures.js';
import { apiOfRequest, deriveFromBodies, deriveFromText, detectApi } from './index.js';

interface Pair {
  request: Record<string, unknown>;
  response?: unknown;
  events?: unknown;
}

function load(dir: string, name: string): Pair {
  return JSON.parse(readFileSync(fixture(dir, name), 'utf8')) as Pair;
}

/** emptyDerived with the given fields set: every test states the whole record. */
function expected(fields: Partial<Derived>): Derived {
  return { ...emptyDerived(fields.api ?? 'unknown'), ...fields };
}

test('Anthropic non-streamed: thinking + tool_use', () => {
  const { request, response } = load('anthropic', 'messages-thinking-tool.json');
  assert.deepEqual(
    deriveFromBodies(request, response),
    expected({
      api: 'anthropic.messages',
      prompt: "What's the weather like in Paris right now?",
      system: 'You are a helpful weather assistant.',
      turns: 1,
      tools: 1,
      reasoning_requested: true,
      reasoning_budget: 10000,
      max_tokens: 16000,
      output_chars: 50,
      completion: 'Let me check the current weather in Paris for you.',
      reasoning_returned: true,
      reasoning_chars: 129,
      tool_calls_out: 1,
      stop_reason: 'tool_use',
      input_tokens: 412,
      output_tokens: 98,
      response_model: 'claude-sonnet-4-5-20250929',
    }),
  );
});

const anthropicStream = expected({
  api: 'anthropic.messages',
  prompt: '東京の天気は？ (What\'s the weather in Tokyo?)',
  turns: 1,
  tools: 1,
  reasoning_requested: true,
  reasoning_budget: 4096,
  max_tokens: 8192,
  stream: true,
  output_chars: 41,
  completion: 'Let me look up the weather in 東京 for you.',
  reasoning_returned: true,
  // Readable thinking only (the emoji is two UTF-16 units); the redacted_thinking block adds nothing.
  reasoning_chars: 90,
  tool_calls_out: 1,
  stop_reason: 'tool_use',
  // 472 uncached + 2048 read from the prompt cache.
  input_tokens: 2520,
  output_tokens: 189,
  response_model: 'claude-sonnet-4-5-20250929',
});

test('Anthropic streamed as a mixed event list ({event,data}, bare data, "event:/data:" strings)', () => {
  const { request, events } = load('anthropic', 'messages-stream.json');
  assert.deepEqual(deriveFromBodies(request, events), anthropicStream);
});

test('Anthropic streamed as raw SSE text (CRLF) equals the event list', () => {
  const { request } = load('anthropic', 'messages-stream.json');
  const raw = readFileSync(fixture('anthropic', 'messages-stream.sse'), 'utf8');
  assert.deepEqual(deriveFromBodies(request, raw), anthropicStream);
  // As bytes too, and with no request the API is told from the events.
  assert.deepEqual(deriveFromBodies(request, new TextEncoder().encode(raw)), anthropicStream);
  const alone = deriveFromBodies(null, raw);
  assert.equal(alone.api, 'anthropic.messages');
  assert.equal(alone.completion, anthropicStream.completion);
  assert.equal(alone.prompt, null);
});

test('Anthropic multi-turn tool_result conversation: final turn is the tool results', () => {
  const { request, response } = load('anthropic', 'tool-result-conversation.json');
  assert.deepEqual(
    deriveFromBodies(request, response, { endpoint: '/v1/messages' }),
    expected({
      api: 'anthropic.messages',
      prompt: 'Tomorrow: 21°C, sunny\nAQI 42 (good)',
      system: 'You are a research assistant.\nAnswer concisely.',
      turns: 5,
      tools: 3,
      tool_calls_in: 6,
      has_image: true,
      max_tokens: 1024,
      temperature: 0.2,
      output_chars: 86,
      completion: 'Tokyo: 18°C and light rain now; tomorrow 21°C and sunny. Air quality is good (AQI 42).',
      reasoning_chars: 0,
      stop_reason: 'end_turn',
      input_tokens: 96 + 1630,
      output_tokens: 31,
      response_model: 'claude-opus-4-1-20250805',
    }),
  );
});

test('Anthropic: mixed text/image final turn, redacted-only thinking, adaptive thinking, error body', () => {
  const d = deriveFromBodies(
    {
      model: 'claude-opus-4-5',
      max_tokens: 100,
      thinking: { type: 'adaptive' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }, { type: 'document', source: { type: 'text', data: 'x' } }] },
      ],
    },
    { type: 'message', model: 'claude-opus-4-5', content: [{ type: 'redacted_thinking', data: 'abc' }, { type: 'text', text: 'A cat.' }], stop_reason: 'end_turn', usage: { input_tokens: 5, output_tokens: 7 } },
  );
  assert.equal(d.prompt, 'Describe\n[image]\n[file]');
  assert.equal(d.has_image, true);
  assert.equal(d.reasoning_requested, true);
  assert.equal(d.reasoning_budget, null);
  assert.equal(d.reasoning_returned, true);
  assert.equal(d.reasoning_chars, null, 'only redacted thinking: length unknown');
  assert.equal(d.output_chars, 6);

  const e = deriveFromBodies({ model: 'claude-x', messages: [] }, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  assert.equal(e.api, 'anthropic.messages');
  assert.equal(e.stop_reason, 'overloaded_error');
  assert.equal(e.output_chars, null);
});

test('OpenAI chat non-streamed: tool_calls and n=2', () => {
  const { request, response } = load('openai', 'chat-tools-n2.json');
  assert.deepEqual(
    deriveFromBodies(request, response),
    expected({
      api: 'openai.chat',
      prompt: 'Plan a day in Lisbon.\n[image]',
      system: 'You are a travel planner.',
      turns: 1,
      tools: 2,
      has_image: true,
      max_tokens: 800,
      temperature: 0.9,
      n: 2,
      // Choice 0 only called tools; choice 1 answered in text.
      output_chars: 131,
      completion: 'Start your morning in Alfama with a pastel de nata, ride tram 28 to Graça, and end at the Miradouro da Senhora do Monte for sunset.',
      reasoning_chars: 0,
      tool_calls_out: 2,
      stop_reason: 'tool_calls',
      input_tokens: 1117,
      output_tokens: 146,
      reasoning_tokens: 0,
      response_model: 'gpt-4o-2024-08-06',
    }),
  );
});

const chatStream = expected({
  api: 'openai.chat',
  prompt: 'Weather in Zürich?',
  system: 'Be brief.',
  turns: 1,
  tools: 1,
  reasoning_requested: true,
  reasoning_effort: 'high',
  stream: true,
  output_chars: 39,
  completion: "I'll check the weather in Zürich first.",
  reasoning_chars: 0,
  tool_calls_out: 1,
  stop_reason: 'tool_calls',
  input_tokens: 92,
  output_tokens: 214,
  reasoning_tokens: 192,
  response_model: 'o4-mini-2025-04-16',
});

test('OpenAI chat streamed: "data:" strings with usage chunk and [DONE]', () => {
  const { request, events } = load('openai', 'chat-stream.json');
  assert.deepEqual(deriveFromBodies(request, events), chatStream);
  const raw = readFileSync(fixture('openai', 'chat-stream.sse'), 'utf8');
  assert.deepEqual(deriveFromBodies(request, raw), chatStream);
});

test('OpenAI chat: trailing tool messages are the final turn; legacy fields; reasoning_content', () => {
  const d = deriveFromBodies(
    {
      model: 'deepseek-reasoner',
      max_tokens: 500,
      reasoning_effort: 'none',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Sys A' }] },
        { role: 'system', content: 'Sys B' },
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }, { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'a', content: 'result A' },
        { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'result B' }] },
      ],
    },
    { object: 'chat.completion', model: 'deepseek-reasoner', choices: [{ index: 0, message: { role: 'assistant', content: 'Done.', reasoning_content: 'think' }, finish_reason: 'stop' }] },
  );
  assert.equal(d.prompt, 'result A\nresult B');
  assert.equal(d.system, 'Sys A\nSys B');
  assert.equal(d.turns, 2);
  assert.equal(d.tool_calls_in, 4);
  assert.equal(d.max_tokens, 500);
  assert.equal(d.reasoning_requested, false);
  assert.equal(d.reasoning_effort, 'none');
  assert.equal(d.reasoning_returned, true);
  assert.equal(d.reasoning_chars, 5);
  assert.equal(d.input_tokens, null);
});

test('OpenAI Responses non-streamed: reasoning summaries, message, function_call, input files', () => {
  const { request, response } = load('openai', 'responses-reasoning-function.json');
  assert.deepEqual(
    deriveFromBodies(request, response),
    expected({
      api: 'openai.responses',
      prompt: 'Compare these two quarterly reports.\n[file]\n[file]',
      system: 'You are a meticulous financial analyst.',
      turns: 1,
      tools: 1,
      has_image: true,
      reasoning_requested: true,
      reasoning_effort: 'high',
      max_tokens: 4000,
      output_chars: 88,
      completion: "Revenue grew 12% quarter over quarter; I'll fetch the share price to compare valuations.",
      reasoning_returned: true,
      reasoning_chars: 151,
      tool_calls_out: 1,
      stop_reason: 'completed',
      input_tokens: 3120,
      output_tokens: 1088,
      reasoning_tokens: 1024,
      response_model: 'o3-2025-04-16',
    }),
  );
});

test('OpenAI Responses follow-up: function_call_output final turn, encrypted reasoning, incomplete', () => {
  const { request, response } = load('openai', 'responses-tool-followup.json');
  assert.deepEqual(
    deriveFromBodies(request, response),
    expected({
      api: 'openai.responses',
      prompt: '{"ticker":"ACME","price":187.32}',
      system: 'Answer in one sentence.',
      turns: 1,
      tool_calls_in: 2,
      reasoning_requested: true,
      reasoning_effort: 'low',
      max_tokens: 64,
      output_chars: 24,
      completion: 'ACME is trading at $187.',
      reasoning_returned: true,
      reasoning_chars: null,
      stop_reason: 'max_output_tokens',
      input_tokens: 210,
      output_tokens: 64,
      reasoning_tokens: 48,
      response_model: 'o4-mini-2025-04-16',
    }),
  );
});

const responsesStream = expected({
  api: 'openai.responses',
  prompt: 'Write a haiku about the sea, then save it.',
  turns: 1,
  tools: 1,
  reasoning_requested: true,
  reasoning_effort: 'medium',
  stream: true,
  output_chars: 82,
  completion: 'Grey waves fold and break,\nsalt wind carries gull voices—\nthe tide keeps its time.',
  reasoning_returned: true,
  reasoning_chars: 70,
  tool_calls_out: 1,
  stop_reason: 'completed',
  input_tokens: 37,
  output_tokens: 412,
  reasoning_tokens: 320,
  response_model: 'o4-mini-2025-04-16',
});

test('OpenAI Responses streamed: bare event objects through response.completed', () => {
  const { request, events } = load('openai', 'responses-stream.json');
  assert.deepEqual(deriveFromBodies(request, events), responsesStream);
});

test('OpenAI Responses streamed without the terminal event: output rebuilt from deltas, usage unknown', () => {
  const { request, events } = load('openai', 'responses-stream.json');
  const cut = (events as { type: string }[]).filter((e) => e.type !== 'response.completed' && e.type !== 'response.output_item.done');
  assert.deepEqual(deriveFromBodies(request, cut), { ...responsesStream, stop_reason: 'in_progress', input_tokens: null, output_tokens: null, reasoning_tokens: null });
});

test('API detection: endpoint first, then response, stream events, request', () => {
  assert.equal(detectApi({ messages: [] }, null, { endpoint: 'https://api.openai.com/v1/responses' }), 'openai.responses');
  assert.equal(detectApi({ messages: [] }, null, { endpoint: '/v1/messages' }), 'anthropic.messages');
  assert.equal(detectApi(null, { object: 'chat.completion', choices: [] }), 'openai.chat');
  assert.equal(detectApi(null, '{"type":"message","content":[]}'), 'anthropic.messages');
  assert.equal(detectApi(null, ['data: {"type":"response.created","response":{}}']), 'openai.responses');
  assert.equal(apiOfRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }), 'openai.chat');
  assert.equal(apiOfRequest({ model: 'claude-3-5-haiku', messages: [{ role: 'user', content: 'hi' }] }), 'anthropic.messages');
  assert.equal(apiOfRequest({ model: 'm', messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'r' }] }] }), 'anthropic.messages');
  assert.equal(apiOfRequest({ model: 'm', input: 'hi' }), 'openai.responses');
  assert.equal(apiOfRequest({ model: 'm' }), null);
});

test('never throws on bad or partial shapes', () => {
  const junk: unknown[] = [null, undefined, 0, 'x', '{not json', '[', [], [null, 1, 'data: [DONE]'], { messages: 'x' }, { messages: [null, 1, { role: 'user', content: 5 }] },
    { input: [null, { type: 5 }, { role: 'user', content: [null, { type: 'input_text' }] }] }, { system: [1], thinking: 'yes', tools: 'many' },
    { type: 'message', content: [null, { type: 'text' }, { type: 5 }], usage: { input_tokens: -1, output_tokens: 1.5 } },
    { object: 'response', output: [null, { type: 'reasoning', summary: 'x' }, { type: 'message', content: 'plain' }], incomplete_details: 1 },
    { choices: [null, { message: null }, { message: { content: 3, tool_calls: {} } }], usage: 'none' },
    [{ type: 'content_block_delta', index: 7, delta: { type: 'text_delta', text: 'x' } }, { type: 'message_delta', delta: null, usage: null }],
    [{ object: 'chat.completion.chunk', choices: [{ index: 2, delta: { tool_calls: [null, { index: 1 }] } }] }],
    [{ type: 'response.output_text.delta', output_index: 3, delta: 'y' }, { type: 'response.completed', response: null }]];
  for (const req of junk) {
    for (const res of junk) {
      const d = deriveFromBodies(req as Record<string, unknown>, res);
      assert.equal(typeof d.api, 'string');
    }
  }
  assert.deepEqual(deriveFromBodies(null, null), emptyDerived('unknown'));
  // An unknown request API still gives the fields every API spells alike.
  assert.deepEqual(deriveFromBodies({ max_tokens: 9, temperature: 0, stream: true }, undefined), expected({ max_tokens: 9, temperature: 0, stream: true }));
});

test('streamed bad chunks: partial tool JSON is kept as text, delta before start creates the block', () => {
  const d = deriveFromBodies(null, [
    { type: 'message_start', message: { type: 'message', model: 'claude-x', content: [], usage: { input_tokens: 3, output_tokens: 1 } } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
    { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
  ]);
  assert.equal(d.completion, 'Hi');
  assert.equal(d.tool_calls_out, 1);
  assert.equal(d.stop_reason, 'error');
  assert.equal(d.input_tokens, 3);
  assert.equal(d.output_tokens, 1);
});

test('deriveFromText', () => {
  assert.deepEqual(deriveFromText('p', null, 'abc'), expected({ api: 'text', prompt: 'p', turns: 1, completion: 'abc', output_chars: 3 }));
  assert.deepEqual(deriveFromText(null, undefined, null), expected({ api: 'text' }));
});
