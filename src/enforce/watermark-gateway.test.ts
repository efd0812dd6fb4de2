/**
 * The watermark action end to end through the official SDKs: client -> gateway -> an upstream answering with
 * long prose (watermark-testkit.ts), streamed and not, for Anthropic Messages, Chat Completions and Responses.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { scratch } from '../testutil/fixtures.js';
import { parseSse } from '../ingest/derive/sse.js';
import { Gateway } from './gateway.js';
import { keysFromObject } from './identity.js';
import { JsonlWriter } from './log.js';
import { signThinking } from './mock-plan.js';
import { parsePolicy, type Policy } from './policy.js';
import { TEST_KEYS, until } from './testkit.js';
import { StaticVerdicts } from './verdicts.js';
import { setWatermarkKey, watermarkKeyProblem, type WatermarkNote } from './watermark.js';
import { PROTECTED_SPANS, ProseUpstream, THINKING_PROSE, TOOL_PROSE, type ProseOptions } from './watermark-testkit.js';
import { keyFromSecret, type WatermarkKey } from '../provenance/key.js';
import { defaultLexicon } from '../provenance/lexicon.js';
import { Rng } from '../provenance/rng.js';
import { verifyTexts } from '../provenance/verify.js';
import { createWatermarker } from '../provenance/watermark.js';

type Obj = Record<string, unknown>;
const tmp = scratch('dg-wm-');
after(() => tmp.cleanup());

const KEY = keyFromSecret(new Rng('wm-gateway-test').bytes32());
const RATE = 0.05;
const wm = createWatermarker(KEY, { maxChangeRate: RATE });

const verdicts = () =>
  new StaticVerdicts([
    ['acct-bad', { score: 0.8, verdict: 'distillation', campaign_id: 'c-1', reasons: [] }],
    ['acct-sus', { score: 0.6, verdict: 'suspicious', campaign_id: null, reasons: [] }],
  ]);
const policy = (mode: 'enforce' | 'shadow'): Policy =>
  parsePolicy({ mode, rules: [{ name: 'mark-campaigns', when: { campaign: true }, action: 'watermark', watermark: { max_change_rate: RATE } }] });

interface WmStack {
  up: ProseUpstream;
  gw: Gateway;
  url: string;
  events: string[];
  log(): Obj[];
  close(): Promise<void>;
}

async function stack(mode: 'enforce' | 'shadow' = 'enforce', key: WatermarkKey | null = KEY, pol: Policy = policy(mode), upOpts: ProseOptions = {}): Promise<WmStack> {
  const up = new ProseUpstream(upOpts);
  await up.listen();
  const logPath = join(tmp.dir, `wm-${Math.random().toString(36).slice(2)}.jsonl`);
  const events: string[] = [];
  const gw = new Gateway({ upstream: up.url, policy: pol, verdicts: verdicts(), keys: keysFromObject(TEST_KEYS), log: new JsonlWriter(logPath), onEvent: (m) => events.push(m) });
  setWatermarkKey(gw, key);
  const port = await gw.listen();
  return {
    up,
    gw,
    url: `http://127.0.0.1:${port}`,
    events,
    log: () => {
      gw.log?.flushSync();
      return existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Obj) : [];
    },
    close: async () => {
      await gw.close(2000);
      await up.close();
    },
  };
}

const anthropic = (s: WmStack, key: string) => new Anthropic({ apiKey: key, baseURL: s.url, maxRetries: 0 });
const openai = (s: WmStack, key: string) => new OpenAI({ apiKey: key, baseURL: `${s.url}/v1`, maxRetries: 0 });

const lex = defaultLexicon();
const core = (w: string) => w.replace(/^[^A-Za-z]+|[^A-Za-z']+$/g, '').toLowerCase();

/** Checks that `served` differs from `original` only in lexicon words of the same set (same spacing). */
function onlyLexiconWordsChanged(original: string, served: string): number {
  const a = original.split(/(\s+)/);
  const b = served.split(/(\s+)/);
  assert.equal(a.length, b.length, 'same words and spacing');
  let changed = 0;
  a.forEach((w, i) => {
    if (w === b[i]) return;
    changed++;
    const x = lex.byWord.get(core(w));
    assert.ok(x !== undefined && x === lex.byWord.get(core(b[i]!)), `"${w}" -> "${b[i]}" is not a swap within a lexicon set`);
  });
  return changed;
}

