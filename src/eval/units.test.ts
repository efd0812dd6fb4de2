/** Unit tests of the helpers: Jaccard, top-k, leakage of one account, interaction counters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountLabel } from '../model/labels.js';
import type { Decision } from '../model/results.js';
import { accountIdsAtAGlance, addInteraction } from './interactions.js';
import { f1, jaccard, ratio, sameSet, topKeys } from './metrics.js';
import { firstBlockTimes, leakedOf, timelines } from './online.js';
import { duration, table } from './table.js';
import type { AccountServed } from './types.js';

test('ratio, f1, jaccard, topKeys, sameSet', () => {
  assert.equal(ratio(1, 0), null);
  assert.equal(f1(0, 0), null);
  assert.equal(f1(null, 1), null);
  assert.equal(jaccard(new Set(), new Set()), 0);
  assert.equal(jaccard(new Set(['a', 'b']), new Set(['b', 'c'])), 1 / 3);
  // ties broken by name; undefined shares ignored
  assert.deepEqual(topKeys({ z: 0.4, a: 0.4, m: 0.2, u: undefined }, 2), ['a', 'z']);
  assert.deepEqual(topKeys({ coding: 1 }, 2), ['coding']);
  assert.equal(sameSet(['a', 'b'], ['b', 'a']), true);
  assert.equal(sameSet(['a'], ['a', 'b']), false);
});

const label = (role: AccountLabel['role'], interactions: number, distill: number): AccountLabel => ({
  account_id: 'x',
  campaign_id: 'C',
  role,
  group: role,
  interactions,
  distillation_interactions: distill,
});
const dec = (ts: string, action: Decision['action'], served_before?: number): Decision => ({
  ts,
  account_id: 'x',
  action,
  score: 0.5,
  campaign_id: null,
  reasons: [],
  ...(served_before === undefined ? {} : { served_before }),
});

test('leakedOf: never blocked, served_before, proportional mixed proxy, unknown', () => {
  const tl = (...d: Decision[]) => timelines(d).get('x') ?? [];
  assert.deepEqual(leakedOf(label('attacker', 10, 10), tl(dec('2025-01-01T00:00:00Z', 'flag')), undefined), { leaked: 10, source: 'never_blocked' });
  assert.deepEqual(leakedOf(label('attacker', 10, 10), tl(dec('2025-01-01T00:00:00Z', 'block', 3)), undefined), { leaked: 3, source: 'served_before' });
  // mixed proxy: 8 served × 5/20 distillation = 2
  assert.deepEqual(leakedOf(label('proxy_mixed', 20, 5), tl(dec('2025-01-01T00:00:00Z', 'block', 8)), undefined), { leaked: 2, source: 'served_before' });
  assert.deepEqual(leakedOf(label('attacker', 10, 10), tl(dec('2025-01-01T00:00:00Z', 'block')), undefined), { leaked: null, source: 'unknown' });
  // with an interactions file that has no line for the account: nothing was served
  assert.deepEqual(leakedOf(label('attacker', 10, 10), tl(dec('2025-01-01T00:00:00Z', 'block')), new Map()), { leaked: 0, source: 'interactions' });
  // served_before is capped at the account's distillation interactions
  assert.deepEqual(leakedOf(label('attacker', 10, 10), tl(dec('2025-01-01T00:00:00Z', 'block', 50)), undefined), { leaked: 10, source: 'served_before' });
});

test('firstBlockTimes orders by time, not file order', () => {
  const m = firstBlockTimes([dec('2025-01-01T02:00:00Z', 'block'), dec('2025-01-01T01:00:00+00:00', 'block')]);
  assert.equal(m.get('x'), Date.parse('2025-01-01T01:00:00Z'));
});

test('addInteraction: counts before the block, distillation ids, first times', () => {
  const s: AccountServed = { total: 0, first_ts: null, first_distillation_ts: null, served_before_block: 0, distillation_served_before_block: 0 };
  const ids = new Set(['d1', 'd2']);
  addInteraction(s, 'g1', 300, 250, ids); // after block
  addInteraction(s, 'd1', 200, 250, ids); // distillation, served
  addInteraction(s, 'd2', 250, 250, ids); // at the block time: not served
  addInteraction(s, 'g0', 100, 250, ids);
  assert.deepEqual(s, { total: 4, first_ts: 100, first_distillation_ts: 200, served_before_block: 2, distillation_served_before_block: 1 });
});

test('table and duration', () => {
  assert.equal(table(['name', 'n'], [['a', 1], ['bb', 10]]), 'name   n\n----  --\na      1\nbb    10');
  assert.equal(duration(3725), '1h02m');
  assert.equal(duration(65), '1m05s');
  assert.equal(duration(-5), '-5s');
  assert.equal(duration(null), '-');
});

test('accountIdsAtAGlance: finds every account_id key, or says the line must be parsed', () => {
  assert.deepEqual(accountIdsAtAGlance('{"id":"1","account_id":"a7","ts":1}'), ['a7']);
  assert.deepEqual(accountIdsAtAGlance('{"account_id": 42}'), ['42']);
  // a nested key adds a candidate; an escaped one inside a string does not match
  assert.deepEqual(accountIdsAtAGlance('{"meta":{"account_id":"n"},"account_id":"a","p":"{\\"account_id\\":\\"z\\"}"}'), ['n', 'a']);
  assert.equal(accountIdsAtAGlance('{"id":"1"}'), null); // no key: parse (and report it missing)
  assert.equal(accountIdsAtAGlance('{"account_id":"a\\"b"}'), null); // escaped value: parse
  assert.equal(accountIdsAtAGlance('{"account_id":null}'), null);
});
