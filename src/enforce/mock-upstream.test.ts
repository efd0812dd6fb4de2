/**
 * The mock upstream checks thinking blocks as the real API does (what makes the degrade tests meaningful), and
 * its streams rebuild to its non-streamed bodies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { MockUpstream } from './mock-upstream.js';

test('mock: rejects edited, dropped or foreign thinking in a tool loop; accepts the original', async (t) => {
  const mock = new MockUpstream();
  await mock.listen();
  t.after(() => mock.close());
  const a = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
  const base = {
    model: 'm',
    max_tokens: 4000,
    thinking: { type: 'enabled' as const, budget_tokens: 2000 },
    tools: [{ name: 'lookup', input_schema: { type: 'object' as const, properties: { q: { type: 'string' } } } }],
  };
  const first = [{ role: 'user' as const, content: 'q' }];
  const r1 = await a.messages.stream({ ...base, messages: first }).finalMessage();
  assert.deepEqual(
    r1.content.map((b) => b.type),
    ['thinking', 'text', 'tool_use'],
  );
  const use = r1.content.find((b) => b.type === 'tool_use')!;
  const next = (content: Anthropic.ContentBlockParam[]) => [...first, { role: 'assistant' as const, content }, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: use.id, content: 'r' }] }];
  const ok = await a.messages.create({ ...base, messages: next(r1.content as Anthropic.ContentBlockParam[]) });
  assert.equal(ok.stop_reason, 'end_turn');
  const edited: Anthropic.ContentBlockParam[] = (r1.content as Anthropic.ContentBlockParam[]).map((b) => (b.type === 'thinking' ? { ...b, thinking: b.thinking + ' (edited)' } : b));
  await assert.rejects(a.messages.create({ ...base, messages: next(edited) }), /Invalid `signature`/);
  await assert.rejects(a.messages.create({ ...base, messages: next(r1.content.filter((b) => b.type !== 'thinking') as Anthropic.ContentBlockParam[]) }), /Expected `thinking` or `redacted_thinking`/);
  const foreign: Anthropic.ContentBlockParam[] = (r1.content as Anthropic.ContentBlockParam[]).map((b) => (b.type === 'thinking' ? { type: 'redacted_thinking' as const, data: 'dgseal1.xyz' } : b));
  await assert.rejects(a.messages.create({ ...base, messages: next(foreign) }), /Invalid `data`/);
  await assert.rejects(a.messages.create({ ...base, max_tokens: 1500, messages: first }), /greater than `thinking.budget_tokens`/);
});