/** The served text carries the mark; everything protected arrived unchanged. */
function assertMarked(original: string, served: string): void {
  assert.equal(served, wm.text(original), 'the served text is the keyed mark of upstream text');
  assert.notEqual(served, original);
  for (const span of PROTECTED_SPANS) assert.ok(served.includes(span), `protected span changed: ${span}`);
  const changed = onlyLexiconWordsChanged(original, served);
  const words = original.split(/\s+/).length;
  assert.ok(changed > 0 && changed <= RATE * words + 1, `${changed} words changed of ${words}`);
  // One response of about 600 words holds 60-90 distinct sites: enough for z > 3 on its own.
  const marked = verifyTexts(KEY, [served]);
  const plain = verifyTexts(KEY, [original]);
  assert.ok(marked.z > 3 && marked.p < 2e-3, `mark found in one response: z ${marked.z.toFixed(2)}, p ${marked.p}`);
  assert.ok(marked.z - plain.z > 2.5, `z served ${marked.z.toFixed(2)} vs upstream ${plain.z.toFixed(2)}`);
  const other = verifyTexts(OTHER_KEY, [served]);
  assert.ok(other.z < 3, `another key does not find it (z ${other.z.toFixed(2)})`);
  served_.push(served);
  originals.push(original);
}
const OTHER_KEY = keyFromSecret(new Rng('another key').bytes32());
/** Every marked text served in a test, and upstream's originals. */
const served_: string[] = [];
const originals: string[] = [];

