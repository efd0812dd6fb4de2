/**
 * End to end through the official SDKs: client -> gateway -> mock upstream, for each action.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { scratch } from '../testutil/fixtures.js';
import { parsePolicy } from './policy.js';
import { readLog, startStack, type Stack } from './testkit.js';
import { MemoryBudget } from './budget.js';
import { StaticVerdicts } from './verdicts.js';

const tmp = scratch('dg-gw-');
after(() => tmp.cleanup());

const verdicts = () =>
  new StaticVerdicts([
    ['acct-bad', { score: 0.95, verdict: 'distillation', campaign_id: 'c-1', reasons: [{ signal: 'volume', contribution: 0.6, detail: 'x' }] }],
    ['acct-chal', { score: 0.8, verdict: 'distillation', campaign_id: null, reasons: [] }],
    ['acct-sus', { score: 0.6, verdict: 'suspicious', campaign_id: null, reasons: [] }],
    ['acct-camp1', { score: 0.7, verdict: 'suspicious', campaign_id: 'c-2', reasons: [] }],
    ['acct-camp2', { score: 0.7, verdict: 'suspicious', campaign_id: 'c-2', reasons: [] }],
  ]);

const rules = [
  { name: 'block', when: { verdict: ['distillation'], score_gte: 0.9 }, action: 'block' },
  { name: 'challenge', when: { verdict: ['distillation'], score_gte: 0.75 }, action: 'challenge', challenge: { url: 'https://verify.example/v' } },
  { name: 'throttle', when: { campaign: ['c-2'] }, action: 'throttle', throttle: { window_s: 60, account: { requests: 2 }, campaign: { requests: 3 } } },
  { name: 'degrade', when: { verdict: ['suspicious'] }, action: 'degrade', degrade: { max_tokens: 500 } },
  { name: 'flag', when: { list: 'watch' }, action: 'flag' },
];
const policy = (mode: 'enforce' | 'shadow') => parsePolicy({ mode, lists: { watch: { accounts: ['acct-flag'] } }, rules });

async function stack(mode: 'enforce' | 'shadow' = 'enforce'): Promise<Stack & { v: StaticVerdicts }> {
  const v = verdicts();
  // Budget windows on a fixed clock, 30 s into a 60 s window: the calls of a test never straddle a window's end
  // (with the wall clock, a test run across a minute boundary found its throttle budget fresh again).
  const s = await startStack({ dir: tmp.dir, policy: policy(mode), verdicts: v, budget: new MemoryBudget(() => 1_780_000_050_000) });
  return Object.assign(s, { v });
}

const anthropic = (s: Stack, key: string) => new Anthropic({ apiKey: key, baseURL: s.url, maxRetries: 0 });
const openai = (s: Stack, key: string) => new OpenAI({ apiKey: key, baseURL: `${s.url}/v1`, maxRetries: 0 });
/** Mock ids and timestamps differ per call: blank them to compare bodies. */
const blank = (t: string) => t.replace(/(msg|toolu|call|chatcmpl-|resp|rs|fc)_?mock[0-9a-z]{6}/g, 'ID').replace(/"(created|created_at)":\d+/g, '"$1":0');

