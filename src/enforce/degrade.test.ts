import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, eventData, reconstruct } from '../ingest/derive/sse.js';
import { degradeRequest, degradeResponse, unsealRequest } from './degrade.js';
import { StreamDegrader } from './degrade-stream.js';
import { plan } from './mock-plan.js';
import { render, type MockEvent } from './mock-render.js';
import { DegradeSchema } from './policy.js';
import { Sealer } from './seal.js';

const P = DegradeSchema.parse({});
const sealer = new Sealer('test-key');

/** Runs mock events through a StreamDegrader; returns the data objects the client would see. */
function degradeStream(api: Parameters<typeof plan>[0], events: MockEvent[]): Record<string, unknown>[] {
  const d = new StreamDegrader(api, sealer, 'acct');
  const out: Record<string, unknown>[] = [];
  const parser = new SseParser();
  for (const e of events) {
    const text = e.event !== null ? `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n` : `data: ${e.data === '[DONE]' ? '[DONE]' : JSON.stringify(e.data)}\n\n`;
    for (const ev of parser.push(text)) {
      for (const o of d.push(ev, ev.data === '[DONE]' ? null : eventData(ev))) {
        // The rewritten wire text parses back to the same data.
        const back = new SseParser().push(o.text);
        assert.equal(back.length, 1);
        if (o.data !== null) {
          assert.deepEqual(eventData(back[0]), o.data);
          out.push(o.data);
        }
      }
    }
  }
  return out;
}

test('sealer: round trip, bound to the account, tamper-evident', () => {
  const s = sealer.seal('a', 'secret thoughts', 'sig==');
  assert.ok(!s.includes('secret'));
  assert.deepEqual(sealer.open('a', s), { thinking: 'secret thoughts', signature: 'sig==' });
  assert.equal(sealer.open('b', s), null);
  assert.equal(new Sealer('other').open('a', s), null);
  assert.equal(sealer.open('a', s.slice(0, -2) + 'AA'), null);
  assert.equal(sealer.open('a', 'not-ours'), null);
});

test('request caps: Anthropic max_tokens and thinking budget (not inside a tool loop), OpenAI caps and effort', () => {
  const a: Record<string, unknown> = { model: 'c', max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 16000 }, messages: [{ role: 'user', content: 'hi' }] };
  assert.deepEqual(degradeRequest('anthropic.messages', a, P), ['thinking.budget_tokens', 'max_tokens']);
  assert.deepEqual([a.max_tokens, (a.thinking as { budget_tokens: number }).budget_tokens], [2048, 1024]);
  const loop: Record<string, unknown> = {
    max_tokens: 32000,
    thinking: { type: 'enabled', budget_tokens: 16000 },
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'x', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] },
    ],
  };
  degradeRequest('anthropic.messages', loop, P);
  assert.equal((loop.thinking as { budget_tokens: number }).budget_tokens, 16000, 'one thinking configuration per assistant turn');
  assert.equal(loop.max_tokens, 17024);
  const c: Record<string, unknown> = { messages: [], reasoning_effort: 'high' };
  degradeRequest('openai.chat', c, P);
  assert.deepEqual([c.max_completion_tokens, c.reasoning_effort], [1024, 'low']);
  const legacy: Record<string, unknown> = { messages: [], max_tokens: 50 };
  assert.deepEqual(degradeRequest('openai.chat', legacy, P), []);
  const r: Record<string, unknown> = { input: 'x', reasoning: { effort: 'minimal' }, max_output_tokens: 99999 };
  degradeRequest('openai.responses', r, P);
  assert.deepEqual([r.max_output_tokens, (r.reasoning as { effort: string }).effort], [1024, 'minimal']);
});