const tools = [{ name: 'search', description: 'search the web', input_schema: { type: 'object' as const, properties: { query: { type: 'string' } }, required: ['query'] } }];
const fnTools = [{ type: 'function' as const, function: { name: 'search', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];
const respTools = [{ type: 'function' as const, name: 'search', strict: false, parameters: { type: 'object', properties: { query: { type: 'string' } } } }];
const question = 'Explain caching in web services, with an example.';

test('non-streamed: text marked (verifiable from one response); code, JSON, URLs, numbers, tool input, thinking and signatures untouched', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  // Anthropic Messages, with thinking and a tool; then the tool loop continues with the served content.
  const ac = anthropic(s, 'sk-bad');
  const base = { model: 'claude-test', max_tokens: 16000, thinking: { type: 'enabled' as const, budget_tokens: 8000 }, tools };
  const first = [{ role: 'user' as const, content: question }];
  const m = await ac.messages.create({ ...base, messages: first });
  assert.deepEqual(
    m.content.map((b) => b.type),
    ['thinking', 'text', 'tool_use'],
  );
  const th = m.content[0] as Anthropic.ThinkingBlock;
  assert.deepEqual([th.thinking, th.signature], [THINKING_PROSE, signThinking(THINKING_PROSE)], 'thinking and its signature as upstream sent them');
  assertMarked(s.up.answerFor(s.up.requests.at(-1)!), (m.content[1] as Anthropic.TextBlock).text);
  const use = m.content[2] as Anthropic.ToolUseBlock;
  assert.deepEqual(use.input, { query: TOOL_PROSE });
  const m2 = await ac.messages.create({ ...base, messages: [...first, { role: 'assistant', content: m.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'cached' }] }] });
  assert.equal(m2.stop_reason, 'end_turn', 'upstream accepted the thinking block back (signature valid)');
  assertMarked(s.up.answerFor(s.up.requests.at(-1)!), (m2.content.find((b) => b.type === 'text') as Anthropic.TextBlock).text);

  // Chat Completions, with reasoning and a tool call.
  const oc = openai(s, 'sk-bad');
  const c = await oc.chat.completions.create({ model: 'gpt-test', reasoning_effort: 'high', tools: fnTools, messages: [{ role: 'user', content: question }] });
  const msg = c.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
  assertMarked(s.up.answerFor(s.up.requests.at(-1)!), msg.content!);
  assert.equal(msg.reasoning_content, THINKING_PROSE);
  const call = msg.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
  assert.equal(call.function.arguments, JSON.stringify({ query: TOOL_PROSE }));

  // Responses, with reasoning and a function call.
  const r = await oc.responses.create({ model: 'gpt-test', input: question, reasoning: { effort: 'high' }, tools: respTools });
  const original = s.up.answerFor(s.up.requests.at(-1)!);
  assertMarked(original, r.output_text);
  const reasoning = r.output.find((o) => o.type === 'reasoning')!;
  assert.equal(reasoning.summary[0]!.text, THINKING_PROSE);
  const fc = r.output.find((o) => o.type === 'function_call')!;
  assert.equal(fc.arguments, JSON.stringify({ query: TOOL_PROSE }));
  const part = (r.output.find((o) => o.type === 'message')!.content[0] as OpenAI.Responses.ResponseOutputText).text;
  assert.equal(part, r.output_text);

  // Over the four responses together the evidence is overwhelming for the key, and absent for another key.
  const all = verifyTexts(KEY, served_);
  assert.ok(all.z > 5 && all.p < 1e-7, `four responses: z ${all.z.toFixed(2)}, p ${all.p}`);
  assert.ok(verifyTexts(KEY, originals).p > 0.001, 'the unmarked originals do not test positive');
  assert.ok(verifyTexts(OTHER_KEY, served_).p > 0.001, 'another key finds nothing');

  // content-length is the length of the rewritten body.
  for (const [path, body] of [
    ['/v1/messages', { model: 'c', max_tokens: 100, messages: [{ role: 'user', content: 'length check' }] }],
    ['/v1/chat/completions', { model: 'g', messages: [{ role: 'user', content: 'length check' }] }],
    ['/v1/responses', { model: 'g', input: 'length check' }],
  ] as const) {
    const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bad', 'x-api-key': 'sk-bad' }, body: JSON.stringify(body) });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(bytes.length), path);
    assert.ok(!bytes.toString('utf8').includes(JSON.stringify(s.up.answerFor(s.up.requests.at(-1)!)).slice(1, -1)), `${path}: the unmarked text is not served`);
  }

  // Each record says the response was marked, with the key id and the figures.
  const log = s.log();
  assert.equal(log.length, 7);
  for (const rec of log) {
    const d = rec.decision as { action: string; enforced: boolean; watermark: WatermarkNote };
    assert.deepEqual([d.action, d.enforced, d.watermark.key_id, d.watermark.skipped], ['watermark', true, KEY.id, undefined]);
    assert.ok(d.watermark.texts === 1 && d.watermark.changed > 0 && d.watermark.changed <= RATE * d.watermark.words, JSON.stringify(d.watermark));
  }
  // The logged response is what the client received.
  assert.equal(((log[0]!.response as Obj).content as Obj[])[1]!.text, (m.content[1] as Anthropic.TextBlock).text);
});

