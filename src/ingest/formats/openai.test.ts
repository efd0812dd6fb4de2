import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InteractionInputSchema } from '../../model/interaction.js';
import { fixture } from '../../testutil/fixtures.js';
import { deriveFromBodies } from '../derive/index.js';
import { detectAnthropic } from './anthropic.js';
import { detectOpenAI, openaiAdapter } from './openai.js';

type Line = Record<string, unknown>;

function lines(name: string): Line[] {
  return readFileSync(fixture('openai', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** The one record an adapter made, checked valid against the canonical schema, without its bodies. */
function record(line: unknown): { meta: Line; request: unknown; response: unknown } {
  const r = openaiAdapter(line);
  assert.deepEqual(r.rejects, []);
  assert.equal(r.records.length, 1);
  const value = r.records[0]!.value;
  assert.ok(InteractionInputSchema.safeParse(value).success, JSON.stringify(InteractionInputSchema.safeParse(value).error?.issues));
  const { request, response, ...meta } = value;
  return { meta, request, response };
}

const logs = lines('logs.jsonl');

test('log line: chat body + response, metadata names, ip:port, User-Agent header', () => {
  const line = logs[0]!;
  const { meta, request, response } = record(line);
  assert.deepEqual(meta, {
    id: 'req_a1',
    ts: '2025-03-10T01:25:52.120Z',
    account_id: 'acct-42',
    org_id: 'org-travel',
    ip: '203.0.113.7',
    user_agent: 'OpenAI/Python 1.66.3',
    model: 'gpt-4o-2024-08-06',
    endpoint: '/v1/chat/completions',
    latency_ms: 1830,
  });
  assert.equal(request, line.request);
  assert.equal(response, line.response);
});

test('log line: Responses stream as raw SSE under "sse"; time from the streamed response.created', () => {
  const line = logs[1]!;
  const { meta, request, response } = record(line);
  assert.deepEqual(meta, { id: 'req_a2', ts: 1746989954, account_id: 'acct-poet', model: 'o4-mini', endpoint: '/v1/responses' });
  assert.equal(response, line.sse);
  const d = deriveFromBodies(request as Line, response, { endpoint: meta.endpoint as string });
  assert.equal(d.api, 'openai.responses');
  assert.equal(d.stream, true);
  assert.equal(d.output_chars, 82);
  assert.equal(d.tool_calls_out, 1);
  assert.equal(d.output_tokens, 412);
});

test('log line missing the account is rejected with the names tried', () => {
  assert.deepEqual(openaiAdapter(logs[2]), {
    records: [],
    rejects: [{ reason: 'no account id: expected one of account_id, user_id, user, customer_id, organization_id or request.user, request.safety_identifier, request.metadata.user_id' }],
  });
});

test('log line: "body" + "events" list of data: strings; account from request.safety_identifier; metadata key id', () => {
  const line = logs[3]!;
  const { meta, response } = record(line);
  assert.deepEqual(meta, {
    id: 'req_a4',
    ts: '2025-03-10 01:30:00',
    account_id: 'acct-zh-5',
    api_key_id: 'key_ops',
    model: 'o4-mini',
    endpoint: '/v1/chat/completions',
    status: 200,
  });
  assert.equal(response, line.events);
  assert.equal(deriveFromBodies(line.body as Line, response).reasoning_tokens, 192);
});

test('log line: numeric customer_id; Responses follow-up', () => {
  const { meta } = record(logs[4]);
  assert.deepEqual(meta, { id: 'req_a5', ts: '2025-03-10T02:00:00Z', account_id: 42, model: 'o4-mini', endpoint: '/v1/responses' });
});

test('Batch API output lines: input line under request, missing account, expired request', () => {
  const [ok, noAccount, expired] = lines('batch-output.jsonl');
  const a = record(ok);
  assert.deepEqual(a.meta, { id: 'batch_req_67f2a1b0c8e48190b7a3d5f2e9c1a4b6', ts: 1743940000, account_id: 'acct-batch-7', model: 'gpt-4o-mini', endpoint: '/v1/chat/completions', status: 200 });
  const body = (ok!.response as Line).body;
  assert.equal(a.response, body);
  assert.equal(a.request, ((ok!.request as Line).body as Line));
  const d = deriveFromBodies(a.request as Line, a.response, { endpoint: '/v1/chat/completions' });
  assert.equal(d.prompt, 'Explain photosynthesis in one sentence.');
  assert.equal(d.system, 'You are a biology tutor.');
  assert.equal(d.completion, 'Photosynthesis turns light into chemical energy.');
  assert.equal(d.max_tokens, 1000);

  assert.equal(openaiAdapter(noAccount).rejects[0]?.reason.startsWith('no account id: expected one of account_id'), true);

  const e = record(expired);
  assert.deepEqual(e.meta, { id: 'batch_req_67f2a1b0e1a48190c3d2e1f0a9b8c7d6', ts: '2025-04-06T12:00:00Z', account_id: 'acct-batch-7', status: 'batch_expired' });
  assert.equal(e.response, undefined);
});

test('wrappers: JSON-text bodies, generic {status, headers, body} response, user object, headers, bad ip dropped', () => {
  const res = { id: 'chatcmpl-1', object: 'chat.completion', created: 1700000000, model: 'gpt-4.1', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] };
  const { meta, request, response } = record({
    request_body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    response: { status: 200, headers: { 'x-request-id': 'req_x' }, body: JSON.stringify(res) },
    user: { id: 'u-9', email: 'a@example.com' },
    request_headers: { 'X-Forwarded-For': '2001:db8::1, 10.0.0.2', 'user-agent': 'curl/8.5' },
    remote_addr: 'not-an-ip',
  });
  assert.deepEqual(meta, { id: 'chatcmpl-1', ts: 1700000000, account_id: 'u-9', ip: '2001:db8::1', user_agent: 'curl/8.5', model: 'gpt-4.1', endpoint: '/v1/chat/completions', status: 200 });
  assert.deepEqual(request, { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
  assert.deepEqual(response, res);
});

test('all missing: one reject naming id, time and account; non-objects rejected', () => {
  assert.deepEqual(openaiAdapter({ request: { model: 'gpt-4o', messages: [] } }).rejects, [
    {
      reason:
        "no id: expected one of id, request_id, custom_id or a response id; no timestamp: expected one of ts, timestamp, created_at, time, start_time or the response's created / created_at; no account id: expected one of account_id, user_id, user, customer_id, organization_id or request.user, request.safety_identifier, request.metadata.user_id",
    },
  ]);
  for (const v of [null, 1, 'x', [1]]) assert.equal(openaiAdapter(v).rejects.length, 1);
});

test('detectOpenAI: OpenAI lines yes, Anthropic lines and others no', () => {
  for (const l of [...logs, ...lines('batch-output.jsonl')]) {
    assert.equal(detectOpenAI(l), true, JSON.stringify(l).slice(0, 80));
    assert.equal(detectAnthropic(l), false);
  }
  assert.equal(detectOpenAI({ custom_id: 'r', method: 'POST', url: '/v1/responses', body: { model: 'o3', input: 'x' } }), true, 'a Batch input line');
  assert.equal(detectOpenAI({ request: { model: 'o3', input: 'x' } }), true);
  assert.equal(detectOpenAI({ request: { model: 'claude-3', messages: [], system: 'x' }, response: { type: 'message' } }), false);
  assert.equal(detectOpenAI({ id: 1, ts: 2, account_id: 'a', prompt: 'x' }), false);
  assert.equal(detectOpenAI(null), false);
});
