import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveOffset, watermarkResponseBody } from './body.js';
import { keyFromSecret } from './key.js';
import { createWatermarker } from './watermark.js';
import { Rng } from './rng.js';

const rng = new Rng('body-test');
const wm = createWatermarker(keyFromSecret(rng.bytes32()), { maxChangeRate: 1 });
const prose = 'However, it is important to examine the big picture. Typically, using large files helps. Also, we often modify it.';
const expected = wm.text(prose);

test('anthropic: text blocks marked; tool_use, thinking and signatures untouched; input not modified', () => {
  const body = {
    type: 'message',
    role: 'assistant',
    content: [
      { type: 'thinking', thinking: prose, signature: 'EqQBCgIYAhIM...big' },
      { type: 'text', text: prose, citations: null },
      { type: 'tool_use', id: 'toolu_1', name: 'search', input: { query: prose } },
      { type: 'redacted_thinking', data: 'abc' },
    ],
  };
  const copy = structuredClone(body);
  const r = watermarkResponseBody(wm, body);
  assert.equal(r.api, 'anthropic.messages');
  const c = (r.body as typeof body).content;
  assert.equal(c[1]!.text, expected);
  assert.notEqual(expected, prose);
  assert.deepEqual(c[0], body.content[0]);
  assert.deepEqual(c[2], body.content[2]);
  assert.deepEqual(c[3], body.content[3]);
  assert.deepEqual(body, copy);
  assert.ok(r.stats.changed > 0);
});

test('openai chat: message content (string or text parts) marked; tool calls and refusal untouched', () => {
  const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: JSON.stringify({ q: prose }) } };
  const body = {
    object: 'chat.completion',
    choices: [
      { index: 0, message: { role: 'assistant', content: prose, tool_calls: [call], reasoning_content: prose }, finish_reason: 'stop' },
      { index: 1, message: { role: 'assistant', content: [{ type: 'text', text: prose }], refusal: prose } },
    ],
  };
  const r = watermarkResponseBody(wm, body);
  const ch = (r.body as { choices: Array<{ message: Record<string, unknown> }> }).choices;
  assert.equal(ch[0]!.message.content, expected);
  assert.deepEqual(ch[0]!.message.tool_calls, [call]);
  assert.equal(ch[0]!.message.reasoning_content, prose);
  assert.deepEqual(ch[1]!.message.content, [{ type: 'text', text: expected }]);
  assert.equal(ch[1]!.message.refusal, prose);
});

test('openai responses: output_text marked, annotation offsets moved; reasoning and function calls untouched', () => {
  const target = 'examine';
  const start = prose.indexOf('big picture');
  const body = {
    object: 'response',
    output: [
      { type: 'reasoning', summary: [{ type: 'summary_text', text: prose }] },
      { type: 'function_call', name: 'f', arguments: prose },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: prose, annotations: [{ type: 'url_citation', start_index: start, end_index: start + 'big picture'.length, url: 'https://x' }] }] },
    ],
    output_text: prose,
  };
  const r = watermarkResponseBody(wm, body);
  const out = r.body as { output: Array<Record<string, unknown>>; output_text: string };
  assert.deepEqual(out.output[0], body.output[0]);
  assert.deepEqual(out.output[1], body.output[1]);
  const part = (out.output[2]!.content as Array<{ text: string; annotations: Array<{ start_index: number; end_index: number }> }>)[0]!;
  assert.equal(part.text, expected);
  assert.equal(out.output_text, expected);
  const a = part.annotations[0]!;
  // The cited words are found at the moved offsets (whatever the mark made of them).
  assert.match(part.text.slice(a.start_index, a.end_index), /^(big|large) picture$/);
  assert.ok(prose.includes(target));
});

test('unknown bodies pass through; moveOffset maps positions after and inside edits', () => {
  assert.equal(watermarkResponseBody(wm, 'text').api, null);
  assert.deepEqual(watermarkResponseBody(wm, { foo: 1 }).body, { foo: 1 });
  const edits = [{ at: 5, oldLength: 3, newLength: 5 }];
  assert.equal(moveOffset(2, edits), 2);
  assert.equal(moveOffset(8, edits), 10);
  assert.equal(moveOffset(5, edits), 5);
});
