/**
 * Scale-out: gateway replicas sharing budgets through one Redis, and serving through a Redis restart.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { scratch } from '../testutil/fixtures.js';
import { MockUpstream } from './mock-upstream.js';
import { parsePolicy } from './policy.js';
import { RedisBudget } from './redis-budget.js';
import { readLog, RedisServer, startStack, until } from './testkit.js';
import { StaticVerdicts } from './verdicts.js';

const tmp = scratch('dg-redis-');
after(() => tmp.cleanup());

const policy = (requests: number, tokens?: number) =>
  parsePolicy({
    mode: 'enforce',
    // A day-long fixed window: a minute-long one can roll over while a loaded machine runs the calls (two windows' budgets).
    rules: [{ when: { campaign: true }, action: 'throttle', throttle: { window_s: 86_400, campaign: { requests, ...(tokens ? { tokens } : {}) } } }],
  });
const verdicts = () =>
  new StaticVerdicts([
    ['acct-camp1', { score: 0.7, verdict: 'suspicious', campaign_id: 'c-9', reasons: [] }],
    ['acct-camp2', { score: 0.7, verdict: 'suspicious', campaign_id: 'c-9', reasons: [] }],
  ]);

test('two replicas sharing one Redis budget cannot overrun it under concurrent requests', async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.down());
  const mock = new MockUpstream({ chunkDelayMs: 1 });
  await mock.listen();
  t.after(() => mock.close());
  const prefix = `dg-${Date.now()}`;
  const replicas = await Promise.all(
    [0, 1].map(() => startStack({ dir: tmp.dir, sharedMock: mock, policy: policy(12, 6000), verdicts: verdicts(), budget: new RedisBudget({ url: redis.url, prefix, commandTimeoutMs: 10_000 }) })),
  );
  t.after(() => Promise.all(replicas.map((r) => r.close())));
  await Promise.all(replicas.map((r) => (r.gw.budget as RedisBudget).ready()));
  const calls = Array.from({ length: 48 }, (_, i) => {
    const r = replicas[i % 2]!;
    const key = i % 3 ? 'sk-camp1' : 'sk-camp2';
    return new OpenAI({ apiKey: key, baseURL: `${r.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: 'm', max_completion_tokens: 200, messages: [{ role: 'user', content: `q${i}` }], stream: i % 4 === 0, stream_options: i % 4 === 0 ? { include_usage: true } : undefined })
      .then(
        async (res) => {
          if (Symbol.asyncIterator in res) for await (const _ of res);
          return 200;
        },
        (e: unknown) => (e instanceof OpenAI.RateLimitError ? 429 : 0),
      );
  });
  const statuses = await Promise.all(calls);
  const ok = statuses.filter((x) => x === 200).length;
  assert.equal(statuses.filter((x) => x === 0).length, 0);
  // Every reservation was answered by Redis: with the default 100 ms command timeout a loaded machine made some
  // fail open (let through uncounted, as designed), and 13 calls passed a budget of 12.
  assert.deepEqual(
    replicas.map((r) => (r.gw.budget as RedisBudget).unavailableCount),
    [0, 0],
  );
  // 12 requests, and 6000 tokens at (prompt/3 + 200) each: whichever binds first, no more than 12 pass.
  assert.ok(ok >= 1 && ok <= 12, `${ok} calls passed`);
  assert.equal(mock.calls, ok);
  const logs = replicas.flatMap((r) => readLog(r));
  assert.equal(logs.length, 48);
  assert.equal(logs.filter((r) => r.status === 200).length, ok);
  // Settled usage: the shared token counter holds real usage, never more than the budget.
  const keys = await (replicas[0]!.gw.budget as RedisBudget).redis.keys(`${prefix}:c:*`);
  assert.equal(keys.length, 1);
  const used = await (replicas[0]!.gw.budget as RedisBudget).redis.hgetall(keys[0]!);
  assert.equal(Number(used.r), ok);
  assert.ok(Number(used.t) <= 6000);
});

test('Redis restart mid-run: fail-open keeps serving, fail-closed answers 503, budgets resume after', async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.down());
  const mock = new MockUpstream();
  await mock.listen();
  t.after(() => mock.close());
  const open = await startStack({ dir: tmp.dir, sharedMock: mock, policy: policy(3), verdicts: verdicts(), budget: new RedisBudget({ url: redis.url, prefix: 'o', failMode: 'open' }) });
  const closed = await startStack({ dir: tmp.dir, sharedMock: mock, policy: policy(3), verdicts: verdicts(), budget: new RedisBudget({ url: redis.url, prefix: 'c', failMode: 'closed' }) });
  t.after(() => Promise.all([open.close(), closed.close()]));
  const budgetOf = (s: typeof open) => s.gw.budget as RedisBudget;
  await budgetOf(open).ready();
  await budgetOf(closed).ready();
  const ask = (s: typeof open) =>
    new Anthropic({ apiKey: 'sk-camp1', baseURL: s.url, maxRetries: 0 }).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).then(
      () => 200,
      (e: unknown) => (e instanceof Anthropic.APIError ? (e.status ?? -1) : -1),
    );
  assert.deepEqual([await ask(open), await ask(open), await ask(open), await ask(open)], [200, 200, 200, 429]);
  assert.equal(await ask(closed), 200);

  await redis.down();
  await until(() => budgetOf(open).redis.status !== 'ready' && budgetOf(closed).redis.status !== 'ready', 3000, 'redis seen down');
  assert.deepEqual([await ask(open), await ask(open)], [200, 200], 'fail-open: served, unthrottled');
  assert.equal(await ask(closed), 503, 'fail-closed: refused');

  await redis.up();
  await budgetOf(open).ready(5000);
  await budgetOf(closed).ready(5000);
  // Redis came back empty: budgets start over and are enforced again.
  assert.deepEqual([await ask(open), await ask(open), await ask(open), await ask(open)], [200, 200, 200, 429]);
  assert.equal(await ask(closed), 200);

  const notes = readLog(open).map((r) => (r.decision as { budget: string }).budget);
  assert.deepEqual(notes, ['reserved', 'reserved', 'reserved', 'exhausted:campaign:requests', 'budget-unavailable', 'budget-unavailable', 'reserved', 'reserved', 'reserved', 'exhausted:campaign:requests']);
  const closedLog = readLog(closed);
  assert.deepEqual(closedLog.map((r) => r.status), [200, 503, 200]);
  assert.equal(((closedLog[1]!.response as { error: { type: string } }).error.type), 'overloaded_error');
});
