import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../../testutil/fixtures.js';
import {
  AnthropicStreamAccumulator,
  ChatStreamAccumulator,
  ResponsesStreamAccumulator,
  SseParser,
  parseSse,
  streamEvents,
  type SseEvent,
} from './sse.js';

const anthropicRaw = readFileSync(fixture('anthropic', 'messages-stream.sse'), 'utf8');

/** Runs chunks through one parser and collects every event. */
function feed(chunks: (string | Uint8Array)[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

test('SSE parser: fields, comments, multi-line data, id, LF / CRLF / CR line ends, no final blank line', () => {
  const text = ': keep-alive\nevent: a\ndata: {"x":1}\nid: 7\n\ndata:line1\r\ndata: line2\r\n\r\nevent: b\rdata: z\r\rretry: 10\ndata\n\nevent: last\ndata: tail';
  assert.deepEqual(parseSse(text), [
    { event: 'a', data: '{"x":1}', id: '7' },
    { event: 'message', data: 'line1\nline2', id: '7' },
    { event: 'b', data: 'z', id: '7' },
    { event: 'message', data: '', id: '7' },
    { event: 'last', data: 'tail', id: '7' },
  ]);
  // An event with no data field is not dispatched.
  assert.deepEqual(parseSse('event: ping\n\n'), []);
});

test('SSE parser: raw text split at every position (mid-line, between CR and LF) gives the same events', () => {
  const whole = parseSse(anthropicRaw);
  assert.equal(whole.length, 23);
  assert.equal(whole[0]!.event, 'message_start');
  for (let i = 0; i <= anthropicRaw.length; i++) {
    assert.deepEqual(feed([anthropicRaw.slice(0, i), anthropicRaw.slice(i)]), whole, `split at ${i}`);
  }
  // Every CRLF split between its two characters, all at once.
  const atCr = anthropicRaw.split(/(?<=\r)(?=\n)/);
  assert.ok(atCr.length > 40);
  assert.deepEqual(feed(atCr), whole);
});

test('SSE parser: bytes split at every position, including inside multi-byte UTF-8 characters', () => {
  const bytes = new TextEncoder().encode(anthropicRaw);
  const whole = parseSse(anthropicRaw);
  // 東 is 3 bytes and 🌧 4: find a split inside each to be sure the loop below covers them.
  const emoji = bytes.indexOf(0xf0);
  assert.ok(emoji > 0);
  for (let i = 0; i <= bytes.length; i++) {
    assert.deepEqual(feed([bytes.subarray(0, i), bytes.subarray(i)]), whole, `split at byte ${i}`);
  }
  // One byte at a time.
  const singles: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) singles.push(bytes.subarray(i, i + 1));
  assert.deepEqual(feed(singles), whole);
  assert.deepEqual(feed([bytes.subarray(0, emoji + 2), bytes.subarray(emoji + 2, emoji + 3), bytes.subarray(emoji + 3)]), whole);
});

test('Anthropic accumulator rebuilds the message: thinking + signature, redacted, text, parsed tool input, usage', () => {
  const acc = new AnthropicStreamAccumulator();
  const p = new SseParser();
  // Fed as a gateway would: arbitrary 37-byte pieces, events pushed as they complete.
  const bytes = new TextEncoder().encode(anthropicRaw);
  for (let i = 0; i < bytes.length; i += 37) for (const e of p.push(bytes.subarray(i, i + 37))) acc.push(e);
  for (const e of p.end()) acc.push(e);
  assert.deepEqual(acc.result(), {
    id: 'msg_01Xj7fTyqDLyQ8zTZyyhjRbN',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      {
        type: 'thinking',
        thinking: 'The user asks about 東京 (Tokyo). I should call get_weather with Tokyo, Japan in celsius 🌧.',
        signature: 'EqQBCgIYAhIMzYq8NfBkQ9xH2aLRGgyZP0wZ3rLkUv9TcBYiMPo9Xh7=',
      },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB9URj2pLmN4E' },
      { type: 'text', text: 'Let me look up the weather in 東京 for you.' },
      { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'Tokyo, Japan', unit: 'celsius' } },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048, output_tokens: 189, service_tier: 'standard' },
  });
});

test('Anthropic accumulator does not write into the events it was given', () => {
  const { events } = JSON.parse(readFileSync(fixture('anthropic', 'messages-stream.json'), 'utf8')) as { events: unknown[] };
  const before = JSON.stringify(events);
  const acc = new AnthropicStreamAccumulator();
  for (const e of events) acc.push(e);
  acc.result();
  assert.equal(JSON.stringify(events), before);
});

