/**
 * Bad input and faults: clear provider-shaped errors, no crash, every model call logged exactly once.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { scratch } from '../testutil/fixtures.js';
import { Gateway } from './gateway.js';
import { keysFromObject } from './identity.js';
import { JsonlWriter } from './log.js';
import { freePort, readLog, startStack, TEST_KEYS, until, type Stack } from './testkit.js';

const tmp = scratch('dg-faults-');
after(() => tmp.cleanup());

const post = (s: Stack, path: string, body: string, headers: Record<string, string> = { 'x-api-key': 'sk-good' }) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** After the checks: the gateway still serves, and log ids are unique. */
async function stillServing(s: Stack): Promise<void> {
  const r = await post(s, '/v1/messages', JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'ok?' }] }));
  assert.equal(r.status, 200);
  await r.text();
  const ids = readLog(s).map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length);
}

test('bad requests: malformed JSON, non-object body, oversized body (declared and chunked), missing and unknown keys', async (t) => {
  const s = await startStack({ dir: tmp.dir, maxBodyBytes: 10_000 });
  t.after(() => s.close());
  const bad = await post(s, '/v1/messages', '{"model": "m", "messages": [');
  assert.equal(bad.status, 400);
  const badBody = (await bad.json()) as { type: string; error: { type: string; message: string } };
  assert.equal(badBody.type, 'error');
  assert.equal(badBody.error.type, 'invalid_request_error');
  assert.match(badBody.error.message, /not valid JSON/);
  const arr = await post(s, '/v1/chat/completions', '[1,2]', { authorization: 'Bearer sk-good' });
  assert.equal(arr.status, 400);
  assert.equal(((await arr.json()) as { error: { type: string } }).error.type, 'invalid_request_error');

  const big = await post(s, '/v1/chat/completions', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }), { authorization: 'Bearer sk-good' });
  assert.equal(big.status, 413);
  assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'request_too_large');
  // Chunked upload, no content-length: cut off as soon as it passes the limit.
  const chunked = await new Promise<number>((resolve, reject) => {
    const r = http.request(`${s.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-good', 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on('error', reject);
    r.write('{"pad":"');
    let sent = 0;
    const more = () => {
      if (sent > 30_000 || r.destroyed) return;
      sent += 4000;
      r.write('y'.repeat(4000), () => setImmediate(more));
    };
    more();
  });
  assert.equal(chunked, 413);

  await assert.rejects(new Anthropic({ apiKey: 'sk-unknown', baseURL: s.url, maxRetries: 0 }).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), Anthropic.AuthenticationError);
  await assert.rejects(new OpenAI({ apiKey: 'sk-unknown', baseURL: `${s.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (e) => e instanceof OpenAI.AuthenticationError && e.code === 'invalid_api_key');
  const none = await fetch(`${s.url}/v1/responses`, { method: 'POST', body: '{}' });
  assert.equal(none.status, 401);
  assert.match(((await none.json()) as { error: { message: string } }).error.message, /Missing API key/);

  assert.equal(s.mock.calls, 0);
  await until(() => readLog(s).length === 7, 2000, '7 log records');
  const log = readLog(s);
  assert.deepEqual(
    log.map((r) => r.status).sort(),
    [400, 400, 401, 401, 401, 413, 413],
  );
  assert.deepEqual(log.filter((r) => r.status === 401).map((r) => r.account_id), ['unauthenticated', 'unauthenticated', 'unauthenticated']);
  await stillServing(s);
});

test('upstream faults: 500 passed through, hang -> 504, unreachable -> 502, cut stream, client disconnect', async (t) => {
  const s = await startStack({ dir: tmp.dir, upstreamTimeoutMs: 300, mock: { record: true, chunkDelayMs: 30 } });
  t.after(() => s.close());
  const a = new Anthropic({ apiKey: 'sk-good', baseURL: s.url, maxRetries: 0 });
  const ask = { model: 'm', max_tokens: 5, messages: [{ role: 'user' as const, content: 'x' }] };

  await assert.rejects(a.messages.create(ask, { headers: { 'x-mock-status': '500' } }), (e) => e instanceof Anthropic.InternalServerError && e.status === 500);
  await assert.rejects(a.messages.create(ask, { headers: { 'x-mock-hang': '1' } }), (e) => {
    assert.ok(e instanceof Anthropic.APIError);
    assert.equal(e.status, 504);
    assert.equal((e.error as { error: { type: string } }).error.type, 'timeout_error');
    return true;
  });
  // A stream cut by upstream after 4 events: the SDK sees the stream end early.
  await assert.rejects(async () => {
    const st = a.messages.stream(ask, { headers: { 'x-mock-cut': '4' } });
    await st.finalMessage();
  });
  // Client disconnects mid-stream.
  await new Promise<void>((resolve, reject) => {
    const r = http.request(`${s.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-good', 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => {
        r.destroy();
        resolve();
      });
    });
    r.on('error', () => {});
    r.on('error', reject);
    r.end(JSON.stringify({ ...ask, stream: true }));
  });
  await until(() => readLog(s).length === 4, 3000, '4 log records');
  const log = readLog(s);
  const summary = log.map((r) => [r.status, (r.decision as { error?: string } | undefined)?.error ?? null]);
  assert.deepEqual(summary, [
    [500, null],
    [504, 'upstream_timeout'],
    [200, 'upstream_cut'],
    [499, 'client_closed'],
  ]);
  assert.ok(Array.isArray(log[3]!.response) && (log[3]!.response as unknown[]).length > 0, 'events received before the disconnect are logged');
  assert.equal(s.gw.inflight, 0);
  await stillServing(s);

  // Upstream unreachable.
  const dead = new Gateway({ upstream: `http://127.0.0.1:${await freePort()}`, keys: keysFromObject(TEST_KEYS), log: new JsonlWriter(`${tmp.dir}/dead.jsonl`) });
  const port = await dead.listen();
  t.after(() => dead.close(100));
  await assert.rejects(new OpenAI({ apiKey: 'sk-good', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (e) => {
    assert.ok(e instanceof OpenAI.APIError);
    assert.equal(e.status, 502);
    assert.equal(e.code, 'upstream_unreachable');
    return true;
  });
});

test('other paths are proxied untouched and not logged', async (t) => {
  const s = await startStack({ dir: tmp.dir });
  t.after(() => s.close());
  const r = await fetch(`${s.url}/v1/models`);
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { data: { id: string }[] }).data[0]!.id, 'mock-model');
  const nf = await fetch(`${s.url}/v2/whatever`, { method: 'POST', body: 'raw' });
  assert.equal(nf.status, 404);
  await nf.text();
  assert.equal(readLog(s).length, 0);
});