test('streamed: the deltas concatenate to the non-streamed marked text; other events, order and usage unchanged (three APIs, SDKs)', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  const ac = anthropic(s, 'sk-bad');
  const oc = openai(s, 'sk-bad');
  const aBody = { model: 'claude-test', max_tokens: 16000, thinking: { type: 'enabled' as const, budget_tokens: 8000 }, tools, messages: [{ role: 'user' as const, content: question }] };

  // Anthropic: the streamed text equals the non-streamed response's text for the same messages.
  const whole = await ac.messages.create(aBody);
  const wholeText = (whole.content[1] as Anthropic.TextBlock).text;
  let streamed = '';
  const st = ac.messages.stream(aBody).on('text', (d) => void (streamed += d));
  const fm = await st.finalMessage();
  assert.equal(streamed, wholeText);
  assertMarked(s.up.answerFor(s.up.requests.at(-1)!), streamed);
  assert.deepEqual(fm.content, whole.content.map((b) => (b.type === 'tool_use' ? { ...b, id: (fm.content[2] as Anthropic.ToolUseBlock).id } : b)));

  // Chat Completions.
  const cBody = { model: 'gpt-test', reasoning_effort: 'high' as const, tools: fnTools, messages: [{ role: 'user' as const, content: question }] };
  const cw = await oc.chat.completions.create(cBody);
  let cs = '';
  let args = '';
  let usage: OpenAI.CompletionUsage | null | undefined = null;
  for await (const chunk of await oc.chat.completions.create({ ...cBody, stream: true, stream_options: { include_usage: true } })) {
    cs += chunk.choices[0]?.delta.content ?? '';
    args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(cs, cw.choices[0]!.message.content);
  assert.equal(args, JSON.stringify({ query: TOOL_PROSE }));
  assert.ok(usage !== null && usage.completion_tokens > 0);

  // Responses.
  const rBody = { model: 'gpt-test', input: question, reasoning: { effort: 'high' as const }, tools: respTools };
  const rw = await oc.responses.create(rBody);
  let rs = '';
  const rst = oc.responses.stream(rBody).on('response.output_text.delta', (e) => void (rs += e.delta));
  const fr = await rst.finalResponse();
  assert.equal(rs, rw.output_text);
  assert.equal(fr.output_text, rw.output_text);
  assert.equal((fr.output.find((o) => o.type === 'message')!.content[0] as OpenAI.Responses.ResponseOutputText).text, rw.output_text);

  // Wire level: the events other than text deltas are upstream's, in upstream's order (ids and clocks aside).
  const blank = (x: string) => x.replace(/(msg|toolu|call|chatcmpl-|resp|rs|fc)_?mock[0-9a-z]{6}/g, 'ID').replace(/"(created|created_at)":\d+/g, '"$1":0');
  const isText = (d: Obj | null) =>
    d !== null && ((d.type === 'content_block_delta' && (d.delta as Obj).type === 'text_delta') || d.type === 'response.output_text.delta' || (Array.isArray(d.choices) && typeof ((d.choices[0] as Obj | undefined)?.delta as Obj | undefined)?.content === 'string'));
  const sse = async (base: string, path: string, body: Obj) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bad', 'x-api-key': 'sk-bad' }, body: JSON.stringify(body) });
    return parseSse(await res.text()).map((e) => ({ e, d: e.data === '[DONE]' ? null : (JSON.parse(e.data) as Obj) }));
  };
  const noText = (k: string, v: unknown) => (k === 'sequence_number' || k === 'text' || k === 'output_text' ? undefined : v);
  for (const [path, body] of [
    ['/v1/messages', { ...aBody, stream: true }],
    ['/v1/chat/completions', { ...cBody, stream: true, stream_options: { include_usage: true } }],
    ['/v1/responses', { ...rBody, stream: true }],
  ] as const) {
    const via = await sse(s.url, path, body);
    const direct = await sse(s.up.url, path, body);
    if (path === '/v1/chat/completions') {
      // No chunk added or dropped; chunks without text byte for byte; the finish chunk carries the rest.
      assert.equal(via.length, direct.length);
      const noContent = (d: Obj | null) => blank(JSON.stringify(d, (k, v: unknown) => (k === 'content' ? undefined : v)));
      via.forEach((x, i) => {
        const y = direct[i]!;
        if (isText(y.d)) assert.equal(noContent(x.d), noContent(y.d));
        else if (isText(x.d)) assert.equal(noContent(x.d), noContent(y.d), 'the finish chunk: only content added');
        else assert.equal(blank(x.e.data), blank(y.e.data), 'chunk byte for byte');
      });
      continue;
    }
    const viaOther = via.filter((x) => !isText(x.d));
    const directOther = direct.filter((x) => !isText(x.d));
    assert.deepEqual(
      viaOther.map((x) => x.e.event),
      directOther.map((x) => x.e.event),
      `${path}: same events in the same order`,
    );
    viaOther.forEach((x, i) => {
      const y = directOther[i]!;
      if (path === '/v1/responses') assert.equal(blank(JSON.stringify(x.d, noText)), blank(JSON.stringify(y.d, noText)), `${path}: ${x.e.event}`);
      else assert.equal(blank(x.e.data), blank(y.e.data), `${path}: ${x.e.event} byte for byte`);
    });
    assert.ok(via.length - direct.length >= 0 && via.length - direct.length <= 1, `${path}: at most one text delta added`);
  }

  // Usage in the log as upstream reported it; streamed and non-streamed records mark the same figures.
  const log = s.log();
  const notes = log.map((r) => (r.decision as { watermark: WatermarkNote }).watermark);
  assert.deepEqual(notes[1], notes[0], 'Anthropic: same figures streamed and not');
  assert.deepEqual(notes[3], notes[2], 'Chat: same figures streamed and not');
  assert.deepEqual(notes[5], notes[4], 'Responses: same figures streamed and not');
  for (const i of [1, 3, 5]) assert.equal(typeof log[i]!.output_tokens, 'number');
  assert.deepEqual([log[1]!.input_tokens, log[1]!.output_tokens], [fm.usage.input_tokens, fm.usage.output_tokens]);
  assert.equal(log[0]!.output_tokens, whole.usage.output_tokens);
  assert.equal(log[3]!.output_tokens, usage!.completion_tokens);
  assert.equal(log[5]!.output_tokens, fr.usage!.output_tokens);
});

