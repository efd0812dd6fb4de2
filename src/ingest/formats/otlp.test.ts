import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../../testutil/fixtures.js';
import { InteractionInputSchema } from '../../model/interaction.js';
import { anyValue, detectOtlp, otlpAdapter } from './otlp.js';

const doc = (): unknown => JSON.parse(readFileSync(fixture('otlp', 'genai-export.json'), 'utf8'));

test('detectOtlp', () => {
  assert.equal(detectOtlp(doc()), true);
  assert.equal(detectOtlp({ resourceSpans: [] }), true);
  assert.equal(detectOtlp({ id: 'x', ts: 1 }), false);
  assert.equal(detectOtlp(null), false);
  assert.equal(detectOtlp([]), false);
});

test('AnyValue mapping, intValue as a string', () => {
  assert.equal(anyValue({ intValue: '1200' }), 1200);
  assert.equal(anyValue({ intValue: 3 }), 3);
  assert.deepEqual(anyValue({ arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } }), ['a', true]);
  assert.deepEqual(anyValue({ kvlistValue: { values: [{ key: 'k', value: { doubleValue: 0.5 } }] } }), { k: 0.5 });
});

test('multi-span export: records and rejects, located by sub', () => {
  const { records, rejects } = otlpAdapter(doc());
  assert.deepEqual(
    records.map((r) => r.sub),
    [0, 4, 5],
  );
  assert.deepEqual(rejects, [
    { sub: 1, reason: 'not a model call (gen_ai.operation.name=execute_tool)' },
    { sub: 2, reason: 'not a GenAI span (no gen_ai.* attributes)' },
    { sub: 3, reason: 'no user identity: none of user.id, enduser.id, enduser.pseudo.id, gen_ai.request.user on the span or its resource' },
  ]);
  // Every record passes the canonical schema.
  for (const r of records) assert.ok(InteractionInputSchema.safeParse(r.value).success, JSON.stringify(r.value));
});

test('chat span with current conventions: messages in the parts format, tools, reasoning', () => {
  const chat = otlpAdapter(doc()).records[0]!.value;
  assert.deepEqual(chat, {
    id: 'chatcmpl-abc123',
    ts: 1717000000123, // from "1717000000123456789" ns, no float rounding
    account_id: 'acct-42',
    latency_ms: 1500,
    ip: '203.0.113.7',
    user_agent: 'python-httpx/0.27',
    model: 'gpt-4o',
    endpoint: 'chat',
    input_tokens: 1200,
    output_tokens: 85,
    status: 'ok',
    system: 'Answer about weather.',
    prompt: 'And tomorrow?\n[image]',
    otel_turns: 3,
    otel_tool_calls_in: 1,
    otel_has_image: true,
    completion: 'Showers likely.',
    otel_tool_calls_out: 1,
    otel_reasoning: 'User wants forecast.'.length,
    otel_finish_reason: 'tool_call',
    otel_tools: 2,
    otel_reasoning_tokens: 20,
    otel_max_tokens: 512,
    otel_temperature: 0.2,
    otel_n: 1,
    otel_response_model: 'gpt-4o-2024-08-06',
    otel_provider: 'openai',
    otel_conversation_id: 'conv_9',
    otel_server_address: 'api.openai.com',
    otel_service: 'chat-gateway',
    otel_trace_id: '5b8efff798038103d269b633813fc60c',
    otel_span_id: 'eee19b7ec3c1b174',
  });
});

test('older attribute names: gen_ai.system, prompt/completion tokens, indexed gen_ai.prompt.N, enduser.id, error status', () => {
  const old = otlpAdapter(doc()).records[1]!.value;
  assert.equal(old.id, '7b8efff798038103d269b633813fc60c:ddd19b7ec3c1b178');
  assert.equal(old.account_id, 'acct-old');
  assert.equal(old.otel_provider, 'openai');
  assert.equal(old.input_tokens, 30);
  assert.equal(old.output_tokens, 7);
  assert.equal(old.system, 'Be brief.');
  assert.equal(old.prompt, 'Name a prime.');
  assert.equal(old.completion, '7');
  assert.equal(old.otel_finish_reason, 'stop');
  assert.equal(old.status, 'error:rate_limited');
  assert.equal(old.latency_ms, 250);
  assert.equal(old.endpoint, undefined);
});

test('structured (kvlist/array) messages, identity from the resource, client.address that is not an IP', () => {
  const r = otlpAdapter(doc()).records[2]!.value;
  assert.equal(r.account_id, 'acct-res');
  assert.equal(r.prompt, 'Hi there');
  assert.equal(r.completion, 'Hello!');
  assert.equal(r.otel_finish_reason, 'stop');
  assert.equal(r.input_tokens, 5);
  assert.equal(r.ip, undefined);
  assert.equal(r.otel_service, 'edge-proxy');
});

test('internal agent spans are wrappers, client agent spans are calls; garbage never throws', () => {
  const span = (kind: number) => ({
    traceId: 't',
    spanId: 's' + kind,
    kind,
    startTimeUnixNano: '1717000000000000000',
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } },
      { key: 'user.id', value: { stringValue: 'u' } },
    ],
  });
  const res = otlpAdapter({ resourceSpans: [{ scopeSpans: [{ spans: [span(1), span(3), 'junk', { attributes: [{ key: 'gen_ai.x', value: {} }] }] }] }] });
  assert.deepEqual(res.records.map((r) => r.sub), [1]);
  assert.deepEqual(
    res.rejects.map((r) => [r.sub, r.reason]),
    [
      [0, 'not a model call (gen_ai.operation.name=invoke_agent, INTERNAL span)'],
      [2, 'span is not an object'],
      [3, 'no user identity: none of user.id, enduser.id, enduser.pseudo.id, gen_ai.request.user on the span or its resource'],
    ],
  );
  assert.deepEqual(otlpAdapter('nope'), { records: [], rejects: [{ reason: 'not an OTLP ExportTraceServiceRequest (no resourceSpans array)' }] });
});