test('non-streamed responses: thinking sealed, chat reasoning dropped, responses reasoning emptied', () => {
  const ab = render('anthropic.messages', plan('anthropic.messages', { thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'q' }] }, 10), 'm', false, false) as Record<string, unknown>;
  assert.equal(degradeResponse('anthropic.messages', ab, sealer, 'acct'), 1);
  const blocks = ab.content as Record<string, unknown>[];
  assert.equal(blocks[0]!.type, 'redacted_thinking');
  assert.ok(!JSON.stringify(ab).includes('Step 1'));
  // Passing the content back restores the original signed block.
  const next = { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: blocks }] };
  const u = unsealRequest(next, sealer, 'acct');
  assert.equal(u.opened, 1);
  assert.equal((u.body.messages as { content: { type: string }[] }[])[1]!.content[0]!.type, 'thinking');
  assert.equal((next.messages[1]!.content as { type: string }[])[0]!.type, 'redacted_thinking', 'the caller\'s body is untouched');
  assert.equal(unsealRequest(next, sealer, 'someone-else').opened, 0);

  const cb = render('openai.chat', plan('openai.chat', { reasoning_effort: 'high', messages: [{ role: 'user', content: 'q' }] }, 10), 'm', false, false) as Record<string, unknown>;
  assert.ok(JSON.stringify(cb).includes('reasoning_content'));
  assert.equal(degradeResponse('openai.chat', cb, sealer, 'acct'), 1);
  assert.ok(!JSON.stringify(cb).includes('reasoning_content'));

  const rb = render('openai.responses', plan('openai.responses', { reasoning: { effort: 'high' }, input: 'q' }, 10), 'm', false, false) as Record<string, unknown>;
  assert.equal(degradeResponse('openai.responses', rb, sealer, 'acct'), 1);
  const item = (rb.output as Record<string, unknown>[])[0]!;
  assert.deepEqual([item.type, item.summary, typeof item.id], ['reasoning', [], 'string']);
});

test('streamed Anthropic: thinking held and sealed at the same index, other blocks intact', () => {
  const body = { thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }], messages: [{ role: 'user', content: 'q' }] };
  const events = render('anthropic.messages', plan('anthropic.messages', body, 10), 'm', true, false) as MockEvent[];
  const out = degradeStream('anthropic.messages', events);
  assert.ok(!out.some((e) => (e.delta as { type?: string } | undefined)?.type === 'thinking_delta' || (e.delta as { type?: string } | undefined)?.type === 'signature_delta'));
  const starts = out.filter((e) => e.type === 'content_block_start').map((e) => [e.index, (e.content_block as { type: string }).type]);
  assert.deepEqual(starts, [[0, 'redacted_thinking'], [1, 'text'], [2, 'tool_use']]);
  const msg = reconstruct(out, 'anthropic.messages')!;
  const content = msg.content as Record<string, unknown>[];
  assert.equal(content[0]!.type, 'redacted_thinking');
  assert.deepEqual(content[2]!.input, { q: 'value of q' });
  assert.equal(sealer.open('acct', String(content[0]!.data))?.thinking.startsWith('The user asks'), true);
});

test('streamed Chat: reasoning deltas dropped; streamed Responses: reasoning events dropped, sequence renumbered', () => {
  const chat = render('openai.chat', plan('openai.chat', { reasoning_effort: 'high', messages: [{ role: 'user', content: 'a question' }] }, 10), 'm', true, true) as MockEvent[];
  const cout = degradeStream('openai.chat', chat);
  assert.ok(cout.length < chat.length - 1);
  assert.ok(!JSON.stringify(cout).includes('reasoning'));
  const cm = reconstruct(cout, 'openai.chat')!;
  assert.equal((cm.choices as { message: { content: string } }[])[0]!.message.content, 'Mock answer to: a question');
  assert.ok(cm.usage);

  const resp = render('openai.responses', plan('openai.responses', { reasoning: { effort: 'high' }, input: 'q' }, 10), 'm', true, false) as MockEvent[];
  const rout = degradeStream('openai.responses', resp);
  assert.ok(!rout.some((e) => String(e.type).includes('reasoning_summary')));
  assert.deepEqual(
    rout.map((e) => e.sequence_number),
    rout.map((_, i) => i),
  );
  const done = rout.find((e) => e.type === 'response.completed')!;
  const item = ((done.response as { output: Record<string, unknown>[] }).output)[0]!;
  assert.deepEqual([item.type, item.summary], ['reasoning', []]);
});
