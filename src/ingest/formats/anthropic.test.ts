import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InteractionInputSchema } from '../../model/interaction.js';
import { fixture } from '../../testutil/fixtures.js';
import { deriveFromBodies } from '../derive/index.js';
import { anthropicAdapter, detectAnthropic } from './anthropic.js';
import { detectOpenAI } from './openai.js';

type Line = Record<string, unknown>;

const logs: unknown[] = readFileSync(fixture('anthropic', 'logs.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as unknown);

/** The one record the adapter made, checked valid against the canonical schema, without its bodies. */
function record(line: unknown): { meta: Line; request: unknown; response: unknown } {
  const r = anthropicAdapter(line);
  assert.deepEqual(r.rejects, []);
  assert.equal(r.records.length, 1);
  const value = r.records[0]!.value;
  assert.ok(InteractionInputSchema.safeParse(value).success, JSON.stringify(InteractionInputSchema.safeParse(value).error?.issues));
  const { request, response, ...meta } = value;
  return { meta, request, response };
}

test('log line: account from request.metadata.user_id, metadata fields kept', () => {
  const line = logs[0] as Line;
  const { meta, request, response } = record(line);
  assert.deepEqual(meta, {
    id: 'log-0001',
    ts: '2025-06-01T12:00:00.250Z',
    account_id: 'acct-7f3a',
    api_key_id: 'key_prod_1',
    ip: '198.51.100.23',
    user_agent: 'anthropic-sdk-python/0.52.0',
    model: 'claude-sonnet-4-5-20250929',
    endpoint: '/v1/messages',
    status: 200,
    latency_ms: 2140.5,
  });
  assert.equal(request, line.request);
  assert.equal(response, line.response);
});

test('log line: streamed response as raw SSE text under "sse"; X-Forwarded-For first hop; epoch start_time', () => {
  const line = logs[1] as Line;
  const { meta, request, response } = record(line);
  assert.deepEqual(meta, {
    id: 'req_011CPvHoZkqWbqWBfBMzC9Nq',
    ts: 1748779260,
    account_id: 'acct-9b21',
    ip: '203.0.113.9',
    user_agent: 'claude-cli/1.0.3',
    model: 'claude-sonnet-4-5-20250929',
    endpoint: '/v1/messages',
  });
  const d = deriveFromBodies(request as Line, response, { endpoint: '/v1/messages' });
  assert.equal(d.stream, true);
  assert.equal(d.completion, 'Let me look up the weather in 東京 for you.');
  assert.equal(d.reasoning_chars, 90);
  assert.equal(d.input_tokens, 2520);
  assert.equal(d.output_tokens, 189);
});

test('Message Batches result lines: succeeded and errored', () => {
  const ok = record(logs[2]);
  assert.deepEqual(ok.meta, { id: 'batch-item-17', ts: '2025-06-02T08:30:00Z', account_id: 'acct-batch', model: 'claude-3-5-haiku-20241022', endpoint: '/v1/messages', status: 'succeeded' });
  const d = deriveFromBodies(ok.request as Line, ok.response);
  assert.equal(d.prompt, 'Translate to French: Hello world');
  assert.equal(d.completion, 'Bonjour le monde');
  assert.equal(d.output_tokens, 6);

  const err = record(logs[4]);
  assert.deepEqual(err.meta, { id: 'batch-item-18', ts: '2025-06-02T08:30:01Z', account_id: 'acct-batch', endpoint: '/v1/messages', status: 'errored' });
  assert.equal(deriveFromBodies(null, err.response).stop_reason, 'invalid_request_error');
});

test('log line missing the account is rejected; non-object line is rejected', () => {
  assert.deepEqual(anthropicAdapter(logs[3]), {
    records: [],
    rejects: [{ reason: 'no account id: expected one of account_id, user_id, user, customer_id, organization_id or request.user, request.safety_identifier, request.metadata.user_id' }],
  });
  assert.deepEqual(anthropicAdapter(logs[5]).rejects, [{ reason: 'not a JSON object: each anthropic log line must be one object' }]);
});

test('events list under "events"; id and model from the streamed message_start', () => {
  const { events } = JSON.parse(readFileSync(fixture('anthropic', 'messages-stream.json'), 'utf8')) as { events: unknown[] };
  const { meta, response } = record({ timestamp: '2025-06-03T00:00:00Z', account_id: 'a1', events });
  assert.deepEqual(meta, { id: 'msg_01Xj7fTyqDLyQ8zTZyyhjRbN', ts: '2025-06-03T00:00:00Z', account_id: 'a1', model: 'claude-sonnet-4-5-20250929', endpoint: '/v1/messages' });
  assert.equal(response, events);
});

test('detectAnthropic: Anthropic lines yes, OpenAI lines no', () => {
  for (const l of logs.slice(0, 5)) {
    assert.equal(detectAnthropic(l), true, JSON.stringify(l).slice(0, 80));
    assert.equal(detectOpenAI(l), false);
  }
  assert.equal(detectAnthropic(logs[5]), false);
  assert.equal(detectAnthropic({ request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] } }), false);
  assert.equal(detectAnthropic({ request: { model: 'claude-opus-4-1', messages: [{ role: 'user', content: 'x' }] } }), true);
  assert.equal(detectAnthropic({ events: ['event: message_start\ndata: {"type":"message_start","message":{}}'] }), true);
});
