import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBudget, type BudgetStore, type ReserveRequest } from './budget.js';
import { RedisBudget } from './redis-budget.js';
import { RedisServer, until } from './testkit.js';
import { ThrottleSchema } from './policy.js';

const limits = ThrottleSchema.parse({ window_s: 60, account: { requests: 3, tokens: 1000 }, campaign: { requests: 5 } });
const req = (account: string, estimate = 100, campaign: string | null = null, now = 1_000_000): ReserveRequest => ({ account, campaign, estimate, limits, now });

async function semantics(b: BudgetStore): Promise<void> {
  const ok = await b.reserve(req('a'));
  assert.ok(ok.ok && ok.ticket);
  assert.ok((await b.reserve(req('a'))).ok);
  assert.ok((await b.reserve(req('a'))).ok);
  const r4 = await b.reserve(req('a'));
  assert.ok(!r4.ok && r4.reason === 'exhausted' && r4.scope === 'account' && r4.kind === 'requests');
  assert.ok(r4.retryAfterMs > 0 && r4.retryAfterMs <= 60_000);
  // The next window is fresh.
  assert.ok((await b.reserve(req('a', 100, null, 1_000_000 + 60_000))).ok);
  // Tokens: 600 reserved, settled to 100; then 800 more fit (100 + 800 <= 1000), 200 more do not.
  const t = await b.reserve(req('b', 600));
  assert.ok(t.ok && t.ticket);
  await b.settle(t.ticket, 100);
  assert.ok((await b.reserve(req('b', 800))).ok);
  const over = await b.reserve(req('b', 200));
  assert.ok(!over.ok && over.reason === 'exhausted' && over.kind === 'tokens');
  // Campaign budget shared by several accounts (5 requests), even when each account has room.
  for (const a of ['c1', 'c2', 'c3', 'c1', 'c2']) assert.ok((await b.reserve(req(a, 1, 'camp'))).ok);
  const c = await b.reserve(req('c3', 1, 'camp'));
  assert.ok(!c.ok && c.reason === 'exhausted' && c.scope === 'campaign');
  // A refused reservation charges nothing: c3 alone still has 2 requests left without the campaign.
  assert.ok((await b.reserve(req('c3', 1))).ok);
}

test('memory budget: requests, tokens, settle, windows, campaigns', async () => {
  await semantics(new MemoryBudget());
});

test('redis budget: same semantics; concurrent reservations from two clients never overrun', async (t) => {
  const server = await RedisServer.start();
  t.after(() => server.down());
  const prefix = `t${Date.now()}`;
  const a = new RedisBudget({ url: server.url, prefix });
  const b = new RedisBudget({ url: server.url, prefix });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  await a.ready();
  await b.ready();
  await semantics(a);
  const many = ThrottleSchema.parse({ window_s: 60, account: { requests: 25 } });
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).reserve({ account: 'race', campaign: null, estimate: 1, limits: many, now: 5_000_000 })));
  assert.equal(results.filter((r) => r.ok).length, 25);
});

test('redis budget: fail-open and fail-closed while redis is down, recovery when it returns', async (t) => {
  const server = await RedisServer.start();
  t.after(() => server.down());
  const states: string[] = [];
  const open = new RedisBudget({ url: server.url, failMode: 'open', prefix: 'fo', onState: (s) => states.push(s) });
  const closed = new RedisBudget({ url: server.url, failMode: 'closed', prefix: 'fc' });
  t.after(async () => {
    await open.close();
    await closed.close();
  });
  await open.ready();
  await closed.ready();
  const one = ThrottleSchema.parse({ window_s: 60, account: { requests: 1 } });
  const r = (b: RedisBudget) => b.reserve({ account: 'x', campaign: null, estimate: 1, limits: one, now: 7_000_000 });
  assert.ok((await r(open)).ok);
  assert.ok(!(await r(open)).ok);
  await server.down();
  await until(() => open.redis.status !== 'ready', 3000, 'redis seen down');
  const o = await r(open);
  assert.ok(o.ok && o.note === 'budget-unavailable');
  const c = await r(closed);
  assert.ok(!c.ok && c.reason === 'unavailable');
  await server.up();
  await open.ready(5000);
  await closed.ready(5000);
  // Redis restarted empty (no persistence): the budget starts over, and enforcement resumes.
  assert.ok((await r(open)).ok);
  assert.ok(!(await r(open)).ok);
  assert.ok((await r(closed)).ok);
  assert.deepEqual(states.slice(0, 3), ['up', 'down', 'up']);
});
