/**
 * The stream watermarker on its own (no HTTP): streamed text equals the non-streamed mark for any chunking,
 * the hold-back is at most the word in progress, other events pass byte for byte, Responses numbering and
 * annotations stay right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSse, type SseEvent } from '../ingest/derive/sse.js';
import type { RouteApi } from './degrade.js';
import { formatEvent, type OutEvent } from './degrade-stream.js';
import { plan } from './mock-plan.js';
import { render, type MockEvent } from './mock-render.js';
import { StreamWatermarker } from './watermark-stream.js';
import { proseAnswer, splitDeltas, THINKING_PROSE, TOOL_PROSE } from './watermark-testkit.js';
import { moveOffset, watermarkResponseBody } from '../provenance/body.js';
import { keyFromSecret } from '../provenance/key.js';
import { Rng } from '../provenance/rng.js';
import { createWatermarker } from '../provenance/watermark.js';

type Obj = Record<string, unknown>;
const key = keyFromSecret(new Rng('wm-stream-test').bytes32());
const wm = createWatermarker(key, { maxChangeRate: 0.05 });
const APIS: RouteApi[] = ['anthropic.messages', 'openai.chat', 'openai.responses'];

/** Upstream events for a text (with thinking and a tool call when asked), as SSE events. */
function upstreamEvents(api: RouteApi, text: string, maxPiece: number, extras = true): SseEvent[] {
  const body: Obj = { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'q' }], input: 'q' };
  if (extras) {
    body.tools = api === 'openai.chat' ? [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { q: {} } } } }] : [{ name: 'f', type: 'function', input_schema: { type: 'object', properties: { q: {} } }, parameters: { type: 'object', properties: { q: {} } } }];
    if (api === 'anthropic.messages') body.thinking = { type: 'enabled', budget_tokens: 2000 };
    else if (api === 'openai.chat') body.reasoning_effort = 'high';
    else body.reasoning = { effort: 'high' };
  }
  const p = plan(api, body, 100);
  p.text = text;
  if (p.thinking !== null) p.thinking = THINKING_PROSE;
  if (p.tool !== null) p.tool.input = { query: TOOL_PROSE };
  const evs = splitDeltas(render(api, p, 'm', true, true) as MockEvent[], maxPiece, `${api}:${maxPiece}:${text.length}`);
  return parseSse(evs.map((e) => formatEvent(e.event ?? 'message', e.data === '[DONE]' ? '[DONE]' : JSON.stringify(e.data))).join(''));
}

const dataOf = (e: SseEvent): Obj | null => (e.data === '[DONE]' ? null : (JSON.parse(e.data) as Obj));

/** The assistant text a text-delta event carries, or null. */
function deltaText(d: Obj | null): string | null {
  if (d === null) return null;
  if (d.type === 'content_block_delta' && (d.delta as Obj).type === 'text_delta') return String((d.delta as Obj).text);
  if (d.type === 'response.output_text.delta') return String(d.delta);
  const c = Array.isArray(d.choices) ? (d.choices[0] as Obj | undefined) : undefined;
  if (c !== undefined && typeof (c.delta as Obj | undefined)?.content === 'string') return String((c.delta as Obj).content);
  return null;
}

test('streamed text equals the non-streamed mark for any delta size; the hold-back is at most the word in progress', () => {
  const text = proseAnswer('unit-1', { minSentences: 12, maxSentences: 16 });
  const { text: expected, edits } = wm.textWithStats(text);
  assert.notEqual(expected, text);
  for (const api of APIS) {
    for (const max of [1, 4, 17, 10_000]) {
      const t = new StreamWatermarker(api, wm);
      let input = '';
      let output = '';
      for (const ev of upstreamEvents(api, text, max)) {
        const d = dataOf(ev);
        input += deltaText(d) ?? '';
        for (const o of t.push(ev, d)) output += deltaText(o.data) ?? '';
        // What is out is final, and covers the input up to the last whitespace (only the current word waits).
        assert.ok(expected.startsWith(output), `${api}/${max}: sent text is a prefix of the marked text`);
        const ws = Math.max(input.lastIndexOf(' '), input.lastIndexOf('\n')) + 1;
        if (input.length < text.length) assert.ok(output.length >= moveOffset(ws, edits), `${api}/${max}: held back more than the current word`);
      }
      for (const o of t.end()) output += deltaText(o.data) ?? '';
      assert.equal(input, text);
      assert.equal(output, expected, `${api}/${max}`);
      assert.equal(t.tally.texts, 1);
      assert.equal(t.tally.changed, wm.textWithStats(text).stats.changed);
    }
  }
});