test('allow: request and response pass through unchanged (streamed and not), one log record each', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  for (const stream of [false, true]) {
    const body = JSON.stringify({ model: 'claude-test', max_tokens: 3000, stream, thinking: { type: 'enabled', budget_tokens: 2000 }, messages: [{ role: 'user', content: 'hello there' }] });
    const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-good' };
    const via = await fetch(`${s.url}/v1/messages`, { method: 'POST', headers, body });
    const viaText = await via.text();
    assert.equal(s.mock.requests.at(-1)!.body!.max_tokens, 3000);
    assert.equal(JSON.stringify(s.mock.requests.at(-1)!.body), body, 'upstream got the same body');
    const direct = await fetch(`${s.mock.url}/v1/messages`, { method: 'POST', headers, body });
    assert.equal(via.status, 200);
    assert.equal(blank(viaText), blank(await direct.text()));
    assert.equal(via.headers.get('content-type'), direct.headers.get('content-type'));
  }
  // Through the SDKs too.
  const m = await anthropic(s, 'sk-good').messages.create({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(m.content[0]!.type, 'text');
  const c = await openai(s, 'sk-good').chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
  let text = '';
  for await (const chunk of c) text += chunk.choices[0]?.delta.content ?? '';
  assert.equal(text, 'Mock answer to: hi');
  const log = readLog(s);
  assert.equal(log.length, 4);
  const streamed = log[1]!;
  assert.equal(streamed.account_id, 'acct-good');
  assert.match(String(streamed.api_key_id), /^k_[0-9a-f]{16}$/);
  assert.ok(!JSON.stringify(log).includes('sk-good'), 'raw keys are never logged');
  assert.ok(Array.isArray(streamed.response), 'a streamed response is logged as its events');
  assert.equal(typeof streamed.output_tokens, 'number');
  assert.deepEqual((streamed.decision as { action: string }).action, 'allow');
  assert.ok((log[3]!.input_tokens as number) > 0 && (log[3]!.output_tokens as number) === 5, 'chat usage read from the streamed usage chunk');
  assert.equal(s.v.observed, 4, 'every call fed to the verdict source');
});

test('flag logs only; shadow mode enforces nothing but logs what it would do', async (t) => {
  const s = await stack('enforce');
  t.after(() => s.close());
  const m = await anthropic(s, 'sk-flag').messages.create({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(m.type, 'message');
  assert.deepEqual(readLog(s)[0]!.decision, { action: 'flag', rule: 'flag', mode: 'enforce', enforced: false, score: null, campaign_id: null });

  const sh = await stack('shadow');
  t.after(() => sh.close());
  for (const key of ['sk-bad', 'sk-chal', 'sk-camp1', 'sk-camp1', 'sk-camp1']) {
    await openai(sh, key).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
  }
  const th = await anthropic(sh, 'sk-sus').messages.create({ model: 'claude-test', max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 2000 }, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(th.content[0]!.type, 'thinking', 'shadow mode does not degrade');
  const d = readLog(sh).map((r) => r.decision as Record<string, unknown>);
  assert.deepEqual(
    d.map((x) => [x.action, x.enforced, x.budget ?? null]),
    [
      ['block', false, null],
      ['challenge', false, null],
      ['throttle', false, 'reserved'],
      ['throttle', false, 'reserved'],
      ['throttle', false, 'exhausted:account:requests'],
      ['degrade', false, null],
    ],
  );
});

test('challenge and block: provider-shaped 403s raised as the SDKs\' PermissionDeniedError', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  await assert.rejects(anthropic(s, 'sk-chal').messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), (e) => {
    assert.ok(e instanceof Anthropic.PermissionDeniedError);
    assert.equal(e.status, 403);
    assert.deepEqual(Object.keys(e.error as object), ['type', 'error']);
    assert.equal((e.error as { error: { type: string } }).error.type, 'permission_error');
    assert.match(e.message, /Verify your identity at https:\/\/verify\.example\/v/);
    return true;
  });
  await assert.rejects(openai(s, 'sk-chal').responses.create({ model: 'gpt-test', input: 'hi' }), (e) => {
    assert.ok(e instanceof OpenAI.PermissionDeniedError);
    assert.equal(e.code, 'verification_required');
    assert.equal(e.type, 'permission_error');
    return true;
  });
  await assert.rejects(anthropic(s, 'sk-bad').messages.stream({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage(), Anthropic.PermissionDeniedError);
  await assert.rejects(openai(s, 'sk-bad').chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }), (e) => e instanceof OpenAI.PermissionDeniedError && e.code === 'account_blocked');
  assert.equal(s.mock.calls, 0, 'nothing reached upstream');
  const log = readLog(s);
  assert.equal(log.length, 4);
  assert.ok(log.every((r) => r.status === 403 && (r.decision as { enforced: boolean }).enforced));
});

test('throttle: 429 in the provider shape once the account or campaign budget is spent', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  const ask = (key: string) => anthropic(s, key).messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  await ask('sk-camp1');
  await ask('sk-camp1');
  await assert.rejects(ask('sk-camp1'), (e) => {
    assert.ok(e instanceof Anthropic.RateLimitError);
    assert.equal((e.error as { error: { type: string } }).error.type, 'rate_limit_error');
    assert.ok(Number(e.headers?.get('retry-after')) >= 1);
    return true;
  });
  // camp2 has its own account budget but shares the campaign's (3 requests): one more fits, then 429.
  await openai(s, 'sk-camp2').chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
  await assert.rejects(openai(s, 'sk-camp2').chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }), (e) => {
    assert.ok(e instanceof OpenAI.RateLimitError);
    assert.equal(e.code, 'rate_limit_exceeded');
    assert.match(e.message, /campaign's requests budget/);
    return true;
  });
  assert.equal(s.mock.calls, 3);
  assert.deepEqual(
    readLog(s).map((r) => r.status),
    [200, 200, 429, 200, 429],
  );
});

