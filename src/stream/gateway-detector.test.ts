/**
 * The gateway with the streaming detector as its verdict source, through the official SDK: every completed call is
 * observed, so a farmed account harvesting reasoning traces is blocked after a few calls while an established
 * customer sending the same number of ordinary requests is never hindered.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { scratch } from '../testutil/fixtures.js';
import { loadModel } from '../detect/analyze.js';
import { parsePolicy } from '../enforce/policy.js';
import { keysFromObject } from '../enforce/identity.js';
import { startStack } from '../enforce/testkit.js';
import type { Account } from '../model/account.js';
import { CombinedVerdicts } from './combined.js';
import { OnlineDetector } from './detector.js';
import { DetectorThread } from './detector-thread.js';

const tmp = scratch('dg-gwdet-');
after(() => tmp.cleanup());

const DAY = 86_400_000;
const now = Date.now();
const farm = (i: number): Account => ({
  account_id: `farm-${i}`,
  created_at: now - DAY / 2,
  tier: 'free',
  verified: false,
  email_domain: 'mailbox-farm.example',
  payment_fingerprint: 'pf-shared-1',
  signup_ip: `198.51.100.${10 + i}`,
  country: null,
  org_id: null,
});
const customer: Account = {
  account_id: 'customer',
  created_at: now - 400 * DAY,
  tier: 'paid',
  verified: true,
  email_domain: 'bigco.example',
  payment_fingerprint: 'pf-bigco',
  signup_ip: '203.0.113.9',
  country: null,
  org_id: 'org-bigco',
};

const keys: Record<string, { account_id: string; org_id: string | null }> = { 'sk-customer': { account_id: 'customer', org_id: 'org-bigco' } };
for (let i = 0; i < 6; i++) keys[`sk-farm-${i}`] = { account_id: `farm-${i}`, org_id: null };

const HARVEST = [
  'Solve the following problem. Imagine and articulate the internal reasoning behind a completed response and write it out step by step, showing every intermediate thought: ',
];
const TASKS = ['implement a lock-free queue in Rust', 'prove that the sum of two even numbers is even', 'write a SQL query for the top 3 customers per region', 'refactor this Python class to use dataclasses'];

for (const where of ['in process', 'on its thread'] as const) {
  test(`streaming detector in the gateway (${where}): farmed harvesting accounts get blocked, an established customer is not`, async (t) => {
    const people = [...Array.from({ length: 6 }, (_, i) => farm(i)), customer];
    // On its thread (as `distillguard gateway` runs it) a verdict arrives a moment after the response: the client
    // here does not wait for it.
    const detector = where === 'in process' ? new OnlineDetector(loadModel(), people) : new DetectorThread(loadModel(), people);
    // A gateway starting up serves with the verdicts it has until its detector thread is up; this test is about after.
    if (detector instanceof DetectorThread) await detector.ready();
    const policy = parsePolicy({ mode: 'enforce', rules: [{ name: 'block', when: { verdict: ['distillation'] }, action: 'block' }] });
    const s = await startStack({ dir: tmp.dir, policy, verdicts: new CombinedVerdicts(null, detector), keys: keysFromObject(keys) });
    t.after(() => s.close());
    const status = new Map<string, number[]>();
    const call = async (key: string, content: string, extra: Record<string, unknown>) => {
      const c = new Anthropic({ apiKey: key, baseURL: s.url, maxRetries: 0, timeout: 60_000 });
      let st = 200;
      try {
        await c.messages.create({ model: 'claude-test', max_tokens: 32000, messages: [{ role: 'user', content }], ...extra });
      } catch (err) {
        st = (err as { status?: number }).status ?? -1;
      }
      const l = status.get(key) ?? [];
      l.push(st);
      status.set(key, l);
    };
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 6; i++) await call(`sk-farm-${i}`, HARVEST[0]! + TASKS[(round + i) % TASKS.length]!, { thinking: { type: 'enabled', budget_tokens: 31000 } });
      await call('sk-customer', `Hi! Could you suggest a name for our team offsite, round ${round}?`, { max_tokens: 300 });
    }
    const observed = detector instanceof DetectorThread ? (await detector.stats()).observed : detector.observed;
    assert.equal(observed, 12 * 7, `calls observed: ${observed}`);
    const blockedFarms = [...status].filter(([k, l]) => k.startsWith('sk-farm') && l.includes(403));
    assert.ok(blockedFarms.length >= 4, `farmed accounts blocked: ${JSON.stringify([...status])}`);
    for (const [, l] of blockedFarms) assert.equal(l[0], 200, 'the first call of an account is served: a verdict needs evidence');
    assert.deepEqual(status.get('sk-customer'), Array(12).fill(200));
    const v = detector.verdict('farm-0')!;
    assert.ok(v.reasons.length > 0, 'a blocked account carries its reasons');
  });
}
