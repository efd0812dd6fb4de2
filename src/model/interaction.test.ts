import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InteractionInputSchema, parseTimestamp } from './interaction.js';

test('timestamps: ISO-8601 forms and epoch seconds, milliseconds, microseconds', () => {
  const t = Date.UTC(2026, 3, 22, 10, 30, 0);
  assert.equal(parseTimestamp('2026-04-22T10:30:00Z'), t);
  assert.equal(parseTimestamp('2026-04-22T10:30:00.000Z'), t);
  assert.equal(parseTimestamp('2026-04-22T12:30:00+02:00'), t);
  assert.equal(parseTimestamp('2026-04-22 10:30:00Z'), t);
  assert.equal(parseTimestamp(t / 1000), t); // epoch seconds
  assert.equal(parseTimestamp(t / 1000 + 0.5), t + 500); // fractional seconds
  assert.equal(parseTimestamp(t), t); // epoch milliseconds
  assert.equal(parseTimestamp(t * 1000), t); // microseconds
  assert.equal(parseTimestamp(String(t / 1000)), t); // numeric string
  assert.equal(parseTimestamp('yesterday'), null);
  assert.equal(parseTimestamp('22/04/2026'), null);
  assert.equal(parseTimestamp(''), null);
  assert.equal(parseTimestamp(-5), null);
  assert.equal(parseTimestamp(Number.NaN), null);
});

test('input schema: required fields, coercions, unknown fields kept aside', () => {
  const ok = InteractionInputSchema.safeParse({ id: 7, ts: '2026-04-22T10:30:00Z', account_id: 'a1', asn: 'AS13335', ip: '2001:db8::1', extra: { x: 1 } });
  assert.ok(ok.success);
  assert.equal(ok.data.id, '7');
  assert.equal(ok.data.asn, 13335);
  const missing = InteractionInputSchema.safeParse({ id: 'x', ts: 1 });
  assert.ok(!missing.success);
  assert.deepEqual(
    missing.error.issues.map((i) => i.path.join('.')),
    ['account_id'],
  );
  const badIp = InteractionInputSchema.safeParse({ id: 'x', ts: 1e12, account_id: 'a', ip: '300.1.1.1' });
  assert.ok(!badIp.success);
  assert.match(badIp.error.issues[0]!.message, /IPv4 or IPv6/);
});