test('all other events go out byte for byte, in order; Responses sequence numbers stay contiguous', () => {
  const text = proseAnswer('unit-2', { minSentences: 6, maxSentences: 8 });
  for (const api of APIS) {
    const evs = upstreamEvents(api, text, 5);
    const t = new StreamWatermarker(api, wm);
    const out: OutEvent[] = [];
    for (const ev of evs) out.push(...t.push(ev, dataOf(ev)));
    out.push(...t.end());
    const inOther = evs.filter((e) => deltaText(dataOf(e)) === null);
    const outOther = out.filter((o) => deltaText(o.data) === null);
    const added = out.length - evs.length;
    assert.ok(added >= 0 && added <= 1, `${api}: at most one delta added per text (${added})`);
    if (api === 'anthropic.messages') {
      // Thinking, signature, tool input, usage: identical wire text.
      assert.equal(outOther.length, inOther.length, api);
      outOther.forEach((o, i) => assert.equal(o.text, formatEvent(inOther[i]!.event, inOther[i]!.data)));
      assert.ok(outOther.some((o) => o.text.includes('signature_delta')) && outOther.some((o) => o.text.includes('input_json_delta')));
    } else if (api === 'openai.chat') {
      // No chunk added: reasoning, tool-call and usage chunks identical; the finish chunk carries the held-back rest.
      assert.equal(added, 0);
      const noContent = (d: Obj | null) => JSON.stringify(d, (k, v: unknown) => (k === 'content' ? undefined : v));
      out.forEach((o, i) => {
        const d = dataOf(evs[i]!);
        if (deltaText(d) === null && deltaText(o.data) === null) assert.equal(o.text, formatEvent(evs[i]!.event, evs[i]!.data));
        else assert.equal(noContent(o.data), noContent(d));
      });
      assert.ok(out.some((o) => o.text.includes('reasoning_content')) && out.some((o) => o.text.includes('tool_calls')));
      const fin = out.find((o) => o.data !== null && Array.isArray(o.data.choices) && (o.data.choices[0] as Obj | undefined)?.finish_reason != null)!;
      assert.notEqual(deltaText(fin.data), null, 'the finish chunk carries the rest');
    } else {
      assert.equal(outOther.length, inOther.length, api);
      const seq = out.map((o) => o.data!.sequence_number);
      assert.deepEqual(seq, seq.map((_, i) => i));
      const strip = (d: Obj | null) => JSON.stringify(d, (k, v: unknown) => (k === 'sequence_number' || k === 'text' || k === 'output_text' ? undefined : v));
      outOther.forEach((o, i) => assert.equal(strip(o.data), strip(dataOf(inOther[i]!)), `${api}: event ${i} unchanged but for text and numbering`));
      // The done events, the part, the item and the final response carry the marked text.
      const expected = wm.text(text);
      const done = out.map((o) => o.data!).filter((d) => d.type === 'response.output_text.done');
      assert.equal(done[0]!.text, expected);
      const completed = out.at(-1)!.data!.response as Obj;
      assert.equal(completed.output_text, expected);
      assert.deepEqual(completed, watermarkResponseBody(wm, dataOf(evs.at(-1)!)!.response).body);
    }
  }
});