test('accounts not under the watermark rule, and shadow mode, get upstream text unchanged', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  const sh = await stack('shadow');
  t.after(() => sh.close());
  for (const [st, key] of [
    [s, 'sk-good'],
    [s, 'sk-sus'],
    [sh, 'sk-bad'],
  ] as const) {
    const ac = anthropic(st, key);
    const m = await ac.messages.create({ model: 'c', max_tokens: 100, messages: [{ role: 'user', content: question }] });
    const original = st.up.answerFor(st.up.requests.at(-1)!);
    assert.equal((m.content[0] as Anthropic.TextBlock).text, original);
    let streamed = '';
    await ac.messages
      .stream({ model: 'c', max_tokens: 100, messages: [{ role: 'user', content: question }] })
      .on('text', (d) => void (streamed += d))
      .finalMessage();
    assert.equal(streamed, original);
    const oc = openai(st, key);
    const c = await oc.chat.completions.create({ model: 'g', messages: [{ role: 'user', content: question }] });
    assert.equal(c.choices[0]!.message.content, st.up.answerFor(st.up.requests.at(-1)!));
    const r = await oc.responses.create({ model: 'g', input: question });
    assert.equal(r.output_text, st.up.answerFor(st.up.requests.at(-1)!));
  }
  const d = s.log().map((r) => r.decision as Obj);
  assert.ok(d.every((x) => x.action === 'allow' && x.watermark === undefined));
  const dsh = sh.log().map((r) => r.decision as Obj);
  assert.ok(dsh.every((x) => x.action === 'watermark' && x.enforced === false && x.watermark === undefined), 'shadow: decided and logged, not applied');
});

test('configuration: a policy that can decide watermark needs a key; a gateway without one serves unmarked and says so', async (t) => {
  const p = policy('enforce');
  assert.match(watermarkKeyProblem(p, null, 'p.json') ?? '', /^p\.json: \$\.rules\[0\] \("mark-campaigns"\) uses the watermark action, but no watermark key is configured/);
  assert.equal(watermarkKeyProblem(p, KEY), null);
  assert.equal(watermarkKeyProblem(parsePolicy({ rules: [{ when: {}, action: 'flag' }] }), null), null);
  assert.match(watermarkKeyProblem(parsePolicy({ default: 'watermark' }), null) ?? '', /\$\.default uses/);
  assert.throws(() => parsePolicy({ rules: [{ when: {}, action: 'watermark', watermark: { max_change_rate: 0 } }] }), /\$\.rules\[0\]\.watermark\.max_change_rate/);

  const s = await stack('enforce', null);
  t.after(() => s.close());
  const oc = openai(s, 'sk-bad');
  for (let i = 0; i < 2; i++) {
    const c = await oc.chat.completions.create({ model: 'g', messages: [{ role: 'user', content: question }] });
    assert.equal(c.choices[0]!.message.content, s.up.answerFor(s.up.requests.at(-1)!));
  }
  const d = s.log().map((r) => r.decision as { enforced: boolean; watermark: WatermarkNote });
  assert.deepEqual(
    d.map((x) => [x.enforced, x.watermark.skipped, x.watermark.key_id]),
    [
      [false, 'no_key', null],
      [false, 'no_key', null],
    ],
  );
  assert.equal(s.events.filter((e) => e.includes('without a watermark key')).length, 1, 'told once');
});