test('degrade: reasoning withheld, caps applied; multi-turn Anthropic tool use with thinking completes (streamed and not)', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  const client = anthropic(s, 'sk-sus');
  const tools = [{ name: 'lookup', description: 'look something up', input_schema: { type: 'object' as const, properties: { q: { type: 'string' } }, required: ['q'] } }];
  for (const stream of [false, true]) {
    const base = { model: 'claude-test', max_tokens: 16000, thinking: { type: 'enabled' as const, budget_tokens: 8000 }, tools };
    const first = [{ role: 'user' as const, content: 'What is the capital of France?' }];
    const r1 = stream ? await client.messages.stream({ ...base, messages: first }).finalMessage() : await client.messages.create({ ...base, messages: first });
    assert.deepEqual(
      r1.content.map((b) => b.type),
      ['redacted_thinking', 'text', 'tool_use'],
    );
    assert.ok(!JSON.stringify(r1).includes('Step 1'), 'thinking text withheld');
    const up1 = s.mock.requests.at(-1)!.body!;
    assert.deepEqual([up1.max_tokens, (up1.thinking as { budget_tokens: number }).budget_tokens], [1524, 1024]);
    const use = r1.content.find((b) => b.type === 'tool_use')!;
    const second = [...first, { role: 'assistant' as const, content: r1.content }, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: use.id, content: 'Paris' }] }];
    const r2 = stream ? await client.messages.stream({ ...base, messages: second }).finalMessage() : await client.messages.create({ ...base, messages: second });
    assert.equal(r2.stop_reason, 'end_turn');
    assert.match(JSON.stringify(r2.content), /The tool returned: Paris/);
    // Upstream saw the original signed thinking block (the mock checks the signature).
    const up2 = s.mock.requests.at(-1)!.body!;
    const passedBack = (up2.messages as { content: { type: string }[] }[])[1]!.content[0]!;
    assert.equal(passedBack.type, 'thinking');
  }
  // OpenAI: chat reasoning_content and Responses summaries withheld, streamed and not.
  const oc = openai(s, 'sk-sus');
  const chat = await oc.chat.completions.create({ model: 'o-test', reasoning_effort: 'high', messages: [{ role: 'user', content: 'hi' }] });
  assert.ok(!('reasoning_content' in chat.choices[0]!.message));
  assert.equal(s.mock.requests.at(-1)!.body!.reasoning_effort, 'low');
  const cs = await oc.chat.completions.create({ model: 'o-test', reasoning_effort: 'high', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  for await (const chunk of cs) assert.ok(!JSON.stringify(chunk).includes('reasoning_content'));
  const rs = await oc.responses.create({ model: 'o-test', input: 'hi', reasoning: { effort: 'high', summary: 'auto' }, stream: true });
  const types: string[] = [];
  for await (const e of rs) types.push(e.type);
  assert.ok(!types.some((x) => x.includes('reasoning_summary')));
  assert.ok(types.includes('response.completed'));
  const rn = await oc.responses.create({ model: 'o-test', input: 'hi', reasoning: { effort: 'high' } });
  assert.deepEqual(rn.output[0], { ...rn.output[0], type: 'reasoning', summary: [] });
  const log = readLog(s);
  assert.equal(log.length, 8);
  assert.ok(log.every((r) => r.status === 200 && (r.decision as { action: string }).action === 'degrade'));
  assert.equal((log[0]!.decision as { withheld: number }).withheld, 1);
  assert.deepEqual((log[0]!.decision as { changed: string[] }).changed, ['thinking.budget_tokens', 'max_tokens']);
});