test('Chat: choices are marked separately, interleaved; a choice without finish_reason is flushed before [DONE]', () => {
  const a = proseAnswer('chat-a', { minSentences: 3, maxSentences: 4 });
  const b = proseAnswer('chat-b', { minSentences: 3, maxSentences: 4 });
  const head = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const evs: SseEvent[] = [];
  const rng = new Rng('chat-split');
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const n = 1 + rng.int(6);
    const choices: Obj[] = [];
    if (i < a.length) choices.push({ index: 0, delta: { content: a.slice(i, (i += n)) }, finish_reason: null });
    if (j < b.length) choices.push({ index: 1, delta: { content: b.slice(j, (j += n + 1)) }, finish_reason: null });
    evs.push({ event: 'message', data: JSON.stringify({ ...head, choices }) });
  }
  evs.push({ event: 'message', data: JSON.stringify({ ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) });
  evs.push({ event: 'message', data: '[DONE]' });
  const t = new StreamWatermarker('openai.chat', wm);
  const got = ['', ''];
  const out: OutEvent[] = [];
  for (const ev of evs) out.push(...t.push(ev, dataOf(ev)));
  for (const o of out) for (const c of (o.data?.choices ?? []) as Obj[]) got[c.index as number] += ((c.delta as Obj | undefined)?.content as string | undefined) ?? '';
  assert.deepEqual(got, [wm.text(a), wm.text(b)]);
  assert.equal(out.at(-1)!.text, 'data: [DONE]\n\n');
  assert.equal(t.tally.texts, 2);
});

test('Responses: annotation offsets are moved with the edits (streamed and in the final response)', () => {
  const text = 'However, it is important to examine the big picture. Typically, using large files helps. Also, we often modify it and look at the big picture again.';
  const mark = createWatermarker(key, { maxChangeRate: 1 });
  const { text: expected, edits } = mark.textWithStats(text);
  assert.ok(edits.length > 2);
  const at = text.lastIndexOf('big picture');
  const ann = { type: 'url_citation', start_index: at, end_index: at + 'big picture'.length, url: 'https://example.com/a', title: 't' };
  const part = (t: string, annotations: unknown[]) => ({ type: 'output_text', text: t, annotations });
  const item = (t: string, annotations: unknown[]) => ({ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [part(t, annotations)] });
  const base = { item_id: 'msg_1', output_index: 0, content_index: 0 };
  const datas: Obj[] = [
    { type: 'response.created', response: { id: 'r', object: 'response', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item('', []), content: [], status: 'in_progress' } },
    { type: 'response.content_part.added', ...base, part: part('', []) },
    ...text.match(/.{1,7}/gs)!.map((d) => ({ type: 'response.output_text.delta', ...base, delta: d })),
    { type: 'response.output_text.annotation.added', ...base, annotation_index: 0, annotation: ann },
    { type: 'response.output_text.done', ...base, text },
    { type: 'response.content_part.done', ...base, part: part(text, [ann]) },
    { type: 'response.output_item.done', output_index: 0, item: item(text, [ann]) },
    { type: 'response.completed', response: { id: 'r', object: 'response', output: [item(text, [ann])], output_text: text } },
  ].map((d, i) => ({ ...d, sequence_number: i }));
  const t = new StreamWatermarker('openai.responses', mark);
  const out: Obj[] = [];
  for (const d of datas) for (const o of t.push({ event: String(d.type), data: JSON.stringify(d) }, d)) out.push(o.data!);
  const streamed = out.filter((d) => d.type === 'response.output_text.delta').map((d) => d.delta).join('');
  assert.equal(streamed, expected);
  const moved = out.find((d) => d.type === 'response.output_text.annotation.added')!.annotation as typeof ann;
  assert.match(expected.slice(moved.start_index, moved.end_index), /^(big|large) picture$/);
  const final = out.at(-1)!.response as { output: Array<{ content: Array<{ text: string; annotations: unknown[] }> }>; output_text: string };
  assert.equal(final.output_text, expected);
  assert.deepEqual(final.output[0]!.content[0]!.annotations, [{ ...ann, start_index: moveOffset(ann.start_index, edits), end_index: moveOffset(ann.end_index, edits) }]);
  assert.deepEqual(final, watermarkResponseBody(mark, datas.at(-1)!.response).body);
  assert.deepEqual(
    out.map((d) => d.sequence_number),
    out.map((_, i) => i),
  );
});

test('Anthropic: a stream that ends without its block stop still sends the rest (end)', () => {
  const text = 'However, this is a big and important step';
  const t = new StreamWatermarker('anthropic.messages', wm);
  const evs: Obj[] = [
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
  ];
  let out = '';
  for (const d of evs) for (const o of t.push({ event: String(d.type), data: JSON.stringify(d) }, d)) out += deltaText(o.data) ?? '';
  assert.ok(!out.endsWith('step'), 'the last word waits');
  for (const o of t.end()) out += deltaText(o.data) ?? '';
  assert.equal(out, wm.text(text));
});