test('upstream errors pass through unmarked, and the record says why', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  // A thinking block with a bad signature: upstream answers 400 (as the real API does).
  const messages = [
    { role: 'user' as const, content: 'hi' },
    { role: 'assistant' as const, content: [{ type: 'thinking' as const, thinking: 'However, big.', signature: 'forged' }, { type: 'text' as const, text: 'ok' }] },
    { role: 'user' as const, content: 'again' },
  ];
  await assert.rejects(anthropic(s, 'sk-bad').messages.create({ model: 'c', max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 2000 }, messages }), (e) => {
    assert.ok(e instanceof Anthropic.BadRequestError);
    assert.match(e.message, /Invalid `signature`/);
    return true;
  });
  const d = s.log()[0]!.decision as { watermark: WatermarkNote };
  assert.deepEqual([d.watermark.skipped, d.watermark.key_id, d.watermark.texts], ['upstream_error', KEY.id, 0]);
});

test('logprobs are withheld from marked calls (they would list the unmarked tokens) unless the rule keeps them', async (t) => {
  const s = await stack();
  t.after(() => s.close());
  const oc = openai(s, 'sk-bad');
  const c = await oc.chat.completions.create({ model: 'g', logprobs: true, top_logprobs: 3, messages: [{ role: 'user', content: question }] });
  assertMarked(s.up.answerFor(s.up.requests.at(-1)!), c.choices[0]!.message.content!);
  const upChat = s.up.requests.at(-1)!;
  assert.ok(!('logprobs' in upChat) && !('top_logprobs' in upChat), 'upstream was not asked for logprobs');
  await oc.responses.create({ model: 'g', input: question, top_logprobs: 2, include: ['message.output_text.logprobs', 'reasoning.encrypted_content'] });
  const upResp = s.up.requests.at(-1)!;
  assert.deepEqual([upResp.include, 'top_logprobs' in upResp], [['reasoning.encrypted_content'], false]);
  // Unmarked accounts keep them.
  await openai(s, 'sk-good').chat.completions.create({ model: 'g', logprobs: true, top_logprobs: 3, messages: [{ role: 'user', content: question }] });
  assert.deepEqual([s.up.requests.at(-1)!.logprobs, s.up.requests.at(-1)!.top_logprobs], [true, 3]);
  const d = s.log().map((r) => (r.decision as { changed?: string[] }).changed);
  assert.deepEqual(d, [['logprobs', 'top_logprobs'], ['top_logprobs', 'include'], undefined]);

  const keep = await stack('enforce', KEY, parsePolicy({ mode: 'enforce', rules: [{ when: { campaign: true }, action: 'watermark', watermark: { keep_logprobs: true } }] }));
  t.after(() => keep.close());
  await openai(keep, 'sk-bad').chat.completions.create({ model: 'g', logprobs: true, top_logprobs: 3, messages: [{ role: 'user', content: question }] });
  assert.deepEqual([keep.up.requests.at(-1)!.logprobs, keep.up.requests.at(-1)!.top_logprobs], [true, 3]);
  assert.equal((keep.log()[0]!.decision as { watermark: WatermarkNote }).watermark.key_id, KEY.id);
});

test('a marked stream cut by upstream is cut towards the client; its record still says it was marked', async (t) => {
  const s = await stack('enforce', KEY, policy('enforce'), { chunkDelayMs: 2 });
  t.after(() => s.close());
  const ac = new Anthropic({ apiKey: 'sk-bad', baseURL: s.url, maxRetries: 0, defaultHeaders: { 'x-mock-cut': '60' } });
  let got = '';
  await assert.rejects(
    ac.messages
      .stream({ model: 'c', max_tokens: 100, messages: [{ role: 'user', content: question }] })
      .on('text', (d) => void (got += d))
      .finalMessage(),
  );
  const original = s.up.answerFor(s.up.requests.at(-1)!);
  assert.ok(got.length > 0 && wm.text(original).startsWith(got), `what was sent is the start of the marked text: ${JSON.stringify(got)}`);
  await until(() => s.log().length === 1, 3000, 'the record');
  const d = s.log()[0]!.decision as { error: string; watermark: WatermarkNote };
  assert.equal(d.error, 'upstream_cut');
  assert.equal(d.watermark.key_id, KEY.id);
  assert.ok(d.watermark.words > 0, JSON.stringify(d.watermark));
});