test('Chat accumulator: content, tool-call argument deltas, finish reason, usage chunk, [DONE]', () => {
  const raw = readFileSync(fixture('openai', 'chat-stream.sse'), 'utf8');
  const acc = new ChatStreamAccumulator();
  for (const e of parseSse(raw)) acc.push(e);
  assert.deepEqual(acc.result(), {
    object: 'chat.completion',
    id: 'chatcmpl-BTxk2Qn6eYb5l8PZ1dcyX0uA',
    created: 1746712345,
    model: 'o4-mini-2025-04-16',
    service_tier: 'default',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: "I'll check the weather in Zürich first.",
          tool_calls: [{ id: 'call_x1Yb7qWm3R', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Zürich"}' } }],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: {
      prompt_tokens: 92,
      completion_tokens: 214,
      total_tokens: 306,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
  });
});

test('Chat accumulator: n=2 interleaved choices', () => {
  const acc = new ChatStreamAccumulator();
  const chunk = (index: number, delta: object, finish: string | null = null) => ({ object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index, delta, finish_reason: finish }] });
  for (const c of [chunk(0, { role: 'assistant', content: '' }), chunk(1, { role: 'assistant', content: '' }), chunk(1, { content: 'B' }), chunk(0, { content: 'A' }), chunk(0, {}, 'stop'), chunk(1, {}, 'length')]) acc.push(c);
  const r = acc.result() as { choices: { index: number; message: { content: string }; finish_reason: string }[] };
  assert.deepEqual(r.choices.map((c) => [c.index, c.message.content, c.finish_reason]), [[0, 'A', 'stop'], [1, 'B', 'length']]);
});

test('Responses accumulator: terminal response.completed wins; deltas rebuild output without it', () => {
  const { events } = JSON.parse(readFileSync(fixture('openai', 'responses-stream.json'), 'utf8')) as { events: { type: string; response?: { output: unknown } }[] };
  const full = new ResponsesStreamAccumulator();
  for (const e of events) full.push(e);
  const last = events[events.length - 1]!;
  assert.equal(last.type, 'response.completed');
  assert.deepEqual(full.result(), last.response);

  const partial = new ResponsesStreamAccumulator();
  for (const e of events) if (e.type !== 'response.completed' && e.type !== 'response.output_item.done') partial.push(e);
  assert.deepEqual((partial.result() as { output: unknown }).output, [
    { id: 'rs_6820f383d7c08191846711c5df8233bc', type: 'reasoning', summary: [{ type: 'summary_text', text: '**Answering a simple question**\n\nThe user wants a haiku about the sea.' }] },
    {
      id: 'msg_6820f3864a3c81919e2f3d2a1b0c9d8e',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [{ type: 'output_text', annotations: [], text: 'Grey waves fold and break,\nsalt wind carries gull voices—\nthe tide keeps its time.' }],
    },
    { id: 'fc_6820f3878d0c8191b6a1f2e3d4c5b6a7', type: 'function_call', status: 'in_progress', arguments: '{"title":"Sea"}', call_id: 'call_K3tq9', name: 'save_poem' },
  ]);
  // The events given were not modified.
  assert.deepEqual((events[2] as unknown as { item: unknown }).item, { id: 'rs_6820f383d7c08191846711c5df8233bc', type: 'reasoning', summary: [] });
});

test('Responses accumulator: error event and response.incomplete', () => {
  const a = new ResponsesStreamAccumulator();
  a.push({ type: 'response.created', response: { id: 'r', object: 'response', status: 'in_progress', output: [] } });
  a.push({ type: 'error', code: 'server_error', message: 'boom' });
  assert.deepEqual(a.result(), { id: 'r', object: 'response', status: 'failed', output: [], error: { code: 'server_error', message: 'boom' } });
  const b = new ResponsesStreamAccumulator();
  b.push('event: response.incomplete\ndata: {"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[],"usage":{"input_tokens":1,"output_tokens":2}}}');
  assert.deepEqual(b.result(), { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [], usage: { input_tokens: 1, output_tokens: 2 } });
});

test('streamEvents: accepted event forms; non-streams give null', () => {
  assert.deepEqual(streamEvents([{ event: 'message_stop', data: '{"type":"message_stop"}' }, { event: 'ping', data: {} }, 'data: [DONE]', '[DONE]', '{"a":1}', 7]), [
    { type: 'message_stop' },
    { type: 'ping' },
    { a: 1 },
  ]);
  assert.deepEqual(streamEvents('data: {"b":2}\n\ndata: {"c":3}'), [{ b: 2 }, { c: 3 }]);
  assert.equal(streamEvents('{"type":"message"}'), null);
  assert.equal(streamEvents({ type: 'message' }), null);
  assert.equal(streamEvents(null), null);
});

test('hostile indexes do not build huge sparse arrays', () => {
  const a = new AnthropicStreamAccumulator();
  a.push({ type: 'content_block_start', index: 1e9, content_block: { type: 'text', text: 'x' } });
  a.push({ type: 'content_block_delta', index: 2e9, delta: { type: 'text_delta', text: 'y' } });
  assert.deepEqual((a.result() as { content: unknown[] }).content, [{ type: 'text', text: 'xy' }]);
  const c = new ChatStreamAccumulator();
  c.push({ object: 'chat.completion.chunk', choices: [{ index: 1e9, delta: { content: 'x', tool_calls: [{ index: 1e9, function: { name: 'f' } }] } }] });
  assert.equal((c.result() as { choices: unknown[] }).choices.length, 1);
  const r = new ResponsesStreamAccumulator();
  r.push({ type: 'response.output_text.delta', output_index: 1e9, content_index: 1e9, delta: 'x' });
  assert.deepEqual((r.result() as { output: unknown[] }).output, []);
});
